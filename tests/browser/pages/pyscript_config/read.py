# What the tag's config put in the file system, shown in the element named by TARGET.
import json

from pyscript import document

PATHS = ["got/a.txt", "got/sub/b.txt", "c.txt", "/tmp/h/renamed.txt", "both.txt"]


def show(target):
    found = {}
    for path in PATHS:
        try:
            with open(path) as f:
                found[path] = f.read()
        except OSError:
            found[path] = None
    document.getElementById(target).textContent = json.dumps(found)


def show_file(target, path):
    with open(path) as f:
        document.getElementById(target).textContent = f.read()
