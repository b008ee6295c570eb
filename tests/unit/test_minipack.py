"""broker/minipack.py, the codec for interpreters without msgpack (MicroPython), against the
golden vectors and against the real msgpack package, value for value and byte for byte.
tests/js/minipack_micropython.test.mjs runs the same vectors under MicroPython itself."""

from __future__ import annotations

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broker import minipack

from .test_wire import VECTORS, same

INT64 = st.integers(min_value=-(2**63), max_value=2**64 - 1)
values = st.recursive(
    st.none() | st.booleans() | INT64 | st.floats() | st.text() | st.binary(),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=8) | INT64, children, max_size=5),
    max_leaves=30,
)


def build(tagged):
    """As test_wire.build, with minipack's ExtType."""
    [(tag, v)] = tagged.items()
    if tag == "remote":
        return minipack.ExtType(1, v[0].to_bytes(4, "big") + bytes([v[1]]))
    if tag == "callback":
        return minipack.ExtType(2, v.to_bytes(4, "big"))
    if tag == "error":
        return minipack.ExtType(3, msgpack.packb(v))
    if tag == "undefined":
        return minipack.ExtType(0, b"\x00")
    if tag == "list":
        return [build(x) for x in v]
    if tag == "map":
        return {k: build(x) for k, x in v}
    if tag == "int" and not -(2**63) <= int(v) < 2**64:
        n = int(v)
        bits = (n if n >= 0 else ~n).bit_length()
        return minipack.ExtType(0x42, n.to_bytes(8 * (bits // 64 + 1), "big", signed=True))
    from .test_wire import build as plain

    return plain(tagged)


def plain(value):
    """ExtTypes as (code, data) pairs, so values from either codec compare."""
    if isinstance(value, minipack.ExtType | msgpack.ExtType):
        return ("ext", value.code, bytes(value.data))
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_golden_frames(vector):
    data = bytes.fromhex(vector["hex"])
    assert minipack.Packer().pack(build(vector["value"])).hex() == vector["hex"]
    assert same(plain(minipack.unpackb(data)), plain(msgpack.unpackb(data, strict_map_key=False)))


@settings(max_examples=500, deadline=None)
@given(values)
def test_same_bytes_and_values_as_msgpack(value):
    data = msgpack.packb(value, use_bin_type=True)
    assert minipack.Packer().pack(value) == data
    assert same(minipack.unpackb(data), msgpack.unpackb(data, raw=False, strict_map_key=False))


@settings(max_examples=3000, deadline=None)
@given(st.binary(max_size=40))
def test_random_bytes_decode_as_msgpack_does_or_raise_value_error(data):
    try:
        expected = msgpack.unpackb(data, raw=False, strict_map_key=False)
    except Exception:  # noqa: BLE001 - any refusal: minipack must refuse too
        with pytest.raises(ValueError):
            minipack.unpackb(data)
        return
    assert same(plain(minipack.unpackb(data)), plain(expected))


def test_limits():
    deep: list = []
    for _ in range(minipack.MAX_DEPTH + 2):
        deep = [deep]
    with pytest.raises(ValueError, match="recursion"):
        minipack.Packer().pack(deep)
    with pytest.raises(ValueError, match="nesting"):
        minipack.unpackb(b"\x91" * (minipack.MAX_DEPTH + 2) + b"\xc0")
    with pytest.raises(ValueError, match="truncated"):
        minipack.unpackb(b"\xdb\xff\xff\xff\xff")  # a 4 GiB string declared in 5 bytes
    with pytest.raises(ValueError, match="array of"):
        minipack.unpackb(b"\xdd\xff\xff\xff\xff\xc0")
    with pytest.raises(TypeError, match="serialize"):
        minipack.Packer().pack(object())
    assert minipack.Packer(default=lambda o: minipack.ExtType(5, b"x")).pack(2**64) == b"\xd4\x05x"


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 127), st.integers(0, 127), st.binary(max_size=29))
def test_a_reply_of_one_ext_decodes_as_msgpack_does(status, code, payload):
    """`[status, ext]` in up to 34 bytes: minipack reads an ext 8 there without its reader (a
    reply's REMOTE reference), and must read it as msgpack does, with and without an ext_hook."""
    data = msgpack.packb([status, msgpack.ExtType(code, payload)])
    expected = msgpack.unpackb(data)
    assert plain(minipack.unpackb(data)) == plain(expected)
    assert minipack.unpackb(data, ext_hook=lambda c, d: (c, d)) == [status, (code, payload)]
    # one byte more or less is refused, as msgpack refuses it
    for broken in (data + b"\x00", data[:-1]):
        with pytest.raises(ValueError):
            minipack.unpackb(broken)
