"""What a node of the review graph says: its label, its tooltip, and its label wrapped.

A factor shows its statement, a barrier or event its description (an event prefixed with its
date when known), a finding or recommendation its text, evidence its description, and the
outcome the incident type and date. Every drawing (the AcciMap, DOT, Mermaid, GraphML) labels
nodes with these.

Text drawn in a box of fixed width is measured, not counted in characters: :func:`text_width`
adds up the advance widths of the widest font of the drawings' font stack for each character
(DejaVu Sans or Liberation Sans, which has Arial's and Helvetica's metrics; see
``npcs_review.graph._glyphs``), plus a margin of :data:`MARGIN` for other renderers, and
counts any character outside the table as wider than every glyph in it. :func:`fit` wraps to a
width in pixels, so a label never runs out of its box.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import networkx as nx

from npcs_review.graph._glyphs import BOLD, REGULAR
from npcs_review.models._types import MISSING
from npcs_review.models._types import code_text as _code_label

__all__ = [
    "MARGIN",
    "MAX_LINES",
    "WRAP_CHARS",
    "describe",
    "fit",
    "level_label",
    "node_text",
    "text_width",
    "wrap",
]

#: Characters per wrapped label line.
WRAP_CHARS = 28
#: Lines per box at most; longer text ends in an ellipsis (the full text is in the tooltip).
MAX_LINES = 7
#: Measured widths are stretched by this share, for renderers and fonts other than the two
#: measured (Helvetica Neue, a generic sans-serif) and for hinting.
MARGIN = 0.06
#: The advance, in thousandths of an em, of a character outside the table (wider than any
#: glyph in it: CJK ideographs take 1 em, colour emoji about 1.3).
_UNKNOWN = 1400
_ELLIPSIS = " …"


def _table(ranges: tuple[tuple[int, tuple[int, ...]], ...]) -> dict[str, int]:
    return {
        chr(first + i): width or _UNKNOWN
        for first, widths in ranges
        for i, width in enumerate(widths)
    }


_WIDTHS = {False: _table(REGULAR), True: _table(BOLD)}

_TEXT_FIELD = {
    "factor": "statement",
    "barrier": "description",
    "event": "description",
    "evidence": "description",
    "finding": "text",
    "recommendation": "text",
}
_KIND_LABEL = {
    "outcome": "Outcome",
    "event": "Event",
    "factor": "Factor",
    "barrier": "Barrier",
    "finding": "Finding",
    "recommendation": "Recommendation",
    "evidence": "Evidence",
}


def _clean(text: object) -> str:
    return " ".join(str(text).split())


def _known(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and value in MISSING)


def node_text(data: Mapping[str, Any]) -> str:
    """Return the label text of a node from its attributes (whitespace collapsed).

    A factor shows its statement, a barrier or event its description (an event prefixed with its
    date when known), a finding or recommendation its text, evidence its description, and the
    outcome the incident type and date when the graph was built from a case.
    """
    kind = data.get("kind")
    if kind == "outcome":
        parts = ["Outcome"]
        if _known(data.get("incident_type")):
            parts = [f"Outcome: {_code_label('incident_type', data['incident_type'])}"]
        if _known(data.get("date")):
            parts.append(f"({data['date']})")
        return " ".join(parts)
    field = _TEXT_FIELD.get(str(kind))
    text = _clean(data.get(field, "")) if field else ""
    if kind == "event" and _known(data.get("date")):
        text = f"{data['date']}: {text}"
    return text


def describe(g: nx.MultiDiGraph, node: str) -> str:
    """Return the full description of a node, for tooltips: its text, then its kind and codes."""
    data = g.nodes[node]
    kind = str(data.get("kind", "node"))
    lines = [node_text(data), " · ".join(_facts(g, node, kind, data))]
    if kind == "event" and data.get("actor_roles"):
        lines.append("Who: " + ", ".join(str(r) for r in data["actor_roles"]))
    if kind == "event" and data.get("local_rationality"):
        lines.append("What made sense at the time: " + _clean(data["local_rationality"]))
    if kind == "factor" and data.get("duty"):
        lines.append("Duty: " + _clean(data["duty"]))
    return "\n".join(line for line in lines if line)


# per kind, the coded fields a tooltip names after the kind: (code list, field)
_CODED_FACTS = {
    "outcome": (("jurisdiction", "jurisdiction"),),
    "factor": (("factor_type", "factor_type"),),
    "barrier": (("barrier_type", "barrier_type"), ("barrier_state", "state")),
}


def _facts(g: nx.MultiDiGraph, node: str, kind: str, data: Mapping[str, Any]) -> list[str]:
    """The tooltip's second line: the kind and id, the codes, the level, the strength."""
    facts = (
        ["The incident"] if kind == "outcome" else [f"{_KIND_LABEL.get(kind, kind.title())} {node}"]
    )
    for list_id, field in _CODED_FACTS.get(kind, ()):
        present = _known(data.get(field)) if kind == "outcome" else field in data
        if present:
            facts.append(_code_label(list_id, data[field]))
    if kind == "factor" and data.get("latent") is not None:
        facts.append("latent" if data["latent"] else "active")
    if kind == "event" and data.get("is_decision"):
        facts.append("decision")
    if "level" in data:
        facts.append(level_label(g, data["level"]))
    if kind == "recommendation" and "action_strength" in data:
        facts.append(_code_label("action_strength", data["action_strength"]))
    return facts


def wrap(text: str, width: int = WRAP_CHARS, max_lines: int = MAX_LINES) -> tuple[str, ...]:
    """Wrap ``text`` to lines of at most ``width`` characters, ending in "…" past ``max_lines``.

    Words longer than a line are broken. Empty text gives one empty line.
    """
    lines = textwrap.wrap(
        _clean(text), width, break_long_words=True, max_lines=max_lines, placeholder=" …"
    )
    return tuple(lines) or ("",)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of ``text`` set at ``size`` px, in the widest font of the stack, with margin."""
    return _px(_units(text, bold), size)


def _units(text: str, bold: bool) -> int:
    """The advance of ``text`` in thousandths of an em (exact: an integer)."""
    widths = _WIDTHS[bold]
    return sum(widths.get(ch, _UNKNOWN) for ch in text)


def _px(units: int, size: float) -> float:
    return size * (1 + MARGIN) * units / 1000


def fit(
    text: str, width: float, *, size: float, bold: bool = False, max_lines: int = MAX_LINES
) -> tuple[str, ...]:
    """Wrap ``text`` into lines no wider than ``width`` px when set at ``size`` px.

    Words are kept whole when they fit a line, and broken where they do not; past
    ``max_lines`` the last line ends in " …" (still within ``width``). Empty text gives one
    empty line. Widths are added up once per word, and the text is read no further than the
    line after the last one shown.
    """
    space = _units(" ", bold)
    lines: list[str] = []
    used: list[int] = []  # each line's advance
    for word in _clean(text).split():
        for piece, units in _pieces(word, width, size, bold):
            if lines and _px(used[-1] + space + units, size) <= width:
                lines[-1] = f"{lines[-1]} {piece}"
                used[-1] += space + units
            else:
                lines.append(piece)
                used.append(units)
        if len(lines) > max_lines:
            break
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + _ELLIPSIS, size, bold=bold) > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines = [*lines[: max_lines - 1], (last + _ELLIPSIS).strip()]
    return tuple(lines) or ("",)


def _pieces(word: str, width: float, size: float, bold: bool) -> list[tuple[str, int]]:
    """The word, or its parts that each fit ``width`` (at least one character a part)."""
    units = _units(word, bold)
    if _px(units, size) <= width:
        return [(word, units)]
    pieces: list[tuple[str, int]] = []
    current, current_units = "", 0
    for ch in word:
        ch_units = _units(ch, bold)
        if current and _px(current_units + ch_units, size) > width:
            pieces.append((current, current_units))
            current, current_units = "", 0
        current += ch
        current_units += ch_units
    return [*pieces, (current, current_units)]


def level_label(g: nx.MultiDiGraph, level: object) -> str:
    """A level's name: the review's own (``level_labels``) when given, else the code list's."""
    labels = (g.graph.get("review") or {}).get("level_labels") or {}
    if isinstance(level, str) and isinstance(labels.get(level), str):
        return str(labels[level])
    return _code_label("system_level", level)
