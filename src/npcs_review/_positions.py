"""Where each value of a parsed document starts: JSON pointer → (line, column).

Used only on the error path, after the document has been parsed once, to point a reader at
the exact line and column. Also finds keys given twice in one JSON object.
"""

from __future__ import annotations

import bisect
import contextlib
import json.decoder
import re
from collections.abc import Callable, Mapping

import yaml

from npcs_review._pointer import escape

__all__ = [
    "LineIndex",
    "Region",
    "json_positions",
    "nearest",
    "span_region",
    "yaml_positions",
]

_WS = re.compile(r"[ \t\n\r]*")
_SCALAR_END = re.compile(r"[,\]}\s]")


class LineIndex:
    """Convert character offsets in a text to 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def offset(self, line: int, column: int) -> int:
        """Return the character offset of the 1-based ``line`` and ``column``."""
        return self._starts[line - 1] + column - 1

    def at(self, offset: int) -> tuple[int, int]:
        """Return the 1-based line and column of ``offset``."""
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1


def json_positions(text: str) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """Map every pointer in a well-formed JSON text to its position; list duplicate keys.

    Returns:
        The positions, and the pointers of keys that appear twice in the same object.
    """
    lines = LineIndex(text)
    offsets: dict[str, int] = {}
    duplicates: list[str] = []
    scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]

    def ws(i: int) -> int:
        m = _WS.match(text, i)
        return m.end() if m else i

    def value(i: int, ptr: str) -> int:
        i = ws(i)
        offsets.setdefault(ptr, i)
        c = text[i]
        if c == "{":
            seen: set[str] = set()
            i = ws(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                key, i = scanstring(text, ws(i) + 1)
                child = f"{ptr}/{escape(key)}"
                if key in seen:
                    duplicates.append(child)
                seen.add(key)
                i = ws(i) + 1  # the colon
                i = ws(value(i, child))
                if text[i] == ",":
                    i += 1
                    continue
                return i + 1
        if c == "[":
            i = ws(i + 1)
            if text[i] == "]":
                return i + 1
            n = 0
            while True:
                i = ws(value(i, f"{ptr}/{n}"))
                n += 1
                if text[i] == ",":
                    i += 1
                    continue
                return i + 1
        if c == '"':
            return scanstring(text, i + 1)[1]
        m = _SCALAR_END.search(text, i)
        return m.start() if m else len(text)

    with contextlib.suppress(IndexError, ValueError, RecursionError):
        value(0, "")  # positions are a courtesy: on failure keep what was found
    return {p: lines.at(o) for p, o in offsets.items()}, duplicates


def yaml_positions(node: yaml.Node) -> dict[str, tuple[int, int]]:
    """Map every pointer in a composed YAML node tree to its 1-based (line, column)."""
    result: dict[str, tuple[int, int]] = {}
    stack: list[tuple[str, yaml.Node]] = [("", node)]
    while stack:
        ptr, current = stack.pop()
        result.setdefault(ptr, (current.start_mark.line + 1, current.start_mark.column + 1))
        if isinstance(current, yaml.MappingNode):
            for key, item in current.value:
                stack.append((f"{ptr}/{escape(str(key.value))}", item))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((f"{ptr}/{n}", item) for n, item in enumerate(current.value))
    return result


def nearest(
    positions: Mapping[str, tuple[int, int]], pointer: str
) -> tuple[int, int] | tuple[None, None]:
    """The (line, column) of ``pointer``, else of its nearest ancestor that has a position.

    A value that is missing has no position of its own; its parent object's is the best place
    to point a reader at. ``(None, None)`` when nothing on the path has a position.
    """
    probe = pointer
    while probe not in positions and probe:
        probe = probe.rsplit("/", 1)[0]
    return positions.get(probe, (None, None))


#: A region of a source text: start line and column, end line and column (1-based, the end
#: column just after the last character, as SARIF counts) and the source text in between.
Region = tuple[int, int, int, int, str]

_ESCAPE_LENGTH = {"x": 4, "u": 6, "U": 10}


def span_region(
    text: str, start: tuple[int, int], value: str, span: tuple[int, int]
) -> Region | None:
    r"""Where characters ``span`` of the string ``value`` lie in the source ``text``.

    ``start`` is the value's (line, column) as :func:`json_positions` or
    :func:`yaml_positions` give it (the opening quote, the block indicator ``|``/``>``, or the
    first character of a plain scalar). The value is walked against the source: line breaks
    and indentation that folding or a block scalar adds or removes, quotes, and escapes
    (``\n``, ``\u00e9``, a surrogate pair, YAML's ``''``) are stepped over. ``None`` when
    the source does not hold the value there.
    """
    lines = LineIndex(text)
    i = lines.offset(*start)
    if i >= len(text):
        return None
    if text[i] in "|>":  # a block scalar: its content starts on the next line
        i = text.find("\n", i) + 1
        if i == 0:
            return None
    elif text[i] in "\"'":
        i += 1
    begin, end = span
    found_start = None
    for index, char in enumerate(value[:end]):
        if not char.isspace():
            while i < len(text) and text[i] in " \t\r\n":
                i += 1  # layout the value does not keep
        if i >= len(text):
            return None
        if index == begin:
            found_start = i
        if not char.isspace() and text[i] != char and text[i] not in "\\'":
            return None  # the source does not hold this value here
        i = _step(text, i)
    if found_start is None:
        return None
    line, column = lines.at(found_start)
    end_line, end_column = lines.at(i)
    return line, column, end_line, end_column, text[found_start:i]


def _step(text: str, i: int) -> int:
    """Step over the source of one character of the value, starting at ``i``."""
    c = text[i]
    if c == "\\" and i + 1 < len(text):
        kind = text[i + 1]
        length = _ESCAPE_LENGTH.get(kind, 2)
        if kind == "u" and 0xD800 <= int(text[i + 2 : i + 6] or "0", 16) < 0xDC00:
            length = 12  # a UTF-16 surrogate pair is one character
        return i + length
    if c == "'" and text.startswith("''", i):
        return i + 2
    if c in "\r\n":  # a folded or literal line break: the break and the next indentation
        i += 2 if text.startswith("\r\n", i) else 1
        while i < len(text) and text[i] in " \t":
            i += 1
        return i
    return i + 1
