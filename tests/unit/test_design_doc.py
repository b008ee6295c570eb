"""docs/design.md's "The path of one call" and "The CPython host" are a newcomer's map of the
code: every file they name must exist, and every class, method, function or constant they name
in backticks must be defined in a file the same step names (or, where the text says "`Name` in
`file`" or "`Name` (`file`)", in that file). Protocol words (`REQUEST`, `Op.GET`) are looked up
in broker/protocol.py. A rename or a move that leaves the map behind fails here, naming the
stale reference and the step it is in."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path

import pytest

from broker import protocol

ROOT = Path(__file__).parents[2]
DOC = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")

#: the sections held to the code
SECTIONS = ("The path of one call", "The CPython host")
#: where a file named without its directory (`wire.js`, `_micro.py`) is looked for
SOURCE_DIRS = ("broker", "pyscript_ffi", "js_glue", "pyscript")
#: names of the platform or of an example, not of this repository: not looked up
PLATFORM = {"Atomics.wait", "Atomics.waitAsync", "Atomics.notify", "notify", "postMessage",
            "addEventListener", "this", "threading.Condition", "sys.stdout", "bytearray",
            "input", "print", "msgpack", "msgpackr", "el", "document", "title"}

FILE = re.compile(r"(?<![\w/.-])((?:[\w-]+/)*[\w-]+\.(?:py|js|md|json))(?![\w/-])")
SYMBOL = re.compile(r"([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?(?:\(.*\))?")
HANDLER = re.compile(r"HANDLERS\[Op\.(\w+)\]")
ATTRIBUTED = re.compile(r"\s*(?:in |\()`([^`]+\.(?:py|js))`")
VOCABULARY = {member.name: enum for enum in vars(protocol).values()
              if isinstance(enum, type) and issubclass(enum, Enum) and enum.__module__ ==
              protocol.__name__ for member in enum}


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", DOC, re.M | re.S)
    assert match, f'docs/design.md has no section "## {title}"'
    return match.group(1)


def steps(text: str) -> list[tuple[str, str]]:
    """The section as (label, text) blocks: each numbered step, each other paragraph."""
    blocks: list[tuple[str, list[str]]] = []
    paragraph = 0
    in_code = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        number = re.match(r"(\d+)\. ", line)
        if number:
            blocks.append((f"step {number.group(1)}", [line]))
        elif not line.strip():
            blocks.append(("", []))
        elif blocks and blocks[-1][1]:
            blocks[-1][1].append(line)
        else:
            paragraph += 1
            blocks.append((f"paragraph {paragraph}", [line]))
    return [(label, " ".join(lines)) for label, lines in blocks if lines]


def resolve(name: str, near: list[Path]) -> Path | None:
    """A file named in the doc: a path from the repository root, or a bare name found in one
    source directory (the directory of a file named nearer, if it is in several)."""
    if "/" in name:
        path = ROOT / name
        return path if path.is_file() else None
    found = [ROOT / d / name for d in SOURCE_DIRS if (ROOT / d / name).is_file()]
    for path in found:
        if any(path.parent == other.parent for other in reversed(near)):
            return path
    return found[0] if found else None


def defines(path: Path, name: str, after: int = 0) -> int:
    """Where `path` defines `name` (a class, function, method, constant or attribute), from
    character `after` on; -1 if it does not."""
    if path.suffix == ".py":
        pattern = (rf"^\s*(?:async\s+)?def {name}\b|^\s*class {name}\b|^\s*{name}\s*[:=]"
                   rf"|^\s*self\.{name}\s*[:=]")
    else:
        pattern = (rf"^\s*(?:export\s+)?(?:async\s+)?function\*?\s+{name}\b"
                   rf"|^\s*(?:export\s+)?class {name}\b"
                   rf"|^\s*(?:export\s+)?(?:const|let|var) {name}\b"
                   rf"|^\s+(?:static\s+)?(?:async\s+)?(?:get\s+|set\s+)?\*?{name}\s*\("
                   rf"|^\s*{name}\s*[:=]|this\.{name}\s*=")
    match = re.compile(pattern, re.M).search(path.read_text(encoding="utf-8"), after)
    return match.start() if match else -1


def lookup(path: Path, symbol: str) -> bool:
    """`Class.member`: the class, then the member after it; `module.Name`: Name in that
    module (the path is then the module's own file); `Name`: defined anywhere in the file."""
    owner, _, member = symbol.rpartition(".")
    if not owner:
        return defines(path, member) >= 0
    if path.stem == owner:
        return defines(path, member) >= 0
    start = defines(path, owner)
    return start >= 0 and defines(path, member, start) >= 0


def references() -> list[tuple[str, str, str, list[Path]]]:
    """(where, kind, reference, candidate files) for everything the sections name."""
    found = []
    for title in SECTIONS:
        named_so_far: list[Path] = []
        for label, text in steps(section(title)):
            where = f'"{title}", {label}'
            files = []
            for name in FILE.findall(text):
                path = resolve(name, named_so_far + files)
                found.append((where, "file", name, [path] if path else []))
                if path and path.suffix in (".py", ".js"):
                    files.append(path)
            named_so_far += files
            for span in re.finditer(r"`([^`]+)`", text):
                code = span.group(1)
                if FILE.fullmatch(code) or code in PLATFORM or (ROOT / code).is_dir():
                    continue
                handler = HANDLER.fullmatch(code)
                if handler:
                    found.append((where, "vocabulary", f"Op.{handler.group(1)}", []))
                    found.append((where, "symbol", "HANDLERS", files or named_so_far))
                    continue
                symbol = SYMBOL.fullmatch(code)
                if not symbol:
                    continue  # a frame, an expression, an example: not a name
                owner, member = symbol.group(1), symbol.group(2)
                name = f"{owner}.{member}" if member else owner
                if name in PLATFORM:
                    continue
                if owner in {e.__name__ for e in set(VOCABULARY.values())} or (
                        not member and owner in VOCABULARY):
                    found.append((where, "vocabulary", name, []))
                    continue
                module = resolve(f"{owner}.py", named_so_far) if member else None
                if member and module is None and not owner[0].isupper():
                    continue  # `el.appendChild`: an example object's method, not ours
                attributed = ATTRIBUTED.match(text, span.end())
                if module is not None:
                    candidates = [module]
                elif attributed:
                    path = resolve(attributed.group(1), named_so_far)
                    candidates = [path] if path else []
                else:
                    candidates = files or named_so_far
                found.append((where, "symbol", name, candidates))
    return found


def test_the_sections_name_files_and_symbols():
    kinds = {kind for _, kind, _, _ in references()}
    assert kinds == {"file", "symbol", "vocabulary"}, kinds


@pytest.mark.parametrize("title", SECTIONS)
def test_every_named_file_exists(title: str) -> None:
    stale = [f"{where}: `{name}`" for where, kind, name, paths in references()
             if kind == "file" and not paths and where.startswith(f'"{title}"')]
    assert not stale, ("docs/design.md names files that do not exist (moved or renamed? fix the "
                       "doc): " + "; ".join(stale))


@pytest.mark.parametrize("title", SECTIONS)
def test_every_named_symbol_is_defined_where_the_doc_says(title: str) -> None:
    stale = []
    for where, kind, name, paths in references():
        if kind != "symbol" or not where.startswith(f'"{title}"'):
            continue
        if not any(lookup(path, name) for path in paths):
            shown = ", ".join(str(p.relative_to(ROOT)) for p in paths) or "no file"
            stale.append(f"{where}: `{name}` is not defined in {shown}")
    assert not stale, ("docs/design.md names code that is not where it says (renamed or moved? "
                       "fix the doc or name the file): " + "; ".join(stale))


@pytest.mark.parametrize("title", SECTIONS)
def test_every_protocol_word_is_in_the_protocol(title: str) -> None:
    stale = []
    for where, kind, name, _ in references():
        if kind != "vocabulary" or not where.startswith(f'"{title}"'):
            continue
        owner, _, member = name.rpartition(".")
        enum = VOCABULARY.get(member)
        if enum is None or (owner and owner != enum.__name__ and not hasattr(
                getattr(protocol, owner, None), member)):
            stale.append(f"{where}: `{name}`")
    assert not stale, ("docs/design.md names protocol words broker/protocol.py does not define: "
                       + "; ".join(stale))
