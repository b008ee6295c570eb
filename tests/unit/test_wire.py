"""The Python codec: golden frames, round trips at every edge, and bad bytes."""

from __future__ import annotations

import json
import math
from pathlib import Path

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broker.errors import (
    ConversionError,
    FfiError,
    HandleError,
    InternalError,
    JsException,
    MissingProperty,
    PermissionDenied,
    ProtocolError,
)
from broker.protocol import Ext, Op, Status
from broker.wire import (
    Codec,
    ErrorBody,
    Reply,
    Request,
    error_for,
    error_reply,
    plain_codec,
    remote_ext,
    status_for,
)

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "values.json").read_text())


def build(tagged):
    """The Python value a tagged vector value stands for (references as raw ExtTypes)."""
    [(tag, v)] = tagged.items()
    if tag in ("nil", "undefined"):
        return None
    if tag in ("bool", "str"):
        return v
    if tag == "int":
        return int(v)
    if tag == "float":
        return float(v)
    if tag == "bytes":
        return bytes.fromhex(v)
    if tag == "list":
        return [build(x) for x in v]
    if tag == "map":
        return {k: build(x) for k, x in v}
    if tag == "remote":
        return msgpack.ExtType(1, v[0].to_bytes(4, "big") + bytes([v[1]]))
    if tag == "callback":
        return msgpack.ExtType(2, v.to_bytes(4, "big"))
    if tag == "error":
        return ErrorBody(*v)
    raise ValueError(tag)


def same(a, b):
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if isinstance(a, float):
        return type(b) is float and a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


class Passthrough(Codec):
    """Encodes raw ExtTypes as themselves, so vectors holding references can be encoded."""

    def __init__(self):
        super().__init__(lambda obj: obj, lambda code, payload: msgpack.ExtType(code, payload))


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_golden_frames(vector):
    codec = Passthrough()
    data = bytes.fromhex(vector["hex"])
    assert same(codec.decode_value(data), build(vector["value"]))
    if "undefined" not in vector["value"] and "error" not in json.dumps(vector["value"]):
        assert codec.encode_value(build(vector["value"])).hex() == vector["hex"]


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
    | st.binary(),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=30,
)


@given(values)
@settings(max_examples=300, deadline=None)
def test_values_round_trip(value):
    codec = plain_codec()
    assert same(codec.decode_value(codec.encode_value(value)), value)


@pytest.mark.parametrize("n", [2**53 - 1, 2**53, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, 2**64,
                               -(2**63), -(2**63) - 1, 2**1000, -(2**1000), 0])
def test_int_edges_round_trip(n):
    codec = plain_codec()
    assert codec.decode_value(codec.encode_value(n)) == n


def test_float_edges_round_trip():
    codec = plain_codec()
    for x in (-0.0, math.inf, -math.inf, 5e-324, 1.7976931348623157e308):
        assert same(codec.decode_value(codec.encode_value(x)), x)
    assert math.isnan(codec.decode_value(codec.encode_value(math.nan)))


def test_request_round_trip():
    codec = plain_codec()
    data = codec.encode_request(Op.CALL, 7, None, ("a", [1, 2]), [3, 1])
    request = codec.decode_request(data)
    assert (request.op, request.target, request.subject, request.args, request.drops) == (
        Op.CALL, 7, None, ("a", [1, 2]), (3, 1))


@pytest.mark.parametrize(
    ("status", "exc_type"),
    [(Status.THROWN, JsException), (Status.BAD_HANDLE, HandleError),
     (Status.BAD_REQUEST, ProtocolError), (Status.MISSING, MissingProperty),
     (Status.DENIED, PermissionDenied), (Status.INTERNAL, InternalError)],
)
def test_error_replies_raise_their_exception(status, exc_type):
    codec = plain_codec()
    reply = codec.decode_reply(codec.encode_reply(Reply(status, None, "TypeError", "boom", "at x")))
    with pytest.raises(exc_type, match="boom"):
        reply.unwrap()


@pytest.mark.parametrize(
    ("status", "exc_type"),
    [(Status.THROWN, JsException), (Status.BAD_HANDLE, HandleError),
     (Status.BAD_REQUEST, ProtocolError), (Status.MISSING, MissingProperty)],
)
def test_decode_result_is_decode_reply_unwrapped(status, exc_type):
    codec = plain_codec()
    value = [1, "a", None]
    assert codec.decode_result(codec.encode_reply(Reply(Status.OK, value, "", "", ""))) == value
    with pytest.raises(exc_type, match="boom"):
        codec.decode_result(codec.encode_reply(Reply(status, None, "TypeError", "boom", "at x")))
    for bad in (b"\x92\xc3\x01", b"\x91\x00", b"\x93\x00\x01\x02"):  # [true, 1], [0], [0, 1, 2]
        with pytest.raises(ProtocolError):
            codec.decode_result(bad)


def test_js_exception_keeps_name_message_stack():
    codec = plain_codec()
    data = codec.encode_reply(Reply(Status.THROWN, None, "RangeError", "too far", "at f (a.js:1)"))
    with pytest.raises(JsException) as info:
        codec.decode_reply(data).unwrap()
    assert (info.value.name, info.value.message, info.value.stack) == (
        "RangeError", "too far", "at f (a.js:1)")


@pytest.mark.parametrize(
    "exc", [HandleError("h"), ProtocolError("p"), MissingProperty("m"), PermissionDenied("d"),
            JsException("RangeError", "r"), ValueError("v"), InternalError("i")])
def test_status_and_exception_map_both_ways(exc):
    # what the serving side answers for an exception is what the calling side raises for it;
    # an exception of no table entry is THROWN, raised again as a JsException of its name
    reply = error_reply(exc)
    assert reply.status is status_for(exc)
    raised = error_for(reply.status, reply.name, reply.message, reply.stack)
    expected = type(exc) if reply.status is not Status.THROWN else JsException
    assert type(raised) is expected and str(exc) in str(raised)
    assert reply.name == type(exc).__name__ and f"{type(exc).__name__}: " in reply.stack


def test_each_error_status_stands_for_its_own_exception():
    statuses = [status for status in Status if status is not Status.OK]
    kinds = [type(error_for(status, "E", "m", "")) for status in statuses]
    assert len(set(kinds)) == len(statuses) and all(issubclass(k, FfiError) for k in kinds)


def test_records_are_frozen():
    request = Request(Op.GET, 0, "x", (), ())
    reply = Reply(Status.OK, 1, "", "", "")
    for record, field in ((request, "op"), (reply, "value"), (ErrorBody("E", "m", ""), "name")):
        with pytest.raises(AttributeError):
            setattr(record, field, None)
        with pytest.raises(AttributeError):
            record.other = None  # type: ignore[attr-defined]


def test_error_ext_decodes_to_a_named_record():
    codec = plain_codec()
    data = codec.encode_reply(Reply(Status.MISSING, None, "KeyError", "k", "at g"))
    assert msgpack.unpackb(data, ext_hook=lambda code, _: code)[1] == Ext.ERROR
    assert codec.decode_value(data) == [int(Status.MISSING), ErrorBody("KeyError", "k", "at g")]
    # an array of three strings is a value, not an error: only the ext is taken for one
    for body in (["KeyError", "k", "at g"], ("KeyError", "k", "at g")):
        with pytest.raises(ProtocolError, match="ERROR ext"):
            codec.decode_reply(codec.encode_value([int(Status.MISSING), body]))


def test_plain_codec_leaves_references_as_ext_types():
    codec = plain_codec()
    reference = remote_ext(17, 0)
    assert codec.decode_value(codec.encode_value([reference])) == [reference]
    with pytest.raises(ConversionError, match="by value"):
        codec.encode_value(object())


def test_unsendable_values_are_conversion_errors():
    codec = plain_codec()
    with pytest.raises(ConversionError, match="generator"):
        codec.encode_value(x for x in ())
    cyclic: list = []
    cyclic.append(cyclic)
    with pytest.raises(ConversionError, match="circular"):
        codec.encode_value(cyclic)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (b"\x92\x01", "undecodable"),
        (msgpack.packb([99, 0, None, []]), "unknown op 99"),
        (msgpack.packb([1, "x", None, []]), "handle id"),
        (msgpack.packb([1, 0, None, "args"]), "args must be an array"),
        (msgpack.packb([1, 0, None, [], ["x"]]), "drops"),
        (msgpack.packb({"op": 1}), "must be"),
        (b"\xd4\x65\x00", "unknown ext type 101"),
    ],
)
def test_bad_requests_are_protocol_errors(frame, message):
    with pytest.raises(ProtocolError, match=message):
        plain_codec().decode_request(frame)


@given(st.binary(max_size=64))
@settings(max_examples=2000, deadline=None)
def test_random_bytes_never_escape_as_other_errors(data):
    codec = plain_codec()
    for decode in (codec.decode_request, codec.decode_reply):
        try:
            decode(data)
        except ProtocolError:
            pass
