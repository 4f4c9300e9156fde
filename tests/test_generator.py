"""The benchmark generator makes valid, deterministic synthetic cases."""

from __future__ import annotations

from generate import case_bytes, invalid_cases, iter_cases


def test_generated_cases_are_valid() -> None:
    """200 generated cases load without a single problem."""
    assert invalid_cases(n=200) == []


def test_generation_is_deterministic() -> None:
    """The same seed gives the same cases."""
    first = [case_bytes(c) for c in iter_cases(5, seed=7)]
    again = [case_bytes(c) for c in iter_cases(5, seed=7)]
    assert first == again
    assert first != [case_bytes(c) for c in iter_cases(5, seed=8)]
