"""pyscript.web as PyScript code sees it (see events_checks.py): making elements, finding them,
their classes, style, children, events and options; in a worker, the round trips of each
operation (an element made is a description until the page needs it)."""

from checks_common import raises, report, traceback_of, until

from pyscript import RUNNING_IN_WORKER, web


def round_trips(action):
    """`action()`'s value and, in a worker, how many round trips it took (None on the page's
    thread, which has no channel)."""
    if not RUNNING_IN_WORKER:
        return action(), None
    import pyscript_ffi

    before = pyscript_ffi.statistics().calls
    value = action()
    return value, pyscript_ffi.statistics().calls - before


def trips_of(facts, name, action):
    """`action()`'s value; its round trips go into facts[name + "_round_trips"]."""
    value, facts[name + "_round_trips"] = round_trips(action)
    return value


def facts_of_descriptions(where):
    """Elements made in a worker are made in the page when first needed, each tree in one round
    trip: what the page then has is what making them at once gives."""
    facts = {}
    rows = trips_of(facts, "table", lambda: web.table(
        *[web.tr(web.td(f"row {i}"), classes="row") for i in range(20)], id=where + "-table"))
    cell = web.td("late")
    row = web.tr(cell)

    def change_described():
        row.classes.add("b c")
        row.classes.discard("c")
        row.style["color"] = "red"

    trips_of(facts, "described_changes", change_described)
    trips_of(facts, "append_tree", lambda: web.page.append(rows))
    facts["table_rows"] = [len(rows.find("tr")), rows.find("td")[19].textContent]
    # a held element needed first: the element holding it is made with it
    facts["held_first"] = [trips_of(facts, "held", lambda: cell.textContent), cell.parent == row,
                           row.className, row.getAttribute("style")]
    listing = web.ul(web.li("one"))
    trips_of(facts, "append_to_described", lambda: listing.append(web.li("two"), "3", [web.li(4)]))
    facts["appended_to_described"] = [trips_of(facts, "described_read", lambda: listing.innerHTML)]
    twice = web.span("s")
    facts["twice"] = web.div(twice, "<i>i</i>", twice).innerHTML  # appended twice: moved
    found = trips_of(facts, "find_rows", lambda: rows.find(".row"))
    trips_of(facts, "classes_read", lambda: found[0].classes)
    trips_of(facts, "classes_add", lambda: found[0].classes.add("on"))
    trips_of(facts, "collection_find", lambda: found[0:3].find("td"))
    trips_of(facts, "update_all", lambda: found.update_all(classes="all", title="t"))
    facts["updated"] = [found[0].className, sorted(found[0].classes), found[5].title,
                        found[5].className]
    texts = trips_of(facts, "texts", lambda: [r.textContent for r in found[:4]])
    facts["texts"] = texts
    rows._dom_element.remove()
    return facts


async def facts_of_web(where):
    web.page.find("#" + where + "-nothing")  # the first use of the page's calls looks them up
    assert web.page.body is not None  # (the body is read once, then kept)
    made, made_trips = round_trips(lambda: web.div(
        "<b>one</b>", "two", id=where + "-made", classes=["x", "y"], style={"color": "blue"},
        title="made", hidden=True))
    box, box_trips = round_trips(lambda: web.div(
        web.p("first", classes="line one"), "<b>bold</b>", web.span("third"),
        id=where + "-box", classes=["card", "wide"], style={"color": "red"}, title="a box",
        data_x="ignored"))
    _, append_trips = round_trips(lambda: web.page.append(box))
    found, find_trips = round_trips(lambda: web.page.find("#" + where + "-box p"))
    facts = {
        "made_round_trips": made_trips,
        "made": [made.tagName, made.className, made.id, made.title, made.hidden,
                 made.getAttribute("style"), made.innerHTML],
        "box_round_trips": box_trips,
        "append_round_trips": append_trips,
        "find_round_trips": find_trips,
        "box_html": box.innerHTML,
        "box_class": box.className,
        "box_color": box.style["color"],
        "box_title": box.title,
        "found": [len(found), type(found[0]).__name__, found[0].textContent],
        "line_classes": sorted(found[0].classes),
        "children": [type(c).__name__ for c in box.children],
        "by_id": web.page[where + "-box"] == box and web.page["#" + where + "-box"] == box,
        "missing_id": web.page[where + "-nothing"],
        "index": [box[0].textContent, [c.textContent for c in box[1:]]],
        "parent": box[0].parent == box,
        "reserved_names": [web.input_().tagName, web.del_().tagName, web.label(for_="x").htmlFor],
    }
    box.classes.add("extra more")
    box.classes.remove("wide")
    box.classes.discard("absent")
    del box.style["color"]
    facts["classes_after"] = [sorted(box.classes), box.className]
    facts["style_after"] = box.getAttribute("style")
    box.append("text", 5, web.em("em"), [web.i("i")])
    facts["appended"] = box.innerHTML.split("</span>")[1]
    facts["append_bad"] = raises(TypeError, lambda: box.append(object())) is not None
    collection = box.find("p, span")
    collection.update_all(classes="marked", title="t")
    facts["update_all"] = [e.title for e in collection] + [len(box.find(".marked"))]
    facts["collection_slice"] = type(collection[0:1]).__name__
    clicks = []
    button = web.button("go", id=where + "-go", on_click=lambda event: clicks.append(event.type))
    box.append(button)
    button.on_click.add_listener(lambda event: clicks.append("second"))
    button.click()
    await until(lambda: len(clicks) == 2)
    facts["on_click"] = sorted(clicks)
    facts["no_such_event"] = raises(ValueError, lambda: button.on_chicken) is not None
    choice = web.select(id=where + "-select")
    choice.options.add(value="1", html="one")
    choice.options.add(value="2", text="two", selected=True)
    choice.options.add(value="0", html="zero", before=0)
    facts["options"] = [[o.value for o in choice.options], choice.options.selected.value]
    choice.options.remove(0)
    facts["options_removed"] = len(choice.options)
    choice.options.clear()
    facts["options_cleared"] = len(choice.options)
    clone = box[0].clone("cloned-" + where)
    facts["clone"] = [clone.id, clone.textContent]
    box.remove()
    facts["descriptions"] = facts_of_descriptions(where)
    return facts


async def run(where):
    try:
        facts = await facts_of_web(where)
    except Exception as exc:
        facts = {"error": traceback_of(exc)}
    report("web", where, facts)
