"""The core data set reference page, generated from ``definitions/core_data_set``."""

from __future__ import annotations

from npcs_review.pool.layout import pool_layout
from npcs_review.share.dataset import CoreDataSet, core_data_set

__all__ = ["core_data_set_reference"]


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def core_data_set_reference(core: CoreDataSet | None = None) -> str:
    """Render the tables, elements, ladders and the pooled database layout as Markdown."""
    c = core or core_data_set()
    out = [
        "# Core data set reference",
        "",
        f"Generated from `definitions/core_data_set/` (core data set {c.version}, {c.status}) "
        "by `make docs`; do not edit by hand.",
        "",
        _cell(c.description),
        "",
        "Each element is shared at one of its **detail levels**, or withheld, as the "
        "jurisdiction's sharing agreement says (`definitions/sharing/`). A level fills some of "
        "the element's columns; the others stay empty. **Sensitivity**: `direct_identifier` "
        "(never shared as such; only as a keyed pseudonym), `quasi_identifier` (could single "
        "out a child together with others; the risk report's k-anonymity uses "
        + ", ".join(f"`{q}`" for q in c.risk_quasi_identifiers)
        + "), `sensitive`, `none`.",
        "",
        "## Tables",
        "",
        "| table | one row per | key |",
        "|---|---|---|",
    ]
    for table in c.tables.values():
        out.append(
            f"| [`{table.id}`](#{table.id}) | {_cell(table.description)} | "
            f"{', '.join(f'`{k}`' for k in table.key)} |"
        )
    for table in c.tables.values():
        out += [
            "",
            f"### {table.id}",
            "",
            f"**{_cell(table.title)}** (version {table.version}). {_cell(table.description)}",
            "",
            "| element | levels | columns | sensitivity | source | mirrors |",
            "|---|---|---|---|---|---|",
        ]
        for e in table.elements:
            columns = "<br>".join(
                f"`{col.name}` {col.type}"
                + (
                    f" ({', '.join(col.enum[:8])}{', ...' if len(col.enum) > 8 else ''})"
                    if col.enum
                    else ""
                )
                for col in e.columns
            )
            source = f"{e.source_kind}: `{e.source}`"
            if e.parameters:
                source += " " + ", ".join(f"{k}={v}" for k, v in sorted(e.parameters.items()))
            cites = "; ".join(
                f"{ci.document}{', ' + ci.section if ci.section else ''}" for ci in e.citations
            )
            levels = ", ".join(e.levels) + ("" if e.required else ", withheld")
            out.append(
                f"| **{e.id}**: {_cell(e.description)} | {levels} | {columns} | {e.sensitivity} "
                f"| {_cell(source)} | {_cell(cites)} |"
            )
    out += ["", "## Detail ladders", ""]
    for ladder in c.ladders.values():
        out += [f"### {ladder.id}", "", _cell(ladder.text), "", "| level | fills |", "|---|---|"]
        for level, parts in ladder.fills.items():
            shown = ", ".join(
                f"`{ladder.columns[p].suffix or p}`" for p in ladder.columns if p in parts
            )
            out.append(f"| {level} | {shown} — {_cell(ladder.level_text[level])} |")
        out.append("")
    out += [
        "## The pooled database",
        "",
        "`npcs-review pool add` loads submissions into a DuckDB file with these tables (the "
        "same names and columns in any Ibis backend). Every data table starts with "
        "`submission_id`; a column a submission does not share is empty. `submissions` keeps "
        "every submission ever added, including replaced and removed ones.",
        "",
    ]
    for pool_table in pool_layout(c):
        out += [
            f"### pool: {pool_table.name}",
            "",
            f"Primary key: {', '.join(f'`{k}`' for k in pool_table.primary_key)}.",
            "",
            "| column | type | null | meaning |",
            "|---|---|---|---|",
        ]
        out += [
            f"| `{col.name}` | {col.type} | {'no' if col.not_null else 'yes'} | "
            f"{_cell(col.description)} |"
            for col in pool_table.columns
        ]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
