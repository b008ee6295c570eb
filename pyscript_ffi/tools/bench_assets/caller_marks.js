// @ts-check
// The bench's phase marks on the worker's end of a round trip (workloads.py `phases`): wrappers
// put on one Caller (js_glue/stub.js) for the length of a measurement and taken off after, so
// the runtime itself carries no marks.

/**
 * Record, for each round trip of `caller`, performance.now() on entry, when the request is
 * stored and rung (its first wait begins), when the reply is seen (its last wait ends) and on
 * return: four numbers a call, pushed onto `marks`. Returns the function that takes the
 * wrappers off again (the caller's own methods are its class's, untouched).
 * @param {any} caller a Caller of js_glue/stub.js @param {number[]} marks
 * @returns {() => void}
 */
export function markCaller(caller, marks) {
  const { roundtrip, waitWhile } = Object.getPrototypeOf(caller);
  let waited = false;
  let stored = 0;
  let seen = 0;
  /** @param {Uint8Array} frame */
  caller.roundtrip = function (frame) {
    const entered = performance.now();
    waited = false;
    const reply = roundtrip.call(this, frame);
    marks.push(entered, stored, seen, performance.now());
    return reply;
  };
  /** @param {number} state @param {number} deadline */
  caller.waitWhile = function (state, deadline) {
    if (!waited) {
      stored = performance.now();
      waited = true;
    }
    const now = waitWhile.call(this, state, deadline);
    seen = performance.now();
    return now;
  };
  return () => {
    // (in the reverse order of adding them: the object's shape goes back to what it was)
    delete caller.waitWhile;
    delete caller.roundtrip;
  };
}
