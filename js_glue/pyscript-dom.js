// @ts-check
// The page-side halves of the `pyscript` package's DOM calls, so that a worker's `when`, and
// `pyscript.web`'s building of an element or `find`, cost one round trip, not one per element,
// attribute or tag name: published as
// `globalThis.pyscriptFfiDom` by core.js. Each is a plain function (no `this`), called by a
// worker through its channel like any page function.

import { listenerArgs } from "./events.js";
import { direct } from "./values.js";

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

/**
 * A new `tag` element, whole: `props` set as its properties, `classes` added, `style` set
 * (CSS names), then `children` appended (a string as HTML, anything else as a node).
 * @param {string} tag @param {Record<string, any>} props @param {string[]} classes
 * @param {Record<string, any>} style @param {any[]} children
 */
function build(tag, props, classes, style, children) {
  const element = /** @type {any} */ (document.createElement(tag));
  if (classes.length) element.classList.add(...classes);
  for (const [name, value] of Object.entries(style)) element.style.setProperty(name, String(value));
  for (const [name, value] of Object.entries(props)) element[name] = value;
  for (const child of children) {
    if (child instanceof Node) element.append(child);
    else element.insertAdjacentHTML("beforeend", String(child));
  }
  return element;
}

/** Elements with their lower-case tag names, as one copy `[tags, elements]` (the elements lent).
 * @param {ArrayLike<Element>} list */
const tagged = (list) => {
  const elements = Array.from(list);
  return direct([elements.map((e) => e.tagName.toLowerCase()), elements]);
};

/** Every element under `root` matching `selector`, tagged. @param {ParentNode} root @param {string} selector */
const find = (root, selector) => tagged(root.querySelectorAll(selector));

/** The element children of `element`, tagged. @param {Element} element */
const children = (element) => tagged(element.children);

/** The element with `id` under `root` (tagged), or null. @param {ParentNode} root @param {string} id */
function byId(root, id) {
  const element = root.querySelector(`#${CSS.escape(id)}`);
  return element ? tagged([element]) : null;
}

/** Publish the calls as `globalThis.pyscriptFfiDom` (once). */
export function publishDomCalls() {
  if ("pyscriptFfiDom" in globalThis) return;
  const calls = Object.freeze({ listen, build, find, children, byId });
  Object.defineProperty(globalThis, "pyscriptFfiDom", { value: calls });
}
