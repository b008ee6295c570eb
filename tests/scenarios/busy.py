"""A worker that holds handles and keeps the channel busy with large, chunked requests, until it
is terminated (tests/browser/test_faults.py)."""

from pyscript_ffi import js

held = [js.Object.new() for _ in range(50)]
BIG = bytes(range(256)) * (24 * 1024)  # 6 MiB: more than the 4 MiB buffer, so it goes in chunks


def churn(rounds):
    """Send big frames back and forth; returns how many round trips completed."""
    done = 0
    for _ in range(rounds):
        assert js.fixtures.echo(BIG).to_bytes() == BIG
        done += 1
    return done


def echo_many(tag, n):
    """n calls, each checked on return: the reply must be this call's own."""
    echo = js.fixtures.echo
    for i in range(n):
        value = f"{tag}:{i}"
        got = echo(value)
        if got != value:
            raise AssertionError(f"call {i} of {tag} got {got!r}")
    return n


__export__ = ["churn", "echo_many"]
