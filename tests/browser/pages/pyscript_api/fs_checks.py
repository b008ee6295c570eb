"""pyscript.fs as PyScript code sees it (see events_checks.py): what mount says where it cannot
work (a worker, MicroPython), and the KeyErrors of an unmounted path. (A real mount needs a
user to pick a folder, which a headless browser cannot.)"""

from checks_common import report, traceback_of

from pyscript import fs


async def refusal(call):
    try:
        await call
    except (RuntimeError, KeyError) as exc:
        return [type(exc).__name__, str(exc)]
    return None


async def facts_of_fs():
    facts = {
        "mounted": [type(fs.mounted).__name__, len(fs.mounted)],
        "sync_unmounted": (await refusal(fs.sync("/nowhere")))[0],
        "unmount_unmounted": (await refusal(fs.unmount("/nowhere")))[0],
        "revoke_unmounted": await fs.revoke("/nowhere"),
    }
    reason = fs._why_not()
    if reason is None:  # the page's thread on Pyodide in Chromium: a picker would open
        facts["mount"] = "possible"
    else:
        kind, text = await refusal(fs.mount("/local"))
        facts["mount"] = [kind, "worker" in text, "MicroPython" in text]
    return facts


async def run(where):
    try:
        facts = await facts_of_fs()
    except Exception as exc:
        facts = {"error": traceback_of(exc)}
    report("fs", where, facts)
