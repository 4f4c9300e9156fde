"""The definitions catalog, one entry, and a comparison of two (``npcs-review definitions``).

``docs/reference.md`` (:mod:`npcs_review.render.reference`) shows the same registry as one
Markdown page; both take the in-force period and the sources from here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from npcs_review.render.data import to_data
from npcs_review.render.formats import Format, FormatTable

if TYPE_CHECKING:
    from npcs_review.engine.decision import Citation
    from npcs_review.engine.explain import Change
    from npcs_review.engine.vectors import VectorResult
    from npcs_review.registry import Definition, Indicator, Profile, Registry

__all__ = [
    "CATALOG_FORMATS",
    "DIFF_FORMATS",
    "DefinitionsDiff",
    "catalog",
    "citation_text",
    "entry_text",
    "in_force",
    "vectors_text",
]


def in_force(start: date, end: date | None) -> str:
    """The period a definition or a profile's choice is in force: ``START to END|now``."""
    return f"{start} to {end or 'now'}"


def citation_text(c: Citation) -> str:
    """One source: document, section, address and how it was verified."""
    return (
        c.document
        + (f", {c.section}" if c.section else "")
        + (f" <{c.url}>" if c.url else "")
        + f" [{c.verified}]"
    )


def catalog(r: Registry) -> list[dict[str, str]]:
    """One row per definition, indicator, jurisdiction profile and crosswalk, by kind and id."""
    return (
        [
            {
                "kind": "definition",
                "id": d.id,
                "version": d.version,
                "term": d.term,
                "status": d.status,
                "jurisdiction": d.jurisdiction,
                "effective": in_force(d.effective_from, d.effective_to),
                "title": d.title,
            }
            for d in sorted(r.definitions.values(), key=lambda d: d.id)
        ]
        + [
            {
                "kind": "indicator",
                "id": i.id,
                "version": i.version,
                "term": i.value,
                "status": i.status,
                "jurisdiction": i.jurisdiction,
                "effective": "",
                "title": i.title,
            }
            for i in sorted(r.indicators.values(), key=lambda i: i.id)
        ]
        + [
            {
                "kind": "profile",
                "id": p.id,
                "version": p.version,
                "term": "",
                "status": p.status,
                "jurisdiction": p.jurisdiction,
                "effective": "",
                "title": p.title,
            }
            for p in sorted(r.profiles.values(), key=lambda p: p.id)
        ]
        + [
            {
                "kind": "crosswalk",
                "id": c.id,
                "version": c.version,
                "term": "",
                "status": "",
                "jurisdiction": "",
                "effective": "",
                "title": c.title,
            }
            for c in sorted(r.crosswalks.values(), key=lambda c: c.id)
        ]
    )


def _catalog_text(r: Registry) -> str:
    lines = [f"definitions set {r.version}"]
    lines += [
        f"{row['kind']:10} {row['id']:42} {row['version']:7} {row['title']}" for row in catalog(r)
    ]
    return "\n".join(lines) + "\n"


def _catalog_json(r: Registry) -> str:
    return json.dumps({"definitions_version": r.version, "items": catalog(r)}, indent=2) + "\n"


#: The formats of the definitions catalog (``npcs-review definitions list``).
CATALOG_FORMATS: FormatTable[Registry] = FormatTable(
    "definitions catalog",
    Format("text", _catalog_text, "text/plain", ".txt"),
    Format("json", _catalog_json, "application/json", ".json"),
)


def _definition_lines(d: Definition) -> list[str]:
    from npcs_review.engine.explain import criteria_lines  # noqa: PLC0415

    lines = [
        f"{d.title} ({d.id} {d.version}, {d.status})",
        f"term: {d.term}; jurisdiction: {d.jurisdiction}; "
        f"in force {in_force(d.effective_from, d.effective_to)}",
        "",
        d.text.strip(),
        "",
        "criteria:",
        *criteria_lines(d.criteria, d.defaults),
    ]
    if d.parameters:
        lines += ["", "parameters (defaults):"]
        lines += [f"  {k}: {json.dumps(v.default)} — {v.text}" for k, v in d.parameters.items()]
    for title, items in (
        ("differences from CAPTA", d.differences_from_capta),
        ("notes", d.notes),
    ):
        if items:
            lines += ["", f"{title}:"] + [f"  - {n}" for n in items]
    lines += ["", "sources:"] + [f"  - {citation_text(c)}" for c in d.citations]
    lines += ["", "test vectors:"] + [f"  - {v.expected}: {v.name}" for v in d.vectors]
    return lines


def _indicator_lines(i: Indicator) -> list[str]:
    from npcs_review.engine.explain import criteria_lines  # noqa: PLC0415

    return [
        f"{i.title} ({i.id}, {i.value})",
        "",
        i.text.strip(),
        "",
        "expression:",
        *criteria_lines(i.expression, i.defaults),
    ]


def _profile_lines(p: Profile) -> list[str]:
    from npcs_review.engine.explain import criteria_lines  # noqa: PLC0415

    lines = [
        f"{p.title} ({p.id} {p.version}, {p.status})",
        "",
        p.summary.strip(),
        "",
        "parameters:",
    ]
    lines += [f"  {k}: {json.dumps(v)}" for k, v in p.parameters.items()]
    lines += ["", "terms:"]
    for term, choices in p.terms.items():
        lines += [
            f"  {term}: {c.definition} from {in_force(c.effective_from, c.effective_to)} "
            f"{json.dumps(dict(c.parameters))}"
            for c in choices
        ]
    for trigger in p.triggers:
        lines += [
            "",
            f"review trigger {trigger.id}: {trigger.text}",
            f"  in force {in_force(trigger.effective_from, trigger.effective_to)}",
            f"  review: {trigger.review}",
            *criteria_lines(trigger.criteria, p.parameters, 1),
        ]
    if p.unverified:
        lines += ["", "not yet verified:"] + [f"  - {u}" for u in p.unverified]
    return lines


def entry_text(r: Registry, item: str) -> str | None:
    """One definition (criteria, parameters, sources, vectors), indicator or profile as text.

    Returns:
        The text, or None when the registry has no definition, indicator or profile ``item``.
    """
    if item in r.definitions:
        lines = _definition_lines(r.definitions[item])
    elif item in r.indicators:
        lines = _indicator_lines(r.indicators[item])
    elif item in r.profiles:
        lines = _profile_lines(r.profiles[item])
    else:
        return None
    return "\n".join(lines) + "\n"


class DefinitionsDiff(NamedTuple):
    """Two definitions (or two profiles) and their differences."""

    left: str
    right: str
    changes: Sequence[Change]


def _diff_text(d: DefinitionsDiff) -> str:
    if not d.changes:
        return f"{d.left} and {d.right} do not differ\n"
    out = []
    for c in d.changes:
        if c.kind == "changed":
            out.append(f"~ {c.where}\n    {d.left}: {c.left}\n    {d.right}: {c.right}\n")
        else:
            side = d.right if c.kind == "added" else d.left
            out.append(
                f"{'+' if c.kind == 'added' else '-'} {c.where} (only in {side})\n"
                f"    {c.right or c.left}\n"
            )
    return "".join(out)


def _diff_json(d: DefinitionsDiff) -> str:
    return json.dumps(to_data(d.changes), indent=2, ensure_ascii=False) + "\n"


#: The formats of a comparison of two definitions or profiles (``definitions diff``).
DIFF_FORMATS: FormatTable[DefinitionsDiff] = FormatTable(
    "comparison",
    Format("text", _diff_text, "text/plain", ".txt"),
    Format("json", _diff_json, "application/json", ".json"),
)


def vectors_text(folder: str, results: Sequence[VectorResult]) -> str:
    """Each failing test vector with what it gave, then how many of a folder's vectors pass."""
    failed = [v for v in results if not v.passed]
    lines = [
        f"{v.file} at /vectors/{v.index}: {v.name!r}: expected {v.expected}; "
        + (v.problem or f"got {v.actual}, missing facts {list(v.missing_actual)}")
        for v in failed
    ]
    lines.append(f"{folder}: {len(results) - len(failed)} of {len(results)} test vector(s) pass")
    return "\n".join(lines) + "\n"
