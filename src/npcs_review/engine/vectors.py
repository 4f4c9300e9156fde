"""Run the test vectors that every definition, indicator and profile carries."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
from pydantic import ValidationError

from npcs_review.consistency import check_case
from npcs_review.definitions import TestVector
from npcs_review.engine.classify import classify, evaluate_definition
from npcs_review.engine.criteria import evaluate
from npcs_review.engine.decision import Outcome, outcome_of
from npcs_review.models import Case
from npcs_review.registry import Registry

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


def _case(registry: Registry, vector: TestVector) -> tuple[Case | None, str | None]:
    try:
        case = Case.model_validate(registry.vector_case(vector))
    except ValidationError as exc:
        return None, str(exc).splitlines()[0] + ": " + "; ".join(
            f"{'/'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
        )
    errors = [p for p in check_case(case) if p.severity == "error"]
    if errors:
        return None, "; ".join(str(p) for p in errors)
    return case, None


def iter_vector_results(registry: Registry) -> Iterator[VectorResult]:
    """Evaluate every vector of every definition, indicator and profile in the registry."""
    for d in sorted(registry.definitions.values(), key=lambda d: d.id):
        for i, v in enumerate(d.vectors):
            case, problem = _case(registry, v)
            if case is None:
                yield VectorResult(
                    f"definition:{d.id}",
                    d.file,
                    i,
                    v.name,
                    v.expected,
                    None,
                    tuple(v.missing),
                    (),
                    problem,
                )
                continue
            decision = evaluate_definition(case, d, registry=registry, parameters=v.parameters)
            yield VectorResult(
                f"definition:{d.id}",
                d.file,
                i,
                v.name,
                v.expected,
                decision.outcome,
                tuple(v.missing),
                decision.missing_facts,
            )
    for ind in sorted(registry.indicators.values(), key=lambda x: x.id):
        for i, v in enumerate(ind.vectors):
            case, problem = _case(registry, v)
            if case is None:
                yield VectorResult(
                    f"indicator:{ind.id}",
                    ind.file,
                    i,
                    v.name,
                    v.expected,
                    None,
                    tuple(v.missing),
                    (),
                    problem,
                )
                continue
            from npcs_review.engine.classify import _context  # noqa: PLC0415

            ctx = _context(case, registry, {**ind.parameters, **v.parameters}, {})
            value, _, missing = evaluate(ind.expression, ctx)
            if isinstance(value, tuple):  # a count: the outcome of "at least one"
                definite, possible = value
                value = True if definite >= 1 else (False if possible < 1 else None)
            yield VectorResult(
                f"indicator:{ind.id}",
                ind.file,
                i,
                v.name,
                v.expected,
                outcome_of(value),
                tuple(v.missing),
                tuple(sorted(missing)),
            )
    for prof in sorted(registry.profiles.values(), key=lambda p: p.id):
        for i, v in enumerate(prof.source.vectors):
            case, problem = _case(registry, v)
            if case is None or not prof.triggers:
                yield VectorResult(
                    f"profile:{prof.id}",
                    prof.file,
                    i,
                    v.name,
                    v.expected,
                    None,
                    tuple(v.missing),
                    (),
                    problem or "the profile has no review trigger to test",
                )
                continue
            result = classify(case, profile=prof.id, registry=registry)
            first = result.triggers[0]
            yield VectorResult(
                f"profile:{prof.id}",
                prof.file,
                i,
                v.name,
                v.expected,
                first.outcome,
                tuple(v.missing),
                first.missing_facts,
            )
