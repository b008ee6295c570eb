"""Reads the same values three ways and prints how many round trips each took."""

import pyscript_ffi
from pyscript_ffi import document, gather, query

PATHS = ["title", "location.href", "body.children.length", "body.children[0].id",
         "documentElement.lang", "characterSet"]
rows = document.querySelector("#counts tbody")


def counted(how, read):
    before = pyscript_ffi.statistics().calls
    values = read()
    calls = pyscript_ffi.statistics().calls - before
    print(f"{how}: {len(values)} values in {calls} round trips")
    row = document.createElement("tr")
    for text in (how, str(len(values)), str(calls)):
        cell = document.createElement("td")
        cell.textContent = text
        row.appendChild(cell)
    rows.appendChild(row)
    return values


one_by_one = counted("attribute by attribute", lambda: [
    document.title, document.location.href, document.body.children.length,
    document.body.children[0].id, document.documentElement.lang, document.characterSet])
by_query = counted("query() per value", lambda: [query(document, p) for p in PATHS])
by_gather = counted("one gather()", lambda: list(gather(document, *PATHS)))
assert one_by_one == by_query == by_gather
