"""pyscript.media as PyScript code sees it (see events_checks.py): the device list, a device's
fields, and a stream request, which a headless browser refuses (or fakes) without hanging."""

from checks_common import report, traceback_of

from pyscript import media


async def facts_of_media():
    devices = await media.list_devices()
    facts = {
        "is_list": isinstance(devices, list),
        "kinds_valid": all(d.kind in ("videoinput", "audioinput", "audiooutput")
                           for d in devices),
        "dict_access": all(d["id"] == d.id and d["kind"] == d.kind for d in devices),
    }
    try:
        stream = await media.Device.request_stream(audio=False, video={"width": 64})
        facts["stream"] = "stream" if hasattr(stream, "active") else "no stream"
    except Exception as exc:  # the browser's refusal, raised
        text = str(exc)
        facts["stream"] = "refused" if ("NotAllowed" in text or "NotFound" in text
                                        or "Permission" in text) else text
    return facts


async def run(where):
    try:
        facts = await facts_of_media()
    except Exception as exc:
        facts = {"error": traceback_of(exc)}
    report("media", where, facts)
