"""Classify a case against definitions: one decision per definition, with reasons.

``classify(case)`` applies the national set (the partnership's proposed standard and the
federal reference definitions) in force on the incident date; ``classify(case, profile=…)``
applies a jurisdiction's chosen definitions, parameters and review triggers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

import attrs

from npcs_review.engine.criteria import Context, Node, evaluate
from npcs_review.engine.decision import (
    Citation,
    Decision,
    IndicatorResult,
    Outcome,
    TraceStep,
    lazy_trace,
    outcome_of,
)
from npcs_review.models import MISSING, Case
from npcs_review.models._types import date_bounds
from npcs_review.registry import Definition, Indicator, Registry, default_registry

__all__ = [
    "Classification",
    "Comparison",
    "Disagreement",
    "TriggerDecision",
    "classify",
    "compare_profiles",
    "evaluate_definition",
]


@attrs.frozen
class TriggerDecision:
    """Whether one review trigger of a profile applies, and why."""

    id: str
    text: str
    review: str
    outcome: Outcome
    missing_facts: tuple[str, ...]
    citations: tuple[Citation, ...]
    explain: Callable[[], tuple[TraceStep, ...]] = attrs.field(repr=False, eq=False)
    _cache: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False, eq=False)

    trace = property(lazy_trace, doc="Every criterion as evaluated (computed when first read).")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "id": self.id,
            "text": self.text,
            "review": self.review,
            "outcome": self.outcome,
            "missing_facts": list(self.missing_facts),
            "citations": [c.to_dict() for c in self.citations],
            "trace": [t.to_dict() for t in self.trace],
        }


@attrs.frozen
class Classification:
    """Every decision for one case under one profile (or the national set)."""

    profile_id: str | None
    profile_version: str | None
    definitions_version: str
    effective_on: str | None
    decisions: tuple[Decision, ...]
    triggers: tuple[TriggerDecision, ...]
    indicators: tuple[IndicatorResult, ...]

    @property
    def review_required(self) -> Outcome | None:
        """Whether any trigger requires a review (None when the profile has no triggers)."""
        if not self.triggers:
            return None
        outcomes = {t.outcome for t in self.triggers}
        if "meets" in outcomes:
            return "meets"
        return "indeterminate" if "indeterminate" in outcomes else "does_not_meet"

    def decision(self, term: str) -> Decision | None:
        """The first decision for ``term``."""
        return next((d for d in self.decisions if d.term == term), None)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping with a stable order."""
        return {
            "profile_id": self.profile_id,
            "profile_version": self.profile_version,
            "definitions_version": self.definitions_version,
            "effective_on": self.effective_on,
            "review_required": self.review_required,
            "decisions": [d.to_dict() for d in self.decisions],
            "review_triggers": [t.to_dict() for t in self.triggers],
            "indicators": [i.to_dict() for i in self.indicators],
        }


def _incident_span(case: Case) -> tuple[date, date] | None:
    value = case.incident.date
    return None if value in MISSING else date_bounds(str(value))


def _context(
    case: Case,
    registry: Registry,
    params: Mapping[str, Any],
    results: dict[tuple[str, tuple[tuple[str, str], ...]], IndicatorResult],
    used: set[Any] | None = None,
    *,
    trace: bool = False,
) -> Context:
    """An evaluation context; indicators are computed once per parameter set and cached."""

    def indicator(ind_id: str, ctx: Context) -> tuple[Any, list[TraceStep], set[str]]:
        ind = registry.indicators[ind_id]
        values = {k: ctx.params.get(k, v) for k, v in ind.parameters.items()}
        key = (ind_id, tuple(sorted((k, repr(v)) for k, v in values.items())))
        if key not in results:
            inner = Context(
                ctx.case, {**ind.parameters, **values}, ctx.indicator, ctx.incident, trace=False
            )
            value, _, missing = evaluate(ind.expression, inner)

            def explain(inner: Context = inner, ind: Indicator = ind) -> tuple[TraceStep, ...]:
                traced = attrs.evolve(inner, trace=True)
                return tuple(evaluate(ind.expression, traced)[1])

            results[key] = IndicatorResult(
                ind_id, ind.title, value, values, tuple(sorted(missing)), explain
            )
        if used is not None:
            used.add(key)
        found = results[key]
        steps = list(found.trace) if ctx.trace else []
        return found.value, steps, set(found.missing_facts)

    return Context(case, dict(params), indicator, _incident_span(case), trace=trace)


def evaluate_definition(
    case: Case,
    definition: Definition,
    *,
    registry: Registry | None = None,
    parameters: Mapping[str, Any] | None = None,
    profile_id: str | None = None,
    effective_on: str | None = None,
    _results: dict[Any, IndicatorResult] | None = None,
    _used: set[Any] | None = None,
    _citations: tuple[Citation, ...] = (),
) -> Decision:
    """Decide whether ``case`` meets one definition, with the given parameter values.

    The outcome and missing facts are computed at once; the trace (and the reason drawn from
    it) when first asked for.
    """
    registry = registry or default_registry()
    params = {**definition.parameters, **(parameters or {})}
    results = _results if _results is not None else {}
    ctx = _context(case, registry, params, results, _used)
    value, _, missing = evaluate(definition.criteria, ctx)

    def explain() -> tuple[TraceStep, ...]:
        traced = _context(case, registry, params, results, trace=True)
        return tuple(evaluate(definition.criteria, traced)[1])

    return Decision(
        definition.term,
        definition.id,
        definition.version,
        definition.title,
        outcome_of(value),
        tuple(sorted(missing)),
        definition.citations + _citations,
        explain,
        profile_id,
        {k: params[k] for k in sorted(params)},
        effective_on,
    )


def classify(
    case: Case,
    *,
    profile: str | None = None,
    as_of: date | None = None,
    registry: Registry | None = None,
    _indicators: dict[Any, IndicatorResult] | None = None,
) -> Classification:
    """Classify ``case`` under the national set, or under a jurisdiction ``profile``.

    Args:
        case: the case.
        profile: id of a jurisdiction profile (e.g. ``us_ky``); None for the national set.
        as_of: choose the definitions in force on this day instead of the incident date.
        registry: the definitions to use (default: the packaged ones).

    Returns:
        One decision per definition, the review triggers and the indicators computed.

    Raises:
        KeyError: if there is no such profile.
    """
    registry = registry or default_registry()
    span = _incident_span(case)
    day = as_of or (span[0] if span else None)
    shown_day = day.isoformat() if day else None
    results: dict[Any, IndicatorResult] = {} if _indicators is None else _indicators
    used: set[Any] = set()
    decisions: list[Decision] = []
    triggers: list[TriggerDecision] = []
    if profile is None:
        for definition in registry.standard_set(day):
            decisions.append(
                evaluate_definition(
                    case,
                    definition,
                    registry=registry,
                    effective_on=shown_day,
                    _results=results,
                    _used=used,
                )
            )
        chosen_profile = None
    else:
        chosen_profile = registry.profile(profile)
        for term in sorted(chosen_profile.source.terms):
            choice = chosen_profile.term(term, day)
            if choice is None:
                continue
            definition = registry.definition(choice.definition)
            params = {**chosen_profile.parameters, **choice.parameters}
            params = {k: v for k, v in params.items() if k in definition.parameters}
            decisions.append(
                evaluate_definition(
                    case,
                    definition,
                    registry=registry,
                    parameters=params,
                    profile_id=chosen_profile.id,
                    effective_on=shown_day,
                    _results=results,
                    _used=used,
                    _citations=chosen_profile.cited(choice),
                )
            )
        by_term = {d.term: d for d in decisions}

        def term_outcome(term: str, traced: bool) -> tuple[Any, list[TraceStep], set[str]]:
            found = by_term.get(term)
            if found is None:  # no definition in force for the term on this date
                return None, [], set()
            value = {"meets": True, "does_not_meet": False}.get(found.outcome)
            return value, list(found.trace) if traced else [], set(found.missing_facts)

        for trigger, node in chosen_profile.triggers:
            ctx = _context(case, registry, chosen_profile.parameters, results, used)
            ctx.term = lambda term: term_outcome(term, traced=False)
            value, _, missing = evaluate(node, ctx)

            def explain(node: Node = node) -> tuple[TraceStep, ...]:
                traced = _context(case, registry, chosen_profile.parameters, results, trace=True)
                traced.term = lambda term: term_outcome(term, traced=True)
                return tuple(evaluate(node, traced)[1])

            triggers.append(
                TriggerDecision(
                    trigger.id,
                    trigger.text,
                    trigger.review,
                    outcome_of(value),
                    tuple(sorted(missing)),
                    chosen_profile.cited(trigger),
                    explain,
                )
            )
    return Classification(
        chosen_profile.id if chosen_profile else None,
        chosen_profile.version if chosen_profile else None,
        registry.version,
        shown_day,
        tuple(decisions),
        tuple(triggers),
        tuple(sorted((results[k] for k in used), key=lambda r: (r.id, repr(r.parameters)))),
    )


@attrs.frozen
class Disagreement:
    """Profiles that decide one term differently, and why."""

    term: str
    outcomes: Mapping[str, Outcome]
    definitions: Mapping[str, str]
    parameters: Mapping[str, Mapping[str, Any]]
    """For each parameter whose value differs between the profiles: its value per profile."""
    decisions: Mapping[str, Decision] = attrs.field(repr=False, eq=False)

    @property
    def criteria(self) -> dict[str, dict[str, Outcome]]:
        """For each criterion whose result differs: its result per profile (from the traces)."""
        results: dict[str, dict[str, Outcome]] = {}
        for p, d in self.decisions.items():
            for step in d.trace:
                results.setdefault(f"{step.criterion}: {step.text}", {})[p] = step.result
        return {k: v for k, v in results.items() if len(set(v.values())) > 1}

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "term": self.term,
            "outcomes": dict(self.outcomes),
            "definitions": dict(self.definitions),
            "parameters": {k: dict(v) for k, v in self.parameters.items()},
            "criteria": {k: dict(v) for k, v in self.criteria.items()},
        }


@attrs.frozen
class Comparison:
    """The same case under several profiles, side by side."""

    classifications: Mapping[str, Classification]
    disagreements: tuple[Disagreement, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "profiles": {k: v.to_dict() for k, v in self.classifications.items()},
            "disagreements": [d.to_dict() for d in self.disagreements],
        }


def compare_profiles(
    case: Case,
    profiles: Iterable[str],
    *,
    as_of: date | None = None,
    registry: Registry | None = None,
) -> Comparison:
    """Classify ``case`` under each profile and explain where they disagree.

    Raises:
        KeyError: if a profile does not exist.
    """
    registry = registry or default_registry()
    shared: dict[Any, IndicatorResult] = {}  # indicators depend only on case and parameters
    runs = {
        p: classify(case, profile=p, as_of=as_of, registry=registry, _indicators=shared)
        for p in sorted(set(profiles))
    }
    terms = sorted({d.term for c in runs.values() for d in c.decisions})
    disagreements = []
    for term in terms:
        found = {p: c.decision(term) for p, c in runs.items()}
        decided = {p: d for p, d in found.items() if d is not None}
        if len({d.outcome for d in decided.values()}) <= 1:
            continue
        names = sorted({k for d in decided.values() for k in d.parameters})
        params = {
            name: {p: d.parameters.get(name) for p, d in decided.items()}
            for name in names
            if len({repr(d.parameters.get(name)) for d in decided.values()}) > 1
        }
        disagreements.append(
            Disagreement(
                term,
                {p: d.outcome for p, d in decided.items()},
                {p: d.definition_id for p, d in decided.items()},
                params,
                decided,
            )
        )
    return Comparison(runs, tuple(disagreements))
