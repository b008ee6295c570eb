// @ts-check
// The page-side halves of the `pyscript` package's DOM calls, so that a worker's `when`, and
// `pyscript.web`'s building of a tree of elements, appending it, changing classes, `find` and
// `update_all`, cost one round trip, not one per element, attribute or tag name: published as
// `globalThis.pyscriptFfiDom` by core.js and by main.js's PyWorker. Each is a plain function (no `this`), called by a
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
 * @typedef {[string, Record<string, any>, string[], Record<string, any>, any[]]} Spec
 * An element to make, as a worker's `pyscript.web` describes it: its tag, properties, classes,
 * style (CSS names) and children, each a nested Spec, a Node, a string of HTML or `{ text }`.
 */

/**
 * Make the element `spec` describes, and its nested ones, pushing each onto `made` in the
 * order a depth-first walk meets them (the element before its children).
 * @param {Spec} spec @param {Element[]} made @returns {Element}
 */
function make(spec, made) {
  const [tag, props, classNames, style, children] = spec;
  const element = /** @type {any} */ (document.createElement(tag));
  made.push(element);
  if (classNames.length) element.classList.add(...classNames);
  for (const [name, value] of Object.entries(style)) element.style.setProperty(name, String(value));
  for (const [name, value] of Object.entries(props)) element[name] = value;
  for (const child of children) {
    if (typeof child === "string") element.insertAdjacentHTML("beforeend", child);
    else element.append(nodeOf(child, made));
  }
  return element;
}

/** A child of a Spec (not HTML) or an item of `append`, as what to append: a Spec made, a
 * Node, or the text of `{ text }`. @param {any} child @param {Element[]} made
 * @returns {Node | string} */
function nodeOf(child, made) {
  if (Array.isArray(child)) return make(/** @type {Spec} */ (child), made);
  if (child instanceof Node) return child;
  return String(child.text);
}

/**
 * The elements `spec` describes, made whole in one call: the element first, then each nested
 * one, depth-first (the worker pairs them with its wrappers in that order).
 * @param {Spec} spec
 */
function build(spec) {
  /** @type {Element[]} */
  const made = [];
  make(spec, made);
  return direct(made);
}

/**
 * Append `items` to `target`: Nodes, `{ text }` (a text node), or Specs, made first. Returns
 * the elements made, depth-first, as `build` does.
 * @param {ParentNode} target @param {any[]} items
 */
function append(target, items) {
  /** @type {Element[]} */
  const made = [];
  target.append(...items.map((item) => nodeOf(item, made)));
  return direct(made);
}

/**
 * Change the classes of `element`: "add" or "remove" `names`, or "clear" them all.
 * @param {Element} element @param {"add" | "remove" | "clear"} op @param {string[]} names
 */
function classes(element, op, names) {
  if (op === "clear") element.className = "";
  else if (op === "add") element.classList.add(...names);
  else element.classList.remove(...names);
}

/**
 * For every element of `elements`: add `classNames`, set `style` (CSS names) and `props`, as
 * each element's update() would (ElementCollection.update_all).
 * @param {Element[]} elements @param {string[]} classNames
 * @param {Record<string, any>} style @param {Record<string, any>} props
 */
function updateAll(elements, classNames, style, props) {
  for (const element of /** @type {any[]} */ (elements)) {
    if (classNames.length) element.classList.add(...classNames);
    for (const [name, value] of Object.entries(style)) element.style.setProperty(name, String(value));
    for (const [name, value] of Object.entries(props)) element[name] = value;
  }
}

/** Elements with their lower-case tag names, as one copy `[tags, elements]` (the elements lent).
 * @param {ArrayLike<Element>} list */
const tagged = (list) => {
  const elements = Array.from(list);
  return direct([elements.map((e) => e.tagName.toLowerCase()), elements]);
};

/** Every element under `root` matching `selector`, tagged. @param {ParentNode} root @param {string} selector */
const find = (root, selector) => tagged(root.querySelectorAll(selector));

/** Every element under each of `roots` matching `selector`, root by root (one element found
 * under two roots is listed twice), tagged. @param {ParentNode[]} roots @param {string} selector */
const findAll = (roots, selector) => tagged(Array.from(roots).flatMap((root) => Array.from(root.querySelectorAll(selector))));

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
  const calls = Object.freeze({ listen, build, append, classes, updateAll, find, findAll, children, byId });
  Object.defineProperty(globalThis, "pyscriptFfiDom", { value: calls });
}
