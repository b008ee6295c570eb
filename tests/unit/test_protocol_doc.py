"""docs/protocol.md is the normative wire spec: it must name every word of broker/protocol.py.
Each enum member has to appear in the doc as `NAME` (in backticks) and, for the tables that
give values, in a table row with its value, so a code added to the protocol without its line in
the spec fails here."""

from __future__ import annotations

import re
from enum import Enum, IntEnum, StrEnum
from pathlib import Path

import pytest

from broker import protocol

ROOT = Path(__file__).parents[2]
DOC = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")

ENUMS = [protocol.Op, protocol.Status, protocol.Ext, protocol.State, protocol.Slot,
         protocol.Message, protocol.Failure, protocol.RemoteFlag]


def table_rows() -> dict[str, list[list[str]]]:
    """Every markdown table row whose first cell is a `NAME`, as NAME -> the rows' other cells
    (a name may head rows of several tables: `BUSY` is a State and a Failure)."""
    rows: dict[str, list[list[str]]] = {}
    for line in DOC.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and len(cells) >= 2:
            match = re.fullmatch(r"`(\w+)`", cells[0])
            if match:
                rows.setdefault(match.group(1), []).append(cells[1:])
    return rows


def test_every_vocabulary_enum_is_checked():
    enums = {v for v in vars(protocol).values()
             if isinstance(v, type) and issubclass(v, Enum) and v not in (Enum, IntEnum, StrEnum)}
    assert enums == set(ENUMS), "a new enum in broker/protocol.py: add it to ENUMS and the doc"


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_protocol_md_names_every_member_with_its_value(enum: type[Enum]) -> None:
    rows = table_rows()
    missing = []
    for member in enum:
        value = member.value
        shown = {str(value), f'"{value}"', f"`{value}`", f'`"{value}"`'}
        if isinstance(value, int):
            shown |= {hex(value), f"0x{value:02x}", f"`{hex(value)}`"}
        if not any(shown & set(cells) for cells in rows.get(member.name, [])):
            missing.append(f"{member.name} = {value!r}")
    assert not missing, (f"docs/protocol.md has no table row `NAME` | value for {enum.__name__}: "
                         + ", ".join(missing))


def test_protocol_md_names_the_constants():
    for name in ("PROTOCOL_VERSION", "DATA_OFFSET", "DEFAULT_BUFFER_BYTES", "GLOBAL_HANDLE",
                 "ITER_BATCH"):
        assert f"`{name}`" in DOC, f"docs/protocol.md does not name `{name}`"
