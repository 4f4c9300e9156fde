"""Disclosure control of published count tables, proven by a linear-programming audit.

Primary and complementary suppression, and an audit showing no suppressed cell can be
recomputed from what is published.

A :class:`Cube` holds the counts of one set of events over *micro cells* (every combination
of the levels of its dimensions). The tables published from it are sums of micro cells: each
table's cells and all its margins (sub-totals over every subset of its dimensions). The rules:

1. **Primary suppression.** A cell counting 1 or more events but fewer than its threshold is
   suppressed. A cell's threshold is the strictest (largest) threshold of the jurisdictions
   whose events it counts. Zero is published: it discloses no child.
2. **Hidden cells.** Some cells are never shown but can be derived (the incidents *without*
   prior involvement, once the total and those with it are shown). They are protected like
   published cells.
3. **Complementary suppression.** In every additive relation (a margin and the cells it sums)
   a protected cell is never the only unknown: the smallest other cell that gives enough
   room is suppressed too (cells before margins).
4. **Audit.** For every suppressed cell the attacker's problem is solved twice by linear
   programming (SciPy's HiGHS): minimise and maximise the cell subject to every published cell
   of the cube and non-negative micro cells. The feasible interval must be at least as wide as
   the cell's threshold; where it is not, another cell in one of its relations is suppressed
   and the audit runs again (sdcTable's "simple heuristic" in spirit; Fischetti & Salazar 2000,
   *JASA* 95:916-928, for the attacker problem).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

from npcs_review.errors import NpcsReviewError, Problem

__all__ = ["ALL", "Cell", "Cube", "CubeTooLargeError", "Protection", "audit", "protect"]


class CubeTooLargeError(NpcsReviewError, ValueError):
    """A table has more combinations than the suppression audit handles (bounded work)."""

    def __init__(self, message: str) -> None:
        self.problems = [Problem("NPR-R004", message)]
        super().__init__(message)


#: The value of a dimension in a margin cell: summed over all levels.
ALL = -1

#: A cell: for each dimension of the cube, a level index or :data:`ALL`.
Cell = tuple[int, ...]

#: Above this many micro cells the audit refuses (bounded analysis): coarsen the tables.
MAX_MICRO_CELLS = 250_000
#: Rounds of "suppress one more cell, audit again" before giving up on a cube.
MAX_ROUNDS = 400


@attrs.frozen
class Cube:
    """Counts of one set of events over every combination of its dimensions' levels.

    Attributes:
        dims: dimension ids, in order.
        levels: for each dimension, its levels (codes), in display order.
        counts: event counts, shape ``tuple(len(l) for l in levels)``.
        thresholds: per micro cell, the strictest threshold of the jurisdictions contributing
            events to it (0 where there are none).
        tables: the published tables, each a tuple of dimension ids (margins included).
        hidden: for a dimension, the levels whose cells are never shown but are derivable.
    """

    dims: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    counts: NDArray[np.int64]
    thresholds: NDArray[np.int64]
    tables: tuple[tuple[str, ...], ...]
    hidden: Mapping[str, frozenset[str]] = attrs.field(factory=dict)

    def cells(self) -> list[Cell]:
        """Every cell of every table and of its margins, in a stable order."""
        seen = {
            cell
            for table in self.tables
            for cell in self._table_cells([self.dims.index(d) for d in table])
        }
        return sorted(seen)

    def relations(self) -> list[tuple[Cell, tuple[Cell, ...]]]:
        """Every additive relation: a margin cell and the cells along one dimension it sums."""
        found: dict[tuple[Cell, int], None] = {}
        for table in self.tables:
            axes = [self.dims.index(d) for d in table]
            for cell in self._table_cells(axes):
                for a in axes:
                    if cell[a] == ALL:
                        found[(cell, a)] = None
        out = []
        for cell, a in found:
            children = tuple((*cell[:a], v, *cell[a + 1 :]) for v in range(len(self.levels[a])))
            out.append((cell, children))
        return out

    def _table_cells(self, axes: list[int]) -> Iterable[Cell]:
        for size in range(len(axes) + 1):
            for subset in itertools.combinations(axes, size):
                for values in itertools.product(*(range(len(self.levels[a])) for a in subset)):
                    cell = [ALL] * len(self.dims)
                    for a, v in zip(subset, values, strict=True):
                        cell[a] = v
                    yield tuple(cell)

    def _slice(self, cell: Cell) -> tuple[int | slice, ...]:
        return tuple(slice(None) if v == ALL else v for v in cell)

    def value(self, cell: Cell) -> int:
        """The number of events in ``cell``."""
        return int(self.counts[self._slice(cell)].sum())

    def threshold(self, cell: Cell) -> int:
        """The strictest threshold of the jurisdictions contributing to ``cell``."""
        part = self.thresholds[self._slice(cell)]
        return int(part.max()) if part.size else 0

    def is_hidden(self, cell: Cell) -> bool:
        """Whether ``cell`` is derivable but never shown."""
        return any(
            v != ALL and self.levels[a][v] in self.hidden.get(d, frozenset())
            for a, (d, v) in enumerate(zip(self.dims, cell, strict=True))
        )

    def micro_indices(self, cell: Cell) -> NDArray[np.int64]:
        """Flat indices of the micro cells that ``cell`` sums."""
        grid = np.arange(self.counts.size, dtype=np.int64).reshape(self.counts.shape)
        return grid[self._slice(cell)].ravel()

    def label(self, cell: Cell) -> dict[str, str | None]:
        """The cell as ``{dimension: level code or None for all}``."""
        return {
            d: None if v == ALL else self.levels[a][v]
            for a, (d, v) in enumerate(zip(self.dims, cell, strict=True))
        }


@attrs.frozen
class Protection:
    """The outcome of disclosure control on one cube.

    Attributes:
        primary: cells under their threshold (published or hidden).
        complementary: further cells suppressed so that no protected cell can be recomputed.
        intervals: for each suppressed or hidden-protected cell, the audit's feasible interval
            (``math.inf`` for no upper bound).
        rounds: how many audit rounds it took.
    """

    primary: frozenset[Cell]
    complementary: frozenset[Cell]
    intervals: Mapping[Cell, tuple[float, float]]
    rounds: int

    @property
    def suppressed(self) -> frozenset[Cell]:
        """Every cell that is not published (primary or complementary)."""
        return self.primary | self.complementary

    def failures(self, cube: Cube) -> list[Cell]:
        """Protected cells whose feasible interval is narrower than their threshold."""
        return [
            c
            for c, (lo, hi) in sorted(self.intervals.items())
            if hi - lo < cube.threshold(c) - 1e-6
        ]


def _cost(cube: Cube, cell: Cell, needed: int) -> tuple[int, int, int, Cell]:
    """How much suppressing ``cell`` costs (lower first).

    Margins (more totals) last, then cells too small to give ``needed`` room, then the smaller
    value.
    """
    value = cube.value(cell)
    return (sum(v == ALL for v in cell), value < needed, value if value >= needed else -value, cell)


def _choose(cube: Cube, candidates: Sequence[Cell], needed: int, parent: Cell) -> Cell | None:
    """The cell to suppress next among ``candidates`` (the cheapest, see :func:`_cost`)."""
    if not candidates:
        return None
    return min(candidates, key=lambda c: _cost(cube, c, needed))


def protect(cube: Cube, *, forced: Iterable[Cell] = ()) -> Protection:
    """Apply primary and complementary suppression to ``cube`` and audit the result.

    Args:
        cube: the counts and the published tables.
        forced: cells that must be suppressed whatever their value (a cell shared with another
            cube that suppressed it); they are protected like primary cells.

    Raises:
        CubeTooLargeError: when the cube has more micro cells than :data:`MAX_MICRO_CELLS`.
    """
    if cube.counts.size > MAX_MICRO_CELLS:
        msg = (
            f"a table over {', '.join(cube.dims)} has {cube.counts.size:,} combinations, more "
            f"than the {MAX_MICRO_CELLS:,} the suppression audit handles: publish fewer "
            "breakdowns or coarser levels"
        )
        raise CubeTooLargeError(msg)
    cells = cube.cells()
    relations = cube.relations()
    member_of: dict[Cell, list[int]] = {}
    for i, (parent, children) in enumerate(relations):
        for m in (parent, *children):
            member_of.setdefault(m, []).append(i)
    hidden = {c for c in cells if cube.is_hidden(c)}
    primary = {c for c in cells if 0 < cube.value(c) < cube.threshold(c)}
    primary |= {c for c in forced if c in set(cells)}
    complementary: set[Cell] = set()
    intervals: dict[Cell, tuple[float, float]] = {}
    # Publishing fewer cells only widens intervals, so a cell that passed the audit stays
    # safe: each round audits only the cells suppressed since, and those that failed.
    pending: set[Cell] = set()
    rounds = 0
    for rounds in range(1, MAX_ROUNDS + 1):
        before = primary | complementary
        _relation_rule(cube, relations, primary, complementary, hidden)
        pending |= (primary | complementary) - set(intervals) | (primary | complementary) - before
        known = set(cells) - primary - complementary - hidden
        intervals.update(audit(cube, known=known, cells=sorted(pending)))
        failing = sorted(c for c in pending if intervals[c][1] - intervals[c][0] < _need(cube, c))
        if not failing:
            return Protection(frozenset(primary), frozenset(complementary), intervals, rounds)
        pending = set(failing)
        added = False
        for cell in failing:
            pick = _widen(cube, cell, relations, member_of, primary | complementary | hidden)
            if pick is not None and pick not in complementary:
                complementary.add(pick)
                pending.add(pick)
                added = True
        if not added:  # nothing left to suppress around the failing cells
            break
    return Protection(frozenset(primary), frozenset(complementary), intervals, rounds)


def _widen(
    cube: Cube,
    cell: Cell,
    relations: list[tuple[Cell, tuple[Cell, ...]]],
    member_of: Mapping[Cell, list[int]],
    unknown: set[Cell],
) -> Cell | None:
    """The next cell to suppress for ``cell``.

    The cheapest published member of the nearest relations (searching outwards through
    already unknown cells) is taken.
    """
    seen = {cell}
    frontier = [cell]
    need = _need(cube, cell)
    while frontier:
        following: list[Cell] = []
        candidates: set[Cell] = set()
        for current in frontier:
            for i in member_of.get(current, []):
                parent, children = relations[i]
                members = (parent, *children)
                candidates.update(m for m in members if m not in unknown)
                following += [m for m in members if m not in seen]
                seen.update(members)
        if candidates:
            return min(candidates, key=lambda c: _cost(cube, c, need))
        frontier = following
    return None


def _need(cube: Cube, cell: Cell) -> int:
    return max(cube.threshold(cell), 1)


def _relation_rule(
    cube: Cube,
    relations: list[tuple[Cell, tuple[Cell, ...]]],
    primary: set[Cell],
    complementary: set[Cell],
    hidden: set[Cell],
) -> None:
    """No protected cell is the only unknown member of an additive relation."""
    changed = True
    while changed:
        changed = False
        for parent, children in relations:
            members = (parent, *children)
            unknown = [m for m in members if m in primary or m in complementary or m in hidden]
            protected = [m for m in unknown if m in primary or m in complementary]
            if len(unknown) != 1 or not protected:
                continue
            open_ = [m for m in members if m not in unknown]
            needed = _need(cube, protected[0]) - cube.value(protected[0])
            pick = _choose(cube, open_, max(needed, 1), parent)
            if pick is not None:
                complementary.add(pick)
                changed = True


@attrs.frozen
class _Space:
    """The attacker's unknowns (see :func:`_space`)."""

    size: int
    variables: Callable[[Cell], NDArray[np.int64]]
    links: list[NDArray[np.float64]]


def _space(cube: Cube, *, micro: bool = False) -> _Space:
    """The smallest exact set of unknowns for the attacker's problem.

    When every two published tables share the same dimensions ``C`` (their intersection),
    the tables' finest cells can take any non-negative values whose sub-totals over ``C``
    agree: a micro table with those margins always exists (for each assignment of ``C``, the
    product of the tables' conditional shares). The problem is then solved over the tables'
    own cells with those sub-totals linked — a few hundred unknowns instead of the product of
    every dimension. Otherwise every micro cell is an unknown.
    """
    tables = [tuple(cube.dims.index(d) for d in t) for t in cube.tables]
    common = set(tables[0]).intersection(*map(set, tables[1:])) if tables else set()
    star = len(tables) > 1 and all(
        set(a) & set(b) == common for i, a in enumerate(tables) for b in tables[i + 1 :]
    )
    if micro or not star:
        size = cube.counts.size
        return _Space(size, cube.micro_indices, [])
    shapes = [tuple(len(cube.levels[a]) for a in axes) for axes in tables]
    offsets = np.cumsum([0] + [int(np.prod(s)) for s in shapes])

    def in_table(i: int, cell: Cell) -> NDArray[np.int64]:
        grid = np.arange(offsets[i], offsets[i + 1], dtype=np.int64).reshape(shapes[i])
        return grid[tuple(slice(None) if cell[a] == ALL else cell[a] for a in tables[i])].ravel()

    def variables(cell: Cell) -> NDArray[np.int64]:
        fixed = {a for a, v in enumerate(cell) if v != ALL}
        for i, axes in enumerate(tables):
            if fixed <= set(axes):
                return in_table(i, cell)
        msg = f"cell {cell} is in no published table"
        raise ValueError(msg)

    links = []
    axes_c = sorted(common)
    for values in itertools.product(*(range(len(cube.levels[a])) for a in axes_c)):
        cell = [ALL] * len(cube.dims)
        for a, v in zip(axes_c, values, strict=True):
            cell[a] = v
        first = in_table(0, tuple(cell))
        for i in range(1, len(tables)):
            row = np.zeros(int(offsets[-1]))
            row[first] = 1.0
            row[in_table(i, tuple(cell))] = -1.0
            links.append(row)
    return _Space(int(offsets[-1]), variables, links)


def audit(
    cube: Cube, *, known: set[Cell], cells: Sequence[Cell], micro: bool = False
) -> dict[Cell, tuple[float, float]]:
    """The attacker's feasible interval for each of ``cells``, given the ``known`` cells.

    Solves ``min`` and ``max`` of the cell subject to every known cell's value and
    non-negative counts (a linear relaxation: the integer interval lies inside it).
    ``micro=True`` takes every micro cell as an unknown even where fewer suffice (a check).
    """
    from scipy.optimize import linprog  # noqa: PLC0415 - heavy import only when auditing
    from scipy.sparse import csr_array, vstack  # noqa: PLC0415

    space = _space(cube, micro=micro)
    rows = sorted(known)
    indptr = [0]
    indices: list[NDArray[np.int64]] = []
    for cell in rows:
        idx = space.variables(cell)
        indices.append(idx)
        indptr.append(indptr[-1] + idx.size)
    a_eq = csr_array(
        (
            np.ones(indptr[-1]),
            np.concatenate(indices) if indices else np.zeros(0, np.int64),
            np.array(indptr),
        ),
        shape=(len(rows), space.size),
    )
    b_eq = np.array([cube.value(c) for c in rows], dtype=float)
    if space.links:
        a_eq = vstack([a_eq, csr_array(np.array(space.links))]).tocsr()
        b_eq = np.concatenate([b_eq, np.zeros(len(space.links))])
    out: dict[Cell, tuple[float, float]] = {}
    for cell in cells:
        objective = np.zeros(space.size)
        objective[space.variables(cell)] = 1.0
        bounds = []
        for sign in (1.0, -1.0):
            result = linprog(
                sign * objective,
                A_eq=a_eq if a_eq.shape[0] else None,
                b_eq=b_eq if a_eq.shape[0] else None,
                bounds=(0, None),
                method="highs",
            )
            if result.status == 3:  # unbounded
                bounds.append(math.inf)
            elif result.status != 0:
                msg = f"the suppression audit could not solve a linear program: {result.message}"
                raise RuntimeError(msg)
            else:
                bounds.append(sign * float(result.fun))
        out[cell] = (max(bounds[0], 0.0), bounds[1])
    return out
