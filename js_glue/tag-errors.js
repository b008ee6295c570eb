// @ts-check
// The error box of PyScript pages: a failure of a tag shows in a <div class="py-error"> on the
// page, as PyScript shows it, and in the console.

const BOX_STYLE =
  "border: 1px solid red; background: #ffdddd; color: black; font-family: courier, monospace;" +
  "white-space: pre; overflow-x: auto; padding: 8px; margin-top: 8px;";

/** Show `message` in a box at the end of the page's body, and in the console. */
export function showError(/** @type {string} */ message) {
  console.error(message);
  const box = document.createElement("div");
  box.className = "py-error";
  box.textContent = message;
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
