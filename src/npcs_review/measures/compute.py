"""Run measures: execute the cubes on a backend, protect them, compute each statistic.

The backend returns counts per cell; everything after that is small and happens here, the
same for every backend: the cubes are built, disclosure control runs on each (keeping a number
that appears in two cubes suppressed in both), and each published cell gets its statistic,
interval, stability flag and change from the previous year. A statistic is published only when
every count it is computed from is published (a rate gives its count away, a ratio its parts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np

from npcs_review.measures import intervals as ci
from npcs_review.measures.definition import NEEDS_POPULATION, MeasureFile
from npcs_review.measures.disclosure import ALL, Cell, Cube, Protection, protect
from npcs_review.measures.engine import CubeSpec, Scope, cube_expression, plan
from npcs_review.measures.population import Population
from npcs_review.measures.sources import DIMENSIONS

__all__ = ["MeasureResult", "ResultRow", "ResultTable", "compute_measures"]

Suppression = Literal["primary", "complementary", "derived"] | None
_SPLIT = "_split"
_NUMERATOR, _REST = "numerator", "rest"
#: Level shown for a missing value of a dimension.
NOT_RECORDED = "not_recorded"


@attrs.frozen
class ResultRow:
    """One published cell of a measure table.

    Attributes:
        cell: ``(dimension, level)`` pairs in table order; level ``None`` = all (a margin).
        count: the events counted (``None`` when suppressed).
        denominator: population, or the wider count (``None`` when suppressed or missing).
        value: the statistic times the measure's ``per``.
        low: lower confidence limit.
        high: upper confidence limit (``None``: none exists).
        change: the statistic minus the previous year's.
        change_ratio: the statistic over the previous year's, with ``change_low``/``change_high``.
        suppressed: why the cell is not shown, if it is not.
        unstable: fewer events than the measure's minimum for a stable statistic.
        note: what a reader needs to know about this cell.
    """

    cell: tuple[tuple[str, str | None], ...]
    count: int | None
    denominator: float | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    change: float | None = None
    change_ratio: float | None = None
    change_low: float | None = None
    change_high: float | None = None
    suppressed: Suppression = None
    unstable: bool = False
    note: str | None = None


@attrs.frozen
class ResultTable:
    """One published table: a facet value, its dimensions and rows (margins: level ``None``)."""

    facet: str | None
    dims: tuple[str, ...]
    rows: tuple[ResultRow, ...]


@attrs.frozen
class MeasureResult:
    """A measure's tables and what a reader must know about them."""

    measure: MeasureFile
    tables: tuple[ResultTable, ...]
    notes: tuple[str, ...] = ()
    audit: tuple[tuple[str, int, int, float], ...] = ()
    """Per facet: (facet, published cells suppressed, cells audited, the smallest amount by
    which an audited cell's feasible interval exceeds its threshold)."""


@attrs.frozen
class _Built:
    spec: CubeSpec
    facet: str | None
    cube: Cube
    identities: Mapping[Cell, str]


def _level_order(dim: str, values: set[str], scope: Scope) -> tuple[str, ...]:
    values = values | set(scope.levels.get(dim, ()))
    if dim in DIMENSIONS:
        values |= set(DIMENSIONS[dim].levels)
    if dim == "year":
        years = {int(v) for v in values if v != NOT_RECORDED}
        if scope.years is not None:
            years |= set(range(scope.years[0], scope.years[1] + 1))
        if years:
            years |= set(range(min(years), max(years) + 1))
        extra = (NOT_RECORDED,) if NOT_RECORDED in values else ()
        return tuple(str(y) for y in sorted(years)) + extra
    codes = list(DIMENSIONS[dim].order()) if dim in DIMENSIONS else []
    rank = {c: i for i, c in enumerate(codes)}
    return tuple(sorted(values, key=lambda v: (v == NOT_RECORDED, rank.get(v, len(rank)), v)))


def _text(value: Any) -> str:
    if value is None:
        return NOT_RECORDED
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _build(spec: CubeSpec, rows: list[dict[str, Any]], scope: Scope) -> list[_Built]:
    """Turn the backend's rows into one cube per facet value."""
    dims = list(spec.dims)
    values = {d: {_text(r[d]) for r in rows} for d in dims}
    levels = tuple(_level_order(d, values[d], scope) for d in dims)
    facets: list[str | None] = (
        list(_level_order(spec.facet, {_text(r[spec.facet]) for r in rows}, scope))
        if spec.facet
        else [None]
    )
    split = spec.split is not None
    all_dims = (*dims, _SPLIT) if split else tuple(dims)
    all_levels = (*levels, (_NUMERATOR, _REST)) if split else levels
    shape = tuple(len(lv) for lv in all_levels)
    index = [{v: i for i, v in enumerate(lv)} for lv in levels]
    built = []
    for facet in facets:
        counts = np.zeros(shape, dtype=np.int64)
        thresholds = np.zeros(shape, dtype=np.int64)
        for r in rows:
            if spec.facet and _text(r[spec.facet]) != facet:
                continue
            at = tuple(index[i][_text(r[d])] for i, d in enumerate(dims))
            n, threshold = int(r["n"]), int(r["threshold"])
            if split:
                inside = int(r["n_split"])
                counts[(*at, 0)] += inside
                counts[(*at, 1)] += n - inside
                thresholds[(*at, 0)] = threshold if inside else 0
                thresholds[(*at, 1)] = threshold if n - inside else 0
            else:
                counts[at] += n
                thresholds[at] = threshold if n else 0
        tables = tuple((*t, _SPLIT) if split else t for t in spec.tables)
        cube = Cube(
            all_dims,
            all_levels,
            counts,
            thresholds,
            tables,
            {_SPLIT: frozenset({_REST})} if split else {},
        )
        built.append(_Built(spec, facet, cube, _identities(spec, facet, cube)))
    return built


def _identities(spec: CubeSpec, facet: str | None, cube: Cube) -> dict[Cell, str]:
    """A name for the number in each cell: equal names in two cubes are the same number."""
    out: dict[Cell, str] = {}
    for cell in cube.cells():
        label = cube.label(cell)
        part = label.pop(_SPLIT, None)
        if part == _REST:
            continue
        events = spec.numerator_identity if part == _NUMERATOR else spec.identity
        assignment = sorted((d, v) for d, v in label.items() if v is not None)
        out[cell] = repr((events, facet, assignment))
    return out


def _protect_all(built: Sequence[_Built]) -> list[Protection]:
    """Protect every cube; a number suppressed in one cube is suppressed wherever it appears."""
    forced: list[set[Cell]] = [set() for _ in built]
    results: list[Protection | None] = [None] * len(built)
    for _ in range(50):
        for i, b in enumerate(built):
            if results[i] is None:
                results[i] = protect(b.cube, forced=forced[i])
        done = [r for r in results if r is not None]
        hidden_names = {
            b.identities[c]
            for b, r in zip(built, done, strict=True)
            for c in r.suppressed
            if c in b.identities
        }
        changed = False
        for i, b in enumerate(built):
            result = results[i]
            assert result is not None
            new = {
                c
                for c, name in b.identities.items()
                if name in hidden_names and c not in result.suppressed
            }
            if new:
                forced[i] |= new
                results[i] = None
                changed = True
        if not changed:
            break
    return [r for r in results if r is not None]


def compute_measures(
    measures: Sequence[MeasureFile],
    sources: Mapping[str, Any],
    *,
    thresholds: Mapping[str, int],
    default_threshold: int,
    population: Population | None = None,
    scope: Scope | None = None,
    progress: Callable[[str], None] | None = None,
    load: Callable[[str, Any], Any] | None = None,
) -> list[MeasureResult]:
    """Compute ``measures`` from ``sources`` (Ibis tables on one backend).

    Args:
        measures: the measure definitions.
        sources: each source relation (see :mod:`npcs_review.measures.sources`).
        thresholds: small-cell threshold per jurisdiction (a count of 1 up to threshold - 1 is
            suppressed).
        default_threshold: for jurisdictions without their own.
        population: child population denominators, if the user gave them.
        scope: years and jurisdictions kept, and the levels every table shows even with no
            events (the jurisdictions in the pool, the population's groups).
        progress: called with a short message as each step starts.
        load: puts a small Arrow table (the thresholds) on the backend as an Ibis table
            (default ``ibis.memtable``; PySpark's pandas conversion garbles nulls, so its
            callers pass a loader that builds a Spark DataFrame).
    """
    import ibis  # noqa: PLC0415
    import pyarrow as pa  # noqa: PLC0415

    scope = scope or Scope()
    say = progress or (lambda _message: None)
    specs, index = plan(measures)
    codes = sorted(thresholds)
    arrow = pa.table(
        {
            "jurisdiction": pa.array(codes, pa.string()),
            "threshold": pa.array([int(thresholds[c]) for c in codes], pa.int64()),
        }
    )
    threshold_table = (load or (lambda _name, t: ibis.memtable(t)))("thresholds", arrow)
    built: list[list[_Built]] = []
    for number, spec in enumerate(specs, 1):
        say(f"counting {number}/{len(specs)}: {spec.source}")
        expression = cube_expression(
            spec, sources, threshold_table, scope=scope, default_threshold=default_threshold
        )
        rows = expression.to_pyarrow().to_pylist()
        built.append(_build(spec, rows, scope) if not spec.pairs else [])
        if spec.pairs:
            built[-1] = [_Built(spec, None, _pairs_cube(rows), {})]
    say("suppressing small cells and auditing")
    flat = [b for group in built for b in group if not b.spec.pairs]
    protections = dict(zip(map(id, flat), _protect_all(flat), strict=True))
    for group in built:
        for b in group:
            if b.spec.pairs:
                protections[id(b)] = protect(b.cube)
    say("computing statistics")
    results = []
    for m in measures:
        group = built[index[m.id]]
        results.append(
            _measure_result(m, [(b, protections[id(b)]) for b in group], population, scope)
        )
    return results


def _pairs_cube(rows: list[dict[str, Any]]) -> Cube:
    """Co-occurring pairs as a one-dimensional cube.

    Primary suppression only: pair counts are not additive, so they have no margins.
    """
    keys = sorted({(_text(r["first"]), _text(r["second"])) for r in rows})
    counts = np.zeros(len(keys), dtype=np.int64)
    thresholds = np.zeros(len(keys), dtype=np.int64)
    at = {k: i for i, k in enumerate(keys)}
    for r in rows:
        i = at[(_text(r["first"]), _text(r["second"]))]
        counts[i] += int(r["n"])
        thresholds[i] = max(thresholds[i], int(r["threshold"]))
    levels = tuple(f"{a}|{b}" for a, b in keys)
    return Cube(("pair",), (levels,), counts, thresholds, ())


# ------------------------------------------------------------------------ statistics


def _status(cell: Cell, protection: Protection) -> Suppression:
    if cell in protection.primary:
        return "primary"
    if cell in protection.complementary:
        return "complementary"
    return None


@attrs.frozen
class _Stats:
    """One measure on one protected cube: computes each published cell's row."""

    m: MeasureFile
    cube: Cube
    protection: Protection
    population: Population | None
    scope_levels: Mapping[str, Sequence[str]]

    def with_level(self, cell: Cell, dim: str, level: str | None) -> Cell | None:
        """``cell`` with ``dim`` set to ``level`` (``None``: all); ``None`` if absent."""
        axis = self.cube.dims.index(dim)
        if level is None:
            return (*cell[:axis], ALL, *cell[axis + 1 :])
        levels = self.cube.levels[axis]
        if level not in levels:
            return None
        return (*cell[:axis], levels.index(level), *cell[axis + 1 :])

    def counts(self, cell: Cell) -> tuple[int | None, int | None, Suppression]:
        """(numerator, wider count, status) of a cell; a proportion's numerator is its split."""
        cube, protection = self.cube, self.protection
        if _SPLIT in cube.dims:
            num = self.with_level(cell, _SPLIT, _NUMERATOR)
            if num is None:  # pragma: no cover - the split levels are fixed
                return None, None, "derived"
            own, whole = _status(num, protection), _status(cell, protection)
            n = None if own else cube.value(num)
            big = None if whole else cube.value(cell)
            return n, big, own or ("derived" if whole else None)
        status = _status(cell, protection)
        return (None if status else cube.value(cell)), None, status

    def people(self, cell: Cell) -> float | None:
        """The child population of ``cell`` (``None``: not given or missing)."""
        if self.population is None:
            return None
        return self.population.total(self.cube.label(cell), self.scope_levels)

    def row(self, cell: Cell, dims: tuple[str, ...]) -> ResultRow:
        """The published row of ``cell`` in a table over ``dims``."""
        m = self.m
        label = self.cube.label(cell)
        count, wider, status = self.counts(cell)
        row = ResultRow(tuple((d, label[d]) for d in dims), count, suppressed=status)
        if m.statistic in {"count", "rate", "proportion"}:
            return self._change(cell, dims, self._simple(cell, row, count, wider, status))
        if m.group is None or label.get(m.group) is None:  # the groups' total: counts only
            return attrs.evolve(row, denominator=None if wider is None else float(wider))
        if m.statistic == "disproportionality_index":
            return self._disproportionality(cell, row)
        if m.statistic == "disparity_index":
            return self._disparity(cell, row)
        return self._relative_rate(cell, row)

    def _simple(
        self, cell: Cell, row: ResultRow, count: int | None, wider: int | None, status: Suppression
    ) -> ResultRow:
        m = self.m
        level, method = m.interval.level, m.interval.method
        if m.statistic == "count":
            if count is None:
                return row
            low, high = ci.poisson_interval(count, level) if method != "none" else (None, None)
            return attrs.evolve(
                row, value=float(count), low=low, high=high, unstable=count < m.min_stable_count
            )
        if m.statistic == "rate":
            pop = self.people(cell)
            if count is None or self.population is None:
                return attrs.evolve(row, denominator=pop)
            if pop is None or pop <= 0:
                return attrs.evolve(row, note="no population for this cell in the population table")
            low, high = ci.poisson_interval(count, level)
            return attrs.evolve(
                row,
                denominator=pop,
                value=m.per * count / pop,
                low=m.per * low / pop,
                high=m.per * high / pop,
                unstable=count < m.min_stable_count,
            )
        row = attrs.evolve(row, denominator=None if wider is None else float(wider))
        if count is None or wider is None:
            return attrs.evolve(row, suppressed=status or "derived")
        if wider == 0:
            return attrs.evolve(row, note="no events in the denominator")
        low_p, high_p = ci.proportion_interval(count, wider, level)
        return attrs.evolve(
            row,
            value=m.per * count / wider,
            low=None if low_p is None else m.per * low_p,
            high=None if high_p is None else m.per * high_p,
            unstable=wider < m.min_stable_count,
        )

    def _change(self, cell: Cell, dims: tuple[str, ...], row: ResultRow) -> ResultRow:
        """Add the change from the previous year (both years published)."""
        m, cube = self.m, self.cube
        if m.change != "previous_year" or "year" not in dims or row.value is None:
            return row
        year = cube.label(cell)["year"]
        prev = (
            self.with_level(cell, "year", str(int(year) - 1)) if year and year.isdigit() else None
        )
        if prev is None:
            return row
        count, wider, status = self.counts(prev)
        before = self._simple(
            prev, ResultRow(row.cell, count, suppressed=status), count, wider, status
        )
        if before.value is None or before.count is None or row.count is None:
            return row
        level = m.interval.level
        if m.statistic == "proportion" and before.denominator and row.denominator:
            low, high = ci.risk_ratio_interval(
                row.count, int(row.denominator), before.count, int(before.denominator), level
            )
        else:
            low, high = ci.rate_ratio_interval(
                row.count, row.denominator or 1.0, before.count, before.denominator or 1.0, level
            )
        return attrs.evolve(
            row,
            change=row.value - before.value,
            change_ratio=row.value / before.value if before.value else None,
            change_low=low,
            change_high=high,
        )

    def _disproportionality(self, cell: Cell, row: ResultRow) -> ResultRow:
        """The group's share of events over its share of children.

        Interval: Clopper-Pearson on the share of events, divided by the population share.
        """
        m = self.m
        assert m.group is not None
        total_cell = self.with_level(cell, m.group, None)
        assert total_cell is not None
        total = self.counts(total_cell)[0]
        pop_group, pop_total = self.people(cell), self.people(total_cell)
        row = attrs.evolve(row, denominator=pop_group)
        if row.count is None or total is None:
            return attrs.evolve(row, suppressed=row.suppressed or "derived")
        if self.population is None:
            return row
        if not pop_group or not pop_total:
            return attrs.evolve(row, note="no population for this group in the population table")
        if total == 0:
            return attrs.evolve(row, note="no events")
        share = pop_group / pop_total
        low, high = ci.proportion_interval(row.count, total, m.interval.level)
        return attrs.evolve(
            row,
            value=(row.count / total) / share,
            low=None if low is None else low / share,
            high=None if high is None else high / share,
            unstable=row.count < m.min_stable_count,
        )

    def _reference(self, cell: Cell) -> Cell | None:
        assert self.m.group is not None
        assert self.m.reference is not None
        return self.with_level(cell, self.m.group, self.m.reference)

    def _disparity(self, cell: Cell, row: ResultRow) -> ResultRow:
        """The group's rate over the reference group's, exact conditional interval."""
        m = self.m
        ref_cell = self._reference(cell)
        pop = self.people(cell)
        row = attrs.evolve(row, denominator=pop)
        if ref_cell is None:
            return attrs.evolve(row, note=f"no events in the reference group ({m.reference})")
        ref_count = self.counts(ref_cell)[0]
        if row.count is None or ref_count is None:
            return attrs.evolve(row, suppressed=row.suppressed or "derived")
        if self.population is None:
            return row
        ref_pop = self.people(ref_cell)
        if not pop or not ref_pop:
            return attrs.evolve(row, note="no population for this group or the reference group")
        if ref_count == 0:
            return attrs.evolve(row, note=f"no events in the reference group ({m.reference})")
        low, high = ci.rate_ratio_interval(row.count, pop, ref_count, ref_pop, m.interval.level)
        return attrs.evolve(
            row,
            value=(row.count / pop) / (ref_count / ref_pop),
            low=low,
            high=high,
            unstable=min(row.count, ref_count) < m.min_stable_count,
        )

    def _relative_rate(self, cell: Cell, row: ResultRow) -> ResultRow:
        """The group's rate at this stage over the previous, relative to the reference's (Katz)."""
        m = self.m
        n, wide, status = self.counts(cell)
        row = attrs.evolve(row, denominator=None if wide is None else float(wide))
        ref_cell = self._reference(cell)
        if ref_cell is None:
            return attrs.evolve(row, note=f"no events in the reference group ({m.reference})")
        ref_n, ref_wide, _ = self.counts(ref_cell)
        if n is None or wide is None or ref_n is None or ref_wide is None:
            return attrs.evolve(row, suppressed=status or "derived")
        if wide == 0 or ref_wide == 0 or ref_n == 0:
            return attrs.evolve(row, note="no events in this group or the reference group")
        low, high = ci.risk_ratio_interval(n, wide, ref_n, ref_wide, m.interval.level)
        return attrs.evolve(
            row,
            value=(n / wide) / (ref_n / ref_wide),
            low=low,
            high=high,
            unstable=min(n, ref_n) < m.min_stable_count,
        )


def _measure_result(
    m: MeasureFile,
    cubes: list[tuple[_Built, Protection]],
    population: Population | None,
    scope: Scope,
) -> MeasureResult:
    notes: list[str] = []
    if m.statistic in NEEDS_POPULATION and population is None:
        notes.append(
            "This measure needs child population denominators, which were not given "
            "(npcs-review report --population FILE): only counts are shown."
        )
    tables: list[ResultTable] = []
    audit = []
    for built, protection in cubes:
        cube = built.cube
        if built.spec.pairs:
            tables.append(_pairs_table(m, cube, protection))
            audit.append((built.facet or "", len(protection.suppressed), 0, 0.0))
            continue
        scope_levels: dict[str, Sequence[str]] = {
            d: cube.levels[cube.dims.index(d)] for d in ("jurisdiction", "year") if d in cube.dims
        }
        if scope.jurisdictions:
            scope_levels["jurisdiction"] = scope.jurisdictions
        widths = [hi - lo - cube.threshold(c) for c, (lo, hi) in protection.intervals.items()]
        audit.append(
            (
                built.facet or "",
                sum(1 for c in protection.suppressed if not cube.is_hidden(c)),
                len(protection.intervals),
                min(widths) if widths else 0.0,
            )
        )
        stats = _Stats(m, cube, protection, population, scope_levels)
        for table in m.tables:
            dims = tuple(d for d in built.spec.dims if d in table)
            axes = [cube.dims.index(d) for d in dims]
            rows = [
                stats.row(cell, dims)
                for cell in cube._table_cells(axes)
                if _SPLIT not in cube.dims or cell[cube.dims.index(_SPLIT)] == ALL
            ]
            rows.sort(key=lambda r: _row_key(cube, r))
            tables.append(ResultTable(built.facet, dims, tuple(rows)))
    return MeasureResult(m, tuple(tables), tuple(notes), tuple(audit))


def _row_key(cube: Cube, row: ResultRow) -> tuple[int, ...]:
    key = []
    for d, v in row.cell:
        levels = cube.levels[cube.dims.index(d)]
        key.append(len(levels) if v is None else levels.index(v))
    return tuple(key)


def _pairs_table(m: MeasureFile, cube: Cube, protection: Protection) -> ResultTable:
    rows = []
    facet = m.facet or "category"
    for i, level in enumerate(cube.levels[0]):
        first, second = level.split("|", 1)
        cell = (i,)
        status = _status(cell, protection)
        count = None if status else cube.value(cell)
        rows.append(
            ResultRow(
                ((facet, first), ("with", second)),
                count,
                value=None if count is None else float(count),
                suppressed=status,
            )
        )
    rows.sort(key=lambda r: (-(r.count or 0), r.suppressed is not None, r.cell))
    return ResultTable(None, (facet, "with"), tuple(rows))
