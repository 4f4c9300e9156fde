"""Criteria: compiled once from definition files, evaluated with three-valued logic.

Truth values are ``True`` (met), ``False`` (not met) and ``None`` (indeterminate: a needed fact
is absent, a missingness token, or not precise enough). ``all`` is false if any part is false,
else indeterminate if any part is; ``any`` dually. Every evaluation returns its trace and the
pointers of the facts that would settle an indeterminate result.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

import attrs
from pydantic import BaseModel

from npcs_review._pointer import escape, split
from npcs_review.definitions import All, AnyOf, Count, Expression, Not, Param, Some
from npcs_review.engine.decision import TraceStep, outcome_of
from npcs_review.models import MISSING
from npcs_review.models._types import date_bounds

__all__ = [
    "Context",
    "Node",
    "ParamRef",
    "compile_expression",
    "evaluate",
    "iter_references",
]

Truth = bool | None
Span = tuple[date, date]
_OPS = ("equals", "in_", "contains", "contains_any", "gte", "lte", "exists")


@attrs.frozen
class ParamRef:
    """A value to be read from the parameters at evaluation time."""

    name: str


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


@attrs.frozen
class CompareNode:
    """A leaf: one fact, indicator or parameter compared with a value."""

    id: str | None
    text: str | None
    fact: Fact | None
    indicator: str | None
    param: str | None
    term: str | None
    op: str | None
    value: Any
    unknown_values: Any


@attrs.frozen
class AllNode:
    """Every part."""

    id: str | None
    text: str | None
    parts: tuple[Node, ...]


@attrs.frozen
class AnyNode:
    """At least one part."""

    id: str | None
    text: str | None
    parts: tuple[Node, ...]


@attrs.frozen
class NotNode:
    """The opposite of the part."""

    id: str | None
    text: str | None
    part: Node


@attrs.frozen
class SomeNode:
    """At least one element of a list meets ``where``."""

    id: str | None
    text: str | None
    items: Fact
    ref: Fact | None
    filter: Node | None
    where: Node
    none_means: str


@attrs.frozen
class CountNode:
    """How many elements of a list meet ``where`` inside a time window."""

    id: str | None
    text: str | None
    items: Fact
    where: Node | None
    months_before: Any
    window: bool
    include_day: bool
    at_incident: bool
    overlaps: bool
    gte: Any
    lte: Any
    none_means: str


Node = CompareNode | AllNode | AnyNode | NotNode | SomeNode | CountNode


class CriteriaError(ValueError):
    """A criterion is malformed (reported by the registry with its file and pointer)."""

    def __init__(self, message: str, pointer: str) -> None:
        super().__init__(message)
        self.pointer = pointer


def _value(v: Any) -> Any:
    return ParamRef(v.param) if isinstance(v, Param) else v


def compile_expression(expr: Expression, pointer: str = "") -> Node:
    """Compile a parsed expression into engine nodes.

    Raises:
        CriteriaError: if a leaf names no fact or more than one, or no operator or several.
    """
    if isinstance(expr, All):
        return AllNode(
            expr.id,
            expr.text,
            tuple(compile_expression(e, f"{pointer}/all/{i}") for i, e in enumerate(expr.all)),
        )
    if isinstance(expr, AnyOf):
        return AnyNode(
            expr.id,
            expr.text,
            tuple(compile_expression(e, f"{pointer}/any/{i}") for i, e in enumerate(expr.any)),
        )
    if isinstance(expr, Not):
        return NotNode(expr.id, expr.text, compile_expression(expr.not_, f"{pointer}/not"))
    if isinstance(expr, Some):
        return SomeNode(
            expr.id,
            expr.text,
            _fact(expr.some),
            _fact(expr.ref) if expr.ref else None,
            compile_expression(expr.filter, f"{pointer}/filter") if expr.filter else None,
            compile_expression(expr.where, f"{pointer}/where"),
            expr.none_means,
        )
    if isinstance(expr, Count):
        if (expr.gte is None) == (expr.lte is None) and (expr.gte is not None):
            raise CriteriaError("a count compares with gte or lte, not both", pointer)
        window = expr.window
        return CountNode(
            expr.id,
            expr.text,
            _fact(expr.count),
            compile_expression(expr.where, f"{pointer}/where") if expr.where else None,
            _value(window.months_before) if window else None,
            window is not None,
            window.include_incident_day if window else False,
            window.at_incident if window else False,
            window.overlaps if window else False,
            _value(expr.gte),
            _value(expr.lte),
            expr.none_means,
        )
    subjects = [k for k in ("fact", "indicator", "param", "term") if getattr(expr, k) is not None]
    if len(subjects) != 1:
        raise CriteriaError(
            "a criterion examines exactly one of fact, indicator, param, term", pointer
        )
    ops = [op for op in _OPS if getattr(expr, op) is not None]
    if len(ops) > 1 or (not ops and expr.indicator is None and expr.term is None):
        raise CriteriaError(
            f"a criterion needs exactly one operator, found {ops or 'none'}", pointer
        )
    op = ops[0] if ops else None
    return CompareNode(
        expr.id,
        expr.text,
        _fact(expr.fact) if expr.fact else None,
        expr.indicator,
        expr.param,
        expr.term,
        op,
        _value(getattr(expr, op)) if op else None,
        _value(expr.unknown_values),
    )


def iter_references(node: Node) -> Iterator[tuple[str, str]]:
    """Yield ``("param", name)`` and ``("indicator", id)`` for everything the node uses."""
    values: list[Any] = []
    if isinstance(node, CompareNode):
        if node.indicator:
            yield "indicator", node.indicator
        if node.param:
            yield "param", node.param
        if node.term:
            yield "term", node.term
        values = [node.value, node.unknown_values]
    elif isinstance(node, AllNode | AnyNode):
        for part in node.parts:
            yield from iter_references(part)
    elif isinstance(node, NotNode):
        yield from iter_references(node.part)
    elif isinstance(node, SomeNode):
        yield from iter_references(node.where)
        if node.filter is not None:
            yield from iter_references(node.filter)
    else:
        if node.where is not None:
            yield from iter_references(node.where)
        values = [node.months_before, node.gte, node.lte]
    for v in values:
        if isinstance(v, ParamRef):
            yield "param", v.name


# ------------------------------------------------------------------------------ evaluation

IndicatorLookup = Callable[[str, "Context"], tuple[Any, list[TraceStep], set[str]]]


@attrs.define
class Context:
    """What an evaluation needs: the case, the parameters, the incident date, indicators."""

    case: Any
    params: dict[str, Any]
    indicator: IndicatorLookup
    incident: Span | None = None
    term: Callable[[str], tuple[Any, list[TraceStep], set[str]]] | None = None
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


def _describe(node: CompareNode, value: Any) -> str:
    subject = (
        node.fact.raw if node.fact else node.indicator or node.term or f"parameter {node.param}"
    )
    words = {
        "equals": "is",
        "in_": "is one of",
        "contains": "includes",
        "contains_any": "includes one of",
        "gte": "is at least",
        "lte": "is at most",
        "exists": "is recorded",
    }
    if node.op is None:
        return f"{subject} holds"
    if node.op == "exists":
        return f"{subject} is recorded" if value else f"{subject} is not recorded"
    shown = ", ".join(map(str, value)) if isinstance(value, list) else value
    return f"{subject} {words[node.op]} {shown}"


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


def evaluate(
    node: Node, ctx: Context, base: Any = None, base_ptr: str = "", depth: int = 0
) -> tuple[Any, list[TraceStep], set[str]]:
    """Evaluate ``node`` on the case in ``ctx``.

    Returns:
        The value (three-valued truth, or ``(definite, possible)`` for a bare count), the
        trace, and the pointers of the facts that would settle an indeterminate result.
    """
    if isinstance(node, CompareNode):
        return _eval_compare(node, ctx, base, base_ptr, depth)
    if isinstance(node, AllNode | AnyNode):
        return _eval_junction(node, ctx, base, base_ptr, depth)
    if isinstance(node, NotNode):
        value, steps, missing = evaluate(node.part, ctx, base, base_ptr, depth + 1)
        result = None if value is None else not value
        if not ctx.trace:
            return result, [], missing
        step = TraceStep(
            node.id or "not",
            node.text or "not the following",
            None,
            None,
            outcome_of(result),
            depth,
        )
        return result, [step, *steps], missing
    if isinstance(node, SomeNode):
        return _eval_some(node, ctx, base, base_ptr, depth)
    return _eval_count(node, ctx, base, base_ptr, depth)


def _eval_compare(
    node: CompareNode, ctx: Context, base: Any, base_ptr: str, depth: int
) -> tuple[Any, list[TraceStep], set[str]]:
    target = _param(node.value, ctx)
    nested: list[TraceStep] = []
    missing: set[str] = set()
    pointer: str | None = None
    if node.fact is not None:
        observed, pointer = _lookup(node.fact, ctx, base, base_ptr)
        unknown = _param(node.unknown_values, ctx) or ()
        if node.op == "exists":
            result: Truth = not _is_missing(observed)
        elif _is_missing(observed) or observed in unknown:
            result = None
            missing.add(pointer)
        else:
            result = _compare(node.op, observed, target)
            if result is None:
                missing.add(pointer)
    elif node.indicator is not None or node.term is not None:
        if node.indicator is not None:
            observed, inner, inner_missing = ctx.indicator(node.indicator, ctx)
        elif ctx.term is not None:
            observed, inner, inner_missing = ctx.term(node.term or "")
        else:
            observed, inner, inner_missing = None, [], set()
        if ctx.trace:
            nested = [attrs.evolve(s, depth=s.depth + depth + 1) for s in inner]
        result = _compare(node.op, observed, target)
        if result is None:
            missing |= inner_missing
    else:
        observed = ctx.params.get(node.param or "")
        result = _compare(node.op, observed, target)
    if not ctx.trace:
        return result, [], missing
    step = TraceStep(
        node.id or node.indicator or node.term or "criterion",
        node.text or _describe(node, target),
        pointer,
        _shown(observed),
        outcome_of(result),
        depth,
    )
    return result, [step, *nested], missing


def _eval_junction(
    node: AllNode | AnyNode, ctx: Context, base: Any, base_ptr: str, depth: int
) -> tuple[Any, list[TraceStep], set[str]]:
    is_all = isinstance(node, AllNode)
    steps: list[TraceStep] = []
    missing: set[str] = set()
    decisive = False
    undecided = False
    for part in node.parts:
        value, part_steps, part_missing = evaluate(part, ctx, base, base_ptr, depth + 1)
        steps += part_steps
        if value is None:
            undecided = True
            missing |= part_missing
        elif value is not is_all:  # a false part of all, a true part of any
            decisive = True
            if not ctx.trace:
                break
    result: Truth = (not is_all) if decisive else (None if undecided else is_all)
    if result is not None:
        missing = set()
    if not ctx.trace:
        return result, steps, missing
    text = node.text or ("all of the following" if is_all else "any of the following")
    step = TraceStep(
        node.id or ("all" if is_all else "any"), text, None, None, outcome_of(result), depth
    )
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


def _eval_some(
    node: SomeNode, ctx: Context, base: Any, base_ptr: str, depth: int
) -> tuple[Any, list[TraceStep], set[str]]:
    elements, pointer = _elements(node.items, node.ref, ctx, base, base_ptr)
    text = node.text or f"some element of {node.items.raw} meets the test"
    if elements is None:
        step = TraceStep(node.id or "some", text, pointer, None, "indeterminate", depth)
        return None, [step], {pointer}
    steps: list[TraceStep] = []
    missing: set[str] = set()
    result: Truth = False
    considered = 0
    for element, element_ptr in elements:
        passes: Truth = True
        filter_steps: list[TraceStep] = []
        filter_missing: set[str] = set()
        if node.filter is not None:
            passes, filter_steps, filter_missing = evaluate(
                node.filter, ctx, element, element_ptr, depth + 1
            )
            if passes is False:
                continue
        considered += 1
        value, element_steps, element_missing = evaluate(
            node.where, ctx, element, element_ptr, depth + 1
        )
        value = _and(passes, value)
        if value:
            result, steps, missing = True, filter_steps + element_steps, set()
            break
        steps += filter_steps + element_steps
        if value is None:
            result = None
            missing |= (filter_missing if passes is None else set()) | (
                element_missing if value is None else set()
            )
    if result is False and not considered and node.none_means == "indeterminate":
        result, missing = None, {pointer}
    if not ctx.trace:
        return result, [], missing
    matched = "a match" if result else ("no match" if result is False else "no certain match")
    step = TraceStep(
        node.id or "some",
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


def _and(a: Truth, b: Truth) -> Truth:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _in_window(
    node: CountNode, ctx: Context, element: Any, element_ptr: str, missing: set[str]
) -> Truth:
    if not node.window:
        return True
    inc = ctx.incident
    start = _span(_resolve(element, ("date",)))
    if node.at_incident:
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
        if node.include_day:
            before: Truth = True if start[1] <= inc[0] else (False if start[0] > inc[1] else None)
        else:
            before = True if start[1] < inc[0] else (False if start[0] >= inc[1] else None)
        months = _param(node.months_before, ctx)
        last: Span | None = start
        key = "date"
        if node.overlaps:  # judge recency by when the event ended (no end date: still open)
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


def _imprecise(inc: Span | None, start: Span | None, element_ptr: str, key: str) -> set[str]:
    out = set()
    if inc is None or inc[0] != inc[1]:
        out.add("/incident/date")
    if start is None or start[0] != start[1]:
        out.add(f"{element_ptr}/{key}")
    return out


def _eval_count(
    node: CountNode, ctx: Context, base: Any, base_ptr: str, depth: int
) -> tuple[Any, list[TraceStep], set[str]]:
    elements, pointer = _elements(node.items, None, ctx, base, base_ptr)
    text = node.text or f"count of {node.items.raw}"
    if elements is None:
        step = TraceStep(node.id or "count", text, pointer, None, "indeterminate", depth)
        return None, [step], {pointer}
    definite = possible = 0
    steps: list[TraceStep] = []
    missing: set[str] = set()
    for element, element_ptr in elements:
        element_missing: set[str] = set()
        matches: Truth = True
        element_steps: list[TraceStep] = []
        if node.where is not None:
            matches, element_steps, element_missing = evaluate(
                node.where, ctx, element, element_ptr, depth + 1
            )
        if matches is False:
            continue
        inside = _in_window(node, ctx, element, element_ptr, element_missing)
        if inside is False:
            continue
        possible += 1
        if matches and inside:
            definite += 1
        else:
            missing |= element_missing
        steps += [s for s in element_steps if s.depth == depth + 1]
    counted = (definite, possible)
    gte, lte = _param(node.gte, ctx), _param(node.lte, ctx)
    if gte is None and lte is None:
        value: Any = counted
        result_text = "indeterminate" if definite != possible else "meets"
    else:
        value = _compare(
            "gte" if gte is not None else "lte", counted, gte if gte is not None else lte
        )
        if value is False and possible == 0 and node.none_means == "indeterminate":
            value, missing = None, missing | {pointer}
        if value is not None:
            missing = set()
        result_text = outcome_of(value)
    if not ctx.trace:
        return value, [], missing
    shown = f"{definite}" if definite == possible else f"{definite} to {possible}"
    step = TraceStep(
        node.id or "count",
        text,
        pointer,
        shown,
        result_text,  # type: ignore[arg-type]
        depth,
    )
    return value, [step, *steps], missing
