"""validate_paths: every case of every file, counted, as the validate command prints it."""

from __future__ import annotations

import json

from npcs_review.render.validation import VALIDATION_FORMATS
from npcs_review.validation import validate_paths
from tests.conftest import EXAMPLES, FIXTURES


def test_counts_and_problems_over_files_and_records() -> None:
    """Valid examples and invalid fixtures: counts agree with the problems carried."""
    seen: list[tuple[int, int]] = []
    report = validate_paths(
        [EXAMPLES, FIXTURES / "invalid"], progress=lambda done, total: seen.append((done, total))
    )
    assert seen[-1] == (report.files, report.files)
    assert len(seen) == report.files
    s = report.summary
    assert s["cases"] == len(report.cases) > report.files  # the JSON Lines file holds several
    assert s["valid"] + s["invalid"] == s["cases"]
    assert s["errors"] == sum(p.severity == "error" for c in report.cases for p in c.problems)
    assert s["invalid"] >= len(list((FIXTURES / "invalid").glob("*.*"))) - 1
    assert all(c.ok for c in report.cases if c.source.startswith(str(EXAMPLES)))
    data = json.loads(VALIDATION_FORMATS.render(report, "json"))
    assert data["summary"] == s
    text = VALIDATION_FORMATS.render(report, "text")
    assert text.count("\n") == sum(len(c.problems) for c in report.cases) + 1
