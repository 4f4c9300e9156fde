"""RFC 6901 JSON pointers: build, escape and parse."""

from __future__ import annotations

from collections.abc import Callable, Iterable

__all__ = ["escape", "from_loc", "join", "split"]

_NO_INPUT = object()


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


def _child(current: object, item: str | int) -> tuple[bool, object]:
    if isinstance(current, dict) and item in current:
        return True, current[item]
    if isinstance(current, list) and isinstance(item, int) and 0 <= item < len(current):
        return True, current[item]
    return False, None


def from_loc(
    loc: Iterable[str | int],
    data: object = _NO_INPUT,
    *,
    tag: Callable[[str], bool] = lambda part: False,
) -> str:
    """Turn a pydantic error location into an RFC 6901 pointer into the input.

    pydantic puts the name of a union's member (a tag) into the location; such a part is no
    key of the input. ``tag`` says which parts may be tags: with the input ``data``, such a
    part is dropped where the input has no such key at that point (a real key of the same name
    is kept); without it, every such part is dropped. Every other part is kept and escaped.
    """
    parts: list[str] = []
    current: object = data
    for item in loc:
        found, below = _child(current, item)
        if not found and isinstance(item, str) and tag(item):
            continue
        current = below
        parts.append(escape(item))
    return "".join("/" + p for p in parts)
