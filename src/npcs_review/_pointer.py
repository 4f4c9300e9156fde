"""RFC 6901 JSON pointers: build, escape and parse."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["escape", "join", "split"]


def escape(token: str | int) -> str:
    """Escape one reference token (``~`` → ``~0``, ``/`` → ``~1``)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def join(tokens: Iterable[str | int]) -> str:
    """Render tokens as a pointer; the empty tuple is the whole document (``""``)."""
    return "".join("/" + escape(t) for t in tokens)


def split(pointer: str) -> tuple[str, ...]:
    """Parse a pointer into its unescaped reference tokens.

    Raises:
        ValueError: if the pointer is neither empty nor starts with ``/``.
    """
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        msg = f"a JSON pointer starts with '/', got {pointer!r}"
        raise ValueError(msg)
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/"))
