// @ts-check
// The words of the pyscript-ffi wire protocol, and nothing else.
// Twin of broker/protocol.py; tests/unit/test_protocol_parity.py proves they agree.
// The normative description is docs/protocol.md.

/** Bumped on any incompatible change to the buffer layout, frames or codes. */
export const PROTOCOL_VERSION = 3;

/** Int32 words at the start of a channel's shared buffer (index = byte offset / 4). */
export const Slot = Object.freeze({
  STATE: 0, // the futex word: a State
  TOTAL: 1, // byte length of the whole frame being transferred
  CHUNK: 2, // byte length of the part of it now in DATA
  VERSION: 3, // PROTOCOL_VERSION, written by the buffer's creator
  INTERRUPT: 4, // a signal for the worker (INTERRUPT_SIGNAL), Pyodide's interrupt buffer
  OFFSET: 5, // where in the frame the chunk now in DATA starts: 0 for a frame's first chunk
});

/** Byte offset of the frame data; bytes 24..31 are reserved and zero. */
export const DATA_OFFSET = 32;
/** Default size of a channel's whole shared buffer (header + data): 4 MiB. */
export const DEFAULT_BUFFER_BYTES = 4 * 1024 * 1024;

/** Size of the page's doorbell: one Int32 word that every worker adds 1 to after a store (serving.js). */
export const DOORBELL_BYTES = 4;

/** Values of the STATE word. */
export const State = Object.freeze({
  IDLE: 0, // fresh channel, nothing sent yet
  REQUEST: 1, // the caller wrote (a chunk of) a request
  BUSY: 2, // the server claimed the request and is working on it
  REPLY: 3, // the server wrote (a chunk of) a reply; also the resting state
  MORE: 4, // the reader of a partial frame asks the writer for its next chunk
});

/** Request operations. A request is [op, target, subject, args] (+ optional drops). */
export const Op = Object.freeze({
  HELLO: 0,
  GET: 1,
  SET: 2,
  DELETE: 3,
  HAS: 4,
  CALL: 5,
  NEW: 6,
  ITER: 7,
  NEXT: 8,
  LENGTH: 9,
  TYPEOF: 10,
  INSTANCEOF: 11,
  STR: 12,
  KEYS: 13,
  COPY: 14,
  RELEASE: 15,
  QUERY: 16,
  GATHER: 17,
  ASSIGN: 18,
  CALL_METHOD: 19,
  AWAIT: 20,
});

/** First element of a reply [status, body]; on an error, body is an ERROR ext. */
export const Status = Object.freeze({
  OK: 0,
  THROWN: 1,
  BAD_HANDLE: 2,
  BAD_REQUEST: 3,
  INTERNAL: 4,
  MISSING: 5,
  DENIED: 6,
});

/** msgpack extension type codes. */
export const Ext = Object.freeze({
  UNDEFINED: 0, // payload 0x00 (msgpackr's native encoding of undefined)
  REMOTE: 1, // payload >I id, B flags
  CALLBACK: 2, // payload >I id
  ERROR: 3, // payload: msgpack [name, message, stack]
  BIGINT: 0x42, // big-endian two's complement, 8-byte multiples (msgpackr's native code)
});

/** Bits of a REMOTE handle's flags byte. */
export const RemoteFlag = Object.freeze({
  CALLABLE: 1,
  ITERABLE: 2,
  SIZED: 4,
  ARRAY: 8,
  THENABLE: 16,
});

/** The `kind` of a postMessage between the page and a worker (boot, and the page's calls into it). */
export const Message = Object.freeze({
  BOOT: "boot", // page -> worker: {type, buffer, doorbell, src, timeoutMs, tag?, io?, snapshot} (tag: a PyScript tag's context; io: stdio.js; snapshot: boot.js)
  READY: "ready", // worker -> page: {exports, snapshot}, the user's file has run (snapshot: how Pyodide started)
  FAILED: "failed", // worker -> page: {error}, the boot or the user's file failed
  EXPORT: "export", // page -> worker: {name, call, frame}, call an __export__ed function
  CALLBACK: "callback", // page -> worker: {id, call, frame}, call a create_proxy function
  FORGET: "forget", // page -> worker: {id}, the page dropped its function for callback id
  SETTLE: "settle", // worker -> page: {call, frame} or {call, error}, the answer to a call
  RING: "ring", // worker -> page: {}, STATE changed (only when BOOT's doorbell is null)
  KEEP: "keep", // worker -> page: {key, bytes}, a Pyodide memory snapshot for the page to keep (snapshot.js)
  ATTACH: "attach", // worker -> page: {buffer, port, timeoutMs}, a PyScript worker asks for a channel (pyscript-plugin.js)
  DOORBELL: "doorbell", // page -> worker: {doorbell}, on ATTACH's port: the page's doorbell, or null (ring with RING)
});

/** Why a worker's round trip got no reply (the stub tells its Python which to raise). */
export const Failure = Object.freeze({
  UNCLAIMED: "unclaimed", // the serving side never picked the request up; it was withdrawn
  BUSY: "busy", // the serving side took the request but did not answer in time
  INTERRUPTED: "interrupted", // the page interrupted the worker while it waited (INTERRUPT)
  WITHDRAWN: "withdrawn", // the page interrupted the worker before the serving side took the request: withdrawn
  LOST: "lost", // the relay's service worker went away mid-call (relay-stub.js)
});

/** What the page stores in INTERRUPT to interrupt the worker's Python: SIGINT, as Pyodide reads it. */
export const INTERRUPT_SIGNAL = 2;
/** The handle id of the serving side's global scope, live for the channel's lifetime. */
export const GLOBAL_HANDLE = 0;
/** NEXT asks for at most this many values per round trip. */
export const ITER_BATCH = 64;
