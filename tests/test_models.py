"""The case model: round trips, strictness and typed missingness."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError

from npcs_review.io import dump_case, parse_case
from npcs_review.models import Age, Case
from tests.strategies import cases

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(cases())
def test_json_round_trip_keeps_every_field(document: dict[str, Any]) -> None:
    """Load → dump → load keeps every field the user gave, extensions included."""
    first = parse_case(json.dumps(document).encode(), format="json")
    assert first.ok, first.problems
    assert first.case is not None
    dumped = dump_case(first.case, "json")
    assert json.loads(dumped) == document
    second = parse_case(dumped.encode(), format="json")
    assert second.case == first.case


@SETTINGS
@given(cases())
def test_yaml_round_trip_keeps_every_field(document: dict[str, Any]) -> None:
    """The YAML writer and the safe YAML reader agree: nothing typed changes on the way."""
    first = parse_case(json.dumps(document).encode(), format="json")
    assert first.case is not None
    dumped = dump_case(first.case, "yaml")
    second = parse_case(dumped.encode(), format="yaml")
    assert second.ok, second.problems
    assert second.case == first.case
    assert second.case is not None
    assert second.case.model_dump(mode="json", exclude_unset=True) == document


def _minimal() -> dict[str, Any]:
    return {
        "schema_version": "0.3",
        "case": {"case_id": "SYN-1", "jurisdiction": "us_ky"},
        "child": {
            "age": "unknown",
            "sex": "female",
            "race": "not_collected",
            "hispanic": "unknown",
        },
        "incident": {"type": "serious_injury", "date": "2025-06"},
    }


def test_missingness_tokens_stay_distinct_from_no() -> None:
    """'unknown', 'not_collected' and 'no' are three different values after loading."""
    doc = _minimal()
    case = Case.model_validate(doc)
    assert case.child.age == "unknown"
    assert case.child.race == "not_collected"
    doc["child"]["hispanic"] = "no"
    assert Case.model_validate(doc).child.hispanic == "no"


def test_strict_types_do_not_coerce() -> None:
    """A number written as text is an error, not silently converted."""
    doc = _minimal()
    doc["child"]["age"] = {"value": "4", "unit": "months"}
    with pytest.raises(ValidationError):
        Case.model_validate(doc)


def test_unknown_field_is_rejected_but_extensions_are_kept() -> None:
    """Extra fields fail; namespaced extensions survive unchanged."""
    doc = _minimal()
    doc["extensions"] = {"us_ky": {"form": {"id": 3, "flags": [True, None]}}}
    case = Case.model_validate(doc)
    assert case.model_dump(mode="json", exclude_unset=True)["extensions"] == doc["extensions"]
    doc["favourite_colour"] = "blue"
    with pytest.raises(ValidationError):
        Case.model_validate(doc)


@pytest.mark.parametrize(
    ("age", "low", "high"),
    [(Age(value=2, unit="months"), 60.875, 91.3125), (Age(value=3, unit="days"), 3, 4)],
)
def test_age_in_days(age: Age, low: float, high: float) -> None:
    """An age covers a range of days: 2 months is from 2 to 3 months."""
    assert age.in_days() == (low, high)
