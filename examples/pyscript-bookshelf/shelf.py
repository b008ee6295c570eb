"""Bookshelf, on the page's thread: `fetch` reads the catalogue, `display` shows it, and the
reading list lives in `storage` (IndexedDB), so it outlives a reload."""

from pyscript import HTML, display, fetch, storage, when


def escape(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def catalogue_table(books):
    rows = "".join(
        f'<tr><td>{escape(b["title"])}</td><td>{escape(b["author"])}</td><td>{b["year"]}</td>'
        f'<td><button class="want" data-id="{b["id"]}">Want to read</button></td></tr>'
        for b in books)
    return HTML(f"<table><thead><tr><th>Title</th><th>Author</th><th>Year</th><th></th></tr>"
                f"</thead><tbody>{rows}</tbody></table>")


def show_reading_list():
    wanted = [by_id[i] for i in shelf.get("wanted", []) if i in by_id]
    if not wanted:
        display("Nothing yet: pick a book above.", target="reading", append=False)
        return
    display(HTML("<ul class='tasks'>" + "".join(
        f"<li class='task reading'>{escape(b['title'])} ({b['year']})</li>" for b in wanted)
        + "</ul>"), target="reading", append=False)


books, by_id = [], {}
response = await fetch("./books.json")  # noqa: F704 - top-level await, as in PyScript
if response.ok:
    books = await response.json()  # noqa: F704 - top-level await, as in PyScript
    by_id = {b["id"]: b for b in books}
    display(catalogue_table(books), target="catalogue", append=False)
else:
    display(f"The catalogue could not be read: HTTP {response.status}", target="catalogue",
            append=False)
shelf = await storage("bookshelf")  # noqa: F704 - top-level await, as in PyScript
show_reading_list()


@when("click", "#catalogue")
async def want(event):
    if not event.target.classList.contains("want"):  # a click beside the buttons
        return
    book = event.target.getAttribute("data-id")
    wanted = shelf.get("wanted", [])
    if book not in wanted:
        shelf["wanted"] = wanted + [book]  # noqa: RUF005 - MicroPython has no [*a, b]
        await shelf.sync()
    show_reading_list()


@when("click", "#clear")
async def clear(event):
    shelf["wanted"] = []
    await shelf.sync()
    show_reading_list()
