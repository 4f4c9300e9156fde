"""The criteria language: every criterion kind, from its file format to its evaluation.

A criterion kind is one entry in :data:`KINDS`: the model that reads it from a definition file
(pydantic, with a ``compile`` method) and the engine node it compiles to (attrs, frozen,
picklable), which knows how to evaluate itself with three-valued logic, how to write itself as
a rule, and what it refers to. Nothing else in the library branches on the kind.

Truth values are ``True`` (met), ``False`` (not met) and ``None`` (indeterminate: a needed fact
is absent, a missingness token, or not precise enough). ``all`` is false if any part is false,
else indeterminate if any part is; ``any`` dually. Every evaluation returns its trace and the
pointers of the facts that would settle an indeterminate result.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

import attrs
from pydantic import BaseModel, Discriminator, Field, Tag, TypeAdapter

from npcs_review._definition_file import ID_PATTERN, TAG_PREFIX, DefinitionModel
from npcs_review._pointer import escape, split
from npcs_review.engine.decision import TraceStep, outcome_of
from npcs_review.errors import CriteriaError
from npcs_review.models import MISSING
from npcs_review.models._types import date_bounds

__all__ = [
    "KINDS",
    "All",
    "AnyOf",
    "Compare",
    "Context",
    "Count",
    "Criterion",
    "CriterionModel",
    "Expression",
    "Kind",
    "Not",
    "Param",
    "ParamRef",
    "Some",
    "Window",
    "compile_criteria",
    "compile_expression",
]

Truth = bool | None
Span = tuple[date, date]
Result = tuple[Any, list[TraceStep], set[str]]
Scalar = str | int | float | bool
_POINTER = r"^(\.?/[A-Za-z0-9_~/-]*|\.)$"
DefinitionId = Annotated[str, Field(pattern=ID_PATTERN)]


# ------------------------------------------------------------------------------ shared parts


class Param(DefinitionModel):
    """A value taken from the parameters of the profile (or the definition's defaults)."""

    param: DefinitionId
    """The parameter's name."""


@attrs.frozen
class ParamRef:
    """A value to be read from the parameters at evaluation time."""

    name: str


def _value(v: Any) -> Any:
    return ParamRef(v.param) if isinstance(v, Param) else v


@attrs.frozen
class Fact:
    """A compiled pointer: absolute (``/a/b``) or relative to the current element (``./a``)."""

    raw: str
    relative: bool
    tokens: tuple[str, ...]
    suffix: str
    """For a relative fact, the pointer text appended to the element's pointer."""


def _fact(raw: str) -> Fact:
    if raw == ".":
        return Fact(raw, True, (), "")
    relative = raw.startswith("./")
    tokens = split(raw[1:] if relative else raw)
    return Fact(raw, relative, tokens, "".join("/" + escape(t) for t in tokens))


#: Looks up a named result: ``(kind, name, context)`` → value, trace, missing facts. Kinds are
#: ``indicator`` (a derived indicator) and ``term`` (a profile's decision for a term).
Lookup = Callable[[str, str, "Context"], Result]


@attrs.define
class Context:
    """What an evaluation needs: the case, the parameters, the incident date, named results."""

    case: Any
    params: Mapping[str, Any]
    lookup: Lookup
    incident: Span | None = None
    trace: bool = True
    """Record trace steps; without, evaluation stops at the first decisive part."""


_ABSENT = object()


def _resolve(obj: Any, tokens: Sequence[str]) -> Any:
    for token in tokens:
        if isinstance(obj, BaseModel):
            obj = getattr(obj, token, _ABSENT)
        elif isinstance(obj, dict):
            obj = obj.get(token, _ABSENT)
        elif isinstance(obj, list) and token.isdigit() and int(token) < len(obj):
            obj = obj[int(token)]
        else:
            return _ABSENT
        if obj is _ABSENT or obj is None:
            return _ABSENT
    return obj


def _lookup(fact: Fact, ctx: Context, base: Any, base_ptr: str) -> tuple[Any, str]:
    if fact.relative:
        return _resolve(base, fact.tokens), base_ptr + fact.suffix
    return _resolve(ctx.case, fact.tokens), fact.raw


def _is_missing(value: Any) -> bool:
    return value is _ABSENT or (isinstance(value, str) and value in MISSING)


def _param(value: Any, ctx: Context) -> Any:
    return ctx.params[value.name] if isinstance(value, ParamRef) else value


def _shown(value: Any) -> Any:
    if value is _ABSENT:
        return None
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_unset=True)
    if isinstance(value, list):
        return [_shown(v) for v in value]
    if isinstance(value, tuple):
        return list(value)
    return value


def _and(a: Truth, b: Truth) -> Truth:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _v(value: Any, params: Mapping[str, Any] | None) -> str:
    """A value as a rule shows it: parameters with their value when known."""
    if isinstance(value, ParamRef):
        if params is not None and value.name in params:
            return f"{_v(params[value.name], None)} (parameter {value.name})"
        return f"parameter {value.name}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_v(v, None) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


# ------------------------------------------------------------------------------ engine nodes


@attrs.frozen
class Criterion:
    """A compiled criterion: every kind's node derives from it."""

    id: str | None
    text: str | None

    def evaluate(
        self, ctx: Context, base: Any = None, base_ptr: str = "", depth: int = 0
    ) -> Result:
        """Evaluate on the case in ``ctx`` (``base`` is the element under a ``some``/``count``).

        Returns:
            The value (three-valued truth, or ``(definite, possible)`` for a bare count), the
            trace, and the pointers of the facts that would settle an indeterminate result.
        """
        raise NotImplementedError

    def rule(self, params: Mapping[str, Any] | None = None) -> str:
        """The machine form of this criterion, without its parts (parameters with values)."""
        raise NotImplementedError

    def parts(self) -> tuple[tuple[str, Criterion], ...]:
        """The criteria inside this one, each with a label (``filter: `` or empty)."""
        return ()

    def references(self) -> Iterator[tuple[str, str]]:
        """Everything this criterion itself uses (its parts not included).

        Yields ``(kind, name)``: kind ``param``, ``indicator`` or ``term``.
        """
        return iter(())

    def walk(self) -> Iterator[Criterion]:
        """This criterion and every criterion inside it, depth first."""
        yield self
        for _, part in self.parts():
            yield from part.walk()


_WORDS = {
    "equals": "is",
    "in_": "is one of",
    "contains": "includes",
    "contains_any": "includes one of",
    "gte": "is at least",
    "lte": "is at most",
    "exists": "is recorded",
}
_SYMBOLS = {
    "equals": "=",
    "in_": "in",
    "contains": "contains",
    "contains_any": "contains any of",
    "gte": ">=",
    "lte": "<=",
    "exists": "exists",
}


def _compare(op: str | None, observed: Any, target: Any) -> Truth:
    if op is None:
        return observed if isinstance(observed, bool) else None
    if op == "equals":
        return bool(observed == target)
    if op == "in_":
        return observed in target
    if op in ("contains", "contains_any"):
        if not isinstance(observed, list):
            return None
        wanted = [target] if op == "contains" else target
        return any(w in observed for w in wanted)
    if target is None:  # a comparison whose parameter is switched off
        return None
    if isinstance(observed, tuple):  # a count: (definite, possible)
        definite, possible = observed
        if op == "gte":
            return True if definite >= target else (False if possible < target else None)
        return True if possible <= target else (False if definite > target else None)
    if isinstance(observed, bool) or not isinstance(observed, int | float):
        return None
    return bool(observed >= target if op == "gte" else observed <= target)


@attrs.frozen
class CompareNode(Criterion):
    """A leaf: one fact, indicator, term or parameter compared with a value."""

    fact: Fact | None
    indicator: str | None
    param: str | None
    term: str | None
    op: str | None
    value: Any
    unknown_values: Any

    @property
    def subject(self) -> str:
        """What the leaf examines, as a rule names it."""
        if self.fact:
            return self.fact.raw
        if self.indicator:
            return f"indicator {self.indicator}"
        if self.term:
            return f"term {self.term}"
        return f"parameter {self.param}"

    def rule(self, params: Mapping[str, Any] | None = None) -> str:
        if self.op is None:
            return self.subject
        if self.op == "exists":
            return f"{self.subject} {'is recorded' if self.value else 'is not recorded'}"
        rule = f"{self.subject} {_SYMBOLS[self.op]} {_v(self.value, params)}"
        if self.unknown_values is not None:
            rule += f" (unknown if {_v(self.unknown_values, params)})"
        return rule

    def references(self) -> Iterator[tuple[str, str]]:
        if self.indicator:
            yield "indicator", self.indicator
        if self.param:
            yield "param", self.param
        if self.term:
            yield "term", self.term
        for v in (self.value, self.unknown_values):
            if isinstance(v, ParamRef):
                yield "param", v.name

    def _describe(self, value: Any) -> str:
        subject = self.subject
        if self.op is None:
            return f"{subject} holds"
        if self.op == "exists":
            return f"{subject} is recorded" if value else f"{subject} is not recorded"
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        return f"{subject} {_WORDS[self.op]} {shown}"

    def evaluate(
        self, ctx: Context, base: Any = None, base_ptr: str = "", depth: int = 0
    ) -> Result:
        target = _param(self.value, ctx)
        nested: list[TraceStep] = []
        missing: set[str] = set()
        pointer: str | None = None
        if self.fact is not None:
            observed, pointer = _lookup(self.fact, ctx, base, base_ptr)
            unknown = _param(self.unknown_values, ctx) or ()
            if self.op == "exists":
                result: Truth = not _is_missing(observed)
            elif _is_missing(observed) or observed in unknown:
                result = None
                missing.add(pointer)
            else:
                result = _compare(self.op, observed, target)
                if result is None:
                    missing.add(pointer)
        elif self.indicator is not None or self.term is not None:
            kind, name = ("indicator", self.indicator) if self.indicator else ("term", self.term)
            observed, inner, inner_missing = ctx.lookup(kind, name or "", ctx)
            if ctx.trace:
                nested = [attrs.evolve(s, depth=s.depth + depth + 1) for s in inner]
            result = _compare(self.op, observed, target)
            if result is None:
                missing |= inner_missing
        else:
            observed = ctx.params.get(self.param or "")
            result = _compare(self.op, observed, target)
        if not ctx.trace:
            return result, [], missing
        step = TraceStep(
            self.id or self.indicator or self.term or "criterion",
            self.text or self._describe(target),
            pointer,
            _shown(observed),
            outcome_of(result),
            depth,
        )
        return result, [step, *nested], missing


@attrs.frozen
class JunctionNode(Criterion):
    """``all`` (every part) or ``any`` (at least one part)."""

    parts_: tuple[Criterion, ...]
    is_all: bool

    def rule(self, params: Mapping[str, Any] | None = None) -> str:
        return "all of" if self.is_all else "any of"

    def parts(self) -> tuple[tuple[str, Criterion], ...]:
        return tuple(("", p) for p in self.parts_)

    def evaluate(
        self, ctx: Context, base: Any = None, base_ptr: str = "", depth: int = 0
    ) -> Result:
        steps: list[TraceStep] = []
        missing: set[str] = set()
        decisive = False
        undecided = False
        for part in self.parts_:
            value, part_steps, part_missing = part.evaluate(ctx, base, base_ptr, depth + 1)
            steps += part_steps
            if value is None:
                undecided = True
                missing |= part_missing
            elif value is not self.is_all:  # a false part of all, a true part of any
                decisive = True
                if not ctx.trace:
                    break
        result: Truth = (not self.is_all) if decisive else (None if undecided else self.is_all)
        if result is not None:
            missing = set()
        if not ctx.trace:
            return result, steps, missing
        kind = "all" if self.is_all else "any"
        text = self.text or f"{kind} of the following"
        step = TraceStep(self.id or kind, text, None, None, outcome_of(result), depth)
        return result, [step, *steps], missing


@attrs.frozen
class NotNode(Criterion):
    """The opposite of the part."""

    part: Criterion

    def rule(self, params: Mapping[str, Any] | None = None) -> str:
        return "not"

    def parts(self) -> tuple[tuple[str, Criterion], ...]:
        return (("", self.part),)

    def evaluate(
        self, ctx: Context, base: Any = None, base_ptr: str = "", depth: int = 0
    ) -> Result:
        value, steps, missing = self.part.evaluate(ctx, base, base_ptr, depth + 1)
        result = None if value is None else not value
        if not ctx.trace:
            return result, [], missing
        text = self.text or "not the following"
        step = TraceStep(self.id or "not", text, None, None, outcome_of(result), depth)
        return result, [step, *steps], missing


def _elements(
    items: Fact, ref: Fact | None, ctx: Context, base: Any, base_ptr: str
) -> tuple[list[tuple[Any, str]] | None, str]:
    value, pointer = _lookup(items, ctx, base, base_ptr)
    if _is_missing(value) or not isinstance(value, list):
        return None, pointer
    if ref is None:
        return [(v, f"{pointer}/{i}") for i, v in enumerate(value)], pointer
    pool, pool_ptr = _lookup(ref, ctx, base, base_ptr)
    by_id = {}
    if isinstance(pool, list):
        for i, obj in enumerate(pool):
            key = _resolve(obj, ("id",))
            if key is not _ABSENT:
                by_id[key] = (obj, f"{pool_ptr}/{i}")
    return [by_id[v] for v in value if v in by_id], pointer


@attrs.frozen
class SomeNode(Criterion):
    """At least one element of a list meets ``where``."""

    items: Fact
    ref: Fact | None
    filter: Criterion | None
    where: Criterion
    none_means: str

    def rule(self, params: Mapping[str, Any] | None = None) -> str:
        ref = f" (ids in {self.ref.raw})" if self.ref else ""
        return f"some {self.items.raw}{ref}"

    def parts(self) -> tuple[tuple[str, Criterion], ...]:
        return ((("filter: ", self.filter),) if self.filter else ()) + (("", self.where),)

    def evaluate(
        self, ctx: Context, base: Any = None, base_ptr: str = "", depth: int = 0
    ) -> Result:
        elements, pointer = _elements(self.items, self.ref, ctx, base, base_ptr)
        text = self.text or f"some element of {self.items.raw} meets the test"
        if elements is None:
            step = TraceStep(self.id or "some", text, pointer, None, "indeterminate", depth)
            return None, [step], {pointer}
        steps: list[TraceStep] = []
        missing: set[str] = set()
        result: Truth = False
        considered = 0
        for element, element_ptr in elements:
            passes: Truth = True
            filter_steps: list[TraceStep] = []
            filter_missing: set[str] = set()
            if self.filter is not None:
                passes, filter_steps, filter_missing = self.filter.evaluate(
                    ctx, element, element_ptr, depth + 1
                )
                if passes is False:
                    continue
            considered += 1
            value, element_steps, element_missing = self.where.evaluate(
                ctx, element, element_ptr, depth + 1
            )
            value = _and(passes, value)
            if value:
                result, steps, missing = True, filter_steps + element_steps, set()
                break
            steps += filter_steps + element_steps
            if value is None:
                result = None
                missing |= (filter_missing if passes is None else set()) | element_missing
        if result is False and not considered and self.none_means == "indeterminate":
            result, missing = None, {pointer}
        if not ctx.trace:
            return result, [], missing
        matched = "a match" if result else ("no match" if result is False else "no certain match")
        step = TraceStep(
            self.id or "some",
            text,
            pointer,
            f"{len(elements)} element(s), {matched}",
            outcome_of(result),
            depth,
        )
        return result, [step, *steps], missing


def _months_before(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _span(value: Any) -> Span | None:
    return None if _is_missing(value) else date_bounds(str(value))


def _imprecise(inc: Span | None, start: Span | None, element_ptr: str, key: str) -> set[str]:
    out = set()
    if inc is None or inc[0] != inc[1]:
        out.add("/incident/date")
    if start is None or start[0] != start[1]:
        out.add(f"{element_ptr}/{key}")
    return out


@attrs.frozen
class CountNode(Criterion):
    """How many elements of a list meet ``where`` inside a time window."""

    items: Fact
    where: Criterion | None
    months_before: Any
    window: bool
    include_day: bool
    at_incident: bool
    overlaps: bool
    gte: Any
    lte: Any
    none_means: str

    def rule(self, params: Mapping[str, Any] | None = None) -> str:
        window = ""
        if self.at_incident:
            window = " under way on the incident day"
        elif self.window:
            months = _param_value(self.months_before, params)
            span = (
                "with no time limit"
                if months is None
                else f"within {_v(self.months_before, params)} months before the incident"
            )
            window = f" under way {span}" if self.overlaps else f" {span}"
        compare = ""
        if self.gte is not None:
            compare = f" >= {_v(self.gte, params)}"
        elif self.lte is not None:
            compare = f" <= {_v(self.lte, params)}"
        return f"count {self.items.raw}{window}{compare}"

    def parts(self) -> tuple[tuple[str, Criterion], ...]:
        return (("", self.where),) if self.where is not None else ()

    def references(self) -> Iterator[tuple[str, str]]:
        for v in (self.months_before, self.gte, self.lte):
            if isinstance(v, ParamRef):
                yield "param", v.name

    def _in_window(self, ctx: Context, element: Any, element_ptr: str, missing: set[str]) -> Truth:
        if not self.window:
            return True
        inc = ctx.incident
        start = _span(_resolve(element, ("date",)))
        if self.at_incident:
            began = (
                None
                if inc is None or start is None
                else (True if start[1] <= inc[0] else (False if start[0] > inc[1] else None))
            )
            end_value = _resolve(element, ("end_date",))
            if end_value is _ABSENT:
                ongoing: Truth = True  # no end date: still open
            else:
                end = _span(end_value)
                ongoing = (
                    None
                    if inc is None or end is None
                    else (True if end[0] >= inc[1] else (False if end[1] < inc[0] else None))
                )
            result = _and(began, ongoing)
            if result is None:
                missing.update(_imprecise(inc, start, element_ptr, "date"))
                if end_value is not _ABSENT and ongoing is None:
                    missing.add(f"{element_ptr}/end_date")
            return result
        if inc is None or start is None:
            result = None
        else:
            if self.include_day:
                before: Truth = (
                    True if start[1] <= inc[0] else (False if start[0] > inc[1] else None)
                )
            else:
                before = True if start[1] < inc[0] else (False if start[0] >= inc[1] else None)
            months = _param(self.months_before, ctx)
            last: Span | None = start
            key = "date"
            if self.overlaps:  # judge recency by when the event ended (no end date: still open)
                end_value = _resolve(element, ("end_date",))
                last, key = (
                    (inc, "end_date") if end_value is _ABSENT else (_span(end_value), "end_date")
                )
            if months is None:
                recent: Truth = True
            elif last is None:
                recent = None
            else:
                recent = (
                    True
                    if last[0] >= _months_before(inc[1], months)
                    else (False if last[1] < _months_before(inc[0], months) else None)
                )
            result = _and(before, recent)
            if result is None and key == "end_date" and recent is None:
                missing.add(f"{element_ptr}/end_date")
                return result
        if result is None:
            missing.update(_imprecise(inc, start, element_ptr, "date"))
        return result

    def evaluate(
        self, ctx: Context, base: Any = None, base_ptr: str = "", depth: int = 0
    ) -> Result:
        elements, pointer = _elements(self.items, None, ctx, base, base_ptr)
        text = self.text or f"count of {self.items.raw}"
        if elements is None:
            step = TraceStep(self.id or "count", text, pointer, None, "indeterminate", depth)
            return None, [step], {pointer}
        definite = possible = 0
        steps: list[TraceStep] = []
        missing: set[str] = set()
        for element, element_ptr in elements:
            element_missing: set[str] = set()
            matches: Truth = True
            element_steps: list[TraceStep] = []
            if self.where is not None:
                matches, element_steps, element_missing = self.where.evaluate(
                    ctx, element, element_ptr, depth + 1
                )
            if matches is False:
                continue
            inside = self._in_window(ctx, element, element_ptr, element_missing)
            if inside is False:
                continue
            # an entry that stands for several events over a span ("five reports 2014-2018")
            weight = _resolve(element, ("count",))
            many = weight if isinstance(weight, int) and not isinstance(weight, bool) else 1
            possible += many
            if matches and inside:
                definite += many
            else:
                missing |= element_missing
            steps += [s for s in element_steps if s.depth == depth + 1]
        counted = (definite, possible)
        gte, lte = _param(self.gte, ctx), _param(self.lte, ctx)
        if gte is None and lte is None:
            value: Any = counted
            result_text: Any = "indeterminate" if definite != possible else "meets"
        else:
            value = _compare(
                "gte" if gte is not None else "lte", counted, gte if gte is not None else lte
            )
            if value is False and possible == 0 and self.none_means == "indeterminate":
                value, missing = None, missing | {pointer}
            if value is not None:
                missing = set()
            result_text = outcome_of(value)
        if not ctx.trace:
            return value, [], missing
        shown = f"{definite}" if definite == possible else f"{definite} to {possible}"
        step = TraceStep(self.id or "count", text, pointer, shown, result_text, depth)
        return value, [step, *steps], missing


def _param_value(value: Any, params: Mapping[str, Any] | None) -> Any:
    if isinstance(value, ParamRef):
        return params.get(value.name, value) if params is not None else value
    return value


# ------------------------------------------------------------------------------ file formats


class CriterionModel(DefinitionModel):
    """What every criterion in a file has: an optional id and plain text."""

    id: DefinitionId | None = None
    """Stable id of the criterion (shown in traces and diffs)."""
    text: str | None = None
    """The criterion in plain words, ideally the source's own."""

    def compile(self, pointer: str) -> Criterion:
        """Compile into an engine node.

        Raises:
            CriteriaError: if the criterion is malformed (with its pointer).
        """
        raise NotImplementedError


_OPS = ("equals", "in_", "contains", "contains_any", "gte", "lte", "exists")


class Compare(CriterionModel):
    """A leaf criterion: compare one fact (a field or a derived indicator) with a value.

    Exactly one of ``fact``, ``indicator``, ``param`` and ``term``, and exactly one operator
    (none for an indicator or term that is itself true or false). A fact that
    is absent or a missingness token makes the criterion indeterminate (``exists`` excepted).
    """

    fact: str | None = Field(default=None, pattern=_POINTER)
    """JSON pointer into the case (``/incident/type``); ``./x`` is relative to the element
    under a ``some`` or ``count``."""
    indicator: DefinitionId | None = None
    """Id of a derived indicator (``definitions/indicators``)."""
    param: DefinitionId | None = None
    """Name of a parameter: lets one definition take a different path per profile."""
    term: DefinitionId | None = None
    """In a profile's review trigger only: the outcome of the profile's definition for this
    term (e.g. ``near_fatality``) — met, not met, or indeterminate."""
    unknown_values: list[Scalar] | Param | None = None
    """Values that mean "not known yet" here (e.g. a ``pending`` finding): indeterminate."""
    equals: Scalar | Param | None = None
    """The fact equals this value."""
    in_: list[Scalar] | Param | None = Field(default=None, alias="in")
    """The fact is one of these values."""
    contains: Scalar | Param | None = None
    """The fact is a list that contains this value."""
    contains_any: list[Scalar] | Param | None = None
    """The fact is a list that contains at least one of these values."""
    gte: float | Param | None = None
    """The fact (or count) is at least this."""
    lte: float | Param | None = None
    """The fact (or count) is at most this."""
    exists: bool | None = None
    """``true``: the fact is given (not absent, not a missingness token)."""

    def compile(self, pointer: str) -> Criterion:  # noqa: D102
        subjects = [k for k in ("fact", "indicator", "param", "term") if getattr(self, k)]
        if len(subjects) != 1:
            msg = "a criterion examines exactly one of fact, indicator, param, term"
            raise CriteriaError(msg, pointer)
        ops = [op for op in _OPS if getattr(self, op) is not None]
        if len(ops) > 1 or (not ops and self.indicator is None and self.term is None):
            msg = f"a criterion needs exactly one operator, found {ops or 'none'}"
            raise CriteriaError(msg, pointer)
        op = ops[0] if ops else None
        return CompareNode(
            self.id,
            self.text,
            _fact(self.fact) if self.fact else None,
            self.indicator,
            self.param,
            self.term,
            op,
            _value(getattr(self, op)) if op else None,
            _value(self.unknown_values),
        )


class All(CriterionModel):
    """Met when every part is met; not met when any is not met; otherwise indeterminate."""

    all: list[Expression] = Field(min_length=1)
    """The parts, all of which must be met."""

    def compile(self, pointer: str) -> Criterion:  # noqa: D102
        parts = tuple(compile_expression(e, f"{pointer}/all/{i}") for i, e in enumerate(self.all))
        return JunctionNode(self.id, self.text, parts, is_all=True)


class AnyOf(CriterionModel):
    """Met when any part is met; not met when every part is not met; otherwise indeterminate."""

    any: list[Expression] = Field(min_length=1)
    """The parts, one of which must be met."""

    def compile(self, pointer: str) -> Criterion:  # noqa: D102
        parts = tuple(compile_expression(e, f"{pointer}/any/{i}") for i, e in enumerate(self.any))
        return JunctionNode(self.id, self.text, parts, is_all=False)


class Not(CriterionModel):
    """Met when the part is not met (indeterminate stays indeterminate)."""

    not_: Expression = Field(alias="not")
    """The part that must not be met."""

    def compile(self, pointer: str) -> Criterion:  # noqa: D102
        return NotNode(self.id, self.text, compile_expression(self.not_, f"{pointer}/not"))


class Window(DefinitionModel):
    """A span of time relative to the incident, for counting timeline events."""

    months_before: int | Param | None = None
    """Events dated at most this many months before the incident (``null``: no limit)."""
    include_incident_day: bool = False
    """Whether events on the incident day count (prior involvement excludes them)."""
    at_incident: bool = False
    """Instead of a span before the incident: events under way on the incident day (started
    on or before it and not ended before it; an absent ``end_date`` means still open)."""
    overlaps: bool = False
    """Count events under way at any time in the window (started before the incident and not
    ended before the window began), not only events that started in it: "received services
    within 12 months" includes a service that began earlier and ended inside the window."""


class Some(CriterionModel):
    """Met when at least one element of a list meets ``where``.

    With ``ref``, the list holds ids that are looked up among the objects of another list
    (e.g. ``alleged_responsible`` ids among ``/persons``).
    """

    some: str = Field(pattern=_POINTER)
    """Pointer to the list."""
    ref: str | None = Field(default=None, pattern=_POINTER)
    """Pointer to the list of objects (with ``id``) that the ids refer to."""
    filter: Expression | None = None
    """Only elements that pass this test are considered (e.g. determinations by one authority)."""
    where: Expression
    """The test applied to each element (relative facts start with ``./``)."""
    none_means: Literal["not_met", "indeterminate"] = "not_met"
    """What it means when no element is considered (an empty list, or none passes the
    filter): usually "not met"; "indeterminate" where that means "not recorded yet" (e.g. no
    death review determination so far)."""

    def compile(self, pointer: str) -> Criterion:  # noqa: D102
        return SomeNode(
            self.id,
            self.text,
            _fact(self.some),
            _fact(self.ref) if self.ref else None,
            compile_expression(self.filter, f"{pointer}/filter") if self.filter else None,
            compile_expression(self.where, f"{pointer}/where"),
            self.none_means,
        )


class Count(CriterionModel):
    """Count the elements of a list that meet ``where`` within a time window, and compare.

    Three-valued: elements whose test or date is uncertain count as "possibly", and the
    comparison is indeterminate when the possible count could change the answer.
    """

    count: str = Field(pattern=_POINTER)
    """Pointer to the list (usually ``/history``)."""
    where: Expression | None = None
    """The test applied to each element; all elements when absent."""
    window: Window | None = None
    """Only elements dated in this window (by their ``date``)."""
    gte: int | Param | None = None
    """At least this many."""
    lte: int | Param | None = None
    """At most this many."""
    none_means: Literal["not_met", "indeterminate"] = "not_met"
    """What a count of zero means for ``gte``: see :class:`Some`."""

    def compile(self, pointer: str) -> Criterion:  # noqa: D102
        if self.gte is not None and self.lte is not None:
            raise CriteriaError("a count compares with gte or lte, not both", pointer)
        window = self.window
        return CountNode(
            self.id,
            self.text,
            _fact(self.count),
            compile_expression(self.where, f"{pointer}/where") if self.where else None,
            _value(window.months_before) if window else None,
            window is not None,
            window.include_incident_day if window else False,
            window.at_incident if window else False,
            window.overlaps if window else False,
            _value(self.gte),
            _value(self.lte),
            self.none_means,
        )


# ------------------------------------------------------------------------------ the table


@attrs.frozen
class Kind:
    """One criterion kind: its tag, the key that marks it in a file, and its model."""

    tag: str
    key: str | None
    """The key that identifies the kind in a file; ``None`` for the default kind (a leaf)."""
    model: type[CriterionModel]


#: Every criterion kind. A new kind is one entry here (with its model and node above).
KINDS: tuple[Kind, ...] = (
    Kind("all", "all", All),
    Kind("any", "any", AnyOf),
    Kind("not", "not", Not),
    Kind("some", "some", Some),
    Kind("count", "count", Count),
    Kind("compare", None, Compare),
)

_BY_KEY = {k.key: k for k in KINDS if k.key is not None}
_BY_MODEL = {k.model: k for k in KINDS}
_DEFAULT = next(k for k in KINDS if k.key is None)


def _tag(value: Any) -> str:
    if isinstance(value, dict):
        kind = next((_BY_KEY[key] for key in _BY_KEY if key in value), _DEFAULT)
    else:
        kind = _BY_MODEL.get(type(value), _DEFAULT)
    return TAG_PREFIX + kind.tag


if TYPE_CHECKING:
    Expression = CriterionModel
else:
    from typing import Union

    Expression = Annotated[
        Union[tuple(Annotated[k.model, Tag(TAG_PREFIX + k.tag)] for k in KINDS)],  # noqa: UP007
        Discriminator(_tag),
    ]
    for _kind in KINDS:
        _kind.model.model_rebuild()
    Window.model_rebuild()

_ADAPTER: TypeAdapter[Any] = TypeAdapter(Expression)


def compile_expression(expr: CriterionModel, pointer: str = "") -> Criterion:
    """Compile a parsed criterion (any kind) into an engine node.

    Raises:
        CriteriaError: if a criterion is malformed (with its pointer in the file).
    """
    return expr.compile(pointer)


def compile_criteria(data: Mapping[str, Any] | CriterionModel, pointer: str = "") -> Criterion:
    """Read criteria written as in a definition file (a mapping) and compile them.

    Raises:
        pydantic.ValidationError: if the mapping is not a criterion.
        CriteriaError: if a criterion is malformed.
    """
    model = data if isinstance(data, CriterionModel) else _ADAPTER.validate_python(data)
    return compile_expression(model, pointer)
