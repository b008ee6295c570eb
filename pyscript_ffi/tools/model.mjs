// @ts-check
// The serving model: one main thread answering N worker threads' synchronous round trips over
// SharedArrayBuffers, in plain JavaScript under Node (no browser, no Python), so a serving design
// can be judged on a machine of any core count. `python -m pyscript_ffi model` runs it.
//
//   node model.mjs [--workers 1,2,4,8] [--calls 20000] [--designs loops,doorbell,polling,post]
//                  [--work-us 0] [--worker-us 0] [--spin-us 100] [--poll-us 50]
//
// Every worker does the same thing in every design: write a request into its own buffer, store
// REQUEST in its STATE word, let the main thread know (how: the design), then poll STATE for a
// short while and block in Atomics.wait until the main thread stores REPLY: the worker stub's way
// (js_glue/stub.js), adaptive polling included. The designs differ in how the main thread, which
// must never block, learns that a request is waiting:
//
//   loops     one Atomics.waitAsync loop per worker, each parked on that worker's STATE word
//   doorbell  one shared doorbell word: a worker adds 1 to it and notifies it; the main thread
//             parks in one waitAsync on the doorbell and answers every pending worker in one pass
//             (the page's design before polling)
//   polling   the doorbell, and the main thread polls it a short adaptive while before it parks
//             (the page's design: js_glue/serving.js)
//   post      a postMessage from the worker per call, on which the main thread makes the same
//             pass (the page's fallback where waitAsync is missing)
//
// --work-us stands for the page's dispatch of one call (busy work on the main thread), --worker-us
// for the worker's own Python between two calls (busy work in the worker), which decides whether
// the main thread's poll catches the next request. --spin-us is the longest a worker polls for
// its reply before it blocks (the stub's SPIN_MAX_MS; 0: block at once), --poll-us the longest
// the main thread of "polling" polls its doorbell before it parks (serving.js POLL_MAX_MS): both
// adaptive as in the page, so that another policy can be judged without a browser.
//
// Prints calls/s in all for each design and worker count, the ratio to one worker, and the
// p99 of the slowest worker over the median worker's p99 (fairness).

import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

const IDLE = 0;
const REQUEST = 1;
const BUSY = 2;
const REPLY = 3;
/** Words of a worker's buffer: STATE, then a counter the main thread echoes back. */
const STATE = 0;
const VALUE = 1;
/** The stub's polling (js_glue/stub.js SPIN_MAX_MS, SPIN_MIN_MS); --spin-us sets the longest. */
const SPIN_MAX_US = 100;
const SPIN_MIN_US = 5;
/** The page's poll of its doorbell before it parks (js_glue/serving.js POLL_MAX_MS, POLL_MIN_MS). */
const POLL_MAX_US = 50;
const POLL_MIN_US = 2;
const WAIT_BOUND_MS = 10_000;
/** The page's longest wait on its doorbell (js_glue/serving.js). */
const BELL_WAIT_MS = 1000;
/** Doorbell waits that ran out (a lost wake-up costs one): reported with the table. */
let bellTimeouts = 0;

/** @param {string[]} argv */
async function main(argv) {
  const options = parseArgs(argv);
  const cores = availableParallelism();
  console.log(`serving model: Node ${process.version}, ${cores} cores, ${options.calls} round trips per worker, ` +
    `${options.workUs} us of main-thread work per call, ${options.workerUs} us of worker work between calls, ` +
    `workers poll up to ${options.spinUs} us, the main thread (polling) up to ${options.pollUs} us`);
  /** @type {Record<string, Record<number, Result>>} */
  const results = {};
  for (const design of options.designs) {
    results[design] = {};
    for (const n of options.workers) {
      try {
        results[design][n] = await run(design, n, options);
      } catch (e) {
        console.error(`model: ${design} with ${n} workers failed: ${e instanceof Error ? e.message : e}`);
        process.exitCode = 1;
        results[design][n] = { callsPerS: NaN, p99Us: [NaN], medianUs: NaN, fairness: NaN };
      }
    }
  }
  printTable(results, options);
  if (bellTimeouts) console.log(`doorbell waits that ran out (${BELL_WAIT_MS} ms each, a pass after): ${bellTimeouts}`);
  if (options.json) console.log(JSON.stringify({ cores, node: process.version, ...options, results }));
}

/**
 * @typedef {{ callsPerS: number, p99Us: number[], medianUs: number, fairness: number }} Result
 */

/** @param {string[]} argv */
function parseArgs(argv) {
  const options = {
    workers: [1, 2, 4, 8], calls: 20_000, designs: ["loops", "doorbell", "polling", "post"],
    workUs: 0, workerUs: 0, spinUs: SPIN_MAX_US, pollUs: POLL_MAX_US, json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${flag} needs a value`);
      return v;
    };
    if (flag === "--workers") options.workers = value().split(",").map((s) => positive(s, flag));
    else if (flag === "--calls") options.calls = positive(value(), flag);
    else if (flag === "--designs") options.designs = value().split(",");
    else if (flag === "--work-us") options.workUs = Number(value());
    else if (flag === "--worker-us") options.workerUs = Number(value());
    else if (flag === "--spin-us") options.spinUs = Number(value());
    else if (flag === "--poll-us") options.pollUs = Number(value());
    else if (flag === "--json") options.json = true;
    else fail(`unknown option ${flag}; options: --workers 1,2,4 --calls N --designs ${Object.keys(DESIGNS).join(",")} --work-us U --worker-us U --spin-us U --poll-us U --json`);
  }
  for (const design of options.designs) {
    if (!(design in DESIGNS)) fail(`unknown design ${JSON.stringify(design)}; designs: ${Object.keys(DESIGNS).join(", ")}`);
  }
  if (!(options.workUs >= 0)) fail("--work-us must be a number >= 0");
  for (const [flag, us] of [["--worker-us", options.workerUs], ["--spin-us", options.spinUs], ["--poll-us", options.pollUs]]) {
    if (!(us >= 0)) fail(`${flag} must be a number >= 0`);
  }
  return options;
}

/** @param {string} s @param {string} flag */
function positive(s, flag) {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) fail(`${flag} takes whole numbers >= 1, not ${JSON.stringify(s)}`);
  return n;
}

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`model: ${message}`);
  process.exit(2);
}

/** Busy work standing for the page's dispatch of one call. @param {number} us */
function work(us) {
  if (us <= 0) return;
  const until = performance.now() + us / 1000;
  while (performance.now() < until);
}

/** Answer the request in `i32` (claimed already): echo VALUE + 1, store REPLY, wake the worker. */
function answer(/** @type {Int32Array} */ i32, /** @type {number} */ workUs) {
  work(workUs);
  i32[VALUE] = i32[VALUE] + 1;
  Atomics.store(i32, STATE, REPLY);
  Atomics.notify(i32, STATE);
}

/**
 * The main thread's side of each design: start serving `channels`; returns a function that
 * stops serving. `bell` is the shared doorbell word (used by the doorbell design only).
 * @type {Record<string, (channels: Int32Array[], bell: Int32Array, workers: Worker[], workUs: number, pollUs: number) => () => void>}
 */
const DESIGNS = {
  loops(channels, bell, workers, workUs) {
    let serving = true;
    for (const i32 of channels) {
      (async () => {
        while (serving) {
          const state = Atomics.load(i32, STATE);
          if (state === REQUEST && Atomics.compareExchange(i32, STATE, REQUEST, BUSY) === REQUEST) {
            answer(i32, workUs);
            continue;
          }
          const waiting = Atomics.waitAsync(i32, STATE, state, WAIT_BOUND_MS);
          if (waiting.async) await waiting.value;
        }
      })();
    }
    return () => {
      serving = false;
      for (const i32 of channels) Atomics.notify(i32, STATE);
    };
  },

  doorbell(channels, bell, workers, workUs) {
    return serveDoorbell(channels, bell, workUs, 0);
  },

  polling(channels, bell, workers, workUs, pollUs) {
    return serveDoorbell(channels, bell, workUs, pollUs);
  },

  post(channels, bell, workers, workUs) {
    // the page's fallback (js_glue/serving.js): a RING message makes one pass over every channel
    for (const worker of workers) {
      worker.on("message", (message) => {
        if (message === "ring") pass(channels, workUs);
      });
    }
    return () => {};
  },
};

/** One pass over `channels`: answer each pending request; returns how many were served. */
function pass(/** @type {Int32Array[]} */ channels, /** @type {number} */ workUs) {
  let served = 0;
  for (const i32 of channels) {
    if (Atomics.load(i32, STATE) === REQUEST && Atomics.compareExchange(i32, STATE, REQUEST, BUSY) === REQUEST) {
      answer(i32, workUs);
      served++;
    }
  }
  return served;
}

/**
 * The doorbell's serve loop; `poll`: poll the doorbell before parking, adaptively, as the page
 * does (js_glue/serving.js Server.#poll).
 * @param {Int32Array[]} channels @param {Int32Array} bell @param {number} workUs @param {boolean} poll
 */
function serveDoorbell(channels, bell, workUs, pollUs) {
  let serving = true;
  const pollMaxMs = pollUs / 1000;
  const pollMinMs = Math.min(POLL_MIN_US, pollUs) / 1000;
  const poll = pollUs > 0;
  let pollMs = pollMaxMs;
  const polled = (/** @type {number} */ rung) => {
    const until = performance.now() + pollMs;
    do {
      for (let i = 0; i < 64; i++) if (Atomics.load(bell, 0) !== rung) return true;
    } while (performance.now() < until);
    pollMs = Math.max(pollMinMs, pollMs / 2);
    return false;
  };
  (async () => {
    while (serving) {
      const rung = Atomics.load(bell, 0); // read before the pass: a ring during it is not lost
      if (pass(channels, workUs) > 0 || (poll && polled(rung))) continue;
      // bounded as the page's (serving.js BELL_WAIT_MS): a wait that runs out makes a pass
      const waiting = Atomics.waitAsync(bell, 0, rung, BELL_WAIT_MS);
      if (!waiting.async) continue;
      const parked = performance.now();
      if ((await waiting.value) === "timed-out") bellTimeouts++;
      if (performance.now() - parked < 2 * pollMaxMs) pollMs = pollMaxMs;
    }
  })();
  return () => {
    serving = false;
    Atomics.notify(bell, 0);
  };
}

/**
 * One design with `n` workers, each making `calls` round trips.
 * @param {string} design @param {number} n
 * @param {{ calls: number, workUs: number, workerUs: number }} options
 * @returns {Promise<Result>}
 */
async function run(design, n, { calls, workUs, workerUs, spinUs, pollUs }) {
  const bell = new Int32Array(new SharedArrayBuffer(4));
  const buffers = Array.from({ length: n }, () => new SharedArrayBuffer(8));
  const channels = buffers.map((b) => new Int32Array(b));
  const start = new Int32Array(new SharedArrayBuffer(4));
  const workers = buffers.map((buffer) => new Worker(fileURLToPath(import.meta.url), {
    workerData: { buffer, bell: bell.buffer, start: start.buffer, calls, ring: design, workerUs, spinUs },
  }));
  const online = workers.map((w) => new Promise((resolve) => w.once("message", resolve)));
  await Promise.all(online); // every worker is up and waiting for the start word
  const stop = DESIGNS[design](channels, bell, workers, workUs, pollUs);
  const finished = workers.map((w) => new Promise((resolve, reject) => {
    const report = (/** @type {any} */ message) => {
      if (typeof message !== "object") return; // a "ring" of the post design
      w.off("message", report);
      resolve(message);
    };
    w.on("message", report);
    w.once("error", reject);
  }));
  const t0 = performance.now();
  Atomics.store(start, 0, 1);
  Atomics.notify(start, 0);
  let reports;
  let seconds;
  try {
    reports = /** @type {{ latencies: Float64Array, errors: number }[]} */ (await Promise.all(finished));
    seconds = (performance.now() - t0) / 1000;
  } finally {
    stop();
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const errors = reports.reduce((sum, r) => sum + r.errors, 0);
  if (errors) throw new Error(`${design} with ${n} workers: ${errors} replies did not echo their request`);
  const p99Us = reports.map((r) => percentile(r.latencies, 0.99) * 1000);
  const sorted = [...p99Us].sort((a, b) => a - b);
  const medianWorker = sorted[Math.floor((sorted.length - 1) / 2)];
  const all = Float64Array.from(reports.flatMap((r) => Array.from(r.latencies)));
  return {
    callsPerS: (n * calls) / seconds,
    p99Us,
    medianUs: percentile(all, 0.5) * 1000,
    fairness: sorted[sorted.length - 1] / medianWorker,
  };
}

/** @param {Float64Array} values @param {number} q */
function percentile(values, q) {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

/** @param {Record<string, Record<number, Result>>} results @param {{ workers: number[] }} options */
function printTable(results, options) {
  const head = ["design", ...options.workers.map((n) => `${n} worker${n > 1 ? "s" : ""}`)];
  const rows = [];
  for (const [design, byN] of Object.entries(results)) {
    const one = byN[options.workers[0]].callsPerS;
    rows.push([design, ...options.workers.map((n) => {
      const r = byN[n];
      const ratio = n === options.workers[0] ? "" : ` ${(r.callsPerS / one).toFixed(2)}x`;
      return `${Math.round(r.callsPerS).toLocaleString("en")}/s${ratio}`;
    })]);
    rows.push(["  median / p99 max us", ...options.workers.map((n) => {
      const r = byN[n];
      return `${r.medianUs.toFixed(1)} / ${Math.max(...r.p99Us).toFixed(0)}`;
    })]);
    rows.push(["  fairness (p99 max/median)", ...options.workers.map((n) => `${byN[n].fairness.toFixed(2)}`)]);
  }
  const widths = head.map((_, i) => Math.max(head[i].length, ...rows.map((r) => r[i].length)));
  const line = (/** @type {string[]} */ cells) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

// -- the worker ----------------------------------------------------------------------------------

/** @param {{ buffer: SharedArrayBuffer, bell: SharedArrayBuffer, start: SharedArrayBuffer, calls: number, ring: string, workerUs: number }} data */
function runWorker({ buffer, bell, start, calls, ring, workerUs, spinUs }) {
  const i32 = new Int32Array(buffer);
  const bellWord = new Int32Array(bell);
  const startWord = new Int32Array(start);
  const port = /** @type {import("node:worker_threads").MessagePort} */ (parentPort);
  port.postMessage("online");
  while (Atomics.load(startWord, 0) === 0) Atomics.wait(startWord, 0, 0, 1000);
  const latencies = new Float64Array(calls);
  const spinMaxMs = spinUs / 1000;
  const spinMinMs = Math.min(SPIN_MIN_US, spinUs) / 1000;
  let spinMs = spinMaxMs;
  let errors = 0;
  for (let call = 0; call < calls; call++) {
    work(workerUs); // the worker's Python between two calls
    const t0 = performance.now();
    i32[VALUE] = call;
    // the stub's store (js_glue/transfer.js): STATE, its notify, then the ring of the design
    Atomics.store(i32, STATE, REQUEST);
    Atomics.notify(i32, STATE);
    if (ring === "doorbell" || ring === "polling") {
      Atomics.add(bellWord, 0, 1);
      Atomics.notify(bellWord, 0);
    } else if (ring === "post") {
      port.postMessage("ring");
    }
    // poll, then block: the stub's adaptive policy (js_glue/stub.js)
    let replied = false;
    const spinUntil = performance.now() + spinMs;
    do {
      for (let i = 0; i < 64; i++) {
        if (Atomics.load(i32, STATE) === REPLY) {
          replied = true;
          break;
        }
      }
    } while (!replied && performance.now() < spinUntil);
    if (replied) {
      spinMs = spinMaxMs;
    } else {
      spinMs = Math.max(spinMinMs, spinMs / 2);
      for (let state = Atomics.load(i32, STATE); state !== REPLY; state = Atomics.load(i32, STATE)) {
        if (Atomics.wait(i32, STATE, state, WAIT_BOUND_MS) === "timed-out") {
          throw new Error(`worker: no reply to call ${call} within ${WAIT_BOUND_MS} ms`);
        }
      }
    }
    if (i32[VALUE] !== call + 1) errors++;
    Atomics.store(i32, STATE, IDLE);
    latencies[call] = performance.now() - t0;
  }
  port.postMessage({ latencies, errors });
}

// (last: the entry point uses the constants above)
if (isMainThread) {
  await main(process.argv.slice(2));
} else {
  runWorker(workerData);
}
