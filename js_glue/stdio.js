// @ts-check
// A PyWorker's input() and printed output: the page's functions its Python asks for a line of
// input (`input`, by default window.prompt) and hands each printed line to (`stdout`,
// `stderr`; by default the console). PyWorker checks the options when it is constructed, and
// lends the functions to the worker at boot, as handles in BOOT's `io` frame; the worker's
// Python calls them through the channel like any page function (pyscript_ffi/stdio.py).

import { describe } from "./errors.js";
import { encode, owned } from "./wire.js";

/**
 * @typedef {object} StdioOptions
 * @property {(prompt: string) => any} [input]  answers input(prompt): a string, or a Promise of
 *   one; null or undefined is the end of input (EOFError in Python). Default: window.prompt
 * @property {(line: string) => any} [stdout]  takes each line Python prints, without its newline
 * @property {(line: string) => any} [stderr]  the same for sys.stderr
 */

/** @type {Record<keyof StdioOptions, string>} what each option is, for the error messages */
const SHAPES = {
  input: "(prompt) => a string, or a Promise of one",
  stdout: "(line) => { ... }",
  stderr: "(line) => { ... }",
};

/**
 * Throw a TypeError, naming the option, if `input`, `stdout` or `stderr` is given but is not a
 * function. @param {Record<string, any>} options @param {string} who the constructor's name
 */
export function checkStdio(options, who) {
  for (const [name, shape] of Object.entries(SHAPES)) {
    const value = options[name];
    if (value !== undefined && typeof value !== "function") {
      throw new TypeError(
        `${who} option ${name} must be a function, ${shape}, not ${describe(value)}; leave it out for the default`,
      );
    }
  }
}

/** The default input: window.prompt, looked up when Python asks. @param {string} prompt */
const askWindow = (prompt) => globalThis.prompt(prompt);

/**
 * An output handler as lent to the worker: it never throws into the worker's print, and returns
 * nothing (no Promise to lend back). A failure goes to this page's console.
 * @param {(line: string) => any} handler @param {string} name @param {string} src
 */
function reporting(handler, name, src) {
  const report = (/** @type {unknown} */ e) => console.error(`pyscript-ffi: the ${name} handler of ${src} failed:`, e);
  return (/** @type {string} */ line) => {
    try {
      const result = handler(line);
      if (result !== null && typeof result?.then === "function") Promise.resolve(result).catch(report);
    } catch (e) {
      report(e);
    }
  };
}

/**
 * BOOT's `io`: the frame of [input, stdout, stderr], each a page function lent to the worker
 * (one handle each, live while the worker runs) or null. input is null only where the page
 * gave none and has no window.prompt: the worker's input() then raises, saying so.
 * @param {import("./values.js").Values} values the worker's channel's
 * @param {StdioOptions} options checked by checkStdio
 * @param {string} src the worker's file, for the messages
 */
export function lendStdio(values, options, src) {
  const input = options.input ?? (typeof globalThis.prompt === "function" ? askWindow : null);
  const stdout = options.stdout ? reporting(options.stdout, "stdout", src) : null;
  const stderr = options.stderr ? reporting(options.stderr, "stderr", src) : null;
  return owned(encode([input, stdout, stderr].map((fn) => (fn === null ? null : values.out(fn))))); // posted in BOOT
}
