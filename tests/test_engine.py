"""The criteria language and the classification engine."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from npcs_review.engine.classify import classify, evaluate_criteria, evaluate_definition
from npcs_review.engine.criteria import compile_criteria
from npcs_review.errors import DefinitionError
from npcs_review.models import Case
from npcs_review.registry import default_registry, load_registry, merge_patch
from npcs_review.render.data import to_data
from tests.conftest import ROOT
from tests.strategies import cases

REGISTRY = default_registry()
BASE = dict(REGISTRY.base_case)


def _case(patch: dict[str, Any]) -> Case:
    return Case.model_validate(merge_patch(BASE, patch))


def _eval(expr: dict[str, Any], patch: dict[str, Any], **params: Any) -> tuple[Any, set[str]]:
    found = evaluate_criteria(_case(patch), compile_criteria(expr), parameters=params)
    return found.value, set(found.missing_facts)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([True, True], True),
        ([True, None], None),
        ([None, False], False),
        ([False, False], False),
        ([None, None], None),
    ],
)
def test_all_and_any_are_three_valued(parts: list[bool | None], expected: bool | None) -> None:
    """all: false wins, then unknown; any is the dual (checked through not)."""
    facts = {True: "yes", False: "no", None: "unknown"}
    people = [
        {"id": f"p{i}", "relationship": "other_relative", "caregiver": facts[v]}
        for i, v in enumerate(parts)
    ]
    leaves = [{"fact": f"/persons/{i}/caregiver", "equals": "yes"} for i in range(len(parts))]
    value, missing = _eval({"all": leaves}, {"persons": people})
    assert value is expected
    assert bool(missing) == (expected is None)
    dual, _ = _eval({"any": [{"not": leaf} for leaf in leaves]}, {"persons": people})
    assert dual is (None if expected is None else not expected)


def test_missing_facts_are_named_only_when_they_matter() -> None:
    """An indeterminate part of an `all` that another part already decided is not named."""
    value, missing = _eval(
        {
            "all": [
                {"fact": "/child/hispanic", "equals": "yes"},
                {"fact": "/child/in_foster_care", "equals": "yes"},
            ]
        },
        {"child": {"hispanic": "no"}},
    )
    assert value is False
    assert missing == set()


@pytest.mark.parametrize(
    ("event_date", "months", "expected"),
    [
        ("2025-06-14", 12, True),  # the day before
        ("2025-06-15", 12, False),  # the incident day itself is not "prior"
        ("2024-06-15", 12, True),  # exactly twelve months before
        ("2024-06-14", 12, False),  # one day too early
        ("2024-06", 12, None),  # a month that straddles the window's start
        ("2024", None, True),  # no limit: any earlier date
        ("unknown", 12, None),
    ],
)
def test_count_window(event_date: str, months: int | None, expected: bool | None) -> None:
    """Events count in the window with day precision; partial dates can be uncertain."""
    patch = {
        "history": [{"id": "h1", "type": "report", "date": event_date, "subjects": ["mother"]}]
    }
    expr = {"count": "/history", "window": {"months_before": {"param": "m"}}, "gte": 1}
    value, missing = _eval(expr, patch, m=months)
    assert value is expected
    if expected is None:
        assert "/history/0/date" in missing


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2023-01-01", "2025-02-01", True),  # began long before, ended inside the window
        ("2023-01-01", "2024-01-01", False),  # ended before the window began
        ("2023-01-01", None, True),  # still open
        ("2023-01-01", "unknown", None),  # when it ended is not known
        ("2025-07-01", None, False),  # began after the incident
    ],
)
def test_overlapping_window(start: str, end: str | None, expected: bool | None) -> None:
    """With `overlaps`, an event counts if it was under way at some time in the window."""
    event: dict[str, Any] = {"id": "s1", "type": "service", "date": start, "subjects": ["mother"]}
    if end is not None:
        event["end_date"] = end
    expr = {"count": "/history", "window": {"months_before": 12, "overlaps": True}, "gte": 1}
    value, missing = _eval(expr, {"history": [event]})
    assert value is expected
    assert ("/history/0/end_date" in missing) == (expected is None)


def test_some_with_ref_and_filter() -> None:
    """`ref` looks ids up in another list; `filter` narrows the elements considered."""
    patch = {
        "maltreatments": [
            {
                "id": "m1",
                "type": "physical_abuse",
                "finding": "indicated",
                "alleged_responsible": ["neighbor", "partner"],
                "causal_role": "caused",
            }
        ]
    }
    expr = {
        "some": "/maltreatments/0/alleged_responsible",
        "ref": "/persons",
        "where": {"fact": "./caregiver", "equals": "yes"},
    }
    assert _eval(expr, patch)[0] is True
    expr = {
        "some": "/determinations",
        "filter": {"fact": "./authority", "equals": "court"},
        "none_means": "indeterminate",
        "where": {"fact": "./finding", "exists": True},
    }
    assert _eval(expr, {}) == (None, {"/determinations"})


def test_malformed_criteria_are_reported_with_file_and_pointer(tmp_path: Path) -> None:
    """An overlay with a leaf that has two operators is refused, naming the place."""
    folder = tmp_path / "incident_definitions"
    folder.mkdir()
    text = (ROOT / REGISTRY.definition("capta_near_fatality").file).read_text(encoding="utf-8")
    bad = text.replace("id: capta_near_fatality", "id: xx_near_fatality").replace(
        '      equals: "yes"\n', '      equals: "yes"\n      exists: true\n', 1
    )
    (folder / "xx_near_fatality.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_registry([tmp_path])
    [problem] = info.value.problems
    assert problem.code == "NPR-D007"
    assert problem.pointer == "/criteria/all/1"
    assert problem.file is not None
    assert problem.file.endswith("xx_near_fatality.yaml")


def test_overlay_may_narrow_but_not_redefine(tmp_path: Path) -> None:
    """A new id with `extends` narrows a standard definition; reusing its id is refused."""
    folder = tmp_path / "incident_definitions"
    folder.mkdir()
    source = ROOT / REGISTRY.definition("npcs_near_fatality").file
    text = source.read_text(encoding="utf-8")
    (folder / "npcs_near_fatality.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_registry([tmp_path])
    assert [p.code for p in info.value.problems] == ["NPR-D005"]
    (folder / "npcs_near_fatality.yaml").unlink()
    narrowed = """id: xx_near_fatality_hours
kind: incident_definition
version: 0.1.0
term: near_fatality
title: Near fatality with at least 24 hours of critical care
text: The partnership's near fatality, and the child spent at least 24 hours in critical care.
status: proposed
jurisdiction: us_xx
effective_from: 2020-01-01
extends: npcs_near_fatality
citations: [{document: Synthetic overlay for a test}]
criteria: {fact: /incident/medical/critical_care_hours, gte: 24}
vectors:
  - {name: a, expected: meets, patch: {}}
  - {name: b, expected: does_not_meet, patch: {}}
  - {name: c, expected: indeterminate, patch: {}}
"""
    (folder / "xx_near_fatality_hours.yaml").write_text(narrowed, encoding="utf-8")
    registry = load_registry([tmp_path])
    definition = registry.definition("xx_near_fatality_hours")
    patch = {
        "incident": {
            "medical": {
                "physician_certification": {
                    "certified": "yes",
                    "condition": "critical",
                    "certifier_role": "treating_physician",
                },
                "critical_care_hours": 12,
            }
        },
        "maltreatments": [
            {
                "id": "m1",
                "type": "physical_abuse",
                "finding": "substantiated",
                "alleged_responsible": ["partner"],
                "causal_role": "caused",
            }
        ],
    }
    base = evaluate_definition(_case(patch), registry.definition("npcs_near_fatality"))
    narrow = evaluate_definition(_case(patch), definition, registry=registry)
    assert (base.outcome, narrow.outcome) == ("meets", "does_not_meet")
    assert "xx_near_fatality_hours" not in REGISTRY.definitions  # the default is unchanged


def test_effective_dating_uses_the_definition_in_force() -> None:
    """An incident in 2015 is judged by the 1996 CAPTA text; 2024 by the 2017 one."""
    patch = {
        "maltreatments": [
            {
                "id": "m1",
                "type": "human_trafficking",
                "finding": "substantiated",
                "alleged_responsible": ["neighbor"],
                "causal_role": "caused",
            }
        ]
    }
    for day, definition_id, outcome in (
        ("2015-03-01", "capta_child_abuse_and_neglect_1996", "does_not_meet"),
        ("2024-03-01", "capta_child_abuse_and_neglect_2017", "meets"),
    ):
        case = _case({**patch, "incident": {"date": day}})
        decision = classify(case).decision("child_abuse_and_neglect")
        assert decision is not None
        assert (decision.definition_id, decision.outcome) == (definition_id, outcome)
    later = classify(_case({**patch, "incident": {"date": "2015-03-01"}}), as_of=date(2024, 1, 1))
    found = later.decision("child_abuse_and_neglect")
    assert found is not None
    assert found.definition_id == "capta_child_abuse_and_neglect_2017"


def test_decision_explains_itself() -> None:
    """A decision carries the definition, version, reason, trace with pointers, citations."""
    case = _case(
        {
            "incident": {
                "medical": {
                    "physician_certification": {
                        "certified": "yes",
                        "condition": "critical",
                        "certifier_role": "unknown",
                    }
                }
            }
        }
    )
    decision = evaluate_definition(case, REGISTRY.definition("capta_near_fatality"))
    assert decision.outcome == "indeterminate"
    assert decision.missing_facts == ("/incident/medical/physician_certification/certifier_role",)
    assert decision.reason.startswith("not enough facts: needs /incident/medical/")
    step = next(s for s in decision.trace if s.criterion == "certified_by_physician")
    assert (step.observed, step.result) == ("unknown", "indeterminate")
    assert decision.citations[0].document.startswith("Child Abuse Prevention and Treatment")
    assert to_data(decision)["definition_version"] == "1.0.0"


UNRELATED = {
    "extensions": {"us_zz": {"note": "anything"}},
    "review": {"type": "other_review"},
    "incident": {"summary": "Neutral synthetic text added by a test."},
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_unrelated_facts_do_not_change_decisions(document: dict[str, Any]) -> None:
    """Adding facts no criterion reads leaves every outcome and missing fact unchanged."""
    case = Case.model_validate(document)
    more = Case.model_validate(merge_patch(document, UNRELATED))
    before = [(d.definition_id, d.outcome, d.missing_facts) for d in classify(case).decisions]
    after = [(d.definition_id, d.outcome, d.missing_facts) for d in classify(more).decisions]
    assert before == after


_SUPPLY: dict[str, st.SearchStrategy[Any]] = {
    "certified": st.sampled_from(["yes", "no"]),
    "condition": st.sampled_from(["serious", "critical", "stable", "good"]),
    "certifier_role": st.sampled_from(["treating_physician", "non_physician_clinician"]),
    "finding": st.sampled_from(["substantiated", "unsubstantiated", "indicated"]),
    "causal_role": st.sampled_from(["caused", "not_a_factor", "contributed"]),
    "caregiver": st.sampled_from(["yes", "no"]),
    "in_foster_care": st.sampled_from(["yes", "no"]),
    "type": st.sampled_from(["fatality", "near_fatality", "serious_injury"]),
    "maltreatment_death": st.sampled_from(["yes", "no"]),
}


def _set(document: dict[str, Any], pointer: str, value: Any) -> None:
    *path, last = pointer.strip("/").split("/")
    target: Any = document
    for token in path:
        target = target[int(token)] if isinstance(target, list) else target.setdefault(token, {})
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.data())
def test_supplying_the_missing_facts_settles_the_outcome(
    document: dict[str, Any], data: st.DataObject
) -> None:
    """An indeterminate decision becomes determinate once its named facts are supplied."""
    case = Case.model_validate(document)
    undecided = [d for d in classify(case).decisions if d.outcome == "indeterminate"]
    assume(undecided)
    decision = data.draw(st.sampled_from(undecided))
    filled = copy.deepcopy(document)
    for pointer in decision.missing_facts:
        field = pointer.rsplit("/", 1)[-1]
        if field in _SUPPLY:
            value = data.draw(_SUPPLY[field])
        elif field in ("date", "end_date"):
            value = "2025-01-01" if pointer == "/incident/date" else "2022-02-02"
        elif field == "date_of_death":
            value = "2025-01-02"
        elif field == "determinations":
            value = [  # "none recorded yet": one determination by each authority read
                {
                    "id": "dx",
                    "authority": "child_death_review_team",
                    "causal_role": data.draw(_SUPPLY["causal_role"]),
                },
                {
                    "id": "dy",
                    "authority": "cps_agency",
                    "maltreatment_death": data.draw(_SUPPLY["maltreatment_death"]),
                },
            ]
        elif field == "alleged_responsible":
            known = [p["id"] for p in filled.get("persons", []) if p["caregiver"] in ("yes", "no")]
            assume(known)
            value = known[:1]
        else:
            assume(False)
            return
        _set(filled, pointer, value)
    if "/incident/date" in decision.missing_facts:
        for event in filled.get("history", []):
            event["date"] = "2024-12-01"
            event.pop("end_date", None)
    try:
        supplied = Case.model_validate(filled)
    except ValueError:
        assume(False)
        return
    definition = REGISTRY.definition(decision.definition_id)
    after = evaluate_definition(supplied, definition)
    assert after.outcome != "indeterminate", (decision.missing_facts, after.missing_facts)
    unrelated = Case.model_validate(merge_patch(document, UNRELATED))
    still = evaluate_definition(unrelated, definition)
    assert (still.outcome, still.missing_facts) == ("indeterminate", decision.missing_facts)


def test_classification_lists_the_indicators_it_used() -> None:
    """The national set uses the look-back indicators; each is listed once, with its values."""
    case = _case(
        {"history": [{"id": "h1", "type": "report", "date": "2025-01-05", "subjects": ["child"]}]}
    )
    result = classify(case)
    ids = [i.id for i in result.indicators]
    assert ids == sorted(set(ids))
    assert "prior_involvement" in ids or "open_case_at_incident" in ids
    again = classify(case)
    assert to_data(result) == to_data(again)


def test_terms_and_successors_are_checked(tmp_path: Path) -> None:
    """A definition may not use a profile term, and a deprecation must name real successors."""
    folder = tmp_path / "incident_definitions"
    folder.mkdir()
    text = (ROOT / REGISTRY.definition("capta_near_fatality").file).read_text(encoding="utf-8")
    bad = (
        text.replace("id: capta_near_fatality", "id: xx_uses_term").replace(
            "      not: {fact: /incident/type, equals: fatality}",
            "      not: {term: near_fatality}",
        )
        + "deprecated: {since: 0.1.0, reason: test, replaced_by: [no_such_definition]}\n"
    )
    (folder / "xx_uses_term.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_registry([tmp_path])
    messages = sorted(p.message for p in info.value.problems)
    assert messages == [
        "replaced_by names unknown definition 'no_such_definition'",
        "term 'near_fatality' can only be used in a profile's review trigger",
    ]
