// The JS fixtures the scenarios reach through `js.fixtures`: imported by harness.html (in the
// page) and by tests/js/micropython_ffi.test.mjs (under Node). Their CPython twin is
// tests/integration/fixtures.py.

/** @param {(value: any) => any} direct the page's `direct` (js_glue/values.js, exported by main.js) */
export function makeFixtures(direct) {
  class CustomError extends Error {
    constructor(message) {
      super(message);
      this.name = "CustomError";
    }
  }
  class Point {
    constructor(x, y) { this.x = x; this.y = y; }
    norm1() { return Math.abs(this.x) + Math.abs(this.y); }
  }
  const fixtures = {
    obj: { a: 1, nested: { b: [1, 2, 3] } },
    echo: (x) => x,
    describe(x) {
      if (x instanceof Uint8Array) return `Uint8Array:${Array.from(x).join(",")}`;
      if (Array.isArray(x)) return `Array:${JSON.stringify(x)}`;
      if (typeof x === "object" && x !== null) return `${x.constructor?.name ?? "null-proto"}:${JSON.stringify(x)}`;
      return `${typeof x}:${String(x)}`;
    },
    isNegZero: (x) => Object.is(x, -0),
    negZero: -0,
    bigSafe: 2 ** 40,
    bigUnsafe: 2 ** 60,
    bigInt: 2n ** 70n + 1n,
    nothing: null,
    undef: undefined,
    throwString() { throw "plain string"; },
    throwUndefined() { throw undefined; },
    throwCustom() { throw new CustomError("custom boom"); },
    CustomError,
    Point,
    counter: { n: 0, inc() { return ++this.n; } },
    get throwingGetter() { throw new RangeError("getter boom"); },
    set throwingSetter(value) { throw new TypeError(`setter boom: ${value}`); },
    Exploding: class Exploding { constructor(why) { throw new EvalError(`constructor boom: ${why}`); } },
    busy(ms) { const end = performance.now() + ms; while (performance.now() < end); return ms; },
    busyObject(ms) { const end = performance.now() + ms; while (performance.now() < end); return { ms }; },
    bytes(n) { const out = new Uint8Array(n); for (let i = 0; i < n; i++) out[i] = (i * 7) & 255; return out; },
    args: (...args) => JSON.stringify(args),
    thisName() { return this?.name ?? "no this"; },
    named: { name: "named", thisName() { return this?.name ?? "no this"; } },
    directObj: () => direct({ a: 1, list: [1, 2, { b: "c" }], bytes: new Uint8Array([1, 2]) }),
    directPoint: () => direct(new Point(1, 2)),
    range: (n) => Array.from({ length: n }, (_, i) => i),
    fresh: () => ({}),
    listener: null,
    onceListener: null,
    listen(fn) { fixtures.listener = fn; },
    listenOnce(fn) { fixtures.onceListener = fn; },
    unlisten() { fixtures.listener = fixtures.onceListener = null; },
    calls: [],
    record(...args) { fixtures.calls.push(args); return fixtures.calls.length; },
    // Promises, for `await` and run_sync (a rejection comes a little later, once the worker's
    // first AWAIT has subscribed, so the page reports no unhandled rejection)
    resolves: (value, ms = 0) => new Promise((resolve) => setTimeout(() => resolve(value), ms)),
    rejects: (message, ms = 5) => new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms)),
    never: () => new Promise(() => {}),
    async asyncDouble(x) { await null; return x * 2; },
  };
  return fixtures;
}
