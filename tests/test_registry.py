"""The compiled registry: sealed, picklable, typed lookups, and the criterion-kind table."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from pydantic import BaseModel

from npcs_review._definition_file import Citation
from npcs_review.engine import criteria
from npcs_review.errors import DefinitionNotFoundError, NpcsReviewError, ParameterError
from npcs_review.registry import Registry, default_registry

REGISTRY = default_registry()


def _values(obj: Any, depth: int = 0) -> Iterator[Any]:
    """Every value reachable from a compiled object (attrs fields, mappings, sequences)."""
    yield obj
    if depth > 40:
        return
    if attrs.has(type(obj)):
        for field in attrs.fields(type(obj)):
            if field.name != "_cache":
                yield from _values(getattr(obj, field.name), depth + 1)
    elif isinstance(obj, dict) or (hasattr(obj, "items") and hasattr(obj, "keys")):
        for key, value in obj.items():
            yield from _values(key, depth + 1)
            yield from _values(value, depth + 1)
    elif isinstance(obj, list | tuple | set | frozenset):
        for value in obj:
            yield from _values(value, depth + 1)


def test_compiled_objects_do_not_expose_their_file_models() -> None:
    """Past the registry, no pydantic model is reachable except the one citation type."""
    leaked = {
        type(v).__name__
        for v in _values(REGISTRY)
        if isinstance(v, BaseModel) and not isinstance(v, Citation)
    }
    assert leaked == set()
    assert any(isinstance(v, Citation) for v in _values(REGISTRY))


def test_the_registry_pickles() -> None:
    """The whole compiled registry survives pickling (a cache can store it)."""
    again: Registry = pickle.loads(pickle.dumps(REGISTRY))
    assert again.version == REGISTRY.version
    assert sorted(again.definitions) == sorted(REGISTRY.definitions)
    for definition_id, definition in REGISTRY.definitions.items():
        assert again.definitions[definition_id] == definition
    assert again.profile("us_wa") == REGISTRY.profile("us_wa")


@pytest.mark.parametrize(
    ("lookup", "wrong", "closest"),
    [
        (REGISTRY.definition, "capta_near_fatalty", "capta_near_fatality"),
        (REGISTRY.profile, "us_kx", "us_ky"),
        (REGISTRY.indicator, "prior_involvment", "prior_involvement"),
        (REGISTRY.crosswalk, "ncands_findings", "ncands_finding"),
    ],
)
def test_lookups_raise_typed_errors_with_the_closest_names(
    lookup: Any, wrong: str, closest: str
) -> None:
    """An unknown id raises DefinitionNotFoundError: a KeyError and a library error."""
    with pytest.raises(DefinitionNotFoundError) as caught:
        lookup(wrong)
    assert isinstance(caught.value, KeyError)
    assert isinstance(caught.value, NpcsReviewError)
    assert caught.value.id == wrong
    assert closest in caught.value.closest
    assert closest in str(caught.value)


def test_crosswalk_code_lookup_is_typed() -> None:
    """Mapping a code outside the source list names the list's codes."""
    with pytest.raises(DefinitionNotFoundError) as caught:
        REGISTRY.crosswalk("ncands_finding").map("substantiatd")
    assert "substantiated" in caught.value.closest


def test_every_criterion_model_is_in_the_kind_table() -> None:
    """The table of kinds lists every criterion model, each with its own tag and key."""
    models = {
        obj
        for obj in vars(criteria).values()
        if isinstance(obj, type)
        and issubclass(obj, criteria.CriterionModel)
        and obj is not criteria.CriterionModel
    }
    assert models == {k.model for k in criteria.KINDS}
    assert len({k.tag for k in criteria.KINDS}) == len(criteria.KINDS)
    assert [k.key for k in criteria.KINDS].count(None) == 1


def test_criteria_read_from_a_mapping_compile_per_kind() -> None:
    """Every kind's key selects its model; the node it compiles to evaluates and writes rules."""
    node = criteria.compile_criteria(
        {
            "all": [
                {"fact": "/incident/type", "equals": "fatality"},
                {"not": {"param": "flag", "equals": True}},
                {"some": "/maltreatments", "where": {"fact": "./finding", "exists": True}},
                {"count": "/history", "gte": 1, "window": {"months_before": 12}},
            ]
        }
    )
    rules = [n.rule({}) for n in node.walk()]
    assert rules == [
        "all of",
        "/incident/type = fatality",
        "not",
        "parameter flag = true",
        "some /maltreatments",
        "./finding is recorded",
        "count /history within 12 months before the incident >= 1",
    ]


def test_parameters_have_checked_names_and_values() -> None:
    """Unknown names and bad values are refused, naming what is allowed."""
    assert REGISTRY.parse_parameters(["count_alternative_response_victims=true"]) == {
        "count_alternative_response_victims": True
    }
    assert REGISTRY.parse_parameters(["lookback_months=null", "findings=substantiated"]) == {
        "lookback_months": None,
        "findings": ["substantiated"],
    }
    with pytest.raises(ParameterError) as unknown:
        REGISTRY.parse_parameters(["lookback=24"])
    assert "lookback_months" in str(unknown.value)
    with pytest.raises(ParameterError) as bad:
        REGISTRY.parse_parameters(["perpetrator_scope=everyone"])
    assert "caregiver, any_person" in str(bad.value)
    with pytest.raises(ParameterError) as code:
        REGISTRY.parse_parameters(["findings=substantiated,founded"])
    assert "indicated" in str(code.value)
    with pytest.raises(ParameterError):
        REGISTRY.parse_parameters(["lookback_months=-3"])
    assert "nf_review_months" in REGISTRY.settings("us_wa")
    assert "nf_review_months" not in REGISTRY.settings()
