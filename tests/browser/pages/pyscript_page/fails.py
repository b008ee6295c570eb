def inner():
    raise ValueError("raised by the user's code")


def outer():
    inner()
