"""Reading definitions: criteria as text, and differences between definitions or profiles."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from npcs_review.engine.criteria import Criterion
from npcs_review.registry import Definition, Profile

__all__ = ["Change", "criteria_lines", "diff_definitions", "diff_profiles", "flatten"]


def criteria_lines(
    node: Criterion, params: Mapping[str, Any] | None = None, depth: int = 0, prefix: str = ""
) -> Iterator[str]:
    """Render criteria as an indented outline: id, plain text, then the rule."""
    label = f"[{node.id}] " if node.id else ""
    text = f"{node.text} — " if node.text else ""
    yield f"{'  ' * depth}- {prefix}{label}{text}{node.rule(params)}"
    for child_prefix, child in node.parts():
        yield from criteria_lines(child, params, depth + 1, child_prefix)


def flatten(
    node: Criterion, params: Mapping[str, Any] | None = None, path: str = ""
) -> dict[str, str]:
    """Map each criterion to its rule, keyed by its id path (``a/b``) or position."""
    out: dict[str, str] = {}
    key = f"{path}/{node.id}" if node.id else f"{path}/{node.rule().split()[0]}"
    out[key] = (f"{node.text} — " if node.text else "") + node.rule(params)
    seen: dict[str, int] = {}
    for _, child in node.parts():
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
        {k: repr(v.default) for k, v in a.parameters.items()},
        {k: repr(v.default) for k, v in b.parameters.items()},
        "parameter ",
    )
    return changes + _compare_maps(
        flatten(a.criteria, a.defaults), flatten(b.criteria, b.defaults), "criterion "
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
            f"{term}@{c.effective_from}": f"{c.definition} {dict(c.parameters)}"
            for term, choices in p.terms.items()
            for c in choices
        }

    changes += _compare_maps(terms(a), terms(b), "term ")
    changes += _compare_maps(
        {
            t.id: f"{t.text} (from {t.effective_from}) — "
            + "; ".join(flatten(t.criteria, a.parameters).values())
            for t in a.triggers
        },
        {
            t.id: f"{t.text} (from {t.effective_from}) — "
            + "; ".join(flatten(t.criteria, b.parameters).values())
            for t in b.triggers
        },
        "review trigger ",
    )
    return changes
