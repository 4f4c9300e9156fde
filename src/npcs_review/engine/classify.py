"""Classify a case against definitions: one decision per definition, with reasons.

``classify(case)`` applies the national set (the partnership's proposed standard and the
federal reference definitions) in force on the incident date; ``classify(case, profile=…)``
applies a jurisdiction's chosen definitions, parameters and review triggers. ``parameters``
sets any parameter a definition, indicator or profile declares, over every default and every
profile value; the outputs record the values used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

import attrs

from npcs_review.engine.criteria import Context, Criterion, Result
from npcs_review.engine.decision import (
    Citation,
    Decision,
    IndicatorResult,
    Outcome,
    TraceStep,
    lazy_trace,
    outcome_of,
)
from npcs_review.errors import ParameterError
from npcs_review.models import MISSING, Case
from npcs_review.models._types import date_bounds
from npcs_review.registry import Definition, Indicator, Profile, Registry, Trigger, default_registry

__all__ = [
    "CaseEvaluator",
    "Classification",
    "Comparison",
    "CriteriaResult",
    "Disagreement",
    "TriggerDecision",
    "classify",
    "compare_profiles",
    "evaluate_criteria",
    "evaluate_definition",
    "evaluate_indicator",
]

#: The key of the national set among a comparison's classifications.
NATIONAL = "national"


@attrs.frozen
class TriggerDecision:
    """Whether one review trigger of a profile applies, and why."""

    __data__ = (
        "id",
        "text",
        "review",
        "effective_from",
        "outcome",
        "missing_facts",
        "citations",
        "trace",
    )

    id: str
    text: str
    review: str
    outcome: Outcome
    missing_facts: tuple[str, ...]
    citations: tuple[Citation, ...]
    explain: Callable[[], tuple[TraceStep, ...]] = attrs.field(repr=False, eq=False)
    effective_from: date | None = None
    _cache: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False, eq=False)

    trace = property(lazy_trace, doc="Every criterion as evaluated (computed when first read).")


@attrs.frozen
class Classification:
    """Every decision for one case under one profile (or the national set)."""

    __data__ = (
        "profile_id",
        "profile_version",
        "definitions_version",
        "effective_on",
        "parameters",
        "review_required",
        "decisions",
        ("review_triggers", "triggers"),
        "indicators",
    )

    profile_id: str | None
    profile_version: str | None
    definitions_version: str
    effective_on: str | None
    decisions: tuple[Decision, ...]
    triggers: tuple[TriggerDecision, ...]
    indicators: tuple[IndicatorResult, ...]
    parameters: Mapping[str, Any] = attrs.field(factory=dict)
    """The parameters the user set (every decision also records the values it used)."""
    title: str | None = None
    """The profile's title (the jurisdiction's name)."""

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
        """The first decision for ``term`` (for the national set: the partnership standard's)."""
        return next((d for d in self.decisions if d.term == term), None)


@attrs.frozen
class CriteriaResult:
    """The result of evaluating criteria directly on a case."""

    value: Any
    """Three-valued truth (True, False, None), or ``(definite, possible)`` for a bare count."""
    trace: tuple[TraceStep, ...]
    missing_facts: tuple[str, ...]

    @property
    def outcome(self) -> Outcome:
        """The value as an outcome (a count: whether it is at least one)."""
        value = self.value
        if isinstance(value, tuple):
            definite, possible = value
            value = True if definite >= 1 else (False if possible < 1 else None)
        return outcome_of(value)


def _incident_span(case: Case) -> tuple[date, date] | None:
    value = case.incident.date
    return None if value in MISSING else date_bounds(str(value))


IndicatorKey = tuple[str, tuple[tuple[str, str], ...]]


class CaseEvaluator:
    """One case under one registry, evaluated as often as needed.

    Derived indicators are computed once per parameter set and shared by every evaluation made
    through the evaluator: definitions, review triggers, criteria and whole classifications.
    """

    def __init__(
        self,
        case: Case,
        registry: Registry,
        results: dict[IndicatorKey, IndicatorResult] | None = None,
    ) -> None:
        self.case = case
        self.registry = registry
        self.results: dict[IndicatorKey, IndicatorResult] = {} if results is None else results
        self.used: set[IndicatorKey] = set()
        self.span = _incident_span(case)

    def _context(
        self,
        params: Mapping[str, Any],
        *,
        trace: bool = False,
        terms: Callable[[str, bool], Result] | None = None,
        track: bool = True,
    ) -> Context:
        def lookup(kind: str, name: str, ctx: Context) -> Result:
            if kind == "term":
                return terms(name, ctx.trace) if terms is not None else (None, [], set())
            return self._indicator(name, ctx, track=track)

        return Context(self.case, dict(params), lookup, self.span, trace=trace)

    def _indicator(self, ind_id: str, ctx: Context, *, track: bool = True) -> Result:
        found = self.indicator(self.registry.indicators[ind_id], ctx.params)
        key = (ind_id, _key(found.parameters))
        if track:
            self.used.add(key)
        steps = list(found.trace) if ctx.trace else []
        return found.value, steps, set(found.missing_facts)

    def indicator(self, ind: Indicator, params: Mapping[str, Any]) -> IndicatorResult:
        """Compute a derived indicator with these parameter values (once per distinct set)."""
        values = {k: params.get(k, p.default) for k, p in ind.parameters.items()}
        key = (ind.id, _key(values))
        if key not in self.results:
            inner = self._context(values)
            value, _, missing = ind.expression.evaluate(inner)

            def explain(values: dict[str, Any] = values) -> tuple[TraceStep, ...]:
                return tuple(ind.expression.evaluate(self._context(values, trace=True))[1])

            self.results[key] = IndicatorResult(
                ind.id, ind.title, value, values, tuple(sorted(missing)), explain
            )
        return self.results[key]

    def definition(
        self,
        definition: Definition,
        params: Mapping[str, Any],
        *,
        profile_id: str | None = None,
        effective_on: str | None = None,
        citations: tuple[Citation, ...] = (),
    ) -> Decision:
        """Decide one definition with these parameter values (the trace when first read)."""
        value, _, missing = definition.criteria.evaluate(self._context(params))

        def explain() -> tuple[TraceStep, ...]:
            return tuple(definition.criteria.evaluate(self._context(params, trace=True))[1])

        return Decision(
            definition.term,
            definition.id,
            definition.version,
            definition.title,
            outcome_of(value),
            tuple(sorted(missing)),
            definition.citations + citations,
            explain,
            profile_id,
            {k: params[k] for k in sorted(params)},
            effective_on,
        )

    def _trigger(
        self, trigger: Trigger, params: Mapping[str, Any], by_term: Mapping[str, Decision]
    ) -> TriggerDecision:
        def term_outcome(term: str, traced: bool) -> Result:
            found = by_term.get(term)
            if found is None:  # no definition in force for the term on this date
                return None, [], set()
            value = {"meets": True, "does_not_meet": False}.get(found.outcome)
            return value, list(found.trace) if traced else [], set(found.missing_facts)

        value, _, missing = trigger.criteria.evaluate(self._context(params, terms=term_outcome))

        def explain() -> tuple[TraceStep, ...]:
            traced = self._context(params, trace=True, terms=term_outcome)
            return tuple(trigger.criteria.evaluate(traced)[1])

        return TriggerDecision(
            trigger.id,
            trigger.text,
            trigger.review,
            outcome_of(value),
            tuple(sorted(missing)),
            trigger.citations,
            explain,
            trigger.effective_from,
        )

    def _indicators_used(self) -> tuple[IndicatorResult, ...]:
        found = (self.results[k] for k in self.used)
        return tuple(sorted(found, key=lambda r: (r.id, repr(r.parameters))))

    def criteria(
        self,
        criteria: Criterion,
        parameters: Mapping[str, Any] | None = None,
        *,
        trace: bool = False,
    ) -> CriteriaResult:
        """Evaluate compiled criteria on the case (the trace only when asked for)."""
        ctx = self._context(dict(parameters or {}), trace=trace)
        value, steps, missing = criteria.evaluate(ctx)
        return CriteriaResult(value, tuple(steps), tuple(sorted(missing)))

    def classify(
        self,
        profile: str | None = None,
        *,
        as_of: date | None = None,
        parameters: Mapping[str, Any] | None = None,
    ) -> Classification:
        """Classify the case as :func:`classify` does, sharing this evaluator's indicators.

        Raises:
            DefinitionNotFoundError: if there is no such profile (a ``KeyError``).
            ParameterError: for a parameter the scope does not declare, or a bad value.
        """
        user = self.registry.check_parameters(parameters or {}, profile)
        return _classify(self, profile, as_of, user)


def _key(values: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, repr(v)) for k, v in values.items()))


def _own(values: Mapping[str, Any], declared: Iterable[str]) -> dict[str, Any]:
    names = set(declared)
    return {k: v for k, v in values.items() if k in names}


def evaluate_definition(
    case: Case,
    definition: Definition,
    *,
    parameters: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
    effective_on: str | None = None,
) -> Decision:
    """Decide whether ``case`` meets one definition, with the given parameter values.

    Parameters the definition does not declare are ignored. The outcome and missing facts are
    computed at once; the trace (and the reason drawn from it) when first asked for.
    """
    session = CaseEvaluator(case, registry or default_registry())
    params = {**definition.defaults, **_own(parameters or {}, definition.parameters)}
    return session.definition(definition, params, effective_on=effective_on)


def evaluate_indicator(
    case: Case,
    indicator: Indicator,
    *,
    parameters: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
) -> IndicatorResult:
    """Compute one derived indicator for ``case`` (with its trace, when first read)."""
    session = CaseEvaluator(case, registry or default_registry())
    return session.indicator(indicator, dict(parameters or {}))


def evaluate_criteria(
    case: Case,
    criteria: Criterion,
    *,
    parameters: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
) -> CriteriaResult:
    """Evaluate compiled criteria (see :func:`~npcs_review.engine.criteria.compile_criteria`)."""
    evaluator = CaseEvaluator(case, registry or default_registry())
    return evaluator.criteria(criteria, parameters, trace=True)


def classify(
    case: Case,
    *,
    profile: str | None = None,
    as_of: date | None = None,
    parameters: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
) -> Classification:
    """Classify ``case`` under the national set, or under a jurisdiction ``profile``.

    Args:
        case: the case.
        profile: id of a jurisdiction profile (e.g. ``us_ky``); None for the national set.
        as_of: choose the definitions and triggers in force on this day instead of the
            incident date.
        parameters: values for parameters the definitions, indicators or profile declare
            (e.g. ``{"lookback_months": 24}``); they win over defaults and profile values.
        registry: the definitions to use (default: the packaged ones).

    Returns:
        One decision per definition, the review triggers and the indicators computed.

    Raises:
        DefinitionNotFoundError: if there is no such profile (a ``KeyError``).
        ParameterError: for a parameter the scope does not declare, or a bad value.
    """
    evaluator = CaseEvaluator(case, registry or default_registry())
    return evaluator.classify(profile, as_of=as_of, parameters=parameters)


def _classify(
    session: CaseEvaluator, profile: str | None, as_of: date | None, user: Mapping[str, Any]
) -> Classification:
    registry = session.registry
    span = session.span
    day = as_of or (span[0] if span else None)
    shown_day = day.isoformat() if day else None
    session.used = set()
    if profile is None:
        decisions = tuple(
            session.definition(
                d, {**d.defaults, **_own(user, d.parameters)}, effective_on=shown_day
            )
            for d in registry.standard_set(day)
        )
        return Classification(
            None,
            None,
            registry.version,
            shown_day,
            decisions,
            (),
            session._indicators_used(),
            dict(user),
            None,
        )
    chosen = registry.profile(profile)
    decided: list[Decision] = []
    for term in sorted(chosen.terms):
        choice = chosen.term(term, day)
        if choice is None:
            continue
        definition = registry.definition(choice.definition)
        params = {
            **definition.defaults,
            **_own(chosen.parameters, definition.parameters),
            **choice.parameters,
            **_own(user, definition.parameters),
        }
        decided.append(
            session.definition(
                definition,
                params,
                profile_id=chosen.id,
                effective_on=shown_day,
                citations=choice.citations,
            )
        )
    by_term = {d.term: d for d in decided}
    trigger_params = {**chosen.parameters, **_own(user, _trigger_names(registry, chosen))}
    triggers = tuple(
        session._trigger(t, trigger_params, by_term) for t in chosen.triggers if t.in_force(day)
    )
    return Classification(
        chosen.id,
        chosen.version,
        registry.version,
        shown_day,
        tuple(decided),
        triggers,
        session._indicators_used(),
        dict(user),
        chosen.title,
    )


def _trigger_names(registry: Registry, profile: Profile) -> set[str]:
    names = set(profile.parameters) | set(profile.own_parameters)
    return names | {p for i in registry.indicators.values() for p in i.parameters}


@attrs.frozen
class Disagreement:
    """Profiles (and the national set) that decide one term differently, and why."""

    __data__ = ("term", "outcomes", "definitions", "reasons", "parameters", "criteria")

    term: str
    outcomes: Mapping[str, Outcome | None]
    """Each column's outcome; None where the profile has no definition for the term then."""
    definitions: Mapping[str, str | None]
    parameters: Mapping[str, Mapping[str, Any]]
    """For each parameter whose value differs between the columns: its value per column."""
    decisions: Mapping[str, Decision] = attrs.field(repr=False, eq=False)

    @property
    def reasons(self) -> dict[str, str]:
        """Each column's reason for its outcome (where it has a decision)."""
        return {p: d.reason for p, d in self.decisions.items()}

    @property
    def criteria(self) -> dict[str, dict[str, Outcome]]:
        """For each criterion whose result differs: its result per column (from the traces)."""
        results: dict[str, dict[str, Outcome]] = {}
        for p, d in self.decisions.items():
            for step in d.trace:
                results.setdefault(f"{step.criterion}: {step.text}", {})[p] = step.result
        return {k: v for k, v in results.items() if len(set(v.values())) > 1}


@attrs.frozen
class Comparison:
    """The same case under several profiles (and the national set), side by side."""

    __data__ = (
        "parameters",
        ("profiles", "classifications"),
        "disagreements",
        ("review_required", "review_disagreement"),
    )

    classifications: Mapping[str, Classification]
    """By column: ``national`` for the national set (when included), then each profile id."""
    disagreements: tuple[Disagreement, ...]
    review_disagreement: Mapping[str, Outcome | None] | None = None
    """Whether a review is required, per profile, when the profiles differ (else None)."""

    @property
    def parameters(self) -> Mapping[str, Any]:
        """The parameters the user set (the same for every column)."""
        first = next(iter(self.classifications.values()), None)
        return dict(first.parameters) if first else {}


def compare_profiles(
    case: Case,
    profiles: Iterable[str],
    *,
    as_of: date | None = None,
    parameters: Mapping[str, Any] | None = None,
    national: bool = False,
    registry: Registry | None = None,
) -> Comparison:
    """Classify ``case`` under each profile (and the national set) and explain disagreements.

    Every term any column decides is compared: a column with no definition for the term on
    that date counts as disagreeing with one that decides it.

    Args:
        case: the case.
        profiles: jurisdiction profile ids.
        as_of: choose the definitions in force on this day instead of the incident date.
        parameters: values for parameters (each column applies those it declares).
        national: include the national set as a column named ``national`` (first).
        registry: the definitions to use (default: the packaged ones).

    Raises:
        DefinitionNotFoundError: if a profile does not exist (a ``KeyError``).
        ParameterError: for a parameter no column declares, or a bad value.
    """
    registry = registry or default_registry()
    chosen = sorted(set(profiles))
    for p in chosen:
        registry.profile(p)
    user = _check_across(registry, parameters or {}, [None, *chosen] if national else [*chosen])
    shared: dict[IndicatorKey, IndicatorResult] = {}  # indicators depend on case and values
    runs: dict[str, Classification] = {}
    scopes: list[str | None] = [None] if national else []
    for scope in [*scopes, *chosen]:
        own = {k: v for k, v in user.items() if k in registry.settings(scope)}
        run = _classify(CaseEvaluator(case, registry, shared), scope, as_of, own)
        runs[scope or NATIONAL] = attrs.evolve(run, parameters=dict(user))
    terms = sorted({d.term for c in runs.values() for d in c.decisions})
    disagreements = []
    for term in terms:
        found = {p: c.decision(term) for p, c in runs.items()}
        if len({d.outcome if d else None for d in found.values()}) <= 1:
            continue
        decided = {p: d for p, d in found.items() if d is not None}
        names = sorted({k for d in decided.values() for k in d.parameters})
        params = {
            name: {p: d.parameters.get(name) for p, d in decided.items()}
            for name in names
            if len({repr(d.parameters.get(name)) for d in decided.values()}) > 1
        }
        disagreements.append(
            Disagreement(
                term,
                {p: d.outcome if d else None for p, d in found.items()},
                {p: d.definition_id if d else None for p, d in found.items()},
                params,
                decided,
            )
        )
    reviews = {p: c.review_required for p, c in runs.items() if c.profile_id is not None}
    review = reviews if len(set(reviews.values())) > 1 else None
    return Comparison(runs, tuple(disagreements), review)


def _check_across(
    registry: Registry, values: Mapping[str, Any], scopes: list[str | None]
) -> dict[str, Any]:
    allowed: dict[str, Any] = {}
    for scope in scopes:
        for name, spec in registry.settings(scope).items():
            allowed.setdefault(name, spec)
    for name, value in values.items():
        if name not in allowed:
            msg = (
                f"no parameter {name!r} in these profiles; parameters: {', '.join(sorted(allowed))}"
            )
            raise ParameterError(msg, name, sorted(allowed))
        problem = allowed[name].problem(value)
        if problem is not None:
            raise ParameterError(problem, name, [str(v) for v in allowed[name].values or ()])
    return dict(values)
