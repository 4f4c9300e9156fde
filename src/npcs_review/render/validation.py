"""Validation reports as text and JSON (``npcs-review validate``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from npcs_review.render.data import to_data
from npcs_review.render.formats import Format, FormatTable

if TYPE_CHECKING:
    from npcs_review.errors import Problem
    from npcs_review.validation import ValidationReport

__all__ = ["VALIDATION_FORMATS", "problem_line"]


def problem_line(problem: Problem) -> str:
    """One problem on one line: place, severity, message, code."""
    return f"{problem.location()}: {problem.severity}: {problem.message} [{problem.code}]"


def _text(report: ValidationReport) -> str:
    lines = [problem_line(p) for c in report.cases for p in c.problems]
    s = report.summary
    lines.append(
        f"checked {s['cases']:,} case(s) in {s['files']:,} file(s): {s['valid']:,} valid, "
        f"{s['invalid']:,} invalid ({s['errors']:,} error(s), {s['warnings']:,} warning(s))"
    )
    return "\n".join(lines) + "\n"


def _json(report: ValidationReport) -> str:
    results = [
        {"source": c.source, "valid": c.ok, "problems": to_data(c.problems)} for c in report.cases
    ]
    return json.dumps({"summary": report.summary, "results": results}, indent=2) + "\n"


#: The formats of a validation report.
VALIDATION_FORMATS: FormatTable[ValidationReport] = FormatTable(
    "validation report",
    Format("text", _text, "text/plain", ".txt"),
    Format("json", _json, "application/json", ".json"),
)
