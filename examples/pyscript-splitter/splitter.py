"""Trip splitter, in a worker: pyscript.web builds the page's rows, `when` wires its buttons."""

from pyscript import when
from pyscript.web import li, page, td, tr

expenses = []  # (who, what, amount in cents)


def cents(text):
    """`text` as a whole number of cents, or None if it is not a positive amount."""
    try:
        value = round(float(text.replace(",", ".")) * 100)
    except ValueError:
        return None
    return value if value > 0 else None


def money(amount):
    return f"{amount // 100}.{amount % 100:02d}"


def balances():
    """Each person's paid amount minus an equal share, in cents, by name."""
    paid = {}
    for who, _, amount in expenses:
        paid[who] = paid.get(who, 0) + amount
    share = sum(paid.values()) / len(paid)
    return {who: round(total - share) for who, total in sorted(paid.items())}


def show_balances():
    page["balances"].innerHTML = ""
    if not expenses:
        page["total"].textContent = "Nothing spent yet."
        return
    for who, balance in balances().items():
        if balance > 0:
            line = li(f"{who} gets back {money(balance)}", classes=["task", "gets"])
        elif balance < 0:
            line = li(f"{who} owes {money(-balance)}", classes=["task", "owes"])
        else:
            line = li(f"{who} is even", classes=["task", "even"])
        page["balances"].append(line)
    total = sum(amount for _, _, amount in expenses)
    people = len(balances())
    page["total"].textContent = f"{money(total)} spent by {people} " + (
        "person." if people == 1 else "people.")


@when("click", "#add")
def add(event):
    who = page["who"].value.strip()
    what = page["what"].value.strip() or "something"
    amount = cents(page["amount"].value)
    if not who or amount is None:
        page["message"].textContent = "Say who paid, and a positive amount (like 12.50)."
        return
    page["message"].textContent = ""
    expenses.append((who, what, amount))
    page["expenses"].append(tr(td(who), td(what), td(money(amount)), classes=["expense"]))
    page["amount"].value = ""
    page["what"].value = ""
    show_balances()


@when("click", "#clear")
def clear(event):
    expenses.clear()
    page["expenses"].innerHTML = ""
    show_balances()


page["add"].disabled = False  # ready: the handlers are wired
