"""Extract the core data set's rows from a case: each element read from its source, then coarsened.

A :class:`Plan` is compiled once per agreement (which element is shared, at which level) and
applied to every case: each table's rows come from the case (one row), a list in it (one row an
element) or a named row source (the classifications, the agency-history summary); each
element's raw value comes from a fact, a derived indicator or a named derivation, and its
ladder turns it into the columns the level keeps. Withheld elements are never computed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import attrs
from pydantic import BaseModel

from npcs_review._pointer import split
from npcs_review.engine.classify import CaseEvaluator
from npcs_review.engine.criteria import _months_before
from npcs_review.models import MISSING, Case
from npcs_review.models._types import date_bounds
from npcs_review.registry import Registry
from npcs_review.share.dataset import Column, CoreDataSet, Element, Table
from npcs_review.share.ladders import EMPTY_LIST, LADDERS, Convert, value_normalizer

__all__ = ["DERIVATIONS", "ROW_SOURCES", "CaseContext", "Plan", "TablePlan", "compile_plan"]


@attrs.define
class CaseContext:
    """One case being extracted, with what its elements compute once and share."""

    case: Case
    registry: Registry
    pseudonym: Callable[[str, str], str]
    incident_day: date | None = attrs.field(init=False)
    span: tuple[date, date] | None = attrs.field(init=False)
    evaluator: CaseEvaluator = attrs.field(init=False)
    case_pseudonym: str = attrs.field(init=False)
    _classifications: list[dict[str, Any]] | None = attrs.field(default=None, init=False)
    _profile_review: str | None = attrs.field(default=None, init=False)

    def __attrs_post_init__(self) -> None:
        raw = self.case.incident.date
        self.span = None if raw in MISSING else date_bounds(str(raw))
        self.incident_day = self.span[0] if self.span and self.span[0] == self.span[1] else None
        self.evaluator = CaseEvaluator(self.case, self.registry)
        self.case_pseudonym = self.pseudonym("case", self.case.case.case_id)

    def classifications(self) -> list[dict[str, Any]]:
        """The decisions under the national set and the jurisdiction's profile, as rows."""
        if self._classifications is None:
            rows: list[dict[str, Any]] = []
            runs = [("national", self.evaluator.classify())]
            profile = self.case.case.jurisdiction
            if profile in self.registry.profiles:
                run = self.evaluator.classify(profile)
                runs.append((profile, run))
                self._profile_review = run.review_required
            for scheme, run in runs:
                rows.extend(
                    {
                        "scheme": scheme,
                        "term": d.term,
                        "definition_id": d.definition_id,
                        "definition_version": d.definition_version,
                        "outcome": d.outcome,
                        "missing_fact_count": len(d.missing_facts),
                    }
                    for d in run.decisions
                )
            self._classifications = rows
        return self._classifications

    def review_required(self) -> str | None:
        """Whether the jurisdiction's profile requires a review (None without a profile)."""
        self.classifications()
        return self._profile_review


# ------------------------------------------------------------------------------ sources


def _resolve(obj: Any, tokens: Sequence[str]) -> Any:
    for token in tokens:
        if isinstance(obj, BaseModel):
            obj = getattr(obj, token, None)
        elif isinstance(obj, dict):
            obj = obj.get(token)
        else:
            return None
        if obj is None:
            return None
    return obj


def _ids(items: Iterable[Any]) -> dict[str, int]:
    return {item.id: i for i, item in enumerate(items, start=1)}


def _joined(numbers: Iterable[int]) -> str:
    """Numbers joined by ';' in order, or ``none`` (an empty string would read as missing)."""
    return ";".join(str(n) for n in sorted(numbers)) or EMPTY_LIST


Derivation = Callable[[CaseContext, Any, int, Mapping[str, Any]], Any]


def _geography(ctx: CaseContext, row: Any, index: int, params: Mapping[str, Any]) -> Any:
    info = ctx.case.case
    return (getattr(info, "county", None), getattr(info, "region", None), info.jurisdiction)


def _race_ethnicity(ctx: CaseContext, row: Any, index: int, params: Mapping[str, Any]) -> Any:
    return ctx.case.child.race, ctx.case.child.hispanic


def _responsible(ctx: CaseContext, row: Any, index: int, params: Mapping[str, Any]) -> Any:
    persons = _ids(ctx.case.persons)
    return _joined(persons[p] for p in row.alleged_responsible if p in persons)


def _alleged(ctx: CaseContext, row: Any, index: int, params: Mapping[str, Any]) -> Any:
    return any(row.id in m.alleged_responsible for m in ctx.case.maltreatments)


def _determination_maltreatments(
    ctx: CaseContext, row: Any, index: int, params: Mapping[str, Any]
) -> Any:
    numbers = _ids(ctx.case.maltreatments)
    return _joined(numbers[m] for m in row.maltreatments if m in numbers)


def _links(ctx: CaseContext) -> Sequence[Any]:
    return ctx.case.review.links if ctx.case.review else ()


def _addressed(ctx: CaseContext, row: Any, index: int, params: Mapping[str, Any]) -> Any:
    return any(k.kind == "addresses" and k.target == row.id for k in _links(ctx))


def _addressed_count(ctx: CaseContext, row: Any, index: int, params: Mapping[str, Any]) -> Any:
    review = ctx.case.review
    if review is None:
        return 0
    pool = review.factors if params.get("kind") == "factor" else review.barriers
    targets = {n.id for n in pool}
    links = review.links
    return sum(
        1 for k in links if k.kind == "addresses" and k.source == row.id and k.target in targets
    )


def _team_size(ctx: CaseContext, row: Any, index: int, params: Mapping[str, Any]) -> Any:
    return len(ctx.case.review.team) if ctx.case.review else None


#: The named derivations elements may use (``source: {derived: name}``).
DERIVATIONS: Mapping[str, Derivation] = {
    "case_pseudonym": lambda ctx, row, index, params: ctx.case_pseudonym,
    "index": lambda ctx, row, index, params: index,
    "geography": _geography,
    "race_ethnicity": _race_ethnicity,
    "responsible_persons": _responsible,
    "person_alleged_responsible": _alleged,
    "determination_maltreatments": _determination_maltreatments,
    "factor_addressed": _addressed,
    "addressed_count": _addressed_count,
    "review_required": lambda ctx, row, index, params: ctx.review_required(),
    "review_team_size": _team_size,
}


# ------------------------------------------------------------------------------ rows

RowSource = Callable[[CaseContext, Table], Sequence[Any]]


def _history_summary(ctx: CaseContext, table: Table) -> Sequence[Any]:
    """One row per kind of history event: counts before the incident, in windows, and more.

    Counts follow the criteria engine's windows (an event counts when its dates settle it:
    strictly before the incident day, and on or after the day N months before it); events that
    could fall either side are counted apart. The test suite checks these counts against the
    engine's own ``count`` criteria.
    """
    history = ctx.case.history
    if not history:
        return []
    windows: Mapping[str, int] = table.parameters.get("windows", {})
    spans = frozenset(table.parameters.get("span_types", ()))
    inc = ctx.span
    rows: dict[str, dict[str, Any]] = {}
    for event in history:
        row = rows.get(event.type)
        if row is None:
            row = rows[event.type] = {
                "event_type": event.type,
                "before": 0,
                "uncertain": 0,
                "about_child": 0,
                **dict.fromkeys(windows, 0),
                "open_at_incident": False if event.type in spans else None,
            }
        start = None if event.date in MISSING else date_bounds(str(event.date))
        if event.type in spans:
            row["open_at_incident"] = _any(row["open_at_incident"], _under_way(event, start, inc))
        if inc is None or start is None:
            row["uncertain"] += 1
            continue
        if start[0] >= inc[1]:
            continue  # on the incident day or after it
        if start[1] >= inc[0]:
            row["uncertain"] += 1  # could fall either side
            continue
        row["before"] += 1
        row["about_child"] += "child" in event.subjects
        for name, months in windows.items():
            row[name] += start[0] >= _months_before(inc[1], months)
    out = []
    for event_type in sorted(rows, key=_history_rank):
        row = rows[event_type]
        row["since_most_recent"] = _since_most_recent(ctx, event_type)
        out.append(row)
    return out


def _any(so_far: bool | None, this: bool | None) -> bool | None:
    """Three-valued "any": true if one is, false only if all are false."""
    if so_far is True or this is True:
        return True
    return None if so_far is None or this is None else False


def _under_way(event: Any, start: tuple[date, date] | None, inc: Any) -> bool | None:
    """Whether an event was under way on the incident day (no end date: still open)."""
    if inc is None or start is None:
        return None
    began = True if start[1] <= inc[0] else (False if start[0] > inc[1] else None)
    if began is False:
        return False
    if event.end_date is None:
        ongoing: bool | None = True
    elif event.end_date in MISSING:
        ongoing = None
    else:
        end = date_bounds(str(event.end_date))
        ongoing = True if end[0] >= inc[1] else (False if end[1] < inc[0] else None)
    if ongoing is False:
        return False
    return True if began and ongoing else None


def _history_rank(code: str) -> int:
    from npcs_review.codelists import codelist  # noqa: PLC0415

    return codelist("history_event_type").rank(code)


def _since_most_recent(ctx: CaseContext, event_type: str) -> int | None:
    """Days from the most recent event of a type before the incident day, when settled."""
    if ctx.span is None or ctx.incident_day is None:
        return None
    latest: tuple[date, date] | None = None
    for event in ctx.case.history:
        if event.type != event_type:
            continue
        if event.date in MISSING:
            return None  # it could be the most recent
        span = date_bounds(str(event.date))
        if span[0] >= ctx.incident_day:
            continue  # on the incident day or after it: not before it
        if span[1] >= ctx.incident_day:
            return None  # could fall either side
        if latest is None or span[1] > latest[1]:
            latest = span
    if latest is None or latest[0] != latest[1]:
        return None
    return (ctx.incident_day - latest[0]).days


#: Named row sources (``rows:`` in a table file) besides ``case`` and list pointers.
ROW_SOURCES: Mapping[str, RowSource] = {
    "case": lambda ctx, table: (ctx.case,),
    "classifications": lambda ctx, table: ctx.classifications(),
    "history_summary": _history_summary,
}


# ------------------------------------------------------------------------------ plans


@attrs.frozen
class Step:
    """One element as shared: how to read it, coarsen it, and which columns to keep."""

    element: Element
    read: Callable[[CaseContext, Any, int], Any]
    convert: Convert
    keep: tuple[tuple[str, str], ...]
    """(ladder column, column name) pairs the level keeps."""
    emit: Callable[[CaseContext, Any, int, dict[str, Any]], None]
    """Reads, coarsens and writes the kept columns into a row (built once, for speed)."""


@attrs.frozen
class TablePlan:
    """One table as shared: its rows and its steps."""

    table: Table
    rows: Callable[[CaseContext], Sequence[Any]]
    steps: tuple[Step, ...]
    columns: tuple[Column, ...]
    """The columns shared, in order."""


@attrs.frozen
class Plan:
    """Every table as shared under one set of element levels."""

    tables: tuple[TablePlan, ...]

    def extract(self, ctx: CaseContext) -> dict[str, list[dict[str, Any]]]:
        """The case's rows, by table name, each row a mapping of column name to value."""
        out: dict[str, list[dict[str, Any]]] = {}
        for plan in self.tables:
            rows = []
            for index, item in enumerate(plan.rows(ctx), start=1):
                row: dict[str, Any] = {}
                for step in plan.steps:
                    step.emit(ctx, item, index, row)
                rows.append(row)
            out[plan.table.id] = rows
        return out


def _emitter(
    element: Element,
    read: Callable[[CaseContext, Any, int], Any],
    convert: Convert,
    keep: tuple[tuple[str, str], ...],
) -> Callable[[CaseContext, Any, int, dict[str, Any]], None]:
    if element.ladder.id == "value" and len(keep) == 1:
        normalize = value_normalizer(element)
        name = keep[0][1]

        def emit_value(ctx: CaseContext, item: Any, index: int, row: dict[str, Any]) -> None:
            row[name] = normalize(read(ctx, item, index))

        return emit_value

    def emit(ctx: CaseContext, item: Any, index: int, row: dict[str, Any]) -> None:
        parts = convert(read(ctx, item, index), element, ctx.incident_day)
        for part, column in keep:
            row[column] = parts[part]

    return emit


def _reader(element: Element, dict_rows: bool) -> Callable[[CaseContext, Any, int], Any]:
    params = element.parameters
    if element.source_kind == "derived":
        derive = DERIVATIONS[element.source]
        return lambda ctx, row, index: derive(ctx, row, index, params)
    if element.source_kind == "indicator":
        return _indicator_reader(element)
    raw = element.source
    if raw.startswith("./"):
        tokens = split(raw[1:])
        if len(tokens) == 1:  # the common case, read directly
            [token] = tokens
            if dict_rows:
                return lambda ctx, row, index: row.get(token)
            return lambda ctx, row, index: getattr(row, token, None)
        return lambda ctx, row, index: _resolve(row, tokens)
    absolute = split(raw)
    return lambda ctx, row, index: _resolve(ctx.case, absolute)


def _indicator_reader(element: Element) -> Callable[[CaseContext, Any, int], Any]:
    from npcs_review.registry import default_registry  # noqa: PLC0415

    indicator = default_registry().indicators[element.source]
    params = {**indicator.defaults, **element.parameters}

    def read(ctx: CaseContext, row: Any, index: int) -> Any:
        value = ctx.evaluator.indicator(indicator, params).value
        if isinstance(value, tuple):  # a count: (definite, possible), settled only if equal
            return value[0] if value[0] == value[1] else None
        return value

    return read


def _row_source(table: Table) -> Callable[[CaseContext], Sequence[Any]]:
    named = ROW_SOURCES.get(table.rows)
    if named is not None:
        return lambda ctx: named(ctx, table)
    tokens = split(table.rows)
    return lambda ctx: _resolve(ctx.case, tokens) or ()


def compile_plan(core: CoreDataSet, levels: Mapping[str, str | None]) -> Plan:
    """The plan that shares each element at ``levels[element_id]`` (None or absent: withheld).

    Raises:
        KeyError: if a level is not one the element offers.
    """
    tables = []
    for table in core.tables.values():
        steps = []
        for element in table.elements:
            level = levels.get(element.id)
            if level is None:
                continue
            if level not in element.levels:
                msg = f"{element.id} has no level {level!r}"
                raise KeyError(msg)
            keep = tuple((c.part, c.name) for c in element.columns_at(level))
            read = _reader(element, dict_rows=table.rows in ROW_SOURCES and table.rows != "case")
            convert = LADDERS[element.ladder.id]
            steps.append(Step(element, read, convert, keep, _emitter(element, read, convert, keep)))
        columns = tuple(c for s in steps for c in s.element.columns if (c.part, c.name) in s.keep)
        tables.append(TablePlan(table, _row_source(table), tuple(steps), columns))
    return Plan(tuple(tables))


def finest_levels(core: CoreDataSet) -> dict[str, str]:
    """Every element at its finest level (what a vector checks)."""
    return {e.id: e.levels[0] for e in core.elements.values()}
