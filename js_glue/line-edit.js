// @ts-check
// The line a terminal's input() is reading, edited as a shell's line is (readline's common keys),
// and drawn in the terminal by the escape sequences each edit returns. A line longer than the
// terminal's width wraps onto the rows below; the cursor is moved by rows and columns worked out
// from the prompt's width, so editing the middle of a wrapped line redraws it in place.
//
// Keys: Left/Right (Ctrl-B/F) move, Home/End (Ctrl-A/E) go to the ends, Backspace and Delete
// remove, Ctrl-U and Ctrl-K remove to the start and to the end, Up/Down (Ctrl-P/N) bring back
// the lines entered before (the one being typed is kept while you look), Tab puts in four spaces,
// Enter gives the line, Ctrl-D on an empty line ends the input and elsewhere deletes. Every other
// escape sequence and control key is ignored. A character is taken to fill one column (a wide
// one, as CJK, puts the cursor off by one column per character until the line is entered).

/** One key of what a terminal hands over: an escape sequence, or one character. */
export const KEYS = /\x1b\[[0-9;?]*[A-Za-z~]|\x1bO.|\x1b.?|[\s\S]/gsu;

/** the keys (escape sequences and Ctrl keys) that do more than put themselves in the line */
const ACTIONS = new Map(/** @type {[string, string][]} */ ([
  ...["\x1b[D", "\x1bOD", "\x02"].map((k) => [k, "left"]),
  ...["\x1b[C", "\x1bOC", "\x06"].map((k) => [k, "right"]),
  ...["\x1b[A", "\x1bOA", "\x10"].map((k) => [k, "previous"]),
  ...["\x1b[B", "\x1bOB", "\x0e"].map((k) => [k, "next"]),
  ...["\x1b[H", "\x1bOH", "\x1b[1~", "\x1b[7~", "\x01"].map((k) => [k, "home"]),
  ...["\x1b[F", "\x1bOF", "\x1b[4~", "\x1b[8~", "\x05"].map((k) => [k, "end"]),
  ...["\x7f", "\b"].map((k) => [k, "backspace"]),
  ["\x1b[3~", "delete"],
  ["\x15", "killStart"],
  ["\x0b", "killEnd"],
  ["\x04", "endOfInput"],
  ["\t", "tab"],
  ...["\r", "\n"].map((k) => [k, "enter"]),
]));

/** `text` without its escape sequences: what it shows */
const shown = (/** @type {string} */ text) => text.replace(/\x1b(\[[0-9;?]*[A-Za-z~]|\][^\x07]*\x07|.)/gs, "");

/**
 * What a key did: `echo` to write to the terminal; `line` the line entered (a string), the end
 * of input (null), or undefined while the line is still being edited.
 * @typedef {{ echo: string, line?: string | null }} Edit
 */

export class LineEdit {
  /** @type {string[]} the line's characters */
  #chars = [];
  /** where the next character goes, 0..#chars.length */
  #at = 0;
  /** the index the terminal's cursor is at (drawn), 0..#chars.length */
  #drawn = 0;
  /** the column the line starts at, after the prompt */
  #start = 0;
  /** @type {string[]} the lines entered before, oldest first */
  #history = [];
  /** the entry of #history shown, #history.length for the line being typed */
  #recalled = 0;
  /** the line being typed, kept while an older one is shown */
  #draft = "";
  /** @type {() => number} the terminal's width in columns */
  #columns;

  constructor(/** @type {() => number} */ columns) {
    this.#columns = columns;
  }

  /** A new line, after `prompt` (written by the caller): its last row's width is where it starts. */
  begin(/** @type {string} */ prompt) {
    const rows = shown(prompt).split(/\r?\n|\r/);
    this.#start = Array.from(rows[rows.length - 1]).length;
    this.#chars = [];
    this.#at = this.#drawn = 0;
    this.#recalled = this.#history.length;
    this.#draft = "";
  }

  /** The echo that moves the cursor to the line's end, before the caller writes past it (^C). */
  leave() {
    return this.#move(this.#chars.length);
  }

  /** Apply `key` (one of KEYS' matches). @returns {Edit} */
  key(/** @type {string} */ key) {
    const action = ACTIONS.get(key);
    if (action === undefined) return { echo: key >= " " && key[0] !== "\x1b" ? this.#insert(key) : "" };
    const length = this.#chars.length;
    switch (action) {
      case "left": return { echo: this.#go(Math.max(0, this.#at - 1)) };
      case "right": return { echo: this.#go(Math.min(length, this.#at + 1)) };
      case "home": return { echo: this.#go(0) };
      case "end": return { echo: this.#go(length) };
      case "previous": return { echo: this.#recall(this.#recalled - 1) };
      case "next": return { echo: this.#recall(this.#recalled + 1) };
      case "backspace": return { echo: this.#at ? this.#remove(this.#at - 1, this.#at) : "" };
      case "delete": return { echo: this.#remove(this.#at, this.#at + 1) };
      case "killStart": return { echo: this.#remove(0, this.#at) };
      case "killEnd": return { echo: this.#remove(this.#at, length) };
      case "tab": return { echo: this.#insert("    ") };
      case "endOfInput":
        if (length) return { echo: this.#remove(this.#at, this.#at + 1) };
        return { echo: "\r\n", line: null };
      default: { // enter
        const line = this.#chars.join("");
        if (line.trim() && line !== this.#history[this.#history.length - 1]) this.#history.push(line);
        return { echo: `${this.#move(length)}\r\n`, line };
      }
    }
  }

  #go(/** @type {number} */ to) {
    this.#at = to;
    return this.#move(to);
  }

  #insert(/** @type {string} */ text) {
    const added = Array.from(text);
    this.#chars.splice(this.#at, 0, ...added);
    const from = this.#at;
    this.#at += added.length;
    return this.#redraw(from, false);
  }

  #remove(/** @type {number} */ from, /** @type {number} */ to) {
    to = Math.min(to, this.#chars.length);
    if (from >= to) return "";
    this.#chars.splice(from, to - from);
    this.#at = from;
    return this.#redraw(from, true);
  }

  /** Show history entry `index` (#history.length: the line being typed), the cursor at its end. */
  #recall(/** @type {number} */ index) {
    if (index < 0 || index > this.#history.length || index === this.#recalled) return "";
    if (this.#recalled === this.#history.length) this.#draft = this.#chars.join("");
    this.#recalled = index;
    this.#chars = Array.from(index === this.#history.length ? this.#draft : this.#history[index]);
    this.#at = this.#chars.length;
    return this.#redraw(0, true);
  }

  /** Write the line from index `from` on (clearing what was drawn after it if `shrunk`), then
   * put the cursor at #at. */
  #redraw(/** @type {number} */ from, /** @type {boolean} */ shrunk) {
    let echo = this.#move(from) + this.#chars.slice(from).join("");
    const end = this.#start + this.#chars.length;
    // a line that ends at a row's end leaves the cursor waiting to wrap, on that row: a space
    // and a carriage return put it at the next row's start, where the index says it is (and
    // the space is cleared with the rest)
    const atRowEnd = end > 0 && end % this.#width() === 0;
    if (atRowEnd) echo += " \r";
    if (shrunk || atRowEnd) echo += "\x1b[J";
    this.#drawn = this.#chars.length;
    return echo + this.#move(this.#at);
  }

  /** The echo that takes the cursor from #drawn to index `to`. */
  #move(/** @type {number} */ to) {
    if (to === this.#drawn) return "";
    const width = this.#width();
    const [fromRow, toRow] = [this.#start + this.#drawn, this.#start + to].map((p) => Math.floor(p / width));
    const column = (this.#start + to) % width;
    const rows = toRow - fromRow;
    this.#drawn = to;
    return (rows > 0 ? `\x1b[${rows}B` : rows < 0 ? `\x1b[${-rows}A` : "") + "\r" + (column ? `\x1b[${column}C` : "");
  }

  #width() {
    return Math.max(1, this.#columns());
  }
}
