"""The counting, in a worker: reports progress through `sync` (a function the page's script
set), shows the table in the page with `display`, and returns the totals."""

import words

from pyscript import HTML, display, sync


def analyse(text):
    found = words.words(text)
    counts = {}
    for done, word in enumerate(found, 1):
        counts[word] = counts.get(word, 0) + 1
        if done % 50 == 0 or done == len(found):
            sync.progress(done * 100 // len(found))
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:5]
    rows = "".join(f"<tr><td>{word}</td><td>{count}</td></tr>" for word, count in top)
    display(HTML(f"<table id='top'><tr><th>word</th><th>count</th></tr>{rows}</table>"),
            target="result", append=False)
    return len(found)


__export__ = ["analyse"]
