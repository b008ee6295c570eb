// @ts-check
// Boots Pyodide from the locally served copy with msgpack and pyscript-ffi's Python packages,
// for a worker (worker.js) or the page's own thread (PyMain in main.js).

import { withMemory } from "./micro.js";
import { AFTER_RESTORE, canKeep, forgetSnapshot, keepWaiting, keepWhenIdle, readSnapshot, snapshotKey } from "./snapshot.js";
import { canUnzip, unzip, writeFiles } from "./unzip.js";

/** @typedef {import("./unzip.js").ZipFile} ZipFile */

const here = new URL(".", import.meta.url);
const FFI_DIR = "/lib/pyscript_ffi";

/**
 * A User Timing mark of the boot's step `step` ("pyscript-ffi:<step>") in the thread that boots:
 * where a slow start's time went, in the browser's performance panel (or
 * performance.getEntriesByType("mark") in that thread); docs/benchmarks.md, "First visit by
 * step", splits a boot by them. One entry a step, a few per boot.
 * @param {string} step
 */
export function mark(step) {
  globalThis.performance?.mark?.(`pyscript-ffi:${step}`);
}

/** @param {URL} url */
async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`pyscript-ffi: could not load ${url.href}: HTTP ${response.status}`);
  return response;
}

/**
 * How a Pyodide started: "restored" from the origin's snapshot, "made" one for later boots
 * (the long way), or "off" (none: no Cache Storage here, or the caller asked for none).
 * @typedef {"restored" | "made" | "off"} SnapshotUse
 */

/**
 * A Pyodide with msgpack and pyscript-ffi importable, and the text of the user's file.
 * Only pyodide.mjs (and the snapshot, if kept) are awaited before Pyodide starts; msgpack's
 * wheel, our python.zip and the user's file are fetched (and the archives inflated: unzip.js)
 * while it starts, and written into its file system after (docs/benchmarks.md, "First visit by
 * step"). A file that cannot be fetched fails the boot at once, not after Pyodide's start.
 * @param {string | null} src absolute URL of the user's Python file (null: none, code "")
 * @param {{ snapshot?: boolean, keep?: (key: string, bytes: Uint8Array) => void }} [options]
 *   `snapshot` false: boot the long way, keep nothing; `keep`: what keeps a snapshot made here
 *   (default: Cache Storage, from this thread)
 * @returns {Promise<{ pyodide: any, code: string, snapshot: SnapshotUse }>}
 */
export async function bootPyodide(src, { snapshot = true, keep = keepWhenIdle } = {}) {
  const indexURL = new URL("./pyodide/", here);
  const pyodideModule = import(new URL("pyodide.mjs", indexURL).href);
  const use = snapshot && canKeep();
  const key = pyodideModule.then((/** @type {any} */ m) => snapshotKey(indexURL, m.version));
  const packages = fetchPackages();
  const code = src ? fetchOk(new URL(src)).then((r) => r.text()) : Promise.resolve("");
  const fetched = Promise.all([packages, code]);
  fetched.catch(() => {}); // awaited below (a rejection before then is not unhandled)
  /** `step`'s outcome, or sooner the failure of a fetch: a missing file fails the boot at once */
  const unlessFetchFails = (/** @type {Promise<any>} */ step) => Promise.race([step, fetched.then(() => step)]);
  const [{ loadPyodide }, kept] = await unlessFetchFails(
    Promise.all([pyodideModule, use ? Promise.all([key, keepWaiting()]).then(([k]) => readSnapshot(k)) : null]),
  );
  mark("inputs");
  const { pyodide, used } = await unlessFetchFails(startPyodide(loadPyodide, indexURL, use ? await key : null, kept, keep));
  mark("pyodide");
  installPackages(pyodide, await packages);
  mark("packages");
  return { pyodide, code: await code, snapshot: used };
}

/**
 * What a Pyodide boot installs beside Pyodide: msgpack's wheel (named in manifest.json) and our
 * packages (python.zip), each as its files where this thread can inflate them (unzip.js), else
 * as the archive's bytes, for Pyodide's unpackArchive.
 * @typedef {{ wheel: string, url: string, msgpack: ZipFile[] | ArrayBuffer, ffi: ZipFile[] | ArrayBuffer }} Packages
 * @returns {Promise<Packages>}
 */
async function fetchPackages() {
  const ffi = read(new URL("./python.zip", here));
  ffi.catch(() => {}); // awaited below
  const { msgpack_wheel: wheel } = await fetchOk(new URL("./manifest.json", here)).then((r) => r.json());
  const url = new URL(`./wheels/${wheel}`, here);
  const [msgpack, ours] = await Promise.all([read(url), ffi]);
  return { wheel, url: url.href, msgpack, ffi: ours };
}

/**
 * The archive at `url`: its files if this thread can inflate them, else its bytes.
 * @param {URL} url @returns {Promise<ZipFile[] | ArrayBuffer>}
 */
async function read(url) {
  const bytes = await (await fetchOk(url)).arrayBuffer();
  return canUnzip() ? unzip(bytes, url.href) : bytes;
}

/**
 * Install `packages` into a started `pyodide`: msgpack into site-packages (recorded in
 * pyodide.loadedPackages, so that a config's `packages` naming msgpack does not install
 * Pyodide's own over it), ours into FFI_DIR, first on sys.path. msgpack's C extension is loaded
 * when it is first imported (as for a wheel unpacked by unpackArchive).
 * @param {any} pyodide @param {Packages} packages
 */
function installPackages(pyodide, { wheel, url, msgpack, ffi }) {
  const site = pyodide.runPython("import site; site.getsitepackages()[0]");
  if (msgpack instanceof ArrayBuffer) pyodide.unpackArchive(msgpack, "wheel", { extractDir: site });
  else writeFiles(pyodide.FS, site, msgpack);
  pyodide.loadedPackages[wheel.split("-")[0]] = url;
  if (ffi instanceof ArrayBuffer) pyodide.unpackArchive(ffi, "zip", { extractDir: FFI_DIR });
  else writeFiles(pyodide.FS, FFI_DIR, ffi);
  pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(FFI_DIR)})`);
}

/**
 * Pyodide itself: restored from `kept` if Pyodide takes it, else the long way, keeping a
 * snapshot under `key` (null: keep none).
 * @param {(config: object) => Promise<any>} loadPyodide @param {URL} indexURL
 * @param {string | null} key @param {Uint8Array | null} kept
 * @param {(key: string, bytes: Uint8Array) => void} keep
 * @returns {Promise<{ pyodide: any, used: SnapshotUse }>}
 */
async function startPyodide(loadPyodide, indexURL, key, kept, keep) {
  if (key !== null && kept !== null) {
    try {
      const pyodide = await loadPyodide({ indexURL: indexURL.href, _loadSnapshot: kept });
      pyodide.runPython(AFTER_RESTORE);
      return { pyodide, used: "restored" };
    } catch (e) {
      console.warn(`pyscript-ffi: the kept Pyodide snapshot was refused (${e instanceof Error ? e.message : e}); starting the long way and keeping a new one`);
      await forgetSnapshot(key);
    }
  }
  const pyodide = await loadPyodide({ indexURL: indexURL.href, _makeSnapshot: key !== null });
  mark("loadPyodide");
  if (key === null) return { pyodide, used: "off" };
  keep(key, pyodide.makeMemorySnapshot());
  // while it may make a snapshot, Pyodide hands Python's `js` module a recording Proxy of the
  // global scope (for the snapshot's bookkeeping); nothing has imported `js` yet, so give this
  // interpreter the plain global scope from here on
  pyodide.registerJsModule("js", globalThis);
  return { pyodide, used: "made" };
}

/**
 * Where MicroPython's printed lines go (each without its newline), read at every line: a worker
 * with the page's stdout/stderr handlers swaps them in after boot (worker.js).
 * @typedef {{ stdout: (line: string) => void, stderr: (line: string) => void }} Output
 */

/**
 * A MicroPython with pyscript-ffi's packages in /lib (its import path), and the user's file.
 * @param {string | null} src absolute URL of the user's Python file (null: none, code "")
 * @param {Output} [output] where printed lines go (default: the console)
 * @returns {Promise<{ micropython: any, code: string, memory: WebAssembly.Memory | null }>}
 *   (`memory`: MicroPython's wasm memory, for the worker stub's frames: micro.js withMemory)
 */
export async function bootMicroPython(src, output = consoleOutput()) {
  const [{ loadMicroPython }, files, code] = await Promise.all([
    import(new URL("./micropython/micropython.mjs", here).href),
    fetchOk(new URL("./python.json", here)).then((r) => r.json()),
    src ? fetchOk(new URL(src)).then((r) => r.text()) : "",
  ]);
  const { made: micropython, memory } = await withMemory(() => loadMicroPython({
    heapsize: 64 * 2 ** 20, // the default 1 MiB is too small for frames of a few MiB
    stdout: (/** @type {string} */ line) => output.stdout(line),
    stderr: (/** @type {string} */ line) => output.stderr(line),
  }));
  for (const [path, source] of Object.entries(files)) {
    const file = `/lib/${path}`;
    micropython.FS.mkdirTree(file.slice(0, file.lastIndexOf("/")));
    micropython.FS.writeFile(file, source);
  }
  return { micropython, code, memory };
}

/** Printed lines to the console, as Pyodide's defaults send them. @returns {Output} */
export function consoleOutput() {
  return { stdout: (line) => console.log(line), stderr: (line) => console.error(line) };
}
