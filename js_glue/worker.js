// @ts-check
// A PyWorker's Web Worker: boots Pyodide or MicroPython from the locally served copy, installs
// pyscript-ffi on the shared buffer the page sent, runs the user's Python file, then carries
// the page's calls (exports, callbacks) into Python.
//
// Messages (kinds in protocol.js `Message`; docs/protocol.md, "Page-to-worker calls"):
//   from the page: BOOT (with `buffer`, the shared buffer, or `relay`, the relay's URL: relay.js,
//                  and `lane`, the port of its suspending lane: relay-stub.js; `tag`, a
//                  PyScript tag's context, from core.js; `io`, the page's
//                  input/stdout/stderr functions, stdio.js), then EXPORT, CALLBACK, FORGET
//                  (handed to the runtime's `deliver`)
//   to the page:   READY or FAILED, then SETTLE for each call; RING after each request when
//                  BOOT carried no doorbell (serving.js); KEEP, a first boot's Pyodide snapshot
//                  (snapshot.js)

import { bootMicroPython, bootPyodide, consoleOutput, mark } from "./boot.js";
import { prepare } from "./environment.js";
import { toHex } from "./micro.js";
import { INTERRUPT_SIGNAL, Message, Slot } from "./protocol.js";
import { Caller, interruptBuffer } from "./stub.js";
import { RelayCaller } from "./relay-stub.js";
import { micropythonStub, pyodideStub } from "./python-stub.js";

/** @type {any} the Python runtime object, once booted */
let runtime = null;
/** @type {any[]} page calls that arrived before the runtime was ready */
const early = [];
/** @type {Int32Array | null} the interrupt word Pyodide watches (its interrupt buffer) */
let interruptWord = null;

/** @type {RelayCaller | null} the relay's caller, whose suspending lane may hold a call */
let relayCaller = null;
/** @type {any} Pyodide's runtime.deliver, entered with callPromising (see deliver), or null */
let deliverPromising = null;
/** @type {(() => void)[]} what waits for a call waiting suspended to end, in order (relay-stub.js) */
const holding = [];

/**
 * `run` now, or, while a call waits suspended on the relay's lane, once it has ended (Python
 * entered then would run in the middle of a statement of the Python that waits), after what was
 * held before it.
 * @param {() => void} run
 */
function whenNotSuspended(run) {
  if (relayCaller?.suspended || holding.length) holding.push(run);
  else run();
}

/** Run what was held, until a call suspends again; one that throws is reported, and the rest run. */
function release() {
  while (holding.length && !relayCaller?.suspended) {
    try {
      /** @type {() => void} */ (holding.shift())();
    } catch (e) {
      reportError(e); // as the browser reports what throws in a task
    }
  }
}

/**
 * Hand one page call to Python. An interrupt that lands as Python enters or leaves the call
 * (before the user's function runs, or while its answer is sent) escapes it: the call is then
 * answered with it, so the page sees the KeyboardInterrupt and its call settles; for a FORGET,
 * which answers nothing, the interrupt is stored back, to be raised in the next Python that
 * runs. Neither the call nor the interrupt is lost. With the relay's suspending lane, Python is
 * entered so that its calls to the page can suspend (callPromising).
 * @param {any} message
 */
function deliver(message) {
  whenNotSuspended(() => {
    try {
      const entered = deliverPromising ? deliverPromising.callPromising(message) : runtime.deliver(message);
      if (entered instanceof Promise) entered.catch((e) => undelivered(message, e));
    } catch (e) {
      undelivered(message, e);
    }
  });
}

/** @param {any} message @param {unknown} e */
function undelivered(message, e) {
  const error = String(/** @type {any} */ (e)?.message ?? e);
  if (message.call) {
    self.postMessage({ kind: Message.SETTLE, call: message.call, error });
  } else if (interruptWord && error.includes("KeyboardInterrupt")) {
    Atomics.store(interruptWord, 0, INTERRUPT_SIGNAL);
  } else {
    console.error("pyscript-ffi: a page call into the worker failed", e);
  }
}

mark("worker");
self.onmessage = (event) => {
  const message = event.data;
  if (message.kind === Message.BOOT) {
    mark("BOOT");
    boot(message)
      .catch((e) => self.postMessage({ kind: Message.FAILED, error: e?.message ?? String(e) }))
      .finally(sendHeld);
  } else if (runtime) {
    deliver(message);
  } else {
    early.push(message);
  }
};

/** The RING message: a request is waiting (sent only where the page has no doorbell). */
const RING = Object.freeze({ kind: Message.RING });

/**
 * @param {{ type: string, buffer: SharedArrayBuffer | null, doorbell: SharedArrayBuffer | null, relay: string | null, lane: MessagePort | null, src: string, timeoutMs: number, tag?: any, io?: Uint8Array, snapshot: boolean }} options
 *   (buffer null: the page serves this worker through the relay at the URL `relay`, relay.js,
 *   and `lane` is its suspending lane's port, relay-stub.js)
 */
async function boot({ type, buffer, doorbell, relay, lane, src, timeoutMs, tag, io, snapshot }) {
  const caller = buffer
    ? new Caller(buffer, timeoutMs, { doorbell, post: () => self.postMessage(RING) })
    : new RelayCaller(/** @type {string} */ (relay), timeoutMs, type === "pyodide" ? lane : null);
  if (type === "micropython") return bootMicro(caller, src, tag, io);
  const { pyodide, code, snapshot: used } = await bootPyodide(src, { snapshot, keep: keepOnPage });
  if (caller instanceof RelayCaller && caller.suspends) holdWhileSuspended(pyodide, caller);
  // the page's interrupt() stores SIGINT here: Pyodide raises KeyboardInterrupt in running code
  if (buffer) {
    interruptWord = new Int32Array(buffer, Slot.INTERRUPT * 4, 1);
    pyodide.setInterruptBuffer(/** @type {any} */ (interruptBuffer(interruptWord)));
  }
  pyodide.registerJsModule("_pyscript_ffi_stub", pyodideStub(caller, (message) => self.postMessage(message)));
  const app = pyodide.pyimport("pyscript_ffi._pyodide").start_worker();
  if (relayCaller) deliverPromising = app.deliver; // see deliver
  mark("imports");
  if (io) app.use_stdio(io); // input() asks the page; sys.stdout/stderr go to its handlers
  if (tag) await prepare(pyodide, "pyodide", { ...tag, worker: true, where: src }); // a PyScript tag (core.js)
  // the page's calls into Python (callbacks) are answered while the file awaits at its top level
  runtime = app;
  for (const message of early.splice(0)) deliver(message);
  const exports = (await app.run(code, src)).toJs();
  mark("ran");
  self.postMessage({ kind: Message.READY, exports, snapshot: used });
}

/**
 * The relay's suspending lane is open: while a Python stack waits suspended in a call, the
 * page's calls into Python (deliver) and the callbacks of Pyodide's asyncio loop
 * (pyodide.webloop) that come due are held until it has resumed, so no other Python runs in the
 * middle of the caller's statement. The loop's callbacks scheduled after the call's reply landed
 * are Pyodide resuming that stack (run_sync), and run.
 * @param {any} pyodide @param {RelayCaller} caller
 */
function holdWhileSuspended(pyodide, caller) {
  relayCaller = caller;
  caller.onResumed = () => {
    if (holding.length) setTimeout(release, 0); // once the resumed Python has returned or suspended again
  };
  const webloop = pyodide.pyimport("pyodide.webloop");
  const schedule = webloop.scheduleCallback;
  webloop.scheduleCallback = (/** @type {any} */ callback, /** @type {number} */ delay) => {
    const resuming = caller.suspended && caller.waiting === null ? caller.landings : -1;
    schedule(() => {
      if (caller.suspended && resuming === caller.landings && caller.waiting === null) callback();
      else whenNotSuspended(() => callback());
    }, delay);
  };
  webloop.destroy();
}

/** @type {{ key: string, bytes: Uint8Array } | null} the snapshot this worker made, until READY */
let held = null;

/**
 * A snapshot this worker made goes to the page to keep (moved, not copied: see keepSnapshot),
 * once READY or FAILED is posted, off the boot's path (see keepWhenIdle).
 * @param {string} key @param {Uint8Array} bytes
 */
function keepOnPage(key, bytes) {
  held = { key, bytes };
}

function sendHeld() {
  if (held) self.postMessage({ kind: Message.KEEP, ...held }, [held.bytes.buffer]);
  held = null;
}

/** The same for MicroPython, through the stub of micro.js (see pyscript_ffi/_micro.py). */
async function bootMicro(/** @type {Caller | RelayCaller} */ caller, /** @type {string} */ src, /** @type {any} */ tag, /** @type {Uint8Array | undefined} */ io) {
  const output = consoleOutput();
  const { micropython, code, memory } = await bootMicroPython(src, output);
  const stub = micropythonStub(caller, (message) => self.postMessage(message), memory);
  const app = micropython.pyimport("pyscript_ffi._micro").start_worker(stub);
  if (io) {
    // input() asks the page; the streams it has handlers for go there (MicroPython's own
    // output hook gives lines already, and its sys.stdout cannot be replaced)
    for (const name of Array.from(app.use_stdio(toHex(io)))) {
      output[/** @type {"stdout" | "stderr"} */ (name)] = (line) => {
        // interrupt() during the line's call: raised as the print returns (this hook cannot
        // raise through it; it is on the worker's own thread, where MicroPython takes the signal)
        if (app.write(name, line)) micropython._module._mp_sched_keyboard_interrupt();
      };
    }
  }
  if (tag) await prepare(micropython, "micropython", { ...tag, worker: true, where: src });
  // the page's calls into Python (callbacks) are answered while the file awaits at its top level
  runtime = {
    /** @param {any} m */
    deliver(m) {
      app.deliver(m.kind, m.call ?? 0, m.kind === Message.EXPORT ? m.name : m.id, m.frame ? toHex(m.frame) : "");
    },
  };
  for (const message of early.splice(0)) deliver(message);
  let exported = app.run(code, src);
  if (exported == null) {
    // a file that awaits at its top level (as PyScript allows): MicroPython runs it as a coroutine
    await micropython.runPythonAsync(code);
    exported = app.main_exports(src);
  }
  self.postMessage({ kind: Message.READY, exports: Array.from(exported), snapshot: "off" });
}
