"""``pyscript-ffi serve [DIR] [--port P]``, ``pyscript-ffi build DIR -o OUT [--force]``, and the
developer tools ``pyscript-ffi bench``, ``stress``, ``model``, ``fuzz``, ``chaos`` and ``upstream``
(also as ``python -m pyscript_ffi ...``)."""

from __future__ import annotations

import argparse
import errno
import importlib
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pyscript-ffi", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve a folder of pages, with the /_ffi/ assets")
    serve.add_argument("directory", nargs="?", default=".")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--verbose", action="store_true", help="log every request")
    build = commands.add_parser("build", help="write a folder of pages as a static site, with "
                                "the assets under OUT/_ffi/, for any static host")
    build.add_argument("directory")
    build.add_argument("-o", "--out", required=True, help="the site's folder (not inside DIR)")
    build.add_argument("--force", action="store_true",
                       help="replace OUT even if it is not a previous build")
    commands.add_parser("bench", help="measure call latency in headless browsers (Chromium; "
                        "--engines all adds Firefox and WebKitGTK)", add_help=False)
    commands.add_parser("stress", help="many workers x many calls, and a leak check, in headless "
                        "Chromium", add_help=False)
    commands.add_parser("model", help="the page's serving designs as plain JavaScript in Node",
                        add_help=False)
    commands.add_parser("fuzz", help="well-formed and broken frames against the page (headless "
                        "Chromium) or the CPython host, a model of its handles checked after each",
                        add_help=False)
    commands.add_parser("chaos", help="workers of both interpreters calling while the page "
                        "interrupts, replaces and busies them, in headless Chromium",
                        add_help=False)
    commands.add_parser("upstream", help="PyScript's own Python test suite, offline, on our "
                        "core or on PyScript's, in headless Chromium", add_help=False)
    args, rest = parser.parse_known_args(argv)
    if args.command in ("serve", "build"):
        if rest:
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
        try:
            return _serve(args) if args.command == "serve" else _build(args)
        except (OSError, ValueError) as exc:  # bad input: one line, no traceback
            print(f"pyscript-ffi {args.command}: {_message(exc, args)}", file=sys.stderr)
            return 2
    try:
        command = importlib.import_module(f".tools.{args.command}", __package__)
    except ImportError as exc:
        print(f"pyscript-ffi {args.command} is not available: {exc}", file=sys.stderr)
        return 2
    return int(command.main(rest))


def _serve(args: argparse.Namespace) -> int:
    from . import assets
    from .server import serve_forever

    assets.check()
    serve_forever(args.directory, args.port, verbose=args.verbose)
    return 0


def _build(args: argparse.Namespace) -> int:
    from .build import build

    out = build(args.directory, args.out, force=args.force,
                warn=lambda line: print(line, file=sys.stderr))
    print(f"pyscript-ffi: built {out}: serve it from any static host (see docs/deploy.md)")
    return 0


def _message(exc: OSError | ValueError, args: argparse.Namespace) -> str:
    if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
        return f"port {args.port} is in use (another server?): choose another with --port"
    return str(exc)


if __name__ == "__main__":
    sys.exit(main())
