"""msgpack for interpreters that have no msgpack package (MicroPython), in the subset of
Python they share with CPython.

It writes the same bytes as the `msgpack` package's ``Packer(use_bin_type=True)`` (the smallest
encoding of each int, floats as float64, str as str, bytes as bin), which the golden vectors in
tests/vectors/ pin; and it reads what ``unpackb(raw=False, strict_map_key=False)`` reads. The
three names `broker.wire` uses are here with the same signatures: `ExtType`, `Packer`, `unpackb`.
Errors are ValueError (bad or truncated bytes, nesting too deep) and TypeError (a value with no
encoding and no `default`), as the real package raises.
"""

import struct

#: Deeper nesting than this is refused when packing and unpacking: msgpack allows 512, but each
#: level is a Python call here and MicroPython's stack in WebAssembly is small.
MAX_DEPTH = 100


class ExtType:
    """An extension value: a type code (0..127) and its payload bytes."""

    __slots__ = ("code", "data")

    def __init__(self, code, data):
        if not 0 <= code <= 127:
            raise ValueError("ext type code must be 0..127")
        self.code = code
        self.data = bytes(data)

    def __eq__(self, other):
        return isinstance(other, ExtType) and (other.code, other.data) == (self.code, self.data)

    def __hash__(self):  # a map key may be an ext value
        return hash((self.code, self.data))

    def __repr__(self):
        return "ExtType(code=%d, data=%r)" % (self.code, self.data)


_FIXEXT = {1: 0xD4, 2: 0xD5, 4: 0xD6, 8: 0xD7, 16: 0xD8}


class Packer:
    """``pack(obj)`` returns bytes. `default(obj)` is asked about anything else (including ints
    beyond 64 bits) and must return an encodable value, typically an ExtType."""

    def __init__(self, default=None, use_bin_type=True, autoreset=True):
        self._default = default

    def pack(self, obj):
        """The frame, as a bytearray (bytes-like; not copied again into bytes: on MicroPython's
        non-moving heap, every extra megabyte of garbage makes a later one harder to find)."""
        out = bytearray()
        self._pack(obj, out, 0)
        return out

    def _pack(self, obj, out, depth):
        if depth > MAX_DEPTH:
            raise ValueError("recursion limit exceeded")
        # the types of most frames first, by exact type: one test each rather than a chain of
        # isinstance calls (this runs interpreted by MicroPython, where each call and test
        # counts: a read's request and reply took ~19 us each to code in Chromium before)
        kind = type(obj)
        if kind is str:
            data = obj.encode("utf-8")
            n = len(data)
            if n < 32:
                out.append(0xA0 | n)
            else:
                _pack_length(out, n, 0xA0, 32, 0xD9, 0xDA, 0xDB)
            out += data
        elif kind is int and -32 <= obj < 0x80:
            out.append(obj & 0xFF)
        elif kind is list or kind is tuple:
            n = len(obj)
            if n < 16:
                out.append(0x90 | n)
            else:
                _pack_length(out, n, 0x90, 16, None, 0xDC, 0xDD)
            inline = depth < MAX_DEPTH  # (an item one level deeper is still allowed)
            for item in obj:
                kind = type(item)
                if inline and kind is int and 0 <= item < 0x80:
                    out.append(item)
                elif inline and kind is str and len(item) < 32:  # (chars: bytes checked next)
                    data = item.encode("utf-8")
                    if len(data) < 32:
                        out.append(0xA0 | len(data))
                        out += data
                    else:
                        self._pack(item, out, depth + 1)
                elif inline and item is None:
                    out.append(0xC0)
                elif inline and (kind is list or kind is tuple) and not item:
                    out.append(0x90)
                else:
                    self._pack(item, out, depth + 1)
        elif obj is None:
            out.append(0xC0)
        elif obj is True:
            out.append(0xC3)
        elif obj is False:
            out.append(0xC2)
        elif isinstance(obj, int):
            if not _pack_int(obj, out):
                self._pack_default(obj, out, depth)
        elif isinstance(obj, float):
            out.append(0xCB)
            out += struct.pack(">d", obj)
        elif isinstance(obj, str):
            data = obj.encode("utf-8")
            _pack_length(out, len(data), 0xA0, 32, 0xD9, 0xDA, 0xDB)
            out += data
        elif isinstance(obj, (bytes, bytearray, memoryview)):
            _pack_length(out, len(obj), None, 0, 0xC4, 0xC5, 0xC6)
            out += obj
        elif isinstance(obj, (list, tuple)):
            _pack_length(out, len(obj), 0x90, 16, None, 0xDC, 0xDD)
            for item in obj:
                self._pack(item, out, depth + 1)
        elif isinstance(obj, dict):
            _pack_length(out, len(obj), 0x80, 16, None, 0xDE, 0xDF)
            for key, value in obj.items():
                self._pack(key, out, depth + 1)
                self._pack(value, out, depth + 1)
        elif isinstance(obj, ExtType):
            _pack_ext(obj, out)
        else:
            self._pack_default(obj, out, depth)

    def _pack_default(self, obj, out, depth):
        if self._default is None:
            raise TypeError("can not serialize %r object" % type(obj).__name__)
        replaced = self._default(obj)
        if isinstance(replaced, int) and not isinstance(replaced, bool):
            raise OverflowError("int too big to pack")
        self._pack(replaced, out, depth + 1)


def _pack_int(n, out):
    """The smallest msgpack int for `n`; False if it needs more than 64 bits."""
    if 0 <= n < 0x80 or -32 <= n < 0:
        out.append(n & 0xFF)
    elif 0 <= n:
        for limit, code, fmt in ((0x100, 0xCC, ">B"), (0x10000, 0xCD, ">H"),
                                 (0x100000000, 0xCE, ">I"), (0x10000000000000000, 0xCF, ">Q")):
            if n < limit:
                out.append(code)
                out += struct.pack(fmt, n)
                return True
        return False
    else:
        for limit, code, fmt in ((-0x80, 0xD0, ">b"), (-0x8000, 0xD1, ">h"),
                                 (-0x80000000, 0xD2, ">i"), (-0x8000000000000000, 0xD3, ">q")):
            if n >= limit:
                out.append(code)
                out += struct.pack(fmt, n)
                return True
        return False
    return True


def _pack_length(out, n, fix, fix_limit, code8, code16, code32):
    if fix is not None and n < fix_limit:
        out.append(fix | n)
    elif code8 is not None and n < 0x100:
        out.append(code8)
        out.append(n)
    elif n < 0x10000:
        out.append(code16)
        out += struct.pack(">H", n)
    elif n < 0x100000000:
        out.append(code32)
        out += struct.pack(">I", n)
    else:
        raise ValueError("object too large to pack")


def _pack_ext(ext, out):
    n = len(ext.data)
    if n in _FIXEXT:
        out.append(_FIXEXT[n])
    elif n < 0x100:
        out.append(0xC7)
        out.append(n)
    elif n < 0x10000:
        out.append(0xC8)
        out += struct.pack(">H", n)
    else:
        out.append(0xC9)
        out += struct.pack(">I", n)
    out.append(ext.code)
    out += ext.data


def packb(obj, default=None, use_bin_type=True):
    """``Packer(default).pack(obj)``."""
    return Packer(default=default).pack(obj)


def unpackb(data, ext_hook=None, raw=False, strict_map_key=False, use_list=True):
    """The one value `data` holds; ValueError if it is not exactly one well-formed value."""
    n = len(data)
    if 3 <= n <= 34 and data[0] == 0x92 and data[1] < 0x80:
        # two small values, as most replies are ([0, value]): read here, without the reader
        code = data[2]
        if n == 3 and (code < 0x80 or code == 0xC0):
            return [data[1], None if code == 0xC0 else code]
        if 0xA0 <= code <= 0xBF and n == 3 + (code & 0x1F):
            return [data[1], str(data[3:], "utf-8")]
        if code == 0xC7 and n == 5 + data[3]:  # an ext 8, as a reply's REMOTE reference is
            # (the reader's way took ~30 us of a ~40 us method read in MicroPython)
            kind = data[4] - 0x100 if data[4] >= 0x80 else data[4]
            payload = bytes(data[5:])
            return [data[1], ExtType(kind, payload) if ext_hook is None
                    else ext_hook(kind, payload)]
    # bytes are read as they are; anything else (a bytearray: a large reply under MicroPython)
    # through a view, not a copy of the whole frame: bin and ext payloads are copied out alone
    reader = _Reader(data if type(data) is bytes else memoryview(data), ext_hook)
    value = reader.value(0)
    if reader.pos != len(reader.data):
        raise ValueError("extra data: %d bytes after the value" % (len(reader.data) - reader.pos))
    return value


_FIXED = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q",
          0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q", 0xCA: ">f", 0xCB: ">d"}
_SIZES = {">B": 1, ">H": 2, ">I": 4, ">Q": 8, ">b": 1, ">h": 2, ">i": 4, ">q": 8, ">f": 4,
          ">d": 8}


class _Reader:
    def __init__(self, data, ext_hook):
        self.data = data
        self.pos = 0
        self.ext_hook = ext_hook

    def take(self, n):
        end = self.pos + n
        if end > len(self.data):
            raise ValueError("truncated data: %d bytes wanted, %d left"
                             % (n, len(self.data) - self.pos))
        chunk = self.data[self.pos:end]
        self.pos = end
        return chunk

    def number(self, fmt):
        return struct.unpack(fmt, self.take(_SIZES[fmt]))[0]

    def value(self, depth):
        if depth > MAX_DEPTH:
            raise ValueError("nesting deeper than %d" % MAX_DEPTH)
        data, pos = self.data, self.pos
        if pos >= len(data):
            raise ValueError("truncated data: 1 bytes wanted, 0 left")
        code = data[pos]
        pos += 1
        self.pos = pos
        # the commonest first, read in place (see Packer._pack on why it counts)
        if code < 0x80:
            return code
        if 0xA0 <= code <= 0xBF:
            end = pos + (code & 0x1F)
            if end > len(data):
                raise ValueError("truncated data: %d bytes wanted, %d left"
                                 % (code & 0x1F, len(data) - pos))
            self.pos = end
            return str(data[pos:end], "utf-8")
        if 0x90 <= code <= 0x9F:
            return self.array(code & 0x0F, depth)
        if code == 0xC0:
            return None
        if code >= 0xE0:
            return code - 0x100
        if 0x80 <= code <= 0x8F:
            return self.map(code & 0x0F, depth)
        if code == 0xC2:
            return False
        if code == 0xC3:
            return True
        if code in _FIXED:
            return self.number(_FIXED[code])
        if code in (0xD9, 0xDA, 0xDB):
            return self.str(self.number((">B", ">H", ">I")[code - 0xD9]))
        if code in (0xC4, 0xC5, 0xC6):
            return bytes(self.take(self.number((">B", ">H", ">I")[code - 0xC4])))
        if code in (0xDC, 0xDD):
            return self.array(self.number((">H", ">I")[code - 0xDC]), depth)
        if code in (0xDE, 0xDF):
            return self.map(self.number((">H", ">I")[code - 0xDE]), depth)
        if 0xD4 <= code <= 0xD8:
            return self.ext(1 << (code - 0xD4))
        if code in (0xC7, 0xC8, 0xC9):
            return self.ext(self.number((">B", ">H", ">I")[code - 0xC7]))
        raise ValueError("byte 0x%02x is not a msgpack type" % code)

    def str(self, n):
        return str(self.take(n), "utf-8")

    def array(self, n, depth):
        if n > len(self.data) - self.pos:  # each item takes a byte at least
            raise ValueError("array of %d items in %d bytes" % (n, len(self.data) - self.pos))
        out = []
        for _ in range(n):
            out.append(self.value(depth + 1))
        return out

    def map(self, n, depth):
        if 2 * n > len(self.data) - self.pos:
            raise ValueError("map of %d pairs in %d bytes" % (n, len(self.data) - self.pos))
        out = {}
        for _ in range(n):
            key = self.value(depth + 1)
            value = self.value(depth + 1)
            try:
                out[key] = value
            except TypeError:  # a list or map as a key
                raise ValueError("unhashable map key: %s" % type(key).__name__) from None
        return out

    def ext(self, n):
        code = self.take(1)[0]
        if code >= 0x80:
            code -= 0x100
        data = bytes(self.take(n))
        if self.ext_hook is None:
            return ExtType(code, data)
        return self.ext_hook(code, data)
