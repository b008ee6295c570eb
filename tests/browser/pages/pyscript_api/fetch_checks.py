"""pyscript.fetch as PyScript code sees it (see events_checks.py): a JSON file served beside
the page, every body method, chaining, an HTTP error status and a network failure."""

from checks_common import report, traceback_of

from pyscript import fetch


async def facts_of_fetch():
    response = await fetch("./data/sample.json")
    facts = {
        "ok": response.ok,
        "status": response.status,
        "json": await response.json(),
        "chained_json": await fetch("./data/sample.json").json(),
        "text": await fetch("./data/sample.json").text(),
    }
    copied = await fetch("./data/sample.json").bytearray()
    view = await fetch("./data/sample.json").arrayBuffer()
    blob = await fetch("./data/sample.json").blob()
    facts["bytearray"] = [type(copied).__name__, bytes(copied[:9]).decode()]
    facts["arrayBuffer"] = [type(view).__name__, bytes(view[-3:]).decode()]
    facts["blob_size"] = blob.size
    head = await fetch("./data/sample.json", method="HEAD", headers={"X-Check": "1"})
    facts["head"] = [head.status, await head.text()]
    missing = await fetch("./data/missing.json")
    facts["missing"] = [missing.ok, missing.status]
    try:
        await fetch("http://127.0.0.1:1/nothing")
        facts["network_failure"] = None
    except Exception as exc:
        facts["network_failure"] = "fetch" in str(exc)
    return facts


async def run(where):
    try:
        facts = await facts_of_fetch()
    except Exception as exc:
        facts = {"error": traceback_of(exc)}
    report("fetch", where, facts)
