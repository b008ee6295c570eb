"""The task board of PyScript's FFI guide, driven from a worker.

Creates elements, sets className and textContent, gives each task a Delete button whose click
handler is a create_proxy function, and appends it all: every DOM call is synchronous.
"""

from pyscript import document
from pyscript.ffi import create_proxy

tasks = document.getElementById("tasks")
text = document.getElementById("task-text")
handlers = {}  # task id -> its Delete handler, dropped with the task


def add_task(title):
    task_id = f"task-{len(handlers) + 1}-{id(title)}"
    item = document.createElement("li")
    item.id = task_id
    item.className = "task"
    label = document.createElement("span")
    label.className = "task-title"
    label.textContent = title
    delete = document.createElement("button")
    delete.className = "delete"
    delete.textContent = "Delete"

    def on_delete(event):
        document.getElementById(task_id).remove()
        handler = handlers.pop(task_id)
        # Pyodide's proxies live until destroyed; MicroPython's have no destroy() (its garbage
        # collector frees them), in PyScript as here
        if hasattr(handler, "destroy"):
            handler.destroy()

    handlers[task_id] = create_proxy(on_delete)
    delete.addEventListener("click", handlers[task_id])
    item.append(label, delete)
    tasks.appendChild(item)


def on_add(event):
    title = text.value.strip()
    if title:
        add_task(title)
        text.value = ""


# A real form: Enter in the input or the Add button submits it. This handler runs in the worker
# after the event was dispatched, too late for event.preventDefault(); so it declares, as in
# PyScript, that the page must call preventDefault when the event fires (no page reload).
document.getElementById("new-task").addEventListener(
    "submit", create_proxy(on_add), {"invoke": "preventDefault"})
for title in ("Read the FFI guide", "Move the work to a worker"):
    add_task(title)
