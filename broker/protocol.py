"""The words of the pyscript-ffi wire protocol, and nothing else.

The JavaScript twin is ``js_glue/protocol.js``; ``tests/unit/test_protocol_parity.py`` proves the
two agree. The normative description is ``docs/protocol.md``.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

#: Bumped on any incompatible change to the buffer layout, frames or codes.
PROTOCOL_VERSION = 3


class Slot(IntEnum):
    """Int32 words at the start of a channel's shared buffer (index = byte offset / 4)."""

    STATE = 0  #: the futex word: a `State`
    TOTAL = 1  #: byte length of the whole frame being transferred
    CHUNK = 2  #: byte length of the part of it now in DATA
    VERSION = 3  #: PROTOCOL_VERSION, written by the buffer's creator
    INTERRUPT = 4  #: a signal for the worker (INTERRUPT_SIGNAL), Pyodide's interrupt buffer
    OFFSET = 5  #: where in the frame the chunk now in DATA starts: 0 for a frame's first chunk


#: Byte offset of the frame data; bytes 24..31 are reserved and zero.
DATA_OFFSET = 32
#: Default size of a channel's whole shared buffer (header + data): 4 MiB.
DEFAULT_BUFFER_BYTES = 4 * 1024 * 1024

#: Size of the page's doorbell: one Int32 word that every worker adds 1 to after a store.
DOORBELL_BYTES = 4


class State(IntEnum):
    """Values of the STATE word. See the state diagram in docs/protocol.md."""

    IDLE = 0  #: fresh channel, nothing sent yet
    REQUEST = 1  #: the caller wrote (a chunk of) a request
    BUSY = 2  #: the server claimed the request and is working on it
    REPLY = 3  #: the server wrote (a chunk of) a reply; also the resting state
    MORE = 4  #: the reader of a partial frame asks the writer for its next chunk


class Op(IntEnum):
    """Request operations. A request is ``[op, target, subject, args]`` (+ optional drops)."""

    HELLO = 0  #: args: [version]; reply: the global scope
    GET = 1  #: target[subject]
    SET = 2  #: target[subject] = args[0]
    DELETE = 3  #: delete target[subject]; reply: bool
    HAS = 4  #: args[0] in target, as the container defines it; reply: bool
    CALL = 5  #: target.apply(subject, args): subject is `this`
    NEW = 6  #: new target(...args)
    ITER = 7  #: target[Symbol.iterator](); reply: an iterator handle
    NEXT = 8  #: up to `subject` values from iterator target; reply: [done, [values]]
    LENGTH = 9  #: target.length (or target.size); reply: int
    TYPEOF = 10  #: typeof target; reply: str
    INSTANCEOF = 11  #: target instanceof args[0]; reply: bool
    STR = 12  #: String(target); reply: str
    KEYS = 13  #: the for-in keys of target; reply: [str]
    COPY = 14  #: a deep copy of target by value (arrays, plain objects, bytes)
    RELEASE = 15  #: nothing but the request's drops; reply: nil
    QUERY = 16  #: walk the path `subject` (an array of keys) from target; reply: the end value
    GATHER = 17  #: args: paths (arrays of keys); reply: [the end value of each]
    ASSIGN = 18  #: Object.assign(target, ...args); reply: target
    CALL_METHOD = 19  #: target[subject](...args) with target as `this`: GET + CALL in one
    AWAIT = 20  #: the outcome of thenable target so far; reply: [settled, value] (rejected: THROWN)


class Status(IntEnum):
    """First element of a reply ``[status, body]``; on an error, body is an ERROR ext."""

    OK = 0  #: body is the result
    THROWN = 1  #: the JavaScript (or host) code threw
    BAD_HANDLE = 2  #: a handle id that is not live on this channel
    BAD_REQUEST = 3  #: the frame could not be decoded or has the wrong shape
    INTERNAL = 4  #: a bug in the server; please report it
    MISSING = 5  #: GET of a key the target does not have (AttributeError / KeyError in Python)
    DENIED = 6  #: the page's policy refused the op (a built-in prototype, an unlisted global)


class Ext(IntEnum):
    """msgpack extension type codes."""

    UNDEFINED = 0  #: JS undefined; payload b"\\x00" (msgpackr's native encoding)
    REMOTE = 1  #: an object owned by the serving side; payload >I id, B flags
    CALLBACK = 2  #: a callable owned by the calling side; payload >I id
    ERROR = 3  #: payload: msgpack [name, message, stack]
    BIGINT = 0x42  #: an int beyond 64 bits; big-endian two's complement, 8-byte multiples


class RemoteFlag(IntEnum):
    """Bits of a REMOTE handle's flags byte: what the proxy can do without asking."""

    CALLABLE = 1  #: typeof is "function"
    ITERABLE = 2  #: has Symbol.iterator
    SIZED = 4  #: has a length (or size) property
    ARRAY = 8  #: Array.isArray
    THENABLE = 16  #: has a then method (a Promise)


class Message(StrEnum):
    """The ``kind`` of a postMessage between the page and a worker (everything that does not
    travel through the shared buffer: boot, and the page's calls into the worker)."""

    BOOT = "boot"  #: page -> worker: {type, buffer, doorbell, src, timeoutMs, tag?, io?, snapshot}
    READY = "ready"  #: worker -> page: {exports, snapshot}, the user's file has run
    FAILED = "failed"  #: worker -> page: {error}, the boot or the user's file failed
    EXPORT = "export"  #: page -> worker: {name, call, frame}, call an ``__export__``ed function
    CALLBACK = "callback"  #: page -> worker: {id, call, frame}, call a `create_proxy` function
    FORGET = "forget"  #: page -> worker: {id}, the page dropped its function for callback id
    SETTLE = "settle"  #: worker -> page: {call, frame} or {call, error}, the answer to a call
    RING = "ring"  #: worker -> page: {}, STATE changed (only when BOOT's doorbell is null)
    KEEP = "keep"  #: worker -> page: {key, bytes}, a Pyodide memory snapshot for the page to keep
    ATTACH = "attach"  #: worker -> page: {buffer, port, timeoutMs}, a PyScript worker's channel
    DOORBELL = "doorbell"  #: page -> worker: {doorbell}, on ATTACH's port (null: ring with RING)


class Failure(StrEnum):
    """Why a worker's round trip got no reply (the stub tells its Python which to raise)."""

    UNCLAIMED = "unclaimed"  #: the serving side never picked the request up; it was withdrawn
    BUSY = "busy"  #: the serving side took the request but did not answer in time
    INTERRUPTED = "interrupted"  #: the page interrupted the worker while it waited (INTERRUPT)
    #: the page interrupted the worker before the serving side took the request: withdrawn
    WITHDRAWN = "withdrawn"
    LOST = "lost"  #: the relay's service worker went away mid-call (js_glue/relay-stub.js)


#: What the page stores in INTERRUPT to interrupt the worker's Python: SIGINT, as Pyodide reads it.
INTERRUPT_SIGNAL = 2
#: The handle id of the serving side's global scope, live for the channel's lifetime.
GLOBAL_HANDLE = 0
#: NEXT asks for at most this many values per round trip.
ITER_BATCH = 64
