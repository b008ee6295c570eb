// @ts-check
// What the page knows of the thenables it lends a worker. A worker's `await` of a page promise
// asks for its outcome (AWAIT) a round trip after the promise was lent, and the browser reports a
// rejection nothing has subscribed to by its next task as unhandled: fetch() of a refused port
// often rejects in between. So the page subscribes to a native Promise as it lends it. A
// rejection the worker never took (it let the promise go, or its worker ended) is reported then,
// as the browser would have reported it at once.

import { describe } from "./errors.js";

/**
 * @typedef {object} Outcome
 * @property {boolean} settled
 * @property {boolean} ok
 * @property {any} value        the value or the reason
 * @property {boolean} watched  a native Promise, lent: its rejection is ours to report
 * @property {boolean} lent     a worker holds it now
 * @property {boolean} taken    an AWAIT took the rejection
 */

/**
 * Kept beside each object, so a thenable that nothing else holds takes its outcome with it,
 * settled or not.
 * @type {WeakMap<object, Outcome>}
 */
const outcomes = new WeakMap();

/**
 * The outcome of thenable `target` so far; the first call subscribes to it.
 * @param {any} target @returns {Outcome}
 */
export function outcomeOf(target) {
  let outcome = outcomes.get(target);
  if (outcome === undefined) {
    if (Object(target) !== target || typeof target.then !== "function") {
      throw new TypeError(`${describe(target)} is not a thenable (it has no then method): it cannot be awaited`);
    }
    const seen = { settled: false, ok: false, value: undefined, watched: false, lent: false, taken: false };
    outcomes.set(target, seen);
    Promise.resolve(target).then(
      (value) => Object.assign(seen, { settled: true, ok: true, value }),
      (reason) => {
        Object.assign(seen, { settled: true, ok: false, value: reason });
        if (seen.watched && !seen.lent) report(seen);
      },
    );
    outcome = seen;
  }
  return outcome;
}

/** `value` is being lent: a native Promise is subscribed to now. @param {any} value */
export function lending(value) {
  if (value instanceof Promise) Object.assign(outcomeOf(value), { watched: true, lent: true });
}

/** The worker let go of `value` (its last lend was returned, or the worker ended). @param {any} value */
export function letGo(value) {
  const outcome = outcomes.get(value);
  if (outcome === undefined || !outcome.lent) return;
  outcome.lent = false;
  if (outcome.settled && !outcome.ok) report(outcome);
}

/** The rejection, reported as the unhandled one it now is, once. @param {Outcome} outcome */
function report(outcome) {
  if (outcome.taken) return;
  outcome.taken = true;
  Promise.reject(outcome.value);
}
