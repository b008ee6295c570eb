"""Static servers as a user's host would be: the standard library's file server, which sends no
cross-origin isolation headers (GitHub Pages, ``python -m http.server``), or the same with the
headers a host reads from the build's _headers file."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class Plain(http.server.SimpleHTTPRequestHandler):
    """`python -m http.server`'s handler, quiet."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class WithHeaders(Plain):
    """The same, with the headers of the build's _headers file on every response."""

    def end_headers(self) -> None:
        for name, value in HEADERS.items():
            self.send_header(name, value)
        super().end_headers()


@contextmanager
def static_host(root: Path, *, headers: bool) -> Iterator[str]:
    """Serve `root` on a free port; yields the origin."""
    handler = partial(WithHeaders if headers else Plain, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
