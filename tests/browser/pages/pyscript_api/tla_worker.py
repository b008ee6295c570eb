"""A worker tag's file that awaits at its top level until the page's button is clicked: the
click's handler must run while the file is still awaiting (tla.html)."""

import asyncio

from pyscript import document, when


async def main(kind):
    clicked = asyncio.Event()

    @when("click", "#go-" + kind)
    def on_click(event):
        clicked.set()

    out = document.getElementById("tla-" + kind)
    out.textContent = "waiting"
    await clicked.wait()
    out.textContent = "clicked"
