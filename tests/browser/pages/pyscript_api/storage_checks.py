"""pyscript.storage as PyScript code sees it (see events_checks.py): values of every kind
survive a reopen; deletes and clears write through; bad input is refused."""

from checks_common import raises, report, traceback_of

from pyscript import Storage, storage

VALUES = {"none": None, "false": False, "int": 42, "float": 2.5, "str": "héllo",
          "list": [1, [2]], "dict": {"a": {"b": 1}}, "tuple": (1, 2)}


async def facts_of_storage(where):
    store = await storage("checks-" + where)
    store.clear()
    for key, value in VALUES.items():
        store[key] = value
    store["bytes"] = bytearray(b"\x00\xff")
    store["view"] = memoryview(b"ab")
    store["gone"] = 1
    del store["gone"]
    await store.sync()
    again = await storage("checks-" + where)

    class Counting(Storage):
        pass

    custom = await storage("checks-" + where, storage_class=Counting)
    facts = {
        "reopened": sorted(again.keys()),
        "same_values": all(again[k] == v and type(again[k]) is type(v) for k, v in VALUES.items()),
        "bytes": [type(again["bytes"]).__name__, list(again["bytes"])],
        "view": [type(again["view"]).__name__, bytes(again["view"]).decode()],
        "custom_class": type(custom).__name__,
        "bad_value": raises(TypeError, lambda: store.__setitem__("x", object())) is not None,
        "bad_value_not_kept": "x" not in store,
    }
    try:
        await storage("")
        facts["empty_name"] = None
    except ValueError as exc:
        facts["empty_name"] = "non-empty" in str(exc)
    store.clear()
    await store.sync()
    facts["cleared"] = len(await storage("checks-" + where))
    return facts


async def run(where):
    try:
        facts = await facts_of_storage(where)
    except Exception as exc:
        facts = {"error": traceback_of(exc)}
    report("storage", where, facts)
