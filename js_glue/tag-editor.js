// @ts-check
// PyScript's editor tags: <script type="py-editor"> (Pyodide) and <script type="mpy-editor">
// (MicroPython) become a CodeMirror editor with a run button, the run's output below it.
//
//   <script type="py-editor" env="shared" config="./pyscript.toml">x = 1</script>
//   <script type="py-editor" env="shared">print(x + 1)</script>   <!-- prints 2 when run -->
//
// Every editor runs in a worker: the editors with the same `env` (and type) share one worker and
// one namespace (env.js: EditorEnvs); one without `env` has its own. The run button, Shift+Enter
// (or Ctrl/Cmd+Enter) runs the editor's code there; printed lines go under the editor, errors
// in red. While it runs the button stops it: `interrupt()` of the env's worker, a
// KeyboardInterrupt that leaves the env's state as it was (beyond PyScript, which can only
// throw the env away); a run that is not interrupted within STOP_GRACE_MS (MicroPython busy
// without calling the page) has its worker terminated, and the env starts afresh on its next run.
//
// As PyScript: `setup` hides the tag and runs its code in the env at once, before any editor's
// run there; `config` (one per env) configures the env's worker; `target` names the element the
// editor goes in (else a <py-editor> after the tag); `output` names an existing element for the
// output; `src` loads the code from a file; `rows` caps the editor's height. The tag gets
// `code` (read, set), `process(code)` (run code in the env as a setup would) and the events
// `py-editor` (ready) and `py-editor:done` (a run ended), `mpy-` for MicroPython.
//
// CodeMirror is loaded on the first editor only, from /_ffi/bundles/codemirror.js (bundled by
// pyscript_ffi/assets.py from bundles/codemirror.js).

import { EditorEnvs } from "./tag-editor-env.js";
import { dedent, sourceOf } from "./tag-element.js";
import { showError } from "./tag-errors.js";

const RUN_ICON =
  '<svg style="height:24px;width:24px" viewBox="0 0 24 24" aria-hidden="true"><path d="M8 6v12l10-6z" fill="#464646"/></svg>';
const STOP_ICON =
  '<svg style="height:24px;width:24px" viewBox="0 0 24 24" aria-hidden="true"><path d="M7 7h10v10H7z" fill="#464646"/></svg>';
/** ms a stopped run has to end on its KeyboardInterrupt before its worker is terminated */
const STOP_GRACE_MS = 2000;
/** PyScript's core.css rules for editors, added with the first one */
const STYLE = ["py", "mpy"]
  .map(
    (t) =>
      `${t}-editor { display: block; } .${t}-editor-box { padding: 0.5rem; } .${t}-editor-input { position: relative; }` +
      ` .${t}-editor-box::before { content: attr(data-env); display: block; font-size: x-small; text-align: end; }` +
      ` .${t}-editor-output { white-space: pre-wrap; }` +
      ` .${t}-editor-run-button { position: absolute; display: flex; right: 0.5rem; bottom: 0.5rem; opacity: 0; transition: opacity 0.25s; z-index: 1; padding: 0; }` +
      ` .${t}-editor-box:hover .${t}-editor-run-button, .${t}-editor-run-button:focus, .${t}-editor-run-button.running { opacity: 1; }`,
  )
  .join("\n");

/** @type {Promise<any> | null} the CodeMirror bundle, once asked for */
let codemirror = null;
const envs = new EditorEnvs();
/** numbers the editors' elements */
let made = 0;

/** Make `script`, a py-editor or mpy-editor tag, an editor (or, with `setup`, run it). */
export async function startEditor(/** @type {any} */ script) {
  const type = /** @type {"py" | "mpy"} */ (script.getAttribute("type").replace(/-editor$/, ""));
  try {
    const env = envs.join(script, type);
    const source = script.hasAttribute("src") ? await sourceOf(script) : dedent(script.textContent ?? "").trim();
    if (script.hasAttribute("setup")) {
      Object.defineProperty(script, "code", { get: () => source, configurable: true });
      await env.setup(source);
    } else {
      await buildEditor(script, type, env, source);
    }
  } catch (e) {
    showError(e?.message ?? String(e));
    return;
  }
  script.dispatchEvent(new Event(`${type}-editor`, { bubbles: true }));
}

/** The editor's elements, with PyScript's class names (pages style them). */
async function buildEditor(/** @type {any} */ script, /** @type {"py" | "mpy"} */ type, /** @type {import("./tag-editor-env.js").EditorEnv} */ env, /** @type {string} */ source) {
  const cm = await loadCodeMirror();
  const id = `${type}-editor-${made++}`;
  const target = placeOf(script, type, id);
  const box = Object.assign(document.createElement("div"), { className: `${type}-editor-box` });
  box.dataset.env = env.label;
  const input = Object.assign(document.createElement("div"), { className: `${type}-editor-input` });
  input.setAttribute("aria-label", "Python Script Area");
  const button = Object.assign(document.createElement("button"), { className: `absolute ${type}-editor-run-button`, innerHTML: RUN_ICON });
  button.setAttribute("aria-label", "Python Script Run Button");
  const host = document.createElement("div");
  host.addEventListener("keydown", (event) => event.stopPropagation()); // the page's shortcuts stay out
  input.append(button, host);
  const wanted = script.getAttribute("output");
  const output = wanted ? document.getElementById(wanted) : Object.assign(document.createElement("div"), { id: `${id}-output` });
  if (!output) throw new Error(`pyscript-ffi: the output ${JSON.stringify(wanted)} of a <script type="${type}-editor"> is not in the page`);
  output.classList.add(`${type}-editor-output`);
  box.append(input, output);
  target.append(box);

  const shadow = host.attachShadow({ mode: "open" }); // the page's styles stay out too
  const rows = parseInt(script.getAttribute("rows") ?? "", 10);
  const sized = rows > 0 ? `.cm-editor { max-height: ${Math.floor(rows * 18.5)}px; min-height: ${Math.floor(3 * 18.5)}px; }` : "";
  shadow.innerHTML = `<style>:host { all: initial; } ${sized}</style>`;

  let running = /** @type {Promise<void> | null} */ (null);
  const run = () => {
    if (running) return true;
    button.classList.add("running");
    button.innerHTML = STOP_ICON;
    running = env.run(view.state.doc.toString(), output).finally(() => {
      running = null;
      button.classList.remove("running");
      button.innerHTML = RUN_ICON;
      script.dispatchEvent(new Event(`${type}-editor:done`, { bubbles: true }));
    });
    return true;
  };
  button.addEventListener("click", () => {
    button.blur();
    if (running) env.stop(running, STOP_GRACE_MS);
    else run();
  });
  const indentation = /^([ \t]+)/m.exec(source)?.[1] ?? "    ";
  const keys = ["Shift-Enter", "Ctrl-Enter", "Cmd-Enter"].map((key) => ({ key, run, preventDefault: true }));
  const view = new cm.EditorView({
    doc: source,
    parent: shadow,
    extensions: [cm.indentUnit.of(indentation), cm.python(), cm.keymap.of([...keys, cm.indentWithTab]), cm.basicSetup],
  });
  Object.defineProperties(script, {
    target: { get: () => target, configurable: true },
    code: {
      get: () => view.state.doc.toString(),
      set: (/** @type {string} */ code) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } }),
      configurable: true,
    },
    process: { value: (/** @type {string} */ code) => env.setup(code), configurable: true },
  });
  view.focus();
}

/** Where the editor goes: the tag's `target` element, else a <py-editor> made after the tag
 * (at the end of the body for a tag in the head). */
function placeOf(/** @type {Element} */ script, /** @type {"py" | "mpy"} */ type, /** @type {string} */ id) {
  const wanted = script.getAttribute("target");
  let target = wanted ? (document.getElementById(wanted) ?? document.querySelector(wanted)) : null;
  if (wanted && !target) throw new Error(`pyscript-ffi: the target ${JSON.stringify(wanted)} of a <script type="${type}-editor"> is not in the page`);
  if (!target) {
    target = document.createElement(`${type}-editor`);
    if (document.head.contains(script)) document.body.append(target);
    else script.after(target);
  }
  if (!target.id) target.id = id;
  return target;
}

function loadCodeMirror() {
  if (!codemirror) {
    document.head.append(Object.assign(document.createElement("style"), { textContent: STYLE }));
    codemirror = import(new URL("./bundles/codemirror.js", import.meta.url).href);
  }
  return codemirror;
}
