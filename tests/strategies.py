"""Hypothesis strategies for case documents (as plain JSON-ready dicts)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from npcs_review.codelists import codelists
from npcs_review.models import MISSING

JsonDict = dict[str, Any]


def code(list_id: str, *, missing: bool = True) -> st.SearchStrategy[str]:
    """A code of the list, or sometimes a missingness token."""
    values = sorted(codelists()[list_id].codes)
    base = st.sampled_from(values)
    return st.one_of(base, st.sampled_from(MISSING)) if missing else base


answers = st.sampled_from(["yes", "no", *MISSING])
ids = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(lambda s: s != "child")
text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
)


ages = st.one_of(
    st.fixed_dictionaries({"value": st.integers(1, 23), "unit": st.just("months")}),
    st.fixed_dictionaries({"value": st.integers(1, 17), "unit": st.just("years")}),
    st.sampled_from(MISSING),
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**9), 10**9) | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def cases(draw: st.DrawFn) -> JsonDict:
    """A valid, internally consistent case document."""
    incident_day = draw(st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 12, 31)))
    kind = draw(code("incident_type", missing=False))
    person_ids = draw(st.lists(ids, max_size=3, unique=True))
    used = set(person_ids)
    persons = []
    for pid in person_ids:
        person: JsonDict = {
            "id": pid,
            "relationship": draw(code("relationship")),
            "caregiver": draw(answers),
        }
        if person["relationship"] == "parent" and draw(st.booleans()):
            person["parent_type"] = draw(code("parent_type"))
        if draw(st.booleans()):
            person["age"] = draw(
                st.one_of(
                    st.fixed_dictionaries({"value": st.integers(16, 70), "unit": st.just("years")}),
                    st.sampled_from(MISSING),
                )
            )
        if draw(st.booleans()):
            person["sex"] = draw(code("sex"))
        persons.append(person)
    incident: JsonDict = {"type": kind, "date": incident_day.isoformat()}
    if kind == "fatality":
        death = incident_day + timedelta(days=draw(st.integers(0, 20)))
        incident["date_of_death"] = draw(st.sampled_from([death.isoformat(), "unknown"]))
        if draw(st.booleans()):
            incident["manner_of_death"] = draw(code("manner_of_death"))
    if draw(st.booleans()):
        incident["cause_category"] = draw(code("cause_category"))
    if draw(st.booleans()):
        cert: JsonDict = {"certified": draw(answers)}
        if cert["certified"] == "yes" or draw(st.booleans()):
            cert["condition"] = draw(code("physical_condition"))
        incident["medical"] = {
            "physician_certification": cert,
            "critical_care_hours": draw(
                st.one_of(st.floats(0, 500, allow_nan=False), st.sampled_from(MISSING))
            ),
            "life_saving_procedures": draw(
                st.one_of(
                    st.lists(code("life_saving_procedure", missing=False), max_size=3),
                    st.sampled_from(MISSING),
                )
            ),
        }
    if draw(st.booleans()):
        incident["summary"] = draw(text)
    maltreatments = []
    for mid in draw(st.lists(ids.filter(lambda s: s not in used), max_size=3, unique=True)):
        used.add(mid)
        maltreatments.append(
            {
                "id": mid,
                "type": draw(code("maltreatment_type")),
                "finding": draw(code("finding")),
                "alleged_responsible": draw(st.lists(st.sampled_from(person_ids), max_size=2))
                if person_ids
                else [],
                "causal_role": draw(code("causal_role")),
            }
        )
    determinations = []
    for did in draw(st.lists(ids.filter(lambda s: s not in used), max_size=3, unique=True)):
        used.add(did)
        determination: JsonDict = {"id": did, "authority": draw(code("authority"))}
        mal_death = answers if kind == "fatality" else st.sampled_from(["no", *MISSING])
        fields: tuple[tuple[str, st.SearchStrategy[str]], ...] = (
            ("finding", code("finding")),
            ("causal_role", code("causal_role")),
            ("maltreatment_death", mal_death),
        )
        for field, values in fields:
            if draw(st.booleans()):
                determination[field] = draw(values)
        concern: bool = draw(st.booleans())
        if maltreatments and concern:
            concerned: str = draw(st.sampled_from([str(m["id"]) for m in maltreatments]))
            determination["maltreatments"] = [concerned]
        determinations.append(determination)
    history = []
    for hid in draw(st.lists(ids.filter(lambda s: s not in used), max_size=4, unique=True)):
        used.add(hid)
        when = incident_day - timedelta(days=draw(st.integers(1, 300)))
        event: JsonDict = {
            "id": hid,
            "type": draw(code("history_event_type", missing=False)),
            "date": when.isoformat(),
            "subjects": ["child", *draw(st.lists(st.sampled_from(person_ids), max_size=1))]
            if person_ids
            else ["child"],
        }
        if draw(st.booleans()):
            event["end_date"] = (when + timedelta(days=draw(st.integers(0, 30)))).isoformat()
        if draw(st.booleans()):
            event["finding"] = draw(code("finding"))
        history.append(event)
    document: JsonDict = {
        "schema_version": "0.3",
        "case": {
            "case_id": draw(st.from_regex(r"SYN-[0-9]{4}", fullmatch=True)),
            "jurisdiction": draw(code("jurisdiction", missing=False)),
        },
        "child": {
            "age": draw(ages),
            "sex": draw(code("sex")),
            "race": draw(
                st.one_of(
                    st.lists(code("race", missing=False), max_size=2, unique=True),
                    st.sampled_from(MISSING),
                )
            ),
            "hispanic": draw(answers),
        },
        "persons": persons,
        "incident": incident,
        "maltreatments": maltreatments,
        "determinations": determinations,
        "history": history,
    }
    if draw(st.booleans()):
        document["extensions"] = draw(
            st.dictionaries(
                st.from_regex(r"us_[a-z]{2}", fullmatch=True),
                st.dictionaries(text, json_values, max_size=3),
                max_size=2,
            )
        )
    return document
