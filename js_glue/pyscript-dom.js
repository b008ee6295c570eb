// @ts-check
// The page-side halves of the `pyscript` package's DOM calls, so that a worker's `when` (and
// other whole operations) costs one round trip, not one per element: published as
// `globalThis.pyscriptFfiDom` by core.js. Each is a plain function (no `this`), called by a
// worker through its channel like any page function.

import { listenerArgs } from "./events.js";

const add = EventTarget.prototype.addEventListener;

/**
 * Add `listener` for `type` to every element `target` names: a CSS selector (matched in the
 * document) or a list of elements. Options as addEventListener's, with a worker's `invoke`
 * (events.js). Returns how many elements got it.
 * @param {string | ArrayLike<EventTarget>} target @param {string} type
 * @param {EventListener} listener @param {AddEventListenerOptions | boolean} options
 */
function listen(target, type, listener, options) {
  const elements = typeof target === "string" ? Array.from(document.querySelectorAll(target)) : Array.from(target);
  for (const element of elements) {
    const args = listenerArgs(add, element, [type, listener, options]);
    element.addEventListener(args[0], args[1], args[2]);
  }
  return elements.length;
}

/** Publish the calls as `globalThis.pyscriptFfiDom` (once). */
export function publishDomCalls() {
  if ("pyscriptFfiDom" in globalThis) return;
  Object.defineProperty(globalThis, "pyscriptFfiDom", { value: Object.freeze({ listen }) });
}
