// @ts-check
// A zip archive's files, read in JS: how a Pyodide boot installs msgpack's wheel and our own
// python.zip (boot.js) without Pyodide's unpackArchive, whose Python side (a temporary file,
// shutil, zipfile) took 80-100 ms per archive after Pyodide had started, on the boot's path.
// Read here, the archives are inflated while Pyodide itself starts, and only written into its
// file system after (about 1 ms). Needs DecompressionStream("deflate-raw") for deflated entries
// (Chrome 80+, Firefox 113+, Safari 16.4+): `canUnzip` says whether this thread has it.

/** @typedef {{ path: string, bytes: Uint8Array }} ZipFile  a file of the archive (no folders) */

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE = 0x02014b50;
const LOCAL_FILE = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/** Whether this thread can inflate a zip's deflated entries. */
export function canUnzip() {
  if (typeof DecompressionStream !== "function") return false;
  try {
    new DecompressionStream("deflate-raw");
    return true;
  } catch {
    return false; // "deflate-raw" came after "deflate" in some engines
  }
}

/**
 * The files of the zip archive `buffer` (what `name` says it is, for errors).
 * @param {ArrayBuffer} buffer @param {string} name
 * @returns {Promise<ZipFile[]>}
 */
export async function unzip(buffer, name) {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  const bad = (/** @type {string} */ why) => new Error(`pyscript-ffi: ${name} is not a zip archive this boot can read (${why}); rebuild it or serve it again`);
  let end = bytes.length - 22;
  // the end record is last but for a comment of up to 64 KiB
  while (end >= 0 && end >= bytes.length - 22 - 0xffff && view.getUint32(end, true) !== END_OF_CENTRAL_DIRECTORY) end--;
  if (end < 0 || view.getUint32(end, true) !== END_OF_CENTRAL_DIRECTORY) throw bad("no end of central directory");
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const names = new TextDecoder();
  /** @type {Promise<ZipFile>[]} */
  const files = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL_FILE) throw bad(`entry ${i} of the central directory is damaged`);
    const method = view.getUint16(at + 10, true);
    const size = view.getUint32(at + 20, true);
    const [nameBytes, extra, comment] = [view.getUint16(at + 28, true), view.getUint16(at + 30, true), view.getUint16(at + 32, true)];
    const local = view.getUint32(at + 42, true);
    const path = names.decode(bytes.subarray(at + 46, at + 46 + nameBytes));
    at += 46 + nameBytes + extra + comment;
    if (path.endsWith("/")) continue; // a folder: made with its files
    if (path.startsWith("/") || path.split("/").includes("..")) throw bad(`${path} points outside the archive's folder`);
    if (view.getUint32(local, true) !== LOCAL_FILE) throw bad(`${path}'s local header is damaged`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = bytes.subarray(start, start + size);
    if (method === STORED) files.push(Promise.resolve({ path, bytes: raw }));
    else if (method === DEFLATED) files.push(inflate(raw).then((inflated) => ({ path, bytes: inflated })));
    else throw bad(`${path} is compressed with method ${method}, not stored or deflated`);
  }
  return Promise.all(files);
}

/** @param {Uint8Array} raw a deflated entry @returns {Promise<Uint8Array>} */
async function inflate(raw) {
  const stream = new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (raw)]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Write `files` into `fs` (an Emscripten FS, as pyodide.FS) under the folder `dir`.
 * @param {any} fs @param {string} dir @param {ZipFile[]} files
 */
export function writeFiles(fs, dir, files) {
  for (const { path, bytes } of files) {
    const file = `${dir}/${path}`;
    fs.mkdirTree(file.slice(0, file.lastIndexOf("/")));
    fs.writeFile(file, bytes);
  }
}
