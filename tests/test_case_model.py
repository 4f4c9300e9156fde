"""What a case file holds from real reports: bounded dates, counts, authorities, the review."""

from __future__ import annotations

import json
from typing import Any

import pytest

from npcs_review.engine.classify import evaluate_indicator
from npcs_review.errors import CaseFileError
from npcs_review.io import load_case, parse_case
from npcs_review.registry import default_registry, merge_patch
from tests.conftest import FIXTURES

BASE = dict(default_registry().base_case)  # incident 2025-06-15


def _case(patch: dict[str, Any]) -> Any:
    text = json.dumps(merge_patch(BASE, patch)).encode()
    return parse_case(text, format="json", file="case.json")


def test_an_unquoted_year_gets_a_message_saying_to_quote_it() -> None:
    """`date: 2024` in YAML is a number: the error says to write "2024", not a bare type error."""
    with pytest.raises(CaseFileError) as caught:
        load_case(FIXTURES / "invalid" / "s103-unquoted-year.yaml")
    [problem] = caught.value.problems
    assert problem.pointer == "/history/0/date"
    assert 'write the date as text in quotes: "2024"' in problem.message
    assert "missingness" not in problem.message


def test_a_bounded_date_is_a_range_and_a_reversed_one_is_refused() -> None:
    """ "Opened after June 2018" is written 2018-07/2019-03; a range that ends first is an error."""
    good = _case(
        {
            "history": [
                {"id": "h1", "type": "open_case", "date": "2024-07/2025-03", "subjects": ["child"]}
            ]
        }
    )
    assert good.case is not None
    assert good.problems == ()
    bad = _case(
        {
            "history": [
                {"id": "h1", "type": "open_case", "date": "2025-03/2024-07", "subjects": ["child"]}
            ]
        }
    )
    assert bad.case is None
    assert any("ends before it starts" in p.message for p in bad.problems)


@pytest.mark.parametrize(
    ("opened", "expected"),
    [("2024-07/2025-03", True), ("2024-07/2025-09", None), ("2025-07/2025-09", False)],
)
def test_open_at_the_incident_with_only_a_bounded_opening(
    opened: str, expected: bool | None
) -> None:
    """Opened between two bounds before the incident: open at it; bounds around it: unknown."""
    result = _case(
        {"history": [{"id": "h1", "type": "open_case", "date": opened, "subjects": ["child"]}]}
    )
    assert result.case is not None
    indicator = default_registry().indicators["open_case_at_incident"]
    assert evaluate_indicator(result.case, indicator).value is expected


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"date": "2024-08/2025-03", "count": 5}, (5, 5)),  # wholly inside 12 months
        ({"date": "2014/2018", "count": 5}, (0, 0)),  # wholly before the window
        ({"date": "2014/2025-03", "count": 30}, (0, 30)),  # the window cuts the span
    ],
)
def test_counts_over_a_span_are_counted_three_valued(
    entry: dict[str, Any], expected: tuple[int, int]
) -> None:
    """'Five reports 2014 to 2018' counts five, or between none and all where a window cuts it."""
    result = _case({"history": [{"id": "h1", "type": "report", "subjects": ["mother"], **entry}]})
    assert result.case is not None
    indicator = default_registry().indicators["prior_report_count"]
    assert evaluate_indicator(result.case, indicator).value == expected


def test_determinations_by_every_authority_and_a_disputed_finding() -> None:
    """Charges, arrests, convictions, an oversight finding and the agency's dispute of it."""
    result = _case(
        {
            "persons": [
                {"id": "mother", "relationship": "parent", "caregiver": "yes"},
                {
                    "id": "paramour",
                    "relationship": "unmarried_partner_of_parent",
                    "caregiver": "yes",
                },
            ],
            "determinations": [
                {
                    "id": "d_arrest",
                    "authority": "law_enforcement",
                    "type": "arrest",
                    "date": "2025-06",
                    "persons": ["paramour"],
                },
                {
                    "id": "d_charge",
                    "authority": "prosecutor",
                    "type": "criminal_charge",
                    "date": "2025-07-02",
                    "persons": ["paramour"],
                    "charge": "aggravated child abuse",
                },
                {
                    "id": "d_oca",
                    "authority": "oversight_office",
                    "type": "external_finding",
                    "body": "Office of the Child Advocate",
                    "date": "2026-02",
                    "causal_role": "contributed",
                    "note": "The agency's safety plan did not account for the paramour.",
                },
                {
                    "id": "d_reply",
                    "authority": "cps_agency",
                    "type": "agency_response",
                    "responds_to": "d_oca",
                    "position": "disputes",
                    "date": "2026-03",
                },
            ],
        }
    )
    assert result.problems == ()
    assert result.case is not None
    dangling = _case(
        {"determinations": [{"id": "d1", "authority": "cps_agency", "responds_to": "nowhere"}]}
    )
    assert [p.code for p in dangling.problems] == ["NPR-C202"]


def test_the_review_says_its_trigger_body_and_report() -> None:
    """Under which rule, by which body, with which report number and publication date."""
    result = _case(
        {
            "review": {
                "type": "systemic_critical_incident_review",
                "conducted_by": "rapid_response_team",
                "conducting_body": "Critical Incident Rapid Response Team",
                "trigger": {"id": "critical_incident_rapid_response", "rule": "F.S. 39.2015(2)"},
                "report": {"number": "CIRRT-2025-031", "published": "2025-09"},
            }
        }
    )
    assert result.problems == ()
    assert result.case is not None
    assert result.case.review.report.published == "2025-09"
    example = load_case(FIXTURES.parent.parent / "examples" / "many-unknowns.yaml")
    assert example.review is None or example.review.trigger is None
