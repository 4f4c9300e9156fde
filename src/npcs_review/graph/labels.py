"""What a node of the review graph says: its label, its tooltip, and its label wrapped.

A factor shows its statement, a barrier or event its description (an event prefixed with its
date when known), a finding or recommendation its text, evidence its description, and the
outcome the incident type and date. Every drawing (the AcciMap, DOT, Mermaid, GraphML) labels
nodes with these.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import networkx as nx

from npcs_review.models._types import MISSING
from npcs_review.models._types import code_text as _code_label

__all__ = ["MAX_LINES", "WRAP_CHARS", "describe", "level_label", "node_text", "wrap"]

#: Characters per wrapped label line.
WRAP_CHARS = 28
#: Lines per box at most; longer text ends in an ellipsis (the full text is in the tooltip).
MAX_LINES = 7

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
    facts = [f"{_KIND_LABEL.get(kind, kind.title())} {node}"]
    if kind == "outcome":
        facts = ["The incident"]
        if _known(data.get("jurisdiction")):
            facts.append(_code_label("jurisdiction", data["jurisdiction"]))
    if kind == "factor":
        if "factor_type" in data:
            facts.append(_code_label("factor_type", data["factor_type"]))
        if data.get("latent") is not None:
            facts.append("latent" if data["latent"] else "active")
    if kind == "event" and data.get("is_decision"):
        facts.append("decision")
    if kind == "barrier":
        for list_id, field in (("barrier_type", "barrier_type"), ("barrier_state", "state")):
            if field in data:
                facts.append(_code_label(list_id, data[field]))
    if "level" in data:
        facts.append(level_label(g, data["level"]))
    if kind == "recommendation" and "action_strength" in data:
        facts.append(_code_label("action_strength", data["action_strength"]))
    lines = [node_text(data), " · ".join(facts)]
    if kind == "event" and data.get("actor_roles"):
        lines.append("Who: " + ", ".join(str(r) for r in data["actor_roles"]))
    if kind == "event" and data.get("local_rationality"):
        lines.append("What made sense at the time: " + _clean(data["local_rationality"]))
    if kind == "factor" and data.get("duty"):
        lines.append("Duty: " + _clean(data["duty"]))
    return "\n".join(line for line in lines if line)


def wrap(text: str, width: int = WRAP_CHARS, max_lines: int = MAX_LINES) -> tuple[str, ...]:
    """Wrap ``text`` to lines of at most ``width`` characters, ending in "…" past ``max_lines``.

    Words longer than a line are broken. Empty text gives one empty line.
    """
    lines = textwrap.wrap(
        _clean(text), width, break_long_words=True, max_lines=max_lines, placeholder=" …"
    )
    return tuple(lines) or ("",)


def level_label(g: nx.MultiDiGraph, level: object) -> str:
    """A level's name: the review's own (``level_labels``) when given, else the code list's."""
    labels = (g.graph.get("review") or {}).get("level_labels") or {}
    if isinstance(level, str) and isinstance(labels.get(level), str):
        return str(labels[level])
    return _code_label("system_level", level)
