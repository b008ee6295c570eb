// The terminal's line editing (js_glue/line-edit.js), its echo drawn by a real xterm.js
// emulator (@xterm/headless, the same version and parser as the page's @xterm/xterm): what the
// terminal shows, and where its cursor is, after each edit, on lines that wrap too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { KEYS, LineEdit } from "../../js_glue/line-edit.js";

const { Terminal } = createRequire(import.meta.url)("@xterm/headless");

const LEFT = "\x1b[D", RIGHT = "\x1b[C", UP = "\x1b[A", DOWN = "\x1b[B";
const HOME = "\x1b[H", END = "\x1b[F", DELETE = "\x1b[3~", BACKSPACE = "\x7f";

/** A terminal `cols` wide with an input() reading after `prompt`, as TagTerminal drives them. */
function terminal(cols = 20, prompt = ">>> ") {
  const xterm = new Terminal({ cols, rows: 12, allowProposedApi: true });
  const edit = new LineEdit(() => xterm.cols);
  const lines = [];
  const write = (text) => new Promise((resolve) => xterm.write(text, resolve));
  const session = {
    lines,
    async ask(again = prompt) {
      await write(again);
      edit.begin(again);
    },
    /** type `data` (keys as xterm's onData gives them) */
    async type(data) {
      for (const [key] of data.matchAll(KEYS)) {
        const { echo, line } = edit.key(key);
        await write(echo);
        if (line !== undefined) lines.push(line);
      }
    },
    /** the rows the terminal shows, trailing blanks cut */
    screen() {
      const buffer = xterm.buffer.active, rows = [];
      for (let i = 0; i < buffer.length; i++) rows.push(buffer.getLine(i).translateToString(true));
      while (rows.length && !rows[rows.length - 1]) rows.pop();
      return rows;
    },
    cursor: () => [xterm.buffer.active.cursorY, xterm.buffer.active.cursorX],
  };
  return session;
}

test("keys are split as a terminal sends them: sequences whole, characters whole", () => {
  const keys = [..."a\x1b[Dé😀\x1b[3~\x1bOH\r".matchAll(KEYS)].map(([k]) => k);
  assert.deepEqual(keys, ["a", LEFT, "é", "😀", DELETE, "\x1bOH", "\r"]);
});

test("typing in the middle of a line inserts there, and Enter gives the whole line", async () => {
  const t = terminal();
  await t.ask();
  await t.type(`prit("hi")${HOME}${RIGHT.repeat(3)}n`);
  assert.deepEqual(t.screen(), ['>>> print("hi")']);
  assert.deepEqual(t.cursor(), [0, 8]);
  await t.type("\r");
  assert.deepEqual(t.lines, ['print("hi")']);
  assert.deepEqual(t.cursor(), [1, 0]);
});

test("Backspace, Delete, Ctrl-U and Ctrl-K remove around the cursor", async () => {
  const t = terminal();
  await t.ask();
  await t.type(`abcdef${LEFT}${LEFT}${BACKSPACE}`);
  assert.deepEqual(t.screen(), [">>> abcef"]);
  await t.type(`${DELETE}`);
  assert.deepEqual(t.screen(), [">>> abcf"]);
  await t.type("\x0b"); // Ctrl-K: to the end
  assert.deepEqual(t.screen(), [">>> abc"]);
  await t.type(`${LEFT}\x15`); // Ctrl-U: to the start
  assert.deepEqual(t.screen(), [">>> c"]);
  assert.deepEqual(t.cursor(), [0, 4]);
  await t.type(`${HOME}${BACKSPACE}${LEFT}${END}${RIGHT}\x04x\r`); // nothing to remove, past the ends
  assert.deepEqual(t.lines, ["cx"]);
});

test("Up and Down bring back the lines entered before, and the one being typed", async () => {
  const t = terminal();
  for (const line of ["x = 1", "x = 1", "   ", "y = x + 1"]) {
    await t.ask();
    await t.type(`${line}\r`);
  }
  await t.ask();
  await t.type(`draft${UP}`);
  assert.equal(t.screen().at(-1), ">>> y = x + 1");
  await t.type(UP); // the same line twice and a blank one are kept once, and not at all
  assert.equal(t.screen().at(-1), ">>> x = 1");
  await t.type(`${UP}${UP}`); // nothing older
  assert.equal(t.screen().at(-1), ">>> x = 1");
  await t.type(`${DOWN}${DOWN}`);
  assert.equal(t.screen().at(-1), ">>> draft");
  await t.type(`${UP}${BACKSPACE}2\r`); // an old line edited is a new line
  assert.deepEqual(t.lines.slice(-1), ["y = x + 2"]);
  await t.ask();
  await t.type(`${UP}\r`);
  assert.deepEqual(t.lines.slice(-1), ["y = x + 2"]);
});

test("a line longer than the terminal wraps, and is edited in place across its rows", async () => {
  const t = terminal(10, "> ");
  await t.ask();
  await t.type("0123456789abcdefghij"); // 22 columns: rows of 10, 10 and 2
  assert.deepEqual(t.screen(), ["> 01234567", "89abcdefgh", "ij"]);
  assert.deepEqual(t.cursor(), [2, 2]);
  await t.type(`${HOME}X`);
  assert.deepEqual(t.screen(), ["> X0123456", "789abcdefg", "hij"]);
  assert.deepEqual(t.cursor(), [0, 3]);
  await t.type(`${END}${BACKSPACE.repeat(3)}`); // back onto the row above
  assert.deepEqual(t.screen(), ["> X0123456", "789abcdefg"]);
  assert.deepEqual(t.cursor(), [2, 0]); // 20 columns filled: the cursor waits on the next row
  await t.type(`${BACKSPACE}${LEFT.repeat(9)}`);
  assert.deepEqual(t.cursor(), [1, 0]);
  await t.type(`${LEFT}${DELETE}`); // the "6": the rows below move up a column
  assert.deepEqual(t.screen(), ["> X0123457", "89abcdef"]);
  assert.deepEqual(t.cursor(), [0, 9]);
  await t.type("\r");
  assert.deepEqual(t.lines, ["X012345789abcdef"]);
  assert.deepEqual(t.cursor(), [2, 0]);
});

test("a line that ends at the row's end puts the cursor on the next row, where moves start", async () => {
  const t = terminal(10, "> ");
  await t.ask();
  await t.type("12345678");
  assert.deepEqual(t.cursor(), [1, 0]);
  await t.type(`${HOME}X`);
  assert.deepEqual(t.screen(), ["> X1234567", "8"]);
  assert.deepEqual(t.cursor(), [0, 3]);
});

test("a recalled line shorter than the one shown clears the rows it leaves", async () => {
  const t = terminal(10, "> ");
  await t.ask();
  await t.type("ok\r");
  await t.ask();
  await t.type(`${"z".repeat(15)}${UP}`);
  assert.deepEqual(t.screen(), ["> ok", "> ok"]);
  await t.type(DOWN);
  assert.deepEqual(t.screen().slice(1), ["> zzzzzzzz", "zzzzzzz"]);
});

test("Tab puts in four spaces; other control keys and unknown sequences are ignored", async () => {
  const t = terminal();
  await t.ask("... ");
  await t.type("\tif\x07\x1b[15~\x1bx:\r");
  assert.deepEqual(t.lines, ["    if:"]);
});

test("Ctrl-D ends the input on an empty line only; leave() puts the cursor past the line", async () => {
  const t = terminal();
  await t.ask();
  await t.type(`ab${HOME}\x04`);
  assert.deepEqual(t.screen(), [">>> b"]);
  const edit = new LineEdit(() => 20);
  edit.begin(">>> ");
  assert.deepEqual(edit.key("\x04"), { echo: "\r\n", line: null });
  edit.begin("\x1b[32m>>>\x1b[0m ");
  edit.key("a");
  edit.key("b");
  edit.key(LEFT);
  assert.equal(edit.leave(), "\r\x1b[6C"); // the prompt's colours take no columns
});
