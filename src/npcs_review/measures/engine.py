"""Measures compiled to Ibis expressions: one aggregation per set of events, on any backend.

Every measure is planned into *cubes*: measures that count the same events (same source,
filters and facet) share one cube, whose dimensions are the union of their tables'. Each cube
is one Ibis expression — filter, join the jurisdictions' thresholds, group by the facet and the
dimensions, count distinct units — so the backend (DuckDB, PySpark, any Ibis connection) does
the heavy work and returns a few thousand rows. Nothing here is written for one engine.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from npcs_review.measures.definition import Filter, MeasureFile
from npcs_review.measures.sources import DIMENSIONS, SOURCES

__all__ = ["CubeSpec", "Scope", "cube_expression", "plan"]

_DIM_ORDER = list(DIMENSIONS)


@attrs.frozen
class Scope:
    """Which part of the pool a report covers.

    Attributes:
        years: first and last incident year (inclusive), or ``None`` for all.
        jurisdictions: jurisdiction codes, or empty for all.
        levels: levels each dimension shows even where no event falls (a jurisdiction with
            no fatality shows 0, not nothing).
    """

    years: tuple[int, int] | None = None
    jurisdictions: tuple[str, ...] = ()
    levels: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)


@attrs.frozen
class CubeSpec:
    """One aggregation: the events of a source that pass ``where``, counted per cell.

    Attributes:
        source: the source relation.
        where: the event filters (for a proportion: the denominator's).
        split: for a proportion: the numerator's filters (its units are counted as a second
            column and must be units of the denominator).
        split_source: the numerator's source when it differs from ``source`` (its units are
            kept only where they are units of the denominator).
        facet: a non-additive column whose values get separate cubes.
        dims: the dimensions counted over (union of the tables').
        tables: every published table (with margins) over ``dims``.
        pairs: count co-occurring pairs of facet values instead.
    """

    source: str
    where: tuple[Filter, ...]
    split: tuple[Filter, ...] | None
    facet: str | None
    dims: tuple[str, ...]
    tables: tuple[tuple[str, ...], ...]
    pairs: bool = False
    split_source: str | None = None

    @property
    def identity(self) -> str:
        """The events counted, as a stable string.

        Cells of cubes with equal identity and assignment are the same numbers.
        """
        return _filters_key(self.source, self.where, self.facet)

    @property
    def numerator_identity(self) -> str:
        """The numerator's events (for a proportion), as a stable string."""
        if self.split_source and self.split_source != self.source:
            return json.dumps(
                [_filters_key(self.split_source, self.split or (), self.facet), self.identity]
            )
        return _filters_key(self.source, self.where + (self.split or ()), self.facet)


def _canonical(filters: Iterable[Filter]) -> list[str]:
    return sorted(
        json.dumps(f.model_dump(by_alias=True, exclude_none=True), sort_keys=True) for f in filters
    )


def _filters_key(source: str, filters: Iterable[Filter], facet: str | None) -> str:
    return json.dumps([source, _canonical(filters), facet])


def _ordered(dims: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(dims), key=_DIM_ORDER.index))


def plan(measures: Sequence[MeasureFile]) -> tuple[list[CubeSpec], dict[str, int]]:
    """Group measures into cubes: returns the cubes and, per measure id, its cube's index."""
    groups: dict[str, list[MeasureFile]] = {}
    for m in measures:
        assert m.numerator.source is not None
        numerator = _filters_key(m.numerator.source, m.numerator.where, m.facet)
        den = m.denominator_set
        if den is not None:
            assert den.source is not None
            key = json.dumps(["split", _filters_key(den.source, den.where, m.facet), numerator])
        else:
            key = json.dumps([m.statistic == "co_occurrence", numerator])
        groups.setdefault(key, []).append(m)
    specs: list[CubeSpec] = []
    index: dict[str, int] = {}
    for key in sorted(groups):
        members = groups[key]
        first = members[0]
        tables = _ordered_tables(t for m in members for t in m.tables)
        dims = _ordered(d for t in tables for d in t)
        source = first.numerator.source
        assert source is not None
        den = first.denominator_set
        if den is not None:
            assert den.source is not None
            spec = CubeSpec(
                den.source,
                tuple(den.where),
                tuple(first.numerator.where),
                first.facet,
                dims,
                tables,
                split_source=source,
            )
        else:
            spec = CubeSpec(
                source,
                tuple(first.numerator.where),
                None,
                first.facet,
                dims,
                tables,
                pairs=first.statistic == "co_occurrence",
            )
        for m in members:
            index[m.id] = len(specs)
        specs.append(spec)
    return specs, index


def _ordered_tables(tables: Iterable[Sequence[str]]) -> tuple[tuple[str, ...], ...]:
    seen = {_ordered(t) for t in tables}
    return tuple(sorted(seen, key=lambda t: (len(t), [_DIM_ORDER.index(d) for d in t])))


def _predicate(table: Any, f: Filter) -> Any:
    column = table[f.column]
    if f.equals is not None:
        return column == f.equals
    if f.in_ is not None:
        return column.isin(f.in_)
    if f.not_in is not None:
        return column.isnull() | ~column.isin(f.not_in)
    return column.notnull() if f.present else column.isnull()


#: The level a missing dimension value is counted under.
NOT_RECORDED = "not_recorded"


def _events(
    sources: Mapping[str, Any],
    source: str,
    where: Sequence[Filter],
    scope: Scope,
    keep: Sequence[str],
) -> Any:
    """The source's rows that pass ``where`` and the scope, with dimensions as text."""
    table = sources[source]
    conditions = [_predicate(table, f) for f in where]
    if scope.years is not None:
        conditions.append(table["year"].between(*scope.years))
    if scope.jurisdictions:
        conditions.append(table["jurisdiction"].isin(list(scope.jurisdictions)))
    if conditions:
        table = table.filter(*conditions)
    key = SOURCES[source].key
    columns = {key: table[key]}
    for name in keep:
        if name != key:
            columns[name] = table[name].cast("string").fill_null(NOT_RECORDED)
    return table.select(**columns)


def cube_expression(
    spec: CubeSpec,
    sources: Mapping[str, Any],
    thresholds: Any,
    *,
    scope: Scope | None = None,
    default_threshold: int,
) -> Any:
    """The Ibis expression that counts ``spec``'s events per cell.

    Columns: the facet (or, for pairs, ``first`` and ``second``), every dimension (as text,
    ``not_recorded`` where missing), ``n`` (distinct units), ``threshold`` (the strictest
    threshold of the jurisdictions counted in the cell) and, for a proportion, ``n_split``
    (distinct units of the numerator).

    Args:
        spec: the cube.
        sources: each source relation as an Ibis table.
        thresholds: an Ibis table of ``jurisdiction``, ``threshold``.
        scope: years and jurisdictions to keep.
        default_threshold: for a jurisdiction without a threshold of its own.
    """
    import ibis  # noqa: PLC0415

    scope = scope or Scope()
    key = SOURCES[spec.source].key
    dims = list(spec.dims)
    facet_here = spec.facet is not None and spec.facet in SOURCES[spec.source].columns
    columns = ["jurisdiction", *(d for d in dims if d != "jurisdiction")]
    keep = [*columns, spec.facet] if facet_here and spec.facet else columns
    table = _events(sources, spec.source, spec.where, scope, keep)
    if spec.pairs:
        assert spec.facet is not None
        first = table.select(key, *columns, first=table[spec.facet]).distinct()
        second = table.select(_key2=table[key], second=table[spec.facet]).distinct()
        table = first.join(
            second, [first[key] == second["_key2"], first["first"] < second["second"]]
        ).select(key, *columns, "first", "second")
        groups = ["first", "second", *dims]
    else:
        groups = ([spec.facet] if facet_here and spec.facet else []) + dims
    joined = table.left_join(thresholds, table["jurisdiction"] == thresholds["jurisdiction"])
    threshold = ibis.coalesce(joined["threshold"], ibis.literal(default_threshold))
    counts = {"n": joined[key].nunique(), "threshold": threshold.max()}
    result = joined.group_by(groups).aggregate(**counts) if groups else joined.aggregate(**counts)
    if spec.split is None:
        return result
    return _with_numerator(spec, sources, scope, result, table, groups, facet_here)


def _with_numerator(
    spec: CubeSpec,
    sources: Mapping[str, Any],
    scope: Scope,
    denominator: Any,
    den_rows: Any,
    groups: list[str],
    facet_here: bool,
) -> Any:
    """Add ``n_split``: the numerator's distinct units per cell (units of the denominator)."""
    import ibis  # noqa: PLC0415

    source = spec.split_source or spec.source
    same = source == spec.source
    key = SOURCES[spec.source].key
    keep = ["jurisdiction", *(d for d in spec.dims if d != "jurisdiction")]
    if spec.facet:
        keep.append(spec.facet)
    where = (*spec.where, *(spec.split or ())) if same else tuple(spec.split or ())
    rows = _events(sources, source, where, scope, keep)
    num_key = SOURCES[source].key
    if not same:  # only units of the denominator, counted in the denominator's cells
        units = den_rows.select(_unit=den_rows[key], **{f"_d_{d}": den_rows[d] for d in spec.dims})
        rows = rows.join(units, rows[num_key] == units["_unit"]).select(
            num_key,
            *([spec.facet] if spec.facet else []),
            **{d: units[f"_d_{d}"] for d in spec.dims},
        )
    num_groups = ([spec.facet] if spec.facet else []) + list(spec.dims)
    numerator = (
        rows.group_by(num_groups).aggregate(n_split=rows[num_key].nunique())
        if num_groups
        else rows.aggregate(n_split=rows[num_key].nunique())
    )
    if spec.facet and not facet_here:  # every facet value against the whole denominator
        values = numerator.select(spec.facet).distinct()
        denominator = denominator.cross_join(values)
        groups = [spec.facet, *groups]
    if not groups:
        return denominator.cross_join(numerator)
    right = numerator.rename({f"_r_{g}": g for g in groups})
    joined = denominator.left_join(right, [denominator[g] == right[f"_r_{g}"] for g in groups])
    return joined.select(
        *groups,
        "n",
        "threshold",
        n_split=ibis.coalesce(joined["n_split"], ibis.literal(0)),
    )
