// @ts-check
// One <script type="py|mpy"> element as PyScript reads it: its code, its config, the element it
// displays into, and the `py:ready`/`py:done` events it sends. Shared by the page-thread runner
// (tag-page-thread.js) and the worker runner (tag-worker.js).

import { readConfig } from "./config.js";

/** @typedef {"py" | "mpy"} TagType */
/** @type {Record<TagType, "pyodide" | "micropython">} */
export const INTERPRETER = { py: "pyodide", mpy: "micropython" };

/** Remove the common indentation of `code`, as PyScript does for inline scripts. */
export function dedent(/** @type {string} */ code) {
  const lines = code.replace(/^\s*\n/, "").split("\n");
  const indent = /^[ \t]*/.exec(lines.find((l) => l.trim()) ?? "")?.[0] ?? "";
  return lines.map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)).join("\n");
}

/** The code of `script`: its `src` file's, else its text, dedented. @param {HTMLScriptElement} script */
export async function sourceOf(script) {
  if (!script.hasAttribute("src")) return inlineSource(script);
  const url = new URL(/** @type {string} */ (script.getAttribute("src")), document.baseURI);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`pyscript-ffi: could not load ${url.href}: HTTP ${response.status}`);
  return response.text();
}

/** Whether `element` is a <py-script> or <mpy-script> (PyScript's older tags, which display into
 * themselves; on the page's thread, or in a worker with `worker`). @param {Element} element */
export function isCustomTag(element) {
  return element.localName === "py-script" || element.localName === "mpy-script";
}

/** A tag's type: its `type` attribute, or `py` / `mpy` for <py-script> / <mpy-script>.
 * @param {Element} element @returns {TagType} */
export function typeOf(element) {
  return /** @type {TagType} */ (isCustomTag(element) ? element.localName.slice(0, -"-script".length) : element.getAttribute("type"));
}

/** The code written inside `script`: its text, dedented (a <py-script>'s as customSource). @param {Element} script */
export function inlineSource(script) {
  return isCustomTag(script) ? customSource(script) : dedent(script.textContent ?? "");
}

/** A <py-script>'s code, as PyScript reads it: its text, dedented; if it holds HTML elements,
 * its HTML unescaped, with PyScript's deprecation warning. @param {Element} tag */
function customSource(tag) {
  if (!tag.childElementCount) return dedent(tag.textContent ?? "");
  const code = dedent(
    tag.innerHTML.replace(/&(?:amp|lt|gt|#39|quot);/g, (entity) => /** @type {Record<string, string>} */ ({
      "&amp;": "&", "&lt;": "<", "&gt;": ">", "&#39;": "'", "&quot;": '"',
    })[entity]),
  );
  console.warn(`Deprecated: use <script type="${typeOf(tag)}"> for an always safe content parsing:\n`, code);
  return code;
}

/** The element a script displays into: its `target` attribute's, or one made next to it (given
 * `id` unless it has one), remembered as `script.target`. */
export function targetOf(/** @type {any} */ script, /** @type {string} */ id, tagName = "script-py") {
  if (script.target) return script.target;
  if (isCustomTag(script)) {
    // as PyScript: a <py-script> is its own target, emptied and shown once its code is read
    if (!script.id) script.id = id;
    script.replaceChildren();
    script.style.display = "block";
    Object.defineProperty(script, "target", { value: script, configurable: true });
    return script;
  }
  const wanted = script.getAttribute("target");
  let target = wanted && (document.getElementById(wanted) ?? document.querySelector(wanted));
  if (wanted && !target) throw new Error(`pyscript-ffi: the target ${JSON.stringify(wanted)} of a <script type="${script.type}"> is not in the page`);
  if (!target) {
    target = document.createElement(tagName);
    if (document.head.contains(script)) document.body.append(target);
    else script.after(target);
  }
  if (!target.id) target.id = id;
  Object.defineProperty(script, "target", { value: target, configurable: true });
  return target;
}

/** Send `py:ready`, `py:done` (`mpy:` for MicroPython tags) from `element`, as PyScript does.
 * @param {Element} element @param {"ready" | "done"} what */
export function announce(element, what, worker = false) {
  element.dispatchEvent(new CustomEvent(`${typeOf(element)}:${what}`, { bubbles: true, detail: { worker } }));
}

/** The page's `config-parser` for `type` (a module URL, absolute), as PyScript reads it: on the
 * <py-config> tag, else on the first page's-thread script with a `config`; or null.
 * @param {TagType} type */
export function configParser(type) {
  const tag = document.querySelector(`${type}-config`) ?? document.querySelector(`script[type="${type}"][config]:not([worker]), ${type}-script[config]:not([worker])`);
  const parser = tag?.getAttribute("config-parser");
  return parser ? new URL(parser, document.baseURI).href : null;
}

/** The config of `type`'s scripts on the page's thread (and of worker tags without their own):
 * a <py-config> tag, or their `config` attribute. @param {TagType} type */
export async function pageConfig(type) {
  const tags = document.querySelectorAll(`${type}-config`);
  const attributes = Array.from(document.querySelectorAll(`script[type="${type}"][config]:not([worker]), ${type}-script[config]:not([worker])`)).map((s) => s.getAttribute("config"));
  if (tags.length > 1) throw new Error(`pyscript-ffi: too many <${type}-config> tags: keep one`);
  if (tags.length && attributes.length) throw new Error(`pyscript-ffi: ambiguous config: a <${type}-config> tag and a config attribute on a <script type="${type}">; keep one`);
  if (new Set(attributes).size > 1) throw new Error(`pyscript-ffi: the <script type="${type}"> tags on the page's thread name different configs; they share one interpreter, so give them one config`);
  if (tags.length) {
    const tag = tags[0];
    const kind = /** @type {any} */ (tag.getAttribute("type"));
    return { ...(await readConfig(tag.getAttribute("src") || tag.textContent, document.baseURI, kind, { parser: configParser(type) })), where: `<${type}-config>` };
  }
  return { ...(await readConfig(attributes[0] ?? null, document.baseURI, null, { parser: configParser(type) })), where: attributes[0] ?? "the page" };
}
