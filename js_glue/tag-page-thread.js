// @ts-check
// Tags without `worker`: they run on the page's own thread, one interpreter per type, booted on
// the first such tag; a type's tags run one after the other in the order they were found
// (document order), top-level `await` allowed. A failure shows in the error box and the queue
// goes on. A tag with `terminal` takes its interpreter's output into its terminal from its run
// on (tag-terminal.js; as PyScript, input() there stays the browser's prompt).

import { bootMicroPython, bootPyodide, consoleOutput } from "./boot.js";
import { exposeTerminal, prepare } from "./environment.js";
import { announce, INTERPRETER, pageConfig, sourceOf, targetOf } from "./tag-element.js";
import { showError } from "./tag-errors.js";

/** @typedef {import("./tag-element.js").TagType} TagType */

/** One type's interpreter on the page's thread and its queue of tags. */
class Interpreter {
  /** the last queued run: the next tag runs after it */
  queue = Promise.resolve();
  /** the id of the running tag's target, what `pyscript.current_target()` gives */
  current = "";
  /** numbers the targets made for this type's tags without one (`py-0`, ...: one count per
   * type, as PyScript) */
  made = 0;
  /** @type {Promise<any>} */
  booted;
  /** where MicroPython's printed lines go (Pyodide's are set on it) */
  output = consoleOutput();
  /** @type {import("./tag-terminal.js").TagTerminal | null} the terminal its output goes to */
  terminal = null;

  constructor(/** @type {TagType} */ type) {
    this.booted = this.#boot(type);
  }

  async #boot(/** @type {TagType} */ type) {
    const [config, booted] = await Promise.all([
      pageConfig(type),
      type === "py" ? bootPyodide(null).then((b) => b.pyodide) : bootMicroPython(null, this.output).then((b) => b.micropython),
    ]);
    const state = this;
    await prepare(booted, INTERPRETER[type], {
      ...config,
      config: config.value,
      worker: false,
      type,
      get target() {
        return state.current;
      },
    });
    return booted;
  }
}

export class PageThreadTags {
  /** @type {Map<TagType, Interpreter>} */
  #interpreters = new Map();

  /** The interpreter of `type`, once the tags of that type queued so far have run; null if no
   * tag of that type runs on the page's thread (tag-events.js). @param {TagType} type */
  ready(type) {
    const main = this.#interpreters.get(type);
    return main ? main.queue.then(() => main.booted) : null;
  }

  /** Run `script` on the page's thread, after the tags of its type queued before it. */
  run(/** @type {HTMLScriptElement} */ script, /** @type {TagType} */ type) {
    let main = this.#interpreters.get(type);
    if (!main) this.#interpreters.set(type, (main = new Interpreter(type)));
    const run = main.queue.then(() => this.#runOne(/** @type {Interpreter} */ (main), script, type));
    main.queue = run;
    return run;
  }

  async #runOne(/** @type {Interpreter} */ main, /** @type {HTMLScriptElement} */ script, /** @type {TagType} */ type) {
    try {
      const interpreter = await main.booted;
      const code = await sourceOf(script);
      main.current = targetOf(script, `${type}-${main.made++}`).id;
      if (script.hasAttribute("terminal")) await useTerminal(main, interpreter, script, type);
      announce(script, "ready");
      Object.defineProperty(document, "currentScript", { configurable: true, get: () => script });
      try {
        const filename = script.src || `${location.pathname}#${main.current}`;
        const options = type === "py" ? { filename } : undefined;
        if (/^(false|0|no)$/i.test(script.getAttribute("async") ?? "")) interpreter.runPython(code, options);
        else await interpreter.runPythonAsync(code, options);
      } finally {
        delete (/** @type {any} */ (document).currentScript);
      }
    } catch (e) {
      if (main.terminal) main.terminal.stderr(e?.message ?? String(e));
      else showError(e?.message ?? String(e));
    }
    announce(script, "done");
  }
}

/** Open `script`'s terminal and send `main`'s output to it. As PyScript, the page's thread has
 * one terminal at most (of either type): a second is an error. @param {Interpreter} main
 * @param {any} interpreter @param {HTMLScriptElement} script @param {TagType} type */
async function useTerminal(main, interpreter, script, type) {
  const all = document.querySelectorAll('script[type="py"][terminal]:not([worker]), script[type="mpy"][terminal]:not([worker])');
  if (all.length > 1) throw new Error(`pyscript-ffi: ${all.length} <script terminal> tags without \`worker\` in the page: the page's thread has one terminal at most; add \`worker\` to the others to give each its own`);
  const { TagTerminal } = await import("./tag-terminal.js");
  const terminal = (main.terminal = await TagTerminal.open(script));
  if (type === "py") {
    interpreter.setStdout({ batched: terminal.stdout });
    interpreter.setStderr({ batched: terminal.stderr });
  } else {
    main.output.stdout = terminal.stdout;
    main.output.stderr = terminal.stderr;
  }
  if (!script.id) script.id = `${main.current}-script`;
  exposeTerminal(interpreter, script.id);
}
