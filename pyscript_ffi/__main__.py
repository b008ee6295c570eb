"""``python -m pyscript_ffi serve [DIR] [--port P]``, ``python -m pyscript_ffi bench`` and
``python -m pyscript_ffi stress``."""

from __future__ import annotations

import argparse
import importlib
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pyscript-ffi", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve a folder of pages, with the /_ffi/ assets")
    serve.add_argument("directory", nargs="?", default=".")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--verbose", action="store_true", help="log every request")
    commands.add_parser("bench", help="measure call latency in headless Chromium", add_help=False)
    commands.add_parser("stress", help="many workers x many calls, and a leak check, in headless "
                        "Chromium", add_help=False)
    args, rest = parser.parse_known_args(argv)
    if args.command == "serve":
        if rest:
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
        from .server import serve_forever

        serve_forever(args.directory, args.port, verbose=args.verbose)
        return 0
    try:
        command = importlib.import_module(f".tools.{args.command}", __package__)
    except ImportError as exc:
        print(f"pyscript-ffi {args.command} is not available: {exc}", file=sys.stderr)
        return 2
    return int(command.main(rest))


if __name__ == "__main__":
    sys.exit(main())
