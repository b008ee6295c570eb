// @ts-check
// PyScript's `terminal` attribute: a tag's printed output and errors in an xterm.js terminal on
// the page, and, for a `worker` tag, its input() read from that terminal. The terminal goes in
// the tag's `target` element, else in a <py-terminal> (<mpy-terminal>) made after the tag; the
// tag gets `terminal` (the xterm Terminal, `__terminal__` in Python) and `process(code)`.
//
// Keys: the line input() reads is edited as a shell's is (line-edit.js: the arrows, Home and
// End, Backspace and Delete, Ctrl-U/K, Up and Down for the lines entered before), Enter hands it
// to the waiting input(), Ctrl-C interrupts the tag's worker (KeyboardInterrupt in its Python;
// keys typed ahead are dropped) and Ctrl-D on an empty line ends the input (EOFError). Keys
// typed while no input() waits are kept, and echoed when the next one asks. The terminal fits
// its element's width, again whenever the element is resized.
//
// xterm.js and its fit addon are loaded on the first terminal only, from /_ffi/bundles/
// (bundles/xterm.js, bundled by pyscript_ffi/assets.py).

import { KEYS, LineEdit } from "./line-edit.js";

/** xterm's options, as PyScript sets them for a terminal that reads input */
const OPTIONS = {
  theme: { background: "#191A19", foreground: "#F5F2E7" },
  cursorBlink: true,
  cursorStyle: /** @type {const} */ ("block"),
  lineHeight: 1.2,
  convertEol: true, // a lone "\n" in a printed line starts the next at column 0
};
const RED = (/** @type {string} */ text) => `\x1b[31m${text}\x1b[0m`;

/** @type {Promise<any> | null} the xterm bundle, once asked for */
let loading = null;

function loadXterm() {
  if (!loading) {
    const here = new URL("./bundles/", import.meta.url);
    const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: new URL("xterm.css", here).href });
    // PyScript's core.css: letters keep their width in the terminal's rows
    const style = Object.assign(document.createElement("style"), {
      textContent: "py-terminal, mpy-terminal { display: block; } py-terminal span, mpy-terminal span { letter-spacing: 0 !important; }",
    });
    document.head.append(link, style);
    // the stylesheet first: xterm measures its characters when it opens (a missing sheet is
    // not fatal: the terminal only looks wrong)
    const styled = new Promise((resolve) => (link.onload = link.onerror = resolve));
    loading = Promise.all([import(new URL("xterm.js", here).href), styled]).then(([module]) => module);
  }
  return loading;
}

/** The element a terminal opens in: the tag's `target`, else a <py-terminal> made after it. */
function terminalTarget(/** @type {Element} */ script) {
  const wanted = script.getAttribute("target");
  if (wanted) {
    const found = document.getElementById(wanted) ?? document.querySelector(wanted);
    if (!found) throw new Error(`pyscript-ffi: the target ${JSON.stringify(wanted)} of a terminal <script type="${script.getAttribute("type")}"> is not in the page`);
    return found;
  }
  const made = document.createElement(`${script.getAttribute("type")}-terminal`);
  if (document.head.contains(script)) document.body.append(made);
  else script.after(made);
  return made;
}

export class TagTerminal {
  /** @type {any} the xterm Terminal */
  xterm;
  /** what Ctrl-C does: set by the tag's runner (its worker's interrupt()) */
  onInterrupt = () => {};
  /** @type {LineEdit} the line being typed */
  #edit;
  /** @type {string[]} keys typed while no input() waits: echoed once one asks */
  #ahead = [];
  /** @type {((line: string | null) => void) | null} the waiting input()'s */
  #answer = null;
  /** the last key was a "\r" (a "\n" right after it is the same Enter, from a paste) */
  #afterReturn = false;

  /** Open a terminal for `script` (loading xterm.js on the first one). @param {Element} script */
  static async open(script) {
    const { Terminal, FitAddon } = await loadXterm();
    const target = terminalTarget(script);
    const xterm = new Terminal(OPTIONS);
    const fit = new FitAddon();
    xterm.loadAddon(fit);
    xterm.open(target);
    const refit = () => {
      if (/** @type {HTMLElement} */ (target).offsetWidth) fit.fit();
    };
    refit();
    new ResizeObserver(refit).observe(target);
    xterm.focus();
    const terminal = new TagTerminal(xterm);
    Object.defineProperties(script, {
      terminal: { value: xterm, configurable: true },
      process: { value: (/** @type {string} */ code) => terminal.type(`${code.replace(/\r?\n$/, "")}\r`), configurable: true },
    });
    return terminal;
  }

  constructor(/** @type {any} */ xterm) {
    this.xterm = xterm;
    this.#edit = new LineEdit(() => xterm.cols);
    xterm.onData((/** @type {string} */ data) => this.type(data));
  }

  /** Take keys as if typed (xterm's onData gives them; a paste comes as one string). */
  type(/** @type {string} */ data) {
    for (const [key] of data.matchAll(KEYS)) {
      if (key === "\x03") this.#interrupt();
      else if (this.#answer) this.#key(key);
      else this.#ahead.push(key);
    }
  }

  /** input(prompt): show the prompt, then resolve to the next line typed (null: Ctrl-D). */
  input = (/** @type {string} */ prompt) => {
    this.xterm.write(prompt);
    this.#edit.begin(prompt);
    const line = new Promise((resolve) => (this.#answer = resolve));
    const ahead = this.#ahead.splice(0);
    while (this.#answer && ahead.length) this.#key(/** @type {string} */ (ahead.shift()));
    this.#ahead.unshift(...ahead);
    return line;
  };

  /** One line Python printed (without its newline). */
  stdout = (/** @type {string} */ line) => this.xterm.write(`${line}\n`);

  /** One line written to sys.stderr, or a tag's error: in red. */
  stderr = (/** @type {string} */ line) => this.xterm.write(`${RED(line)}\n`);

  #key(/** @type {string} */ key) {
    const afterReturn = this.#afterReturn;
    this.#afterReturn = key === "\r";
    if (key === "\n" && afterReturn) return;
    const { echo, line } = this.#edit.key(key);
    if (echo) this.xterm.write(echo);
    if (line !== undefined) this.#give(line);
  }

  #interrupt() {
    this.xterm.write(`${this.#answer ? this.#edit.leave() : ""}^C\r\n`);
    this.#ahead = [];
    this.#answer = null; // the input() it answered ends with the KeyboardInterrupt
    this.onInterrupt();
  }

  #give(/** @type {string | null} */ line) {
    const answer = this.#answer;
    this.#answer = null;
    answer?.(line);
  }
}
