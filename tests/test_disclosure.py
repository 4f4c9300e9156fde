"""Disclosure control: primary and complementary suppression, and the LP audit that proves a
suppressed cell cannot be recomputed from what is published."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npcs_review.measures.disclosure import (
    ALL,
    MAX_MICRO_CELLS,
    Cell,
    Cube,
    Protection,
    audit,
    protect,
)


def _cube(counts: list[list[int]], threshold: int | list[list[int]]) -> Cube:
    array = np.array(counts, dtype=np.int64)
    limits = np.full(array.shape, threshold) if isinstance(threshold, int) else np.array(threshold)
    limits = np.where(array > 0, limits, 0)
    rows = tuple(f"r{i}" for i in range(array.shape[0]))
    cols = tuple(f"c{j}" for j in range(array.shape[1]))
    return Cube(("row", "col"), (rows, cols), array, limits, (("row", "col"),))


def _attacker(cube: Cube, protection: Protection) -> dict[Cell, tuple[float, float]]:
    """Recompute every suppressed cell's interval from the published cells only: an
    independent run of the attacker's problem, not the intervals protect() reported."""
    cells = cube.cells()
    published = {c for c in cells if c not in protection.suppressed and not cube.is_hidden(c)}
    return audit(cube, known=published, cells=sorted(protection.suppressed))


def test_reference_example_margins_give_a_cell_away() -> None:
    """The 2x3 example: suppressing only the 3 is undone by the row total; the rectangle of four
    cells protects it with the published intervals [0,15], [0,15], [2,17], [15,30]."""
    cube = _cube([[3, 12, 25], [14, 18, 30]], 11)
    only_primary = {(0, 0)}
    exposed = audit(cube, known=set(cube.cells()) - only_primary, cells=[(0, 0)])
    assert exposed[(0, 0)] == (3.0, 3.0)
    protection = protect(cube)
    assert protection.primary == {(0, 0)}
    assert protection.complementary == {(0, 1), (1, 0), (1, 1)}
    intervals = _attacker(cube, protection)
    assert intervals == {
        (0, 0): (0.0, 15.0),
        (0, 1): (0.0, 15.0),
        (1, 0): (2.0, 17.0),
        (1, 1): (15.0, 30.0),
    }


def test_a_lone_small_cell_in_a_one_way_table_takes_a_partner() -> None:
    """Deaths by jurisdiction with the total: one suppressed jurisdiction would be the total
    minus the others, so a second jurisdiction is suppressed, big enough to hide it."""
    counts = np.array([2, 40, 25, 60], dtype=np.int64)
    cube = Cube(
        ("jurisdiction",),
        (("a", "b", "c", "d"),),
        counts,
        np.where(counts > 0, 10, 0),
        (("jurisdiction",),),
    )
    protection = protect(cube)
    assert protection.primary == {(0,)}
    assert protection.complementary == {(2,)}  # the smallest that gives 10 of room
    intervals = _attacker(cube, protection)
    assert intervals[(0,)] == (0.0, 27.0)
    assert (ALL,) not in protection.suppressed


def test_the_strictest_contributing_jurisdiction_sets_the_threshold() -> None:
    """A margin counting events of a threshold-5 and a threshold-11 jurisdiction uses 11."""
    cube = _cube([[0, 6], [4, 0]], [[5, 5], [11, 11]])
    assert cube.threshold((ALL, ALL)) == 11
    assert cube.threshold((0, ALL)) == 5
    assert cube.threshold((ALL, 1)) == 5
    protection = protect(cube)
    # 4 events of the threshold-11 jurisdiction, and the grand total of 10 (11 applies)
    assert {(1, 0), (ALL, 0), (1, ALL), (ALL, ALL)} <= protection.primary
    assert (0, 1) not in protection.primary  # 6 events, all of the threshold-5 jurisdiction
    intervals = _attacker(cube, protection)
    for cell in protection.suppressed:
        lo, hi = intervals[cell]
        assert hi - lo >= cube.threshold(cell)


def test_a_hidden_complement_is_protected() -> None:
    """With the total and those known to the agency shown, the 1 not known would be their
    difference: the shown count is suppressed instead (the hidden cell is never shown)."""
    counts = np.array([11, 1], dtype=np.int64)  # known to the agency, not known
    cube = Cube(
        ("split",),
        (("numerator", "rest"),),
        counts,
        np.where(counts > 0, 5, 0),
        (("split",),),
        {"split": frozenset({"rest"})},
    )
    protection = protect(cube)
    assert (1,) in protection.primary
    assert (0,) in protection.suppressed or (ALL,) in protection.suppressed
    intervals = _attacker(cube, protection)
    assert intervals[(1,)][1] - intervals[(1,)][0] >= 5


def test_zero_is_published_and_forced_cells_are_protected() -> None:
    """Zeros disclose no child and stay; a cell forced by another table is suppressed and
    protected like a primary one."""
    cube = _cube([[0, 30], [40, 50]], 10)
    assert protect(cube).suppressed == frozenset()
    forced = protect(cube, forced=[(1, 1)])
    assert (1, 1) in forced.primary
    intervals = _attacker(cube, forced)
    for cell in forced.suppressed:
        assert intervals[cell][1] - intervals[cell][0] >= 10


def test_a_cube_too_large_to_audit_is_refused() -> None:
    """More micro cells than the audit handles: a clear refusal, not a hang."""
    side = math.isqrt(MAX_MICRO_CELLS) + 2
    cube = Cube(
        ("a", "b"),
        (tuple(map(str, range(side))), tuple(map(str, range(side)))),
        np.ones((side, side), dtype=np.int64),
        np.ones((side, side), dtype=np.int64),
        (("a", "b"),),
    )
    with pytest.raises(ValueError, match="publish fewer"):
        protect(cube)


@st.composite
def tables(draw: st.DrawFn) -> tuple[Cube, int]:
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 3)))
    size = shape[0] * shape[1] * shape[2]
    counts = draw(
        st.lists(st.one_of(st.integers(0, 4), st.integers(5, 60)), min_size=size, max_size=size)
    )
    threshold = draw(st.sampled_from([5, 10, 11]))
    per_first = draw(
        st.lists(st.sampled_from([0, threshold]), min_size=shape[0], max_size=shape[0])
    )
    array = np.array(counts, dtype=np.int64).reshape(shape)
    limits = np.broadcast_to(np.maximum(np.array(per_first), 1)[:, None, None], shape).astype(
        np.int64
    )
    limits = np.where(array > 0, limits, 0)
    levels = tuple(tuple(f"{d}{i}" for i in range(n)) for d, n in zip("jab", shape, strict=True))
    layout = draw(
        st.sampled_from(
            [
                (("j", "a"), ("j", "b")),
                (("j", "a", "b"),),
                (("a",), ("j", "b")),
            ]
        )
    )
    return Cube(("j", "a", "b"), levels, array, limits, layout), threshold


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_every_suppressed_cell_is_at_least_as_wide_as_its_threshold(case: tuple[Cube, int]) -> None:
    """Property: for linked tables with margins and any counts, every cell under its threshold
    is suppressed, and the attacker's interval for every suppressed cell, computed afresh from
    the published cells alone, is at least as wide as the cell's threshold."""
    cube, _ = case
    protection = protect(cube)
    cells = cube.cells()
    for cell in cells:
        value, threshold = cube.value(cell), cube.threshold(cell)
        if 0 < value < threshold:
            assert cell in protection.primary
    intervals = _attacker(cube, protection)
    for cell, (lo, hi) in intervals.items():
        assert lo <= cube.value(cell) <= hi + 1e-6
        assert hi - lo >= cube.threshold(cell) - 1e-6, (cube.label(cell), lo, hi)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_the_reduced_attacker_problem_equals_the_micro_one(case: tuple[Cube, int]) -> None:
    """For tables that share one set of dimensions, solving over the tables' own cells gives
    exactly the intervals of the problem over every micro cell."""
    cube, _ = case
    protection = protect(cube)
    published = {c for c in cube.cells() if c not in protection.suppressed}
    published -= {c for c in published if cube.is_hidden(c)}
    targets = sorted(protection.suppressed) or sorted(cube.cells())[:3]
    reduced = audit(cube, known=published, cells=targets)
    full = audit(cube, known=published, cells=targets, micro=True)
    for cell in targets:
        assert reduced[cell] == pytest.approx(full[cell], abs=1e-6)
