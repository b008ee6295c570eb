import asyncio

await asyncio.sleep(0.05)  # noqa: F704 - top-level await: the next tag waits for this one
order.append("second")  # noqa: F821 - the first tag's global, shared as in PyScript
