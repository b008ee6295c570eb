"""Word counting, shared by the page's script (to validate) and the worker (to count)."""


def words(text):
    """The words of `text`, lower-cased: runs of letters and apostrophes."""
    found, word = [], ""
    for char in text.lower() + " ":
        if char.isalpha() or char == "'":
            word += char
        elif word:
            found.append(word)
            word = ""
    return found
