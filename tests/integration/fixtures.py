"""The CPython host's twin of the JavaScript fixtures in tests/browser/pages/harness.html: the
same names with the same observable behaviour, so tests/scenarios/conformance.py runs unchanged
against both hosts."""

from __future__ import annotations

import json
import math
import threading
from concurrent.futures import Future
from typing import Any

from broker.host import direct


class CustomError(Exception):
    pass


class Error(Exception):  # JavaScript's plain Error, as a rejected fixture Promise carries it
    pass


class RangeError(Exception):
    pass


class EvalError(Exception):
    pass


class Point:
    def __init__(self, x: Any, y: Any) -> None:
        self.x = x
        self.y = y

    def norm1(self) -> Any:
        return abs(self.x) + abs(self.y)


class Exploding:
    def __init__(self, why: str) -> None:
        raise EvalError(f"constructor boom: {why}")


class Counter:
    def __init__(self) -> None:
        self.n = 0

    def inc(self) -> int:
        self.n += 1
        return self.n


class Named:
    name = "named"

    def thisName(self) -> str:  # noqa: N802 - the JavaScript fixture's name
        return self.name


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Fixtures:
    """Attributes as the JavaScript `fixtures` object has them; methods are its functions."""

    CustomError = CustomError
    Point = Point
    Exploding = Exploding
    negZero = -0.0
    bigSafe = 2**40
    nothing = None
    undef = None

    def __init__(self) -> None:
        self.obj: dict[str, Any] = {"a": 1, "nested": {"b": [1, 2, 3]}}
        self.counter = Counter()
        self.named = Named()
        self.listener: Any = None
        self.once_listener: Any = None

    @staticmethod
    def echo(x: Any) -> Any:
        return x

    @staticmethod
    def describe(x: Any) -> str:
        if isinstance(x, bytes):
            return "Uint8Array:" + ",".join(str(b) for b in x)
        if isinstance(x, list):
            return f"Array:{_json(x)}"
        if isinstance(x, dict):
            return f"Object:{_json(x)}"
        return f"{type(x).__name__}:{x}"

    @staticmethod
    def isNegZero(x: float) -> bool:  # noqa: N802
        return x == 0 and math.copysign(1, x) < 0

    @staticmethod
    def throwCustom() -> None:  # noqa: N802
        raise CustomError("custom boom")

    @property
    def throwingGetter(self) -> None:  # noqa: N802
        raise RangeError("getter boom")

    @property
    def throwingSetter(self) -> None:  # noqa: N802
        return None

    @throwingSetter.setter
    def throwingSetter(self, value: Any) -> None:  # noqa: N802
        raise TypeError(f"setter boom: {value}")

    @staticmethod
    def bytes(n: int) -> bytes:
        return bytes((i * 7) & 255 for i in range(n))

    @staticmethod
    def args(*args: Any) -> str:
        return _json(list(args))

    @staticmethod
    def range(n: int) -> list[int]:
        return list(range(n))

    @staticmethod
    def fresh() -> dict[str, Any]:
        return {}

    @staticmethod
    def directObj() -> Any:  # noqa: N802
        return direct({"a": 1, "list": [1, 2, {"b": "c"}], "bytes": b"\x01\x02"})

    @staticmethod
    def directPoint() -> Any:  # noqa: N802
        return direct(Point(1, 2))

    def listen(self, fn: Any) -> None:
        self.listener = fn

    def listenOnce(self, fn: Any) -> None:  # noqa: N802
        self.once_listener = fn

    def unlisten(self) -> None:
        self.listener = self.once_listener = None

    # Futures, the host's Promises: for `await` and run_sync in the worker

    @staticmethod
    def resolves(value: Any, ms: float = 0) -> Future[Any]:
        future: Future[Any] = Future()
        timer = threading.Timer(ms / 1000, future.set_result, (value,))
        timer.daemon = True
        timer.start()
        return future

    @staticmethod
    def rejects(message: str, ms: float = 5) -> Future[Any]:
        future: Future[Any] = Future()
        timer = threading.Timer(ms / 1000, future.set_exception, (Error(message),))
        timer.daemon = True
        timer.start()
        return future

    @staticmethod
    def never() -> Future[Any]:
        return Future()

    @staticmethod
    def asyncDouble(x: Any) -> Future[Any]:  # noqa: N802
        future: Future[Any] = Future()
        future.set_result(x * 2)
        return future
