"""pyscript.websocket as PyScript code sees it (see events_checks.py): a socket to a port where
nothing listens fails, and its onerror / onclose callbacks (a plain and an async one) get
WebSocketEvents; bad handler names are refused."""

from checks_common import raises, report, traceback_of, until

from pyscript import WebSocket


async def facts_of_websocket():
    seen = []

    def on_error(event):
        seen.append(["error", event.type])

    async def on_close(event):
        seen.append(["close", event.type, event.code])

    socket = WebSocket("ws://127.0.0.1:9/", onerror=on_error, onclose=on_close)
    facts = {"binary_type": socket.binaryType,
             "connecting": socket.readyState == WebSocket.CONNECTING}
    await until(lambda: len(seen) == 2)
    facts["events"] = seen
    facts["closed"] = socket.readyState == WebSocket.CLOSED
    facts["bad_handler"] = raises(TypeError,
                                  lambda: WebSocket("ws://127.0.0.1:9/", onmesage=print))
    return facts


async def run(where):
    try:
        facts = await facts_of_websocket()
    except Exception as exc:
        facts = {"error": traceback_of(exc)}
    report("websocket", where, facts)
