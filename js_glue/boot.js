// @ts-check
// Boots Pyodide from the locally served copy with msgpack and pyscript-ffi's Python packages,
// for a worker (worker.js) or the page's own thread (PyMain in main.js).

const here = new URL(".", import.meta.url);
const FFI_DIR = "/lib/pyscript_ffi";

/** @param {URL} url */
async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`pyscript-ffi: could not load ${url.href}: HTTP ${response.status}`);
  return response;
}

/**
 * A Pyodide with msgpack and pyscript-ffi importable, and the text of the user's file.
 * @param {string | null} src absolute URL of the user's Python file (null: none, code "")
 * @returns {Promise<{ pyodide: any, code: string }>}
 */
export async function bootPyodide(src) {
  const [{ loadPyodide }, manifest, zip, code] = await Promise.all([
    import(new URL("./pyodide/pyodide.mjs", here).href),
    fetchOk(new URL("./manifest.json", here)).then((r) => r.json()),
    fetchOk(new URL("./python.zip", here)).then((r) => r.arrayBuffer()),
    src ? fetchOk(new URL(src)).then((r) => r.text()) : "",
  ]);
  const pyodide = await loadPyodide({ indexURL: new URL("./pyodide/", here).href });
  await pyodide.loadPackage(new URL(`./wheels/${manifest.msgpack_wheel}`, here).href, {
    messageCallback: () => {},
  });
  pyodide.unpackArchive(zip, "zip", { extractDir: FFI_DIR });
  pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(FFI_DIR)})`);
  return { pyodide, code };
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
 * @returns {Promise<{ micropython: any, code: string }>}
 */
export async function bootMicroPython(src, output = consoleOutput()) {
  const [{ loadMicroPython }, files, code] = await Promise.all([
    import(new URL("./micropython/micropython.mjs", here).href),
    fetchOk(new URL("./python.json", here)).then((r) => r.json()),
    src ? fetchOk(new URL(src)).then((r) => r.text()) : "",
  ]);
  const micropython = await loadMicroPython({
    heapsize: 64 * 2 ** 20, // the default 1 MiB is too small for frames of a few MiB
    stdout: (/** @type {string} */ line) => output.stdout(line),
    stderr: (/** @type {string} */ line) => output.stderr(line),
  });
  for (const [path, source] of Object.entries(files)) {
    const file = `/lib/${path}`;
    micropython.FS.mkdirTree(file.slice(0, file.lastIndexOf("/")));
    micropython.FS.writeFile(file, source);
  }
  return { micropython, code };
}

/** Printed lines to the console, as Pyodide's defaults send them. @returns {Output} */
export function consoleOutput() {
  return { stdout: (line) => console.log(line), stderr: (line) => console.error(line) };
}
