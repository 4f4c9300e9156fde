"""Recommendation coverage: priority factors without a recommendation, and strength fit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import networkx as nx

from npcs_review.codelists import codelist
from npcs_review.graph._view import (
    UPPER_FLOOR,
    View,
    level_and_rank,
    rank,
    type_strength,
    view_of,
)
from npcs_review.graph.cut import MinimalCut, cut_in
from npcs_review.graph.leverage import Leverage, leverage_in

__all__ = ["Coverage", "CoverageGap", "StrengthMismatch", "recommendation_coverage"]


@attrs.frozen
class CoverageGap:
    """A priority factor (or barrier) that no recommendation addresses.

    Attributes:
        node: its id.
        kind: factor or barrier.
        level: its system level.
        reasons: why it is a priority: ``minimal_cut`` and/or ``leverage``.
        leverage: its leverage share (0.0 for a barrier).
    """

    node: str
    kind: str
    level: str | None
    reasons: tuple[str, ...]
    leverage: float


@attrs.frozen
class StrengthMismatch:
    """An upper-level factor addressed only by weaker actions (e.g. training, a new policy)."""

    factor: str
    level: str
    recommendations: tuple[str, ...]


@attrs.frozen
class Coverage:
    """Whether recommendations cover the priority factors, and with actions strong enough.

    Attributes:
        leverage_threshold: the leverage share at or above which a factor is a priority.
        priority: factors in the minimal cut or at or above the threshold, and barriers in the
            minimal cut; sorted.
        uncovered: priority nodes no (non-declined) recommendation addresses and, for factors,
            with no ``no_action_rationale``.
        no_action: priority factors with no recommendation but a ``no_action_rationale``.
        strength_mismatches: factors at ``upper_level`` or above whose every (non-declined)
            recommendation is weak.
    """

    leverage_threshold: float
    priority: tuple[str, ...]
    uncovered: tuple[CoverageGap, ...]
    no_action: tuple[str, ...]
    strength_mismatches: tuple[StrengthMismatch, ...]


def recommendation_coverage(
    graph: nx.MultiDiGraph,
    leverage_threshold: float = 0.5,
    *,
    upper_level: str | None = None,
    weak_strength: str = "weaker",
) -> Coverage:
    """Check that priority factors have recommendations, and that upper levels get strong ones.

    A factor is a *priority* when it is in the :func:`~npcs_review.graph.cut.minimal_cut` or
    its :func:`~npcs_review.graph.leverage.leverage` share is at least ``leverage_threshold``; a
    barrier in the minimal cut is one too. A priority
    node is *covered* by an ``addresses`` link from a recommendation whose ``status`` is not
    ``declined``; a priority factor without one but with a ``no_action_rationale`` is listed
    under ``no_action`` instead of ``uncovered``.

    *Strength fit* (RCA² action hierarchy): a recommendation is weak when its
    ``action_strength``, or the ``strength`` attribute of its ``action_type`` in the
    ``action_type`` code list, ranks at or below ``weak_strength`` in the ``action_strength``
    list (training, new policy, warnings…). A factor at ``upper_level`` or above whose every
    covering recommendation is weak is a mismatch: memory-dependent fixes for a system condition.

    Args:
        graph: the review graph.
        leverage_threshold: the leverage share that makes a factor a priority.
        upper_level: the lowest ``system_level`` code the strength-fit check applies to
            (None: the fourth level, ``agency_organization``).
        weak_strength: the strongest ``action_strength`` code still counted as weak.

    Raises:
        ValueError: if ``upper_level`` or ``weak_strength`` is not in its code list.
    """
    view = view_of(graph)
    return coverage_in(
        view,
        leverage_in(view),
        cut_in(view),
        leverage_threshold,
        upper_level=upper_level,
        weak_strength=weak_strength,
    )


def _is_weak(data: Mapping[str, Any], ceiling: int) -> bool:
    ranks = [rank("action_strength", data.get("action_strength"))]
    action_type = data.get("action_type")
    if isinstance(action_type, str):
        ranks.append(rank("action_strength", type_strength(action_type)))
    known = [r for r in ranks if r is not None]
    return bool(known) and min(known) <= ceiling


def coverage_in(
    view: View,
    lev: Leverage,
    cut: MinimalCut,
    threshold: float,
    *,
    upper_level: str | None,
    weak_strength: str,
) -> Coverage:
    """:func:`recommendation_coverage` on a scanned graph, its leverage and cut."""
    _, upper = level_and_rank(upper_level, UPPER_FLOOR)
    ceiling = codelist("action_strength").rank(weak_strength)
    shares = {f.factor: f.share for f in lev.factors}
    reasons: dict[str, list[str]] = {}
    for node in cut.nodes:
        reasons.setdefault(node, []).append("minimal_cut")
    for factor, share in shares.items():
        if share >= threshold and share > 0:
            reasons.setdefault(factor, []).append("leverage")
    uncovered: list[CoverageGap] = []
    no_action: list[str] = []
    for node in sorted(reasons):
        if view.addressed_by.get(node):
            continue
        if view.kinds[node] == "factor" and view.attr(node, "no_action_rationale"):
            no_action.append(node)
            continue
        uncovered.append(
            CoverageGap(
                node=node,
                kind=str(view.kinds[node]),
                level=view.attr(node, "level"),
                reasons=tuple(sorted(reasons[node])),
                leverage=shares.get(node, 0.0),
            )
        )
    mismatches = []
    for factor in view.of_kind("factor"):
        level = view.attr(factor, "level")
        recs = view.addressed_by.get(factor, ())
        if (rank("system_level", level) or -1) < upper or not recs:
            continue
        if all(_is_weak(view.graph.nodes[r], ceiling) for r in recs):
            mismatches.append(StrengthMismatch(factor, str(level), recs))
    return Coverage(
        leverage_threshold=threshold,
        priority=tuple(sorted(reasons)),
        uncovered=tuple(uncovered),
        no_action=tuple(no_action),
        strength_mismatches=tuple(mismatches),
    )
