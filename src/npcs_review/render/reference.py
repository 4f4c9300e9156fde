"""The definitions reference page, generated from ``definitions/`` (never written by hand)."""

from __future__ import annotations

from npcs_review.codelists import codelists
from npcs_review.registry import Registry, default_registry
from npcs_review.render.definitions import in_force

__all__ = ["definitions_reference"]


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def definitions_reference(registry: Registry | None = None) -> str:
    """Render every definition, indicator, profile, crosswalk and code list as Markdown."""
    r = registry or default_registry()
    out = [
        "# Definitions reference",
        "",
        f"Generated from `definitions/` (definitions set {r.version}) by "
        "`make docs`; do not edit by hand. `npcs-review definitions show ID` prints any entry "
        "with its criteria.",
        "",
        "## Incident definitions",
        "",
        "| id | version | term | status | in force | title | sources |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in sorted(r.definitions.values(), key=lambda d: (d.jurisdiction, d.term, d.id)):
        sources = "; ".join(f"{c.document} [{c.verified}]" for c in d.citations)
        out.append(
            f"| `{d.id}` | {d.version} | {d.term} | {d.status} | "
            f"{in_force(d.effective_from, d.effective_to)} | {_cell(d.title)} | {_cell(sources)} |"
        )
    out += ["", "## Indicators", "", "| id | value | what it computes |", "|---|---|---|"]
    for i in sorted(r.indicators.values(), key=lambda i: i.id):
        out.append(f"| `{i.id}` | {i.value} | {_cell(i.text)} |")
    out += ["", "## Jurisdiction profiles", ""]
    for p in sorted(r.profiles.values(), key=lambda p: p.id):
        out += [
            f"### {p.title} (`{p.id}` {p.version}, {p.status})",
            "",
            _cell(p.summary),
            "",
            "| term | definition | from | to |",
            "|---|---|---|---|",
        ]
        for term, choices in sorted(p.terms.items()):
            out += [
                f"| {term} | `{c.definition}` | {c.effective_from} | {c.effective_to or 'now'} |"
                for c in choices
            ]
        out += ["", "Review triggers:", ""]
        out += [
            f"- **{t.id}** (from {t.effective_from}"
            + (f" to {t.effective_to}" if t.effective_to else "")
            + f"): {_cell(t.text)}"
            for t in p.triggers
        ]
        if p.unverified:
            out += [
                "",
                f"Not yet verified: {len(p.unverified)} fact(s), listed in `{p.file}`.",
            ]
        out.append("")
    out += [
        "## Crosswalks",
        "",
        "| id | from code list | to | entries not exact |",
        "|---|---|---|---|",
    ]
    for c in sorted(r.crosswalks.values(), key=lambda c: c.id):
        lossy = sum(e.match != "exact" for e in c.entries)
        out.append(
            f"| `{c.id}` | `{c.source_codelist}` | {_cell(c.target_system)}"
            f" | {lossy} of {len(c.entries)} |"
        )
    out += ["", "## Code lists", "", "| id | status | values |", "|---|---|---|"]
    for cl in sorted(codelists().values(), key=lambda c: c.id):
        values = ", ".join(f"`{v.code}`" for v in cl.values)
        out.append(f"| `{cl.id}` | {cl.status} | {values} |")
    return "\n".join(out) + "\n"
