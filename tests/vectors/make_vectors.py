"""Write tests/vectors/values.json: golden frames, from the Python codec, for both codecs to match.

Run once when the protocol changes (`python tests/vectors/make_vectors.py`), review the diff
against the msgpack spec and docs/protocol.md, and commit it. The tests never regenerate it.

Values are tagged so both languages can build them: {"int": "123"}, {"float": "-0.0"},
{"str": ...}, {"bytes": hex}, {"bool": ...}, {"nil": null}, {"undefined": null},
{"list": [...]}, {"map": [[key, value], ...]}, {"remote": [id, flags]}, {"callback": id},
{"error": [name, message, stack]}. "js_encode": false marks a value JavaScript cannot express
(it has one number type, so the float 1.0 is the integer 1); JS still decodes those bytes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import msgpack

from broker.wire import bigint_ext, callback_ext, error_ext, remote_ext

CASES: list[tuple[str, object, dict | None]] = [
    ("nil", {"nil": None}, None),
    ("undefined", {"undefined": None}, None),
    ("true", {"bool": True}, None),
    ("int 0", {"int": "0"}, None),
    ("int -1", {"int": "-1"}, None),
    ("int 127", {"int": "127"}, None),
    ("int 128", {"int": "128"}, None),
    ("int -33", {"int": "-33"}, None),
    ("int 2**32-1", {"int": str(2**32 - 1)}, None),
    ("int 2**32", {"int": str(2**32)}, None),
    ("int -2**31-1", {"int": str(-(2**31) - 1)}, None),
    ("int 2**53", {"int": str(2**53)}, None),
    ("int 2**53+1", {"int": str(2**53 + 1)}, None),
    ("int -2**53-1", {"int": str(-(2**53) - 1)}, None),
    ("int 2**63", {"int": str(2**63)}, None),
    ("int 2**64-1", {"int": str(2**64 - 1)}, None),
    ("int -2**63", {"int": str(-(2**63))}, None),
    ("int 2**64", {"int": str(2**64)}, None),
    ("int -2**63-1", {"int": str(-(2**63) - 1)}, None),
    ("int 2**200+7", {"int": str(2**200 + 7)}, None),
    ("float 1.5", {"float": "1.5"}, None),
    ("float -0.0", {"float": "-0.0"}, None),
    ("float nan", {"float": "nan"}, None),
    ("float inf", {"float": "inf"}, None),
    ("float -inf", {"float": "-inf"}, None),
    ("float 1.0", {"float": "1.0"}, {"js_encode": False}),
    ("float 2**60", {"float": str(float(2**60))}, None),
    ("str empty", {"str": ""}, None),
    ("str unicode", {"str": "héllo ☃ 🐍"}, None),
    ("str 32 bytes", {"str": "x" * 32}, None),
    ("bytes", {"bytes": "0001ff"}, None),
    ("list", {"list": [{"int": "1"}, {"str": "a"}, {"nil": None}]}, None),
    ("map", {"map": [["a", {"int": "1"}], ["b", {"list": [{"bool": False}]}]]}, None),
    ("remote", {"remote": [17, 5]}, None),
    ("callback", {"callback": 3}, None),
    ("error", {"error": ["TypeError", "x is not a function", "at f (app.js:1)"]}, None),
    ("request GET with drops",
     {"list": [{"int": "1"}, {"int": "5"}, {"str": "title"}, {"list": []},
               {"list": [{"int": "9"}, {"int": "2"}]}]}, None),
    ("reply OK remote", {"list": [{"int": "0"}, {"remote": [4, 1]}]}, None),
    ("reply THROWN", {"list": [{"int": "1"}, {"error": ["SyntaxError", "bad", ""]}]}, None),
]


def build(tagged: dict) -> object:
    [(tag, v)] = tagged.items()
    if tag == "nil" or tag == "undefined":
        return None if tag == "nil" else msgpack.ExtType(0, b"\x00")
    if tag == "bool" or tag == "str":
        return v
    if tag == "int":
        n = int(v)
        return bigint_ext(n) if not -(2**63) <= n < 2**64 else n
    if tag == "float":
        return float(v) if v not in ("nan",) else math.nan
    if tag == "bytes":
        return bytes.fromhex(v)
    if tag == "list":
        return [build(x) for x in v]
    if tag == "map":
        return {k: build(x) for k, x in v}
    if tag == "remote":
        return remote_ext(*v)
    if tag == "callback":
        return callback_ext(v)
    if tag == "error":
        return error_ext(*v)
    raise ValueError(tag)


def main() -> None:
    out = []
    for name, tagged, extra in CASES:
        frame = msgpack.packb(build(tagged), use_bin_type=True)
        out.append({"name": name, "value": tagged, "hex": frame.hex(), **(extra or {})})
    path = Path(__file__).with_name("values.json")
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(out)} vectors to {path}")


if __name__ == "__main__":
    main()
