"""Consistency checks beyond types."""

from __future__ import annotations

from typing import Any

import pytest

from npcs_review.consistency import check_case
from npcs_review.models import Case


def _doc(**incident: Any) -> dict[str, Any]:
    return {
        "schema_version": "0.3",
        "case": {"case_id": "SYN-9", "jurisdiction": "us_wa"},
        "child": {
            "age": {"value": 2, "unit": "years"},
            "sex": "female",
            "race": "unknown",
            "hispanic": "unknown",
        },
        "persons": [{"id": "father", "relationship": "parent", "caregiver": "yes"}],
        "incident": {"type": "near_fatality", "date": "2025-05-10", **incident},
        "maltreatments": [],
        "history": [],
    }


def _problems(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.code, p.pointer) for p in check_case(Case.model_validate(doc))]


def test_clean_case_has_no_problems() -> None:
    """A coherent case passes every check."""
    assert _problems(_doc()) == []


def test_death_before_incident() -> None:
    """A death dated before the incident is out of order."""
    doc = _doc(type="fatality", date_of_death="2025-05-01")
    assert _problems(doc) == [("NPR-C201", "/incident/date_of_death")]


def test_partial_dates_are_compared_by_their_whole_span() -> None:
    """A death in the same month as a day-precise incident is not out of order."""
    assert _problems(_doc(type="fatality", date_of_death="2025-05")) == []
    assert _problems(_doc(type="fatality", date_of_death="2025-04")) == [
        ("NPR-C201", "/incident/date_of_death")
    ]


def test_investigation_before_its_report() -> None:
    """An investigation cannot start before the report it answers."""
    doc = _doc()
    doc["history"] = [
        {"id": "r1", "type": "report", "date": "2025-01-10", "subjects": ["child"]},
        {
            "id": "i1",
            "type": "investigation",
            "date": "2025-01-09",
            "subjects": ["child"],
            "related_to": "r1",
        },
    ]
    assert _problems(doc) == [("NPR-C201", "/history/1/date")]


def test_nothing_after_the_review() -> None:
    """Events dated after the review was completed are impossible."""
    doc = _doc()
    doc["review"] = {
        "type": "case_specific_review",
        "started": "2025-06-01",
        "completed": "2025-07-01",
    }
    doc["history"] = [{"id": "s1", "type": "service", "date": "2025-08-01", "subjects": ["child"]}]
    assert _problems(doc) == [("NPR-C201", "/history/0/date")]


def test_references_and_duplicate_ids() -> None:
    """Dangling references and reused ids are reported where they occur."""
    doc = _doc()
    doc["maltreatments"] = [
        {
            "id": "father",
            "type": "physical_abuse",
            "finding": "pending",
            "alleged_responsible": ["uncle"],
            "causal_role": "unknown",
        }
    ]
    doc["history"] = [
        {
            "id": "h1",
            "type": "report",
            "date": "2025-01-01",
            "subjects": ["sister"],
            "related_to": "h0",
        }
    ]
    assert _problems(doc) == [
        ("NPR-C203", "/maltreatments/0/id"),
        ("NPR-C202", "/maltreatments/0/alleged_responsible/0"),
        ("NPR-C202", "/history/0/subjects/0"),
        ("NPR-C202", "/history/0/related_to"),
    ]


def test_child_event_long_before_birth() -> None:
    """A report about a 2-year-old dated five years before the incident cannot be right."""
    doc = _doc()
    doc["history"] = [{"id": "h1", "type": "report", "date": "2020-01-01", "subjects": ["child"]}]
    assert _problems(doc) == [("NPR-C204", "/history/0/date")]
    doc["history"][0]["subjects"] = ["father"]
    assert _problems(doc) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"type": "fatality"}, ("NPR-C205", "/incident/date_of_death")),
        ({"date_of_death": "2025-05-11"}, ("NPR-C206", "/incident/date_of_death")),
        ({"manner_of_death": "accident"}, ("NPR-C206", "/incident/manner_of_death")),
    ],
)
def test_required_and_contradicting_facts(
    change: dict[str, str], expected: tuple[str, str]
) -> None:
    """A fatality needs a death date; a non-fatality cannot have one."""
    assert _problems(_doc(**change)) == [expected]


def test_maltreatment_death_needs_a_fatality() -> None:
    """A determination that the child died of maltreatment contradicts a non-fatal incident."""
    doc = _doc()
    doc["determinations"] = [{"id": "d1", "authority": "cps_agency", "maltreatment_death": "yes"}]
    assert _problems(doc) == [("NPR-C206", "/determinations/0/maltreatment_death")]
    doc["determinations"][0]["maltreatment_death"] = "no"
    assert _problems(doc) == []


def test_age_checks() -> None:
    """Implausible ages are flagged; an infant in '0 years' is a warning only."""
    doc = _doc()
    doc["child"]["age"] = {"value": 30, "unit": "years"}
    assert _problems(doc) == [("NPR-C204", "/child/age/value")]
    doc["child"]["age"] = {"value": 0, "unit": "years"}
    [problem] = check_case(Case.model_validate(doc))
    assert problem.severity == "warning"


def test_determinations_and_certification_after_the_review() -> None:
    """A certification dated after the review was completed is an error; a determination is
    not: charges, convictions, an oversight finding and the agency's response to it often come
    after the review's report (published reviews record them so)."""
    doc = _doc(medical={"physician_certification": {"certified": "no", "date": "2031-01-01"}})
    doc["review"] = {"type": "case_specific_review", "completed": "2025-07-01"}
    doc["determinations"] = [{"id": "d1", "authority": "court", "date": "2026-01-01"}]
    assert _problems(doc) == [("NPR-C201", "/incident/medical/physician_certification/date")]


def test_biological_parent_barely_older_than_the_child() -> None:
    """A 12-year-old biological parent of a 15-year-old is flagged as a warning."""
    doc = _doc()
    doc["child"]["age"] = {"value": 15, "unit": "years"}
    doc["persons"][0].update(parent_type="biological", age={"value": 12, "unit": "years"})
    [problem] = check_case(Case.model_validate(doc))
    assert (problem.code, problem.severity) == ("NPR-C204", "warning")


def test_review_graph_links_are_checked() -> None:
    """Links must join existing nodes of the right kinds; declined needs a reason."""
    doc = _doc()
    doc["review"] = {
        "type": "systemic_critical_incident_review",
        "factors": [
            {
                "id": "f1",
                "statement": "Caseloads above the standard for months",
                "level": "agency_organization",
                "factor_type": "condition",
            }
        ],
        "recommendations": [
            {
                "id": "r1",
                "text": "Cap caseloads",
                "action_strength": "stronger",
                "status": "declined",
            }
        ],
        "links": [
            {
                "kind": "contributes_to",
                "source": "f1",
                "target": "outcome",
                "mechanism": "Less time for each family",
            },
            {"kind": "addresses", "source": "f1", "target": "r1"},
            {"kind": "supports", "source": "nowhere", "target": "f1"},
        ],
    }
    assert _problems(doc) == [
        ("NPR-C206", "/review/links/1/source"),
        ("NPR-C206", "/review/links/1/target"),
        ("NPR-C202", "/review/links/2/source"),
        ("NPR-C205", "/review/recommendations/0/status_reason"),
    ]
