// @ts-check
// PyScript's config, read as PyScript reads it: a `config` attribute naming a .json or .toml
// file, or inline JSON (or TOML); a <py-config>/<mpy-config> tag. Then what it asks for, done
// in an interpreter before the first script runs: `files` (and the older `fetch`) fetched into its file system, and
// `packages` loaded (Pyodide: wheels it can load offline, or wheel URLs). (`js_modules` is
// js-modules.js's.)
// Runs on the page (core.js) and in a worker (worker.js), so it never touches the DOM.

import { parse as parseToml } from "./vendor/smol-toml/dist/index.js";

const PYODIDE_DIR = new URL("./pyodide/", import.meta.url).href;
/** The keys this reads; any other is ignored with a console warning. */
const KNOWN = new Set(["files", "fetch", "packages", "js_modules"]);
/** Keys PyScript knows that have no effect here (each warned about once, with the reason). */
const NOT_HERE = {
  interpreter: "the interpreter is the one pyscript-ffi serves",
  plugins: "PyScript's plugins are not part of pyscript-ffi",
  packages_cache: "packages are served locally, never cached in IndexedDB",
  experimental_create_proxy: "not needed: a worker's functions are proxied as they are",
  experimental_ffi_timeout: "use PyWorker's timeout option",
  sync_main_only: "a worker always has the page's document here",
  debug: "no debug build is served",
};

/**
 * @typedef {object} Config
 * @property {Record<string, any>} value  the parsed config (an object, possibly empty)
 * @property {string} baseURL  where its relative URLs start: its file, or the page
 */

/**
 * Parse `text` as PyScript does: JSON if it looks like an object, else TOML, by smol-toml or by
 * the page's `config-parser` module (its `parse`, else its default export, called with the text).
 * @param {string} text
 * @param {"json" | "toml" | null} kind  forced by a file extension or a type attribute
 * @param {string} where  named in errors
 * @param {string | null} parser  the `config-parser` module's URL, or null
 */
async function parseText(text, kind, where, parser) {
  const json = kind === "json" || (kind === null && /^\s*\{[\s\S]*\}\s*$/.test(text));
  /** @type {(text: string) => any} */
  let parse = parseToml;
  if (!json && parser) {
    let module;
    try {
      module = await import(parser);
    } catch (e) {
      throw new Error(`pyscript-ffi: could not import the config-parser ${parser}: ${/** @type {any} */ (e)?.message ?? e}`);
    }
    parse = module.parse || module.default;
    if (typeof parse !== "function") {
      throw new Error(`pyscript-ffi: the config-parser ${parser} exports no \`parse\` function nor a default one`);
    }
  }
  try {
    const value = json ? JSON.parse(text) : await parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new Error("the config must be a table (an object)");
    }
    return value;
  } catch (e) {
    const by = !json && parser ? ` (parsed by ${parser})` : "";
    throw new Error(`pyscript-ffi: invalid ${json ? "JSON" : "TOML"} config in ${where}${by}: ${/** @type {any} */ (e)?.message ?? e}`);
  }
}

/**
 * Read one config: `source` is a file name (.json or .toml, relative to `base`) or inline text.
 * TOML goes to `parser` (a `config-parser` module's URL) when given: as PyScript, a worker tag's
 * own config uses it for a file only (`parseInline` false).
 * @param {string | null} source
 * @param {string} base  the page's URL
 * @param {"json" | "toml" | null} [kind]
 * @param {{ parser?: string | null, parseInline?: boolean }} [options]
 * @returns {Promise<Config>}
 */
export async function readConfig(source, base, kind = null, { parser = null, parseInline = true } = {}) {
  const text = source?.trim() ?? "";
  if (!text) return { value: {}, baseURL: base };
  const file = /^[^{\n]*\.(json|toml)(\?\S*)?$/.exec(text);
  if (file) {
    const url = new URL(text, base).href;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`pyscript-ffi: could not load the config ${url}: HTTP ${response.status}`);
    const format = kind ?? /** @type {"json" | "toml"} */ (file[1]);
    return { value: await parseText(await response.text(), format, url, parser), baseURL: url };
  }
  return { value: await parseText(text, kind, "an inline config", parseInline ? parser : null), baseURL: base };
}

/** Warn once per key this does not use. @param {Record<string, any>} config @param {string} where */
export function warnUnknownKeys(config, where) {
  for (const key of Object.keys(config)) {
    if (KNOWN.has(key)) continue;
    const why = NOT_HERE[/** @type {keyof NOT_HERE} */ (key)] ?? "pyscript-ffi does not know this key";
    console.warn(`pyscript-ffi: config key ${JSON.stringify(key)} in ${where} is ignored: ${why}`);
  }
}

/**
 * `files` as PyScript expands it: keys in braces ({FROM}) are templates used in later keys and
 * values; a destination ending in "/" gets the source's file name; one ending in "/*" is an
 * archive (.zip, .whl, .tar.gz, .tgz) unpacked into that folder.
 * @param {Record<string, string>} files
 * @returns {{ url: string, path: string, archive: string }[]}
 */
export function planFiles(files) {
  if (files === null || typeof files !== "object" || Array.isArray(files)) {
    throw new Error("pyscript-ffi: config `files` must be a table of source URL = destination path");
  }
  /** @type {Map<string, string>} */
  const templates = new Map();
  const fill = (/** @type {string} */ text) =>
    String(text).replace(/\{.+?\}/g, (name) => {
      const value = templates.get(name);
      if (value === undefined) throw new Error(`pyscript-ffi: config \`files\` uses the undefined template ${name}`);
      return value;
    });
  const plan = [];
  const seen = new Set();
  for (const [source, dest] of Object.entries(files)) {
    if (/^\{.+\}$/.test(source)) {
      if (templates.has(source)) throw new Error(`pyscript-ffi: config \`files\` defines ${source} twice`);
      templates.set(source, fill(dest));
      continue;
    }
    const url = fill(source);
    let path = fill(dest || "./");
    if (path.endsWith("/")) path += url.split("/").pop();
    let archive = "";
    if (path.endsWith("/*")) {
      const format = /\.(zip|whl|tgz|tar\.gz)$/.exec(url);
      if (!format) throw new Error(`pyscript-ffi: config \`files\`: ${url} is not an archive (.zip, .whl, .tar.gz) to unpack into ${path}`);
      archive = format[1] === "whl" ? "zip" : format[1] === "tgz" ? "gztar" : format[1] === "tar.gz" ? "gztar" : "zip";
    } else if (seen.has(path)) {
      throw new Error(`pyscript-ffi: config \`files\` writes ${path} twice`);
    }
    seen.add(path);
    plan.push({ url, path, archive });
  }
  return plan;
}

/**
 * The older `fetch` key as PyScript reads it: a list of `{from, files, to_folder, to_file}`.
 * With `files`, each name is fetched from `from`/name into `to_folder`/name; without, `from`
 * itself into `to_folder`/(`to_file` or the last part of `from`). `to_folder` defaults to ".",
 * the working folder. Its files are written after those of `files` (a path in both ends up
 * with `fetch`'s file). Archives are never unpacked.
 * @param {unknown} fetchList
 * @returns {{ url: string, path: string, archive: string }[]}
 */
export function planFetch(fetchList) {
  if (!Array.isArray(fetchList)) {
    throw new Error("pyscript-ffi: config `fetch` must be a list of {from, files, to_folder, to_file} tables");
  }
  for (const entry of fetchList) {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      throw new Error(`pyscript-ffi: config \`fetch\`: each item must be a {from, files, to_folder, to_file} table, not ${JSON.stringify(entry)}`);
    }
    const { files, to_file, from = "" } = entry;
    if (files !== undefined && to_file !== undefined) {
      throw new Error("pyscript-ffi: config `fetch`: an item cannot have both `to_file` and `files`");
    }
    if (files === undefined && to_file === undefined && String(from).endsWith("/")) {
      throw new Error(`pyscript-ffi: config \`fetch\`: cannot tell the file name from ${from}: give \`to_file\``);
    }
  }
  /** Join as PyScript does: slashes trimmed from each part, "" and "." parts dropped. */
  const join = (/** @type {string[]} */ parts) => {
    const joined = parts
      .map((part) => String(part).trim().replace(/(^[/]*|[/]*$)/g, ""))
      .filter((part) => part !== "" && part !== ".")
      .join("/");
    return String(parts[0]).startsWith("/") ? `/${joined}` : joined;
  };
  return fetchList.flatMap(({ from = "", to_folder = ".", to_file, files }) => {
    if (Array.isArray(files)) {
      return files.map((file) => ({ url: join([from, file]), path: join([to_folder, file]), archive: "" }));
    }
    const name = to_file || String(from).slice(1 + String(from).lastIndexOf("/"));
    return [{ url: String(from), path: join([to_folder, name]), archive: "" }];
  });
}

/** `path` made absolute against `cwd`, with "." and ".." resolved. */
function absolute(/** @type {string} */ cwd, /** @type {string} */ path) {
  const parts = [];
  for (const part of (path.startsWith("/") ? path : `${cwd}/${path}`).split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/**
 * Fetch every file of `config.files`, then of `config.fetch`, into the interpreter's file system (relative paths from
 * its working folder), then load `config.packages`.
 * @param {any} interpreter  a Pyodide or a MicroPython instance
 * @param {"pyodide" | "micropython"} type
 * @param {Config} config
 */
export async function applyConfig(interpreter, type, { value, baseURL }) {
  if (value.files || value.fetch) {
    const plan = [...(value.files ? planFiles(value.files) : []), ...(value.fetch ? planFetch(value.fetch) : [])];
    const fetched = await Promise.all(
      plan.map(async ({ url }) => {
        const href = new URL(url, baseURL).href;
        const response = await fetch(href);
        if (!response.ok) throw new Error(`pyscript-ffi: config \`files\`: could not fetch ${href}: HTTP ${response.status}`);
        return new Uint8Array(await response.arrayBuffer());
      }),
    );
    const { FS } = interpreter;
    plan.forEach(({ path, archive, url }, i) => {
      if (archive) {
        if (type !== "pyodide") throw new Error(`pyscript-ffi: config \`files\`: unpacking ${url} needs Pyodide; MicroPython has no archive support here`);
        interpreter.unpackArchive(fetched[i], archive, { extractDir: absolute(FS.cwd(), path.slice(0, -2)) });
        return;
      }
      const file = absolute(FS.cwd(), path);
      FS.mkdirTree(file.slice(0, file.lastIndexOf("/")) || "/");
      FS.writeFile(file, fetched[i]);
    });
  }
  if (value.packages) await loadPackages(interpreter, type, value.packages, baseURL);
}

/**
 * Pyodide's packages: names from its lock file whose wheels are served with it, or wheel URLs.
 * @param {any} interpreter @param {string} type @param {string[]} packages @param {string} baseURL
 */
async function loadPackages(interpreter, type, packages, baseURL) {
  if (!Array.isArray(packages)) throw new Error("pyscript-ffi: config `packages` must be a list of names or wheel URLs");
  if (!packages.length) return;
  if (type !== "pyodide") {
    throw new Error(
      `pyscript-ffi: config \`packages\` (${packages.join(", ")}) cannot be installed on MicroPython here: ` +
        "mip needs the network. Put the modules in `files` instead.",
    );
  }
  const wanted = packages.map((name) => (/\.whl(\?|$)/.test(name) ? new URL(name, baseURL).href : name));
  const problems = [];
  for (const name of wanted) {
    if (name.includes("/")) continue;
    const bare = name.split(/[<>=!~;[ ]/)[0].toLowerCase();
    const entry = interpreter.lockfile?.packages?.[bare] ?? interpreter.lockfile?.packages?.[bare.replace(/_/g, "-")];
    if (!entry) problems.push(`${name} (not a package of Pyodide ${interpreter.version})`);
    else if (!(await served(new URL(entry.file_name, interpreter.lockfileBaseUrl ?? PYODIDE_DIR).href))) {
      problems.push(`${name} (its wheel ${entry.file_name} is not in the served Pyodide)`);
    }
  }
  if (problems.length) {
    throw new Error(
      `pyscript-ffi: config \`packages\`: cannot load ${problems.join(", ")}. ` +
        "Give a wheel's URL instead, or put its files in the served Pyodide.",
    );
  }
  const messages = [];
  await interpreter.loadPackage(wanted, {
    messageCallback: () => {},
    errorCallback: (/** @type {string} */ m) => messages.push(m),
  });
  if (messages.length) throw new Error(`pyscript-ffi: config \`packages\`: ${messages.join("; ")}`);
}

/** Whether `url` answers (a HEAD request). */
async function served(/** @type {string} */ url) {
  try {
    return (await fetch(url, { method: "HEAD" })).ok;
  } catch {
    return false;
  }
}
