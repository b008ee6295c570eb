// @ts-check
// The error box of PyScript pages: a failure of a tag shows in a <div class="py-error"> on the
// page, as PyScript shows it, and in the console. A Python traceback in it starts at the user's
// own code: the frames above the user's first one (Pyodide's `_pyodide/_base.py`, pyscript-ffi's
// runners and the `pyscript` package, all under /lib/) are the machinery that ran it.

const BOX_STYLE =
  "border: 1px solid red; background: #ffdddd; color: black; font-family: courier, monospace;" +
  "white-space: pre; overflow-x: auto; padding: 8px; margin-top: 8px;";

const HEADER = "Traceback (most recent call last):";
/** a frame's first line, and the files of the machinery: the interpreter's own library and
 * pyscript-ffi's packages (/lib/...), and frozen modules */
const FRAME = /^ {2}File "([^"]*)"/;
const MACHINERY = /^(?:\/lib\/|<frozen )/;

/** `message` with each traceback's frames above the user's first one left out. A traceback
 * with no frame of the user's (an error of the machinery itself) is kept whole. */
export function userTraceback(/** @type {string} */ message) {
  const lines = message.split("\n");
  /** @type {string[]} */
  const kept = [];
  let i = 0;
  while (i < lines.length) {
    kept.push(lines[i]);
    if (lines[i++] !== HEADER) continue;
    // the frames: a `  File "..."` line and the deeper-indented lines after it
    /** @type {{ file: string, lines: string[] }[]} */
    const frames = [];
    while (i < lines.length && FRAME.test(lines[i])) {
      const frame = { file: /** @type {RegExpExecArray} */ (FRAME.exec(lines[i]))[1], lines: [lines[i++]] };
      while (i < lines.length && lines[i].startsWith("    ")) frame.lines.push(lines[i++]);
      frames.push(frame);
    }
    const first = frames.findIndex((frame) => !MACHINERY.test(frame.file));
    for (const frame of first < 0 ? frames : frames.slice(first)) kept.push(...frame.lines);
  }
  return kept.join("\n");
}

/** Show `message` in a box at the end of the page's body, and in the console. */
export function showError(/** @type {string} */ message) {
  const shown = userTraceback(message);
  console.error(shown);
  const box = document.createElement("div");
  box.className = "py-error";
  box.textContent = shown;
  box.style.cssText = BOX_STYLE;
  document.body.append(box);
}

/** As PyScript: a Python error raised later (in an event handler, outside any tag's run) shows
 * in a box too. */
export function showUncaughtPythonErrors() {
  globalThis.addEventListener("error", ({ message }) => {
    if (/PythonError|Traceback/.test(message ?? "")) showError(message);
  });
}
