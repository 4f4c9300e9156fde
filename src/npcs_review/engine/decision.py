"""Decisions and traces: what the engine returns (attrs, frozen)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from npcs_review._definition_file import Citation
from npcs_review.models._types import Outcome

__all__ = [
    "Citation",
    "Decision",
    "IndicatorResult",
    "Outcome",
    "TraceStep",
    "outcome_of",
    "reason_for",
]


def lazy_trace(self: Any) -> tuple[TraceStep, ...]:
    """The trace of a result, computed by its ``explain`` on first use and then kept."""
    if "trace" not in self._cache:
        self._cache["trace"] = self.explain()
    trace: tuple[TraceStep, ...] = self._cache["trace"]
    return trace


def reason_for(outcome: Outcome, steps: tuple[TraceStep, ...], missing: tuple[str, ...]) -> str:
    """The one-line reason for an outcome: what is missing, or the first criterion not met."""
    if outcome == "meets":
        return "every criterion is met"
    if outcome == "indeterminate":
        return "not enough facts: needs " + ", ".join(missing)
    failed = [s for s in steps if s.depth == 1 and s.result == "does_not_meet"]
    first = failed[0] if failed else next((s for s in steps if s.result == "does_not_meet"), None)
    return f"not met: {first.text}" if first else "not met"


def outcome_of(value: bool | None) -> Outcome:
    """Map three-valued truth to an outcome."""
    if value is None:
        return "indeterminate"
    return "meets" if value else "does_not_meet"


@attrs.frozen
class TraceStep:
    """One criterion as evaluated: its text, where it looked, what it saw, what it found.

    Attributes:
        criterion: the criterion's id (or its kind when it has none).
        text: the criterion in plain words.
        pointer: the JSON pointer of the fact examined, if any.
        observed: the value found there (``None`` when absent).
        result: the criterion's outcome.
        depth: nesting level, for display.
    """

    criterion: str
    text: str
    pointer: str | None
    observed: Any
    result: Outcome
    depth: int = 0


@attrs.frozen
class IndicatorResult:
    """A derived indicator computed for one case (under one set of parameters)."""

    __data__ = ("id", "title", "value", "parameters", "missing_facts", "trace")

    id: str
    title: str
    value: Any
    """For a truth indicator: True, False or None; for a count: ``[definite, possible]``."""
    parameters: dict[str, Any]
    missing_facts: tuple[str, ...]
    explain: Callable[[], tuple[TraceStep, ...]] = attrs.field(repr=False, eq=False)
    """Computes the trace when it is first asked for (classifying stays fast)."""
    _cache: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False, eq=False)

    trace = property(lazy_trace, doc="Every criterion as evaluated (computed when first read).")


@attrs.frozen
class Decision:
    """Whether a case meets one definition, and why.

    Attributes:
        term: the concept decided (``near_fatality``…).
        definition_id: the definition applied.
        definition_version: its version.
        title: the definition's title.
        outcome: meets, does_not_meet or indeterminate ("not enough facts" is an outcome).
        missing_facts: pointers whose values would settle an indeterminate outcome.
        citations: the definition's sources.
        explain: computes the trace (every criterion as evaluated) on demand; ``trace`` and
            ``reason`` (one line a reader can act on) read it.
        profile_id: the jurisdiction profile that chose the definition, if any.
        parameters: the parameter values used.
        effective_on: the date used to choose the definition in force.
    """

    __data__ = (
        "term",
        "definition_id",
        "definition_version",
        "title",
        "profile_id",
        "effective_on",
        "outcome",
        "reason",
        "missing_facts",
        "parameters",
        "citations",
        "trace",
    )

    term: str
    definition_id: str
    definition_version: str
    title: str
    outcome: Outcome
    missing_facts: tuple[str, ...]
    citations: tuple[Citation, ...]
    explain: Callable[[], tuple[TraceStep, ...]] = attrs.field(repr=False, eq=False)
    profile_id: str | None = None
    parameters: dict[str, Any] = attrs.field(factory=dict)
    effective_on: str | None = None
    _cache: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False, eq=False)

    trace = property(lazy_trace, doc="Every criterion as evaluated (computed when first read).")

    @property
    def reason(self) -> str:
        """One line a reader can act on."""
        return reason_for(self.outcome, self.trace, self.missing_facts)
