// @ts-check
// The environments of PyScript's editor tags (tag-editor.js): the editors with the same `env`
// attribute and type share one EditorEnv, a PyWorker started on the env's first run whose file
// exports pyscript/_editor.py's `run` (one namespace for every run there). Runs in an env go
// one after the other, in the order they were asked for; a run's printed lines and its error go
// to the output element of the editor that ran it.

import { readConfig } from "./config.js";
import { PyWorker } from "./main.js";
import { INTERPRETER } from "./tag-element.js";

/** The file of every env's worker: it only exports the runner. */
const WORKER_FILE = "from pyscript._editor import run\n__export__ = ['run']\n";
/** ms an env's worker waits for the page to take one call (as tag-worker.js's tags) */
const WORKER_CALL_TIMEOUT_MS = 120_000;

/** @typedef {"py" | "mpy"} TagType */

/** Every env of the page, by type and name. */
export class EditorEnvs {
  /** @type {Map<string, EditorEnv>} */
  #envs = new Map();
  /** numbers the envs of editors without `env` */
  #alone = 0;

  /** The env of editor tag `script` (made on its first editor), with the tag's `config` if it
   * has one: only one tag of an env may give it one, the first (as PyScript). Tags join in the
   * order they were found, so this does not wait. */
  join(/** @type {Element} */ script, /** @type {TagType} */ type) {
    const name = script.getAttribute("env");
    const key = `${INTERPRETER[type]}-${name ?? `${type}-editor-${this.#alone++}`}`;
    const own = script.getAttribute("config");
    let env = this.#envs.get(key);
    if (env && own !== null) {
      throw new Error(`pyscript-ffi: a second config for the editor env ${JSON.stringify(name)} (${own}): give its config on the first <script type="${type}-editor" env=${JSON.stringify(name)}> only`);
    }
    if (!env) {
      const config = own !== null ? readConfig(own, document.baseURI) : Promise.resolve({ value: {}, baseURL: document.baseURI });
      config.catch(() => {}); // shown by the env's first run
      this.#envs.set(key, (env = new EditorEnv(type, name !== null ? key : INTERPRETER[type], config)));
    }
    return env;
  }
}

export class EditorEnv {
  /** what the editors of this env show as their env's name */
  label;
  /** @type {ReturnType<typeof PyWorker> | null} its worker, once a run started it */
  #worker = null;
  /** the last run asked for: the next one starts after it */
  #queue = Promise.resolve();
  /** @type {HTMLElement | null} the running editor's output (null: a setup's run, to the console) */
  #output = null;
  /** the element whose `target` is the running editor's output: what display() writes into */
  #anchor;

  /** @param {TagType} type @param {string} label
   * @param {Promise<{ value: Record<string, any>, baseURL: string }>} config the env's */
  constructor(type, label, config) {
    this.type = type;
    this.label = label;
    this.config = config;
    this.#anchor = Object.assign(document.createElement("span"), { hidden: true, id: `${label}-env-${Math.random().toString(36).slice(2, 8)}` });
    Object.defineProperty(this.#anchor, "target", { get: () => this.#output ?? document.body });
    document.body.append(this.#anchor);
  }

  /** Run `code` in this env with no editor's output (a `setup` tag's, or `process(code)`).
   * Resolves once it ran; a failure goes to the error box. */
  setup(/** @type {string} */ code) {
    return this.#enqueue(code, null);
  }

  /** Run an editor's `code`, its output (emptied first) in `output`; resolves once it ran. */
  run(/** @type {string} */ code, /** @type {HTMLElement} */ output) {
    return this.#enqueue(code, output);
  }

  /** Stop `running` (a run's promise): KeyboardInterrupt in the worker; if the run has not
   * ended after `graceMs`, terminate the worker (the next run starts a new one). */
  stop(/** @type {Promise<void>} */ running, /** @type {number} */ graceMs) {
    const worker = this.#worker;
    if (!worker) return;
    try {
      worker.interrupt();
    } catch {
      // not started yet: the grace period ends it
    }
    let ended = false;
    running.finally(() => (ended = true));
    setTimeout(() => {
      if (ended || this.#worker !== worker) return;
      this.#worker = null;
      worker.terminate(); // the run's call rejects: its editor shows why
    }, graceMs);
  }

  #enqueue(/** @type {string} */ code, /** @type {HTMLElement | null} */ output) {
    const run = this.#queue.then(() => this.#runOne(code, output));
    this.#queue = run;
    return run;
  }

  async #runOne(/** @type {string} */ code, /** @type {HTMLElement | null} */ output) {
    this.#output = output;
    if (output) output.replaceChildren();
    try {
      const worker = this.#worker ?? (this.#worker = this.#start(await this.config));
      await worker.ready;
      await /** @type {any} */ (worker.sync).run(code);
    } catch (e) {
      const message = e?.message ?? String(e);
      if (output) this.#write(message, true);
      else throw e;
    } finally {
      this.#output = null;
    }
  }

  #start(/** @type {{ value: Record<string, any>, baseURL: string }} */ config) {
    const src = URL.createObjectURL(new Blob([WORKER_FILE], { type: "text/x-python" }));
    const worker = PyWorker(src, {
      type: INTERPRETER[this.type],
      timeout: WORKER_CALL_TIMEOUT_MS,
      tag: { id: this.#anchor.id, type: this.type, name: null, config: config.value, baseURL: config.baseURL },
      stdout: (line) => this.#write(line, false),
      stderr: (line) => this.#write(line, true),
    });
    worker.ready.finally(() => URL.revokeObjectURL(src));
    return worker;
  }

  /** One line for the running editor's output (errors in red), or the console outside a run. */
  #write(/** @type {string} */ line, /** @type {boolean} */ error) {
    const output = this.#output;
    if (!output) return error ? console.error(line) : console.log(line);
    if (!error) return output.append(`${line}\n`);
    const span = Object.assign(document.createElement("span"), { textContent: `${line}\n` });
    span.style.color = "red";
    output.append(span);
  }
}
