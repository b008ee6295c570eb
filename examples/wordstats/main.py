"""The page's thread (MicroPython: quick to start): wires the button, hands the work to the
named worker, and lends it `progress` through `xworker.sync`."""

import words

from pyscript import document, workers
from pyscript.ffi import create_proxy

status = document.getElementById("status")
button = document.getElementById("analyse")


def progress(percent):
    status.textContent = f"counted {percent}%"


document.querySelector("script[name='stats']").xworker.sync.progress = progress
stats = await workers["stats"]  # noqa: F704 - top-level await, as in PyScript


def on_done(total):
    status.textContent = f"{total} words; the five most frequent:"
    button.disabled = False


def on_click(event):
    text = document.getElementById("text").value
    if not words.words(text):
        status.textContent = "type some words first"
        return
    button.disabled = True
    stats.analyse(text).then(done)  # a Promise: the page stays responsive meanwhile


done = create_proxy(on_done)


button.addEventListener("click", create_proxy(on_click))
button.disabled = False
status.textContent = "ready"
