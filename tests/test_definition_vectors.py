"""Every definition's, indicator's and profile's own test vectors, through one test."""

from __future__ import annotations

import pytest

from npcs_review.engine.vectors import VectorResult, iter_vector_results
from npcs_review.registry import default_registry

RESULTS = list(iter_vector_results(default_registry()))


def test_every_definition_has_all_three_outcomes() -> None:
    """Each definition has a case that meets it, one that does not, one indeterminate."""
    for d in default_registry().definitions.values():
        assert {v.expected for v in d.vectors} == {"meets", "does_not_meet", "indeterminate"}, d.id


@pytest.mark.parametrize("result", RESULTS, ids=[f"{r.owner}#{r.index}" for r in RESULTS])
def test_vector(result: VectorResult) -> None:
    """The engine gives the vector's expected outcome (and names its missing facts)."""
    assert result.problem is None, result.problem
    assert result.actual == result.expected, result.name
    if result.missing_expected:
        assert set(result.missing_actual) == set(result.missing_expected), result.name
