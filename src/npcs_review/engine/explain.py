"""Reading definitions: criteria as text, and differences between definitions or profiles."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from npcs_review.engine.criteria import (
    AllNode,
    AnyNode,
    CompareNode,
    CountNode,
    Node,
    NotNode,
    ParamRef,
    SomeNode,
)
from npcs_review.registry import Definition, Profile

__all__ = ["Change", "criteria_lines", "diff_definitions", "diff_profiles", "flatten"]

_WORDS = {
    "equals": "=",
    "in_": "in",
    "contains": "contains",
    "contains_any": "contains any of",
    "gte": ">=",
    "lte": "<=",
    "exists": "exists",
}


def _v(value: Any, params: Mapping[str, Any] | None = None) -> str:
    if isinstance(value, ParamRef):
        if params is not None and value.name in params:
            return f"{_v(params[value.name])} ({{{value.name}}})"
        return f"{{{value.name}}}"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def _rule(node: Node, params: Mapping[str, Any] | None = None) -> str:
    """The machine form of one node, without its children (parameters shown with values)."""
    if isinstance(node, CompareNode):
        subject = (
            node.fact.raw
            if node.fact
            else f"indicator {node.indicator}"
            if node.indicator
            else f"term {node.term}"
            if node.term
            else f"parameter {node.param}"
        )
        if node.op is None:
            return subject
        rule = f"{subject} {_WORDS[node.op]} {_v(node.value, params)}"
        if node.unknown_values is not None:
            rule += f" (unknown if {_v(node.unknown_values, params)})"
        return rule
    if isinstance(node, AllNode):
        return "all of"
    if isinstance(node, AnyNode):
        return "any of"
    if isinstance(node, NotNode):
        return "not"
    if isinstance(node, SomeNode):
        ref = f" (ids in {node.ref.raw})" if node.ref else ""
        return f"some {node.items.raw}{ref}"
    window = ""
    if node.at_incident:
        window = " under way on the incident day"
    elif node.window:
        span = f"{_v(node.months_before, params)} months before the incident"
        window = f" under way within {span}" if node.overlaps else f" within {span}"
    compare = ""
    if node.gte is not None:
        compare = f" >= {_v(node.gte, params)}"
    elif node.lte is not None:
        compare = f" <= {_v(node.lte, params)}"
    return f"count {node.items.raw}{window}{compare}"


def _children(node: Node) -> list[tuple[str, Node]]:
    if isinstance(node, AllNode | AnyNode):
        return [("", p) for p in node.parts]
    if isinstance(node, NotNode):
        return [("", node.part)]
    if isinstance(node, SomeNode):
        return ([("filter: ", node.filter)] if node.filter else []) + [("", node.where)]
    if isinstance(node, CountNode) and node.where is not None:
        return [("", node.where)]
    return []


def criteria_lines(
    node: Node, params: Mapping[str, Any] | None = None, depth: int = 0, prefix: str = ""
) -> Iterator[str]:
    """Render criteria as an indented outline: id, plain text, then the rule."""
    label = f"[{node.id}] " if node.id else ""
    text = f"{node.text} — " if node.text else ""
    yield f"{'  ' * depth}- {prefix}{label}{text}{_rule(node, params)}"
    for child_prefix, child in _children(node):
        yield from criteria_lines(child, params, depth + 1, child_prefix)


def flatten(node: Node, params: Mapping[str, Any] | None = None, path: str = "") -> dict[str, str]:
    """Map each criterion to its rule, keyed by its id path (``a/b``) or position."""
    out: dict[str, str] = {}
    key = f"{path}/{node.id}" if node.id else f"{path}/{_rule(node).split()[0]}"
    out[key] = (f"{node.text} — " if node.text else "") + _rule(node, params)
    seen: dict[str, int] = {}
    for _, child in _children(node):
        sub = flatten(child, params, key)
        for k, v in sub.items():
            n = seen.get(k, 0)
            seen[k] = n + 1
            out[k if n == 0 else f"{k}#{n + 1}"] = v
    return out


@attrs.frozen
class Change:
    """One difference: ``added``, ``removed`` or ``changed``, where, and the two sides."""

    kind: str
    where: str
    left: str | None
    right: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return attrs.asdict(self)


def _compare_maps(left: dict[str, str], right: dict[str, str], prefix: str) -> list[Change]:
    changes = []
    for key in sorted(set(left) | set(right)):
        a, b = left.get(key), right.get(key)
        if a == b:
            continue
        kind = "added" if a is None else "removed" if b is None else "changed"
        changes.append(Change(kind, f"{prefix}{key}", a, b))
    return changes


def diff_definitions(a: Definition, b: Definition) -> list[Change]:
    """Compare two definitions criterion by criterion, and their parameters and dates."""
    meta = {
        "term": (a.term, b.term),
        "version": (a.version, b.version),
        "effective_from": (str(a.effective_from), str(b.effective_from)),
        "effective_to": (str(a.effective_to), str(b.effective_to)),
    }
    changes = [Change("changed", k, x, y) for k, (x, y) in meta.items() if x != y]
    changes += _compare_maps(
        {k: repr(v) for k, v in a.parameters.items()},
        {k: repr(v) for k, v in b.parameters.items()},
        "parameter ",
    )
    return changes + _compare_maps(
        flatten(a.criteria, a.parameters), flatten(b.criteria, b.parameters), "criterion "
    )


def diff_profiles(a: Profile, b: Profile) -> list[Change]:
    """Compare two profiles: parameters, the definition chosen per term, review triggers."""
    changes = _compare_maps(
        {k: repr(v) for k, v in a.parameters.items()},
        {k: repr(v) for k, v in b.parameters.items()},
        "parameter ",
    )

    def terms(p: Profile) -> dict[str, str]:
        return {
            f"{term}@{c.effective_from}": f"{c.definition} {c.parameters}"
            for term, choices in p.source.terms.items()
            for c in choices
        }

    changes += _compare_maps(terms(a), terms(b), "term ")
    changes += _compare_maps(
        {
            t.id: f"{t.text} — " + "; ".join(flatten(n, a.parameters).values())
            for t, n in a.triggers
        },
        {
            t.id: f"{t.text} — " + "; ".join(flatten(n, b.parameters).values())
            for t, n in b.triggers
        },
        "review trigger ",
    )
    return changes
