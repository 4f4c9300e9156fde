"""Submissions and the pooled database as text and JSON (``npcs-review share`` and ``pool``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from npcs_review.render.data import to_data
from npcs_review.render.formats import Format, FormatTable

if TYPE_CHECKING:
    from npcs_review.pool.database import AddResult, RemoveResult, SubmissionRecord
    from npcs_review.share.check import CheckedSubmission
    from npcs_review.share.submission import ShareResult

__all__ = [
    "CHECK_FORMATS",
    "POOL_ADD_FORMATS",
    "POOL_LIST_FORMATS",
    "POOL_REMOVE_FORMATS",
    "SHARE_FORMATS",
]


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _problem(p: Any) -> str:
    return f"  {p.location()}: {p.message} [{p.code}]"


def share_text(r: ShareResult) -> str:
    """The submission in a few lines: what was shared, left out, withheld, and the risk."""
    lines = [
        f"submission {r.submission_id} written to {r.folder}",
        f"  {r.jurisdiction}, {r.period}, under agreement {r.agreement}",
        f"  shared {r.cases_shared:,} of {r.cases_read:,} case(s); rows: "
        + ", ".join(f"{t} {n:,}" for t, n in r.rows.items()),
    ]
    if r.left_out_count:
        lines.append(
            f"left out {r.left_out_count:,} case(s) (nothing of them is in the submission):"
        )
        for x in r.left_out:
            lines += [_problem(p) for p in x.problems] or [f"  {x.source}"]
        if r.left_out_count > len(r.left_out):
            lines.append(f"  ... and {r.left_out_count - len(r.left_out):,} more")
    if r.text_withheld_count:
        lines.append(
            f"withheld {r.text_withheld_count:,} free text(s) that the identifier check flagged "
            "(the rest of each case is shared; see withholding.json):"
        )
        for t in r.text_withheld[:20]:
            lines.append(
                f"  {t.case_pseudonym} {t.table} row {t.row} {t.element}: {', '.join(t.kinds)}"
            )
        if r.text_withheld_count > 20:
            lines.append(f"  ... and {r.text_withheld_count - 20:,} more")
    risk = r.risk
    names = ", ".join(e for e, _ in risk.quasi_identifiers) or "none shared"
    lines.append(f"re-identification risk (k-anonymity, k = {risk.k}) over {names}:")
    if risk.suppressed:
        lines.append(
            "  local suppression blanked "
            + ", ".join(f"{e} in {n:,} case(s)" for e, n in sorted(risk.suppressed.items()))
        )
    if risk.k_anonymous:
        lines.append(f"  every one of {risk.classes:,} class(es) holds at least {risk.k} cases")
    else:
        lines.append(
            f"  {risk.small_class_count:,} of {risk.classes:,} class(es) hold fewer than {risk.k} "
            f"cases ({risk.records_in_small_classes:,} of {risk.records:,} cases); see risk.json"
            + ("" if risk.suppressed else ", or share again with --suppress to blank them")
        )
    return "\n".join(lines) + "\n"


def check_text(c: CheckedSubmission) -> str:
    """The check's verdict and every problem."""
    if c.ok:
        prov = c.provenance
        rows = ", ".join(f"{t} {n:,}" for t, n in c.rows.items())
        return (
            f"{c.folder}: submission {c.submission_id} is valid\n"
            f"  {prov.get('jurisdiction')}, {prov.get('period')}, agreement "
            f"{prov.get('agreement_id')} {prov.get('agreement_version')}, core data set "
            f"{prov.get('core_data_set_version')}, library {prov.get('library_version')}\n"
            f"  rows: {rows}\n"
        )
    lines = [f"{c.folder}: {len(c.problems)} problem(s); the pool would refuse it"]
    lines += [_problem(p) for p in c.problems]
    return "\n".join(lines) + "\n"


def add_text(r: AddResult) -> str:
    """What ``pool add`` did."""
    if r.outcome == "unchanged":
        return f"submission {r.submission_id} is already in {r.database}; nothing changed\n"
    lines = [
        f"{r.outcome} submission {r.submission_id} ({r.jurisdiction}, {r.period}, "
        f"{r.cases:,} case(s)) to {r.database}",
        "  rows: " + ", ".join(f"{t} {n:,}" for t, n in r.rows.items()),
    ]
    for old in r.replaced:
        lines.append(f"  replaces {old} (kept in the history as replaced)")
    if r.cases_superseded:
        lines.append(
            f"  updates {r.cases_superseded:,} case(s) shared before in other periods' submissions"
        )
    lines += [f"  warning: {w}" for w in r.warnings]
    return "\n".join(lines) + "\n"


def list_text(records: tuple[SubmissionRecord, ...]) -> str:
    """The submissions as a table."""
    if not records:
        return "no submissions in the pool yet\n"
    head = ("submission", "jurisdiction", "period", "status", "cases", "agreement", "core", "added")
    rows = [
        (
            r.submission_id,
            r.jurisdiction,
            r.period,
            r.status + (f" by {r.replaced_by}" if r.replaced_by else ""),
            f"{r.cases:,}",
            r.agreement,
            r.core_data_set_version,
            r.added_at,
        )
        for r in records
    ]
    widths = [max(len(str(x[i])) for x in (head, *rows)) for i in range(len(head))]
    out = [
        "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
        for row in (head, *rows)
    ]
    return "\n".join(out) + "\n"


def remove_text(r: RemoveResult) -> str:
    """What ``pool remove`` did."""
    return (
        f"removed submission {r.submission_id} ({r.jurisdiction}, {r.period}): "
        f"{r.rows_removed:,} row(s) out of {r.database}; it stays in the history as removed\n"
    )


SHARE_FORMATS: FormatTable[ShareResult] = FormatTable(
    "submission",
    Format("text", share_text, "text/plain", ".txt"),
    Format("json", lambda r: _json(to_data(r)), "application/json", ".json"),
)
CHECK_FORMATS: FormatTable[CheckedSubmission] = FormatTable(
    "submission check",
    Format("text", check_text, "text/plain", ".txt"),
    Format("json", lambda c: _json(to_data(c)), "application/json", ".json"),
)
POOL_ADD_FORMATS: FormatTable[AddResult] = FormatTable(
    "pool addition",
    Format("text", add_text, "text/plain", ".txt"),
    Format("json", lambda r: _json(to_data(r)), "application/json", ".json"),
)
POOL_LIST_FORMATS: FormatTable[tuple[SubmissionRecord, ...]] = FormatTable(
    "pool listing",
    Format("text", list_text, "text/plain", ".txt"),
    Format("json", lambda rs: _json(to_data(rs)), "application/json", ".json"),
)
POOL_REMOVE_FORMATS: FormatTable[RemoveResult] = FormatTable(
    "pool removal",
    Format("text", remove_text, "text/plain", ".txt"),
    Format("json", lambda r: _json(to_data(r)), "application/json", ".json"),
)
