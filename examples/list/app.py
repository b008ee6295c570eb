"""Runs in a Web Worker: builds a list and a button on the page, and handles the clicks here.

Every DOM call below is a synchronous call to the main thread.
"""

from pyscript_ffi import create_proxy, document

FRUIT = ["apple", "banana", "cherry", "damson", "elderberry", "fig", "grape"]

app = document.getElementById("app")
heading = document.createElement("h1")
heading.textContent = "A list built by Python in a worker"
app.prepend(heading)

items = document.createElement("ul")
items.className = "items"
items.id = "items"
for name in FRUIT[:3]:
    li = document.createElement("li")
    li.textContent = name
    items.appendChild(li)
app.appendChild(items)

button = document.createElement("button")
button.id = "add"
button.textContent = "Add an item"
app.appendChild(button)


def add_item(event):
    count = items.children.length
    li = document.createElement("li")
    li.textContent = FRUIT[count % len(FRUIT)] + ("" if count < len(FRUIT) else f" #{count + 1}")
    items.appendChild(li)
    event.target.textContent = f"Add an item ({count + 1} now)"


button.addEventListener("click", create_proxy(add_item))
