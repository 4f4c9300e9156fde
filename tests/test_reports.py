"""Three synthetic examples written like published reviews (Florida CIRRT, Connecticut child
advocate, Washington child fatality review): they validate, classify, lint and summarize."""

from __future__ import annotations

import re

import pytest

from npcs_review.engine.classify import classify
from npcs_review.io import load_case
from npcs_review.lint import lint
from npcs_review.render import summarize
from npcs_review.render.summary import build_summary
from tests.conftest import EXAMPLES

FLORIDA = EXAMPLES / "fatality-florida-rapid-response.yaml"
CONNECTICUT = EXAMPLES / "fatality-connecticut-child-advocate.yaml"
WASHINGTON = EXAMPLES / "fatality-washington-fatality-review.yaml"


@pytest.mark.parametrize("path", [FLORIDA, CONNECTICUT, WASHINGTON], ids=lambda p: p.stem)
def test_report_examples_validate_and_lint_clean(path: object) -> None:
    """No lint errors; attributed findings with blame words are not flagged as the team's."""
    case = load_case(path)  # type: ignore[arg-type]
    report = lint(case)
    assert not report.failed
    assert not [f for f in report.findings if f.code in ("NPR-L101", "NPR-L102", "NPR-L305")]


@pytest.mark.parametrize(
    ("path", "trigger"),
    [(FLORIDA, "critical_incident_rapid_response"), (WASHINGTON, "child_fatality_review")],
)
def test_the_state_review_trigger_is_met(path: object, trigger: str) -> None:
    """The rule the review says it was held under is met by the case as encoded."""
    case = load_case(path)  # type: ignore[arg-type]
    assert case.review is not None
    assert case.review.trigger is not None
    assert case.review.trigger.id == trigger
    result = classify(case, profile=case.case.jurisdiction)
    [found] = [t for t in result.triggers if t.id == trigger]
    assert found.outcome == "meets"


def test_florida_summary_holds_what_the_report_says() -> None:
    """Counts without dates, unknown screening, a bounded opening, charges side by side."""
    text = summarize(load_case(FLORIDA), format="md")
    assert "5 \u00d7 Report accepted for a CPS response" in text
    assert "between 2016 and 2019" in text
    assert "Report (screening decision not known)" in text
    assert "between January 2021 and February 2021" in text
    assert "aggravated manslaughter of a child" in text
    assert "Charges declined or dismissed" in text
    assert "- **Date of death:** 2021-08-16" in text
    assert "Hospital admission" in text
    assert "F.S. 39.2015(2)" in text


def test_connecticut_summary_shows_the_dispute() -> None:
    """The oversight office's finding and the agency's dispute, each with its conclusion."""
    summary = build_summary(load_case(CONNECTICUT))
    [response] = [s for s in summary.sections if s.key == "agency-response"]
    assert response.paragraphs[0].startswith(
        "Child protective services agency (February 2023) disputes the finding of Office of "
        "the Child Advocate (February 2023)."
    )
    [overview] = [s for s in summary.sections if s.key == "overview"]
    assert any("No Connecticut profile" in p for p in overview.paragraphs)
    text = summarize(load_case(CONNECTICUT), format="md")
    assert "30 \u00d7 Report (screening decision not known)" in text
    assert "according to Office of the Child Advocate" in text


def test_washington_summary_says_none_recorded() -> None:
    """No agency response in the report: the section says so instead of disappearing."""
    summary = build_summary(load_case(WASHINGTON))
    [response] = [s for s in summary.sections if s.key == "agency-response"]
    assert response.paragraphs == ("None recorded.",)
    assert not any(
        "unknown old" in p or "not collected to" in p
        for s in summary.sections
        for p in s.paragraphs
    )


@pytest.mark.parametrize("path", [FLORIDA, CONNECTICUT, WASHINGTON], ids=lambda p: p.stem)
def test_partnership_summaries_show_no_calendar_day(path: object) -> None:
    """Every day-precise date of the case is shown relative to the incident for the partnership."""
    case = load_case(path)  # type: ignore[arg-type]
    text = summarize(case, audience="partnership", format="md")
    assert not re.search(r"\b(19|20)\d{2}-\d{2}-\d{2}\b", text)
    assert case.case.case_id not in text


def test_public_summaries_follow_each_disclosure_rule() -> None:
    """Florida and Washington publish findings and recommendations; Connecticut has no profile,
    so its public summary keeps to the federal minimum."""
    for path in (FLORIDA, WASHINGTON):
        keys = {s.key for s in build_summary(load_case(path), audience="public").sections}
        assert {"determinations", "findings", "recommendations"} <= keys
    keys = {s.key for s in build_summary(load_case(CONNECTICUT), audience="public").sections}
    assert keys == {"overview", "circumstances", "allegations", "history", "completeness"}
