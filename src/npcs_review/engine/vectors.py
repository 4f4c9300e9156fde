"""Run the test vectors that every definition, indicator and profile carries."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import attrs
from pydantic import ValidationError

from npcs_review._pointer import from_loc
from npcs_review.consistency import check_case
from npcs_review.engine.classify import (
    CriteriaResult,
    classify,
    evaluate_definition,
    evaluate_indicator,
)
from npcs_review.engine.decision import Outcome
from npcs_review.io import CASE_TAGS
from npcs_review.models import Case
from npcs_review.registry import Definition, Indicator, Profile, Registry, Vector

__all__ = ["VectorResult", "iter_vector_results"]


@attrs.frozen
class VectorResult:
    """The outcome of one test vector.

    Attributes:
        owner: ``definition:<id>``, ``indicator:<id>`` or ``profile:<id>``.
        file: the file that holds the vector.
        index: its position in the file's ``vectors`` list.
        name: what it shows.
        expected: the outcome it must give.
        actual: the outcome it gave (None when its case is invalid).
        missing_expected: facts it must name as missing.
        missing_actual: facts the engine named.
        problem: why the vector's case is not a valid case, if it is not.
    """

    owner: str
    file: str
    index: int
    name: str
    expected: Outcome
    actual: Outcome | None
    missing_expected: tuple[str, ...]
    missing_actual: tuple[str, ...]
    problem: str | None = None

    @property
    def passed(self) -> bool:
        """The outcome matches and, when given, the missing facts match exactly."""
        if self.actual != self.expected:
            return False
        return not self.missing_expected or set(self.missing_expected) == set(self.missing_actual)


def _case(registry: Registry, vector: Vector) -> tuple[Case | None, str | None]:
    data = registry.vector_case(vector)
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        return None, str(exc).splitlines()[0] + ": " + "; ".join(
            f"{from_loc(e['loc'], data, tag=CASE_TAGS.__contains__)}: {e['msg']}"
            for e in exc.errors()
        )
    errors = [p for p in check_case(case) if p.severity == "error"]
    if errors:
        return None, "; ".join(str(p) for p in errors)
    return case, None


Decide = Callable[[Case, Vector], tuple[Outcome, tuple[str, ...]]]


def _run(
    owner: str, file: str, vectors: Iterable[Vector], registry: Registry, decide: Decide
) -> Iterator[VectorResult]:
    for i, v in enumerate(vectors):
        case, problem = _case(registry, v)
        outcome, missing = decide(case, v) if case is not None else (None, ())
        yield VectorResult(
            owner, file, i, v.name, v.expected, outcome, tuple(v.missing), missing, problem
        )


def iter_vector_results(registry: Registry) -> Iterator[VectorResult]:
    """Evaluate every vector of every definition, indicator and profile in the registry."""
    for d in sorted(registry.definitions.values(), key=lambda d: d.id):

        def definition(case: Case, v: Vector, d: Definition = d) -> tuple[Outcome, tuple[str, ...]]:
            found = evaluate_definition(case, d, registry=registry, parameters=v.parameters)
            return found.outcome, found.missing_facts

        yield from _run(f"definition:{d.id}", d.file, d.vectors, registry, definition)
    for ind in sorted(registry.indicators.values(), key=lambda x: x.id):

        def indicator(
            case: Case, v: Vector, ind: Indicator = ind
        ) -> tuple[Outcome, tuple[str, ...]]:
            found = evaluate_indicator(case, ind, parameters=v.parameters, registry=registry)
            result = CriteriaResult(found.value, (), found.missing_facts)
            return result.outcome, found.missing_facts

        yield from _run(f"indicator:{ind.id}", ind.file, ind.vectors, registry, indicator)
    for prof in sorted(registry.profiles.values(), key=lambda p: p.id):

        def trigger(case: Case, v: Vector, prof: Profile = prof) -> tuple[Outcome, tuple[str, ...]]:
            wanted = v.trigger or prof.triggers[0].id
            found = classify(case, profile=prof.id, registry=registry).triggers
            decision = next((t for t in found if t.id == wanted), None)
            if decision is None:  # the trigger was not in force on the vector's incident date
                return "does_not_meet", ()
            return decision.outcome, decision.missing_facts

        if prof.triggers:
            yield from _run(f"profile:{prof.id}", prof.file, prof.vectors, registry, trigger)
