"""The one exception tree of pyscript-ffi.

::

    FfiError                       base of everything raised by pyscript-ffi
    ├── JsException                code on the other side threw; carries name, message, stack
    ├── HandleError                a handle that is not live: released, never issued, or foreign
    ├── MissingProperty            no such key (proxies raise AttributeError/KeyError)
    ├── ConversionError (TypeError)  a value that cannot cross (a socket, a generator, a cycle)
    ├── PermissionDenied (PermissionError)  the page's policy refused the operation
    ├── ChannelError               the channel itself failed
    │   ├── CallTimeout            no reply within the bound; the other side is busy or stuck
    │   └── ChannelClosed          the other side is gone (terminated, closed, not serving)
    ├── ProtocolError              bad bytes or a frame of the wrong shape
    └── InternalError              a bug in pyscript-ffi: please report it

Errors are translated at exactly one boundary: the dispatcher turns every exception into an
error reply, and `raise_for_reply` turns an error reply back into one of these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from .interpreter import ERRORS_HAVE_BUILTIN_BASES

# Where an error cannot also derive from a built-in one (MicroPython), it is pyscript-ffi's own
# only (docs/conversions.md, MicroPython).


class FfiError(Exception):
    """Base class of every error pyscript-ffi raises."""


class JsException(FfiError):
    """Code on the serving side threw. ``name``, ``message`` and ``stack`` are its own."""

    def __init__(self, name: str, message: str, stack: str = "") -> None:
        super().__init__(f"{name}: {message}" if message else name)
        self.name = name
        self.message = message
        self.stack = stack

    # Pyodide's JsException exposes the JS error as `.js_error`; ours lives on the other thread,
    # so the closest honest equivalent is the three strings it carried.
    @property
    def js_error(self) -> dict[str, str]:
        return {"name": self.name, "message": self.message, "stack": self.stack}


class HandleError(FfiError):
    """A handle id that is not live on this channel (released, never issued, or foreign)."""


class MissingProperty(FfiError):
    """A GET of a key the object does not have; proxies re-raise it as AttributeError/KeyError."""


if TYPE_CHECKING or ERRORS_HAVE_BUILTIN_BASES:
    class _PermissionDeniedBase(FfiError, PermissionError):
        pass

    class _ConversionErrorBase(FfiError, TypeError):
        pass
else:
    _PermissionDeniedBase = _ConversionErrorBase = FfiError


class PermissionDenied(_PermissionDeniedBase):
    """The page's policy refused the operation (a built-in prototype, a global it did not allow).
    Also a PermissionError (not on MicroPython)."""


class ConversionError(_ConversionErrorBase):
    """A value that cannot be sent to the other side. Also a TypeError (not on MicroPython)."""


class ChannelError(FfiError):
    """The channel between the two sides failed."""


if TYPE_CHECKING or ERRORS_HAVE_BUILTIN_BASES:
    class _CallTimeoutBase(ChannelError, TimeoutError):
        pass
else:
    _CallTimeoutBase = ChannelError


class CallTimeout(_CallTimeoutBase):
    """No reply came within the configured bound. Also a TimeoutError (not on MicroPython)."""

    @classmethod
    def unclaimed(cls, seconds: float) -> CallTimeout:
        return cls(f"the main thread did not take the call within {seconds:g} s: it is busy "
                   "(a long synchronous task?) or not serving this worker; the call was "
                   "withdrawn, nothing ran")

    @classmethod
    def unanswered(cls, seconds: float) -> CallTimeout:
        return cls(f"the main thread took the call but did not answer within {seconds:g} s (a "
                   "slow function?); its late answer will be discarded")


class ChannelClosed(ChannelError):
    """The other side is gone: terminated, closed, or no longer serving."""


class ProtocolError(FfiError):
    """Bytes that do not decode, or a frame of the wrong shape."""


class InternalError(FfiError):
    """A bug in pyscript-ffi. Please report it with the message and stack."""

    hint: ClassVar[str] = "this is a bug in pyscript-ffi; please report it"
