// @ts-check
// What a worker's Python takes as its stub (pyscript_ffi/_pyodide.py imports it as the module
// `_pyscript_ffi_stub`; pyscript_ffi/_micro.py is handed it): the Caller's round trips, and
// `post` for the answers to the page's calls. worker.js (a PyWorker) and pyscript-worker.js (a
// PyScript worker under the plugin) make theirs here; they differ in where `post` sends.

import { Message } from "./protocol.js";
import { PinnedFrames } from "./stub.js";
import { microStub } from "./micro.js";

/**
 * What the stubs take of a Caller: a Caller, or a RelayCaller (relay-stub.js) where the page
 * serves the worker without shared memory.
 * @typedef {{ timeoutMs: number, roundtrip: (frame: Uint8Array) => Uint8Array | string, pause: (ms: number) => void }} AnyCaller
 */

/**
 * Pyodide's stub. `post` gets each message Python posts, as a plain object (its frame copied
 * out of Python's bytes).
 * @param {AnyCaller} caller @param {(message: any) => void} post
 */
export function pyodideStub(caller, post) {
  return {
    caller,
    /** @param {any} bytearray a PyProxy of the transport's bytearray (create_proxy) */
    pin: (bytearray) => new PinnedFrames(caller, bytearray),
    /** @param {any} message @param {any} frame a PyProxy of Python bytes, or undefined */
    post(message, frame) {
      const out = message.toJs({ dict_converter: Object.fromEntries });
      if (frame !== undefined) {
        const view = frame.getBuffer("u8");
        out.frame = view.data.slice();
        view.release();
      }
      post(out);
    },
  };
}

/**
 * MicroPython's stub (micro.js): `post` gets each SETTLE. With MicroPython's wasm `memory`
 * (boot.js), frames cross by address; without (a MicroPython PyScript booted), as hex.
 * @param {AnyCaller} caller @param {(message: any) => void} post
 * @param {WebAssembly.Memory | null} [memory]
 */
export function micropythonStub(caller, post, memory = null) {
  return microStub({
    memory,
    timeoutMs: caller.timeoutMs,
    roundtrip: (frame) => caller.roundtrip(frame),
    pause: (ms) => caller.pause(ms),
    settle: (call, frame, error) =>
      post(error != null ? { kind: Message.SETTLE, call, error } : { kind: Message.SETTLE, call, frame }),
  });
}
