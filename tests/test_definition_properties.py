"""Properties the definitions must keep on every case, not only on their vectors."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npcs_review.consistency import check_case
from npcs_review.engine.classify import evaluate_definition
from npcs_review.models import Case
from npcs_review.registry import default_registry
from tests.strategies import cases

REGISTRY = default_registry()


def _valid(document: dict[str, Any]) -> Case | None:
    case = Case.model_validate(document)
    if any(p.severity == "error" for p in check_case(case)):
        return None
    return case


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=cases(), count_ar=st.booleans())
def test_ncands_death_and_victim_never_disagree(document: dict[str, Any], count_ar: bool) -> None:
    """A maltreatment death is always a victim; a non-victim is never a maltreatment death.

    Both read the state's MalDeath determination; the victim rule adds the allegation levels
    (1 or 2, and 3 when the alternative-response setting is on).
    """
    case = _valid(document)
    if case is None:
        return
    death = evaluate_definition(case, REGISTRY.definition("ncands_maltreatment_death")).outcome
    victim = evaluate_definition(
        case,
        REGISTRY.definition("ncands_victim"),
        parameters={"count_alternative_response_victims": count_ar},
    ).outcome
    if death == "meets":
        assert victim == "meets"
    if victim == "does_not_meet":
        assert death == "does_not_meet"
