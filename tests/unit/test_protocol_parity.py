"""broker/protocol.py and js_glue/protocol.js name the same words with the same values."""

from __future__ import annotations

import json
import shutil
import subprocess
from enum import Enum, IntEnum, StrEnum
from pathlib import Path

from broker import protocol

ROOT = Path(__file__).parents[2]


def js_vocabulary() -> dict:
    node = shutil.which("node")
    assert node, "node is not on PATH: run scripts/setup"
    script = "import('./js_glue/protocol.js').then(m => console.log(JSON.stringify(m)))"
    out = subprocess.run([node, "--input-type=module", "-e", script], cwd=ROOT, check=True,
                         capture_output=True, text=True, timeout=60)
    return json.loads(out.stdout)


def py_vocabulary() -> dict:
    vocab = {}
    for name, value in vars(protocol).items():
        if (isinstance(value, type) and issubclass(value, Enum)
                and value not in (Enum, IntEnum, StrEnum)):
            vocab[name] = {member.name: member.value for member in value}
        elif name.isupper():
            vocab[name] = value
    return vocab


def test_protocol_files_agree():
    assert js_vocabulary() == py_vocabulary()


def test_enums_have_unique_explicit_values():
    for enum in (protocol.Slot, protocol.State, protocol.Op, protocol.Status, protocol.Ext,
                 protocol.Message, protocol.Failure):
        values = [m.value for m in enum]
        assert len(values) == len(set(values)), enum
