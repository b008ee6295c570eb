// The worker's end for transfer.test.mjs: a real Caller (js_glue/stub.js) in a worker thread,
// running the round trips the test asks for and posting back what each returned.
import { parentPort } from "node:worker_threads";
import { Caller } from "../../js_glue/stub.js";
import { DATA_OFFSET, Slot, State } from "../../js_glue/protocol.js";

parentPort.on("message", ({ buffer, doorbell, timeoutMs, frames, rawHeader }) => {
  const caller = new Caller(buffer, timeoutMs, { doorbell });
  if (rawHeader) {
    // a request header that describes no frame, written by hand: the server must refuse it
    const i32 = new Int32Array(buffer, 0, DATA_OFFSET / 4);
    i32[Slot.TOTAL] = rawHeader.total;
    i32[Slot.CHUNK] = rawHeader.chunk;
    Atomics.store(i32, Slot.STATE, State.REQUEST);
    Atomics.notify(i32, Slot.STATE);
    caller.transfer.ring?.();
    Atomics.wait(i32, Slot.STATE, State.REQUEST, timeoutMs);
    Atomics.wait(i32, Slot.STATE, State.BUSY, timeoutMs);
    const data = new Uint8Array(buffer, DATA_OFFSET, i32[Slot.CHUNK]).slice();
    parentPort.postMessage([{ reply: data }]);
    return;
  }
  const results = frames.map((frame) => {
    try {
      const reply = caller.roundtrip(frame);
      return typeof reply === "string" ? { failure: reply } : { reply: reply.slice() };
    } catch (e) {
      return { error: { name: e.name, message: e.message } };
    }
  });
  parentPort.postMessage(results);
});
