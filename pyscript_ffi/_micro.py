"""pyscript-ffi under MicroPython: the transport over the worker's JS stub, and the runtime that
runs the user's file and answers the page's calls. The twin of `_pyodide.py`.

MicroPython hands a Python bytes object to JavaScript as a proxy that can only be read element
by element, so frames do not cross its FFI as objects. Where the stub (js_glue/micro.js) has
MicroPython's wasm memory, a request crosses as its address (``uctypes.addressof``) and length,
and the stub reads it in place; the reply comes back written into a bytearray pinned here, as
its length (or, too large for it, into a bytearray of its size); and a request whose subject and
arguments are scalars or proxies of page objects is coded by the stub itself, which returns a
scalar reply as the value (`StubTransport.request_scalars`: minipack's coding was ~16 us of a
~37 us read); so is a gather's request, its key lists handed over as JSON text, and its reply
comes back as JSON text when its values are scalars (`request_keys`). Elsewhere (a
MicroPython that PyScript booted) frames cross as hex strings: ``bytes.hex()`` and
``bytes.fromhex()`` are C code in MicroPython. (Its own FFI also turns ints beyond 32 bits into
0, and an integral JavaScript number into an int: only small ints cross it, and floats and ints
that the stub's coding checks.)

MicroPython runs no ``__del__`` on Python objects, so a proxy cannot release its handle when it
dies. Instead each proxy holds a release token from the stub: a JavaScript object that
MicroPython's own FFI lets go of when the proxy is collected, and that a FinalizationRegistry in
the stub then reports. The releases ride on the next request, as under Pyodide, once both
MicroPython's and JavaScript's collectors have run.
"""

import json

from . import _runtime
from ._local_js import LocalObjects
from ._worker import WITHDRAWN, WorkerRuntime, call_timeout, use_worker_clock
from .channel import Channel
from .tracking import TokenTracking

try:
    from uctypes import addressof
except ImportError:  # a MicroPython built without uctypes: frames cross as hex
    addressof = None


#: the size of the bytearray replies are written into; a larger one gets a bytearray of its own
PINNED_BYTES = 64 * 1024


class StubTransport:
    """Round trips through the worker stub's Caller (Atomics.wait on the shared buffer)."""

    def __init__(self, stub):
        self._stub = stub
        self._roundtrip = stub.roundtripHex
        self._take_drops = stub.takeDrops
        self._in_place = addressof is not None and bool(stub.inPlace)
        if self._in_place:
            self._pinned = bytearray(PINNED_BYTES)  # alive as long as this transport
            self._pinned_view = memoryview(self._pinned)
            import js

            self._undefined = js.Reflect.get(js.Object.new(), "absent")  # MicroPython's own
            stub.pin(addressof(self._pinned), PINNED_BYTES)
            self._roundtrip_at = stub.roundtripAt
            self._take_reply = stub.takeReply
            self._request = stub.request
            self._blob = stub.blob
            self.request_scalars = self._request_scalars  # (the channel looks for these)
            self._request_keys = stub.requestKeys
            self.request_keys = self._request_keys_json

    def take_drops(self):
        """The handles whose proxies were collected since the last call (one lend each)."""
        drops = self._take_drops()
        return [int(handle) for handle in drops.split(",")] if drops else []

    #: the last round trip that raised was withdrawn before the page took it (nothing ran)
    withdrawn = False

    def roundtrip(self, frame):
        self.withdrawn = False
        if not self._in_place:
            reply = self._roundtrip(frame.hex())
            if reply[:1] == "!":  # "!" and a Failure code (never hex)
                self._failed(reply[1:])
            return bytes.fromhex(reply)
        # `frame` is alive meanwhile
        return self._kept(self._roundtrip_at(addressof(frame), len(frame)))

    def _request_scalars(self, op, target, subject, args, decode, this=False, mask=0):
        """One request whose subject and arguments are scalars (`Channel.request` checks:
        values MicroPython's FFI gives JavaScript exactly), handles of page objects (the
        subject with `this`, a method call's; argument i where bit i of `mask` is set) or
        bytes (argument i where bit 3 + i is set: handed over by address, so the stub copies
        them straight from MicroPython's memory into the frame, where minipack made a frame of
        their size first), coded and its reply decoded by the stub (micro.js ``request``: ~16
        us of minipack per read saved); a reply the stub cannot give as a scalar (an error, a
        proxy, a list) is decoded by `decode`."""
        self.withdrawn = False
        count = len(args) | (4 if this else 0) | mask << 3
        if mask >> 3:
            args = list(args)  # (the caller's own keep the bytes alive while the stub reads)
            for i, value in enumerate(args):
                if (mask >> (3 + i)) & 1:
                    self._blob(addressof(value), len(value))
                    args[i] = None
        got = self._request(op, target, subject, count, *args)
        if got is not self._undefined:
            return got
        return decode(self._kept(self._stub.outcome))

    def _request_keys_json(self, op, target, key_lists, decode):
        """One request whose arguments are lists of str and int (a gather's key lists; the
        channel's `plain`), coded by the stub from their JSON text (micro.js ``requestKeys``);
        a reply of scalars comes back as JSON text for json.loads (both C here: a gather of ten
        took ~70 us to code and ~55 to decode in minipack), anything else is decoded by
        `decode`."""
        self.withdrawn = False
        got = self._request_keys(op, target, json.dumps(key_lists))
        if got is not self._undefined:
            return json.loads(got)
        return decode(self._kept(self._stub.outcome))

    def _kept(self, got):
        """The reply where the stub left it: `got` is its length in the pinned bytearray, minus
        its length (larger: the stub holds it), or "!" and a Failure code."""
        if type(got) is str:
            self._failed(got[1:])
        if got >= 0:
            return bytes(self._pinned_view[:got])  # a copy: the bytearray is reused
        reply = bytearray(-got)
        self._take_reply(addressof(reply))
        return reply

    def counts(self):
        """(bytes sent, bytes received) of the requests the stub coded."""
        return int(self._stub.sent), int(self._stub.received)

    def _failed(self, failure):
        self.withdrawn = failure in WITHDRAWN
        raise call_timeout(failure, self._stub.timeoutMs / 1000)


class Runtime(WorkerRuntime):
    """Runs the user's file and answers the page's calls into Python."""

    def __init__(self, channel, stub):
        super().__init__(channel)
        self._stub = stub

    def run(self, code, filename):
        """Run the user's file; returns the names it lists in __export__. A file that awaits
        at its top level does not compile here (MicroPython's compile() has no flag for it):
        None, and worker.js runs it with MicroPython's runPythonAsync, then main_exports."""
        try:
            compiled = compile(code, filename, "exec")
        except SyntaxError as exc:
            if "'await' outside" in str(exc):
                return None
            raise
        namespace = self._namespace(filename)
        exec(compiled, namespace)
        return self._exported(namespace, filename)

    def main_exports(self, filename):
        """The exports of a file runPythonAsync ran (in the __main__ module's globals)."""
        import __main__

        return self._exported(__main__.__dict__, filename)

    def use_stdio(self, frame_hex):
        """BOOT's io frame (hex): the names of the streams the page takes."""
        return self._stdio(bytes.fromhex(frame_hex))

    def deliver(self, kind, call, target, frame_hex):
        """A message from the page: an export by name, a callback by id, or a forget."""
        self.calls.deliver(kind, call, target, bytes.fromhex(frame_hex))

    def _settle(self, call, frame, error):
        self._stub.settle(call, None if frame is None else frame.hex(), error)


def local_objects():
    """This worker's own JavaScript objects, as the channel sends them (`_local_js`)."""
    import js  # the worker's own globals
    import jsffi

    def unwrap(proxy):
        # a create_proxy result read back from JavaScript is its Python function again
        value = js.Reflect.get(js.Array.of(proxy), 0)
        return None if isinstance(value, jsffi.JsProxy) else value

    # (MicroPython gives JavaScript's null as None, and undefined as a singleton of its own)
    return LocalObjects(jsffi.JsProxy, js, undefined=js.Reflect.get(js.Object.new(), "absent"),
                        unwrap=unwrap)


def start_worker(stub):
    """In a MicroPython worker: talk to the page through the stub's shared buffer."""
    transport = StubTransport(stub)
    channel = Channel(transport, TokenTracking(stub.releaseToken, transport.take_drops))
    channel.local = local_objects()
    _runtime.install(channel, in_worker=True)
    use_worker_clock(stub.timeoutMs / 1000, stub.pause)
    return Runtime(channel, stub)
