// @ts-check
// PyScript's event attributes on the page's thread: `<button py-click="handler">` calls the
// Python function `handler` of the page's-thread <script type="py"> tags (`mpy-click` of the
// "mpy" tags) with the event, for any event name (`py-input`, `mpy-keydown`, `py-my-event`'s
// type is the part after the last "-", as PyScript reads it). As PyScript:
// - the name is looked up in the namespace the tags run in (`__main__`), when the event comes;
//   a dotted name (`handlers.save`) follows attributes from there;
// - the call waits for the type's interpreter and for the tags queued so far to have run, so a
//   handler defined by a tag is there for an early click;
// - a form control (anything with `disabled`) wired before its interpreter is ready is disabled
//   until then;
// - elements added later, and attributes set or removed later, are wired and unwired;
// - a missing name, or an error the handler raises, shows in the error box.
// Worker tags have no event attributes, as in PyScript (their code is not on this thread).

import { showError } from "./tag-errors.js";

/** @typedef {import("./tag-element.js").TagType} TagType */
/** @typedef {{ ready(type: TagType): Promise<any> | null }} Interpreters */

const ATTRIBUTE = /^(py|mpy)-([^-]+(?:-[^-]+)*)$/;

/** `[type, event name]` of an event attribute's name, or null. @returns {[TagType, string] | null} */
function parse(/** @type {string} */ name) {
  const found = ATTRIBUTE.exec(name);
  if (!found) return null;
  const event = name.slice(name.lastIndexOf("-") + 1);
  // `py-env` names an environment in PyScript, `py-config` is not an event either
  return event === "env" ? null : [/** @type {TagType} */ (found[1]), event];
}

export class EventAttributes {
  /** @type {Interpreters} */
  #interpreters;
  /** the one listener every wired element has, per event name it listens to */
  #listener = (/** @type {Event} */ event) => this.#dispatch(event);

  constructor(/** @type {Interpreters} */ interpreters) {
    this.#interpreters = interpreters;
  }

  /** Wire the elements in `document` now, then those added and attributes changed later. */
  watch(/** @type {Document} */ document) {
    this.#wireTree(document.documentElement);
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === "attributes") {
          const element = /** @type {Element} */ (record.target);
          const parsed = parse(record.attributeName ?? "");
          if (!parsed) continue;
          if (element.hasAttribute(/** @type {string} */ (record.attributeName))) this.#wire(element, parsed);
          else if (!this.#stillListens(element, parsed[1])) element.removeEventListener(parsed[1], this.#listener);
          continue;
        }
        for (const node of Array.from(record.addedNodes)) if (node instanceof Element) this.#wireTree(node);
      }
    }).observe(document, { childList: true, subtree: true, attributes: true });
  }

  #wireTree(/** @type {Element} */ root) {
    for (const element of [root, ...Array.from(root.querySelectorAll("*"))]) {
      for (const { name } of Array.from(element.attributes)) {
        const parsed = parse(name);
        if (parsed) this.#wire(element, parsed);
      }
    }
  }

  #wire(/** @type {Element} */ element, /** @type {[TagType, string]} */ [type, event]) {
    element.addEventListener(event, this.#listener);
    const ready = this.#interpreters.ready(type);
    const control = /** @type {any} */ (element);
    if (ready && "disabled" in control && !control.disabled) {
      control.disabled = true;
      ready.finally(() => (control.disabled = false));
    }
  }

  /** Whether `element` has another attribute for `event` (py- and mpy- both may). */
  #stillListens(/** @type {Element} */ element, /** @type {string} */ event) {
    return element.hasAttribute(`py-${event}`) || element.hasAttribute(`mpy-${event}`);
  }

  async #dispatch(/** @type {Event} */ event) {
    const element = /** @type {Element} */ (event.currentTarget);
    for (const type of /** @type {TagType[]} */ (["py", "mpy"])) {
      const path = element.getAttribute(`${type}-${event.type}`);
      if (path === null) continue;
      try {
        await this.#call(type, path, event);
      } catch (e) {
        showError(e?.message ?? String(e));
      }
    }
  }

  /** Call the function `path` names in `type`'s namespace with `event`; await what it returns
   * (an `async def` handler's coroutine). */
  async #call(/** @type {TagType} */ type, /** @type {string} */ path, /** @type {Event} */ event) {
    const attribute = `${type}-${event.type}="${path}"`;
    const ready = this.#interpreters.ready(type);
    if (!ready) throw new Error(`pyscript-ffi: ${attribute}: no <script type="${type}"> runs on this page's thread to define ${path}: add one (without \`worker\`) that defines it`);
    const interpreter = await ready;
    const [name, ...keys] = path.split(".");
    let target = interpreter.globals.get(name);
    for (const [i, key] of keys.entries()) {
      if (target === undefined || target === null) break;
      target = target[key];
      if (target === undefined) throw new Error(`pyscript-ffi: ${attribute}: ${[name, ...keys.slice(0, i)].join(".")} has no attribute ${JSON.stringify(key)}`);
    }
    if (target === undefined || target === null) throw new Error(`pyscript-ffi: ${attribute}: no name ${JSON.stringify(name)} in the namespace of the page's <script type="${type}"> tags: define \`${name}\` in one of them (a tag runs before its handlers are called)`);
    if (typeof target !== "function") throw new Error(`pyscript-ffi: ${attribute}: ${path} is not callable: name a function, which gets the event`);
    await target(event);
  }
}
