"""Every per-review analysis of a systemic factor graph in one call (one scan of the graph).

The analyses themselves live in one module each: :mod:`~npcs_review.graph.structure`,
:mod:`~npcs_review.graph.pathways`, :mod:`~npcs_review.graph.leverage`,
:mod:`~npcs_review.graph.cut`, :mod:`~npcs_review.graph.coverage` and
:mod:`~npcs_review.graph.levels`; the causal rule they share is in
:mod:`npcs_review.graph._view`. Many reviews are combined by :mod:`npcs_review.graph.combine`.
"""

from __future__ import annotations

import attrs
import networkx as nx

from npcs_review.graph._view import PATHWAY_FLOOR, level_and_rank, view_of
from npcs_review.graph.coverage import Coverage, coverage_in
from npcs_review.graph.cut import MinimalCut, cut_in
from npcs_review.graph.levels import LevelCoverage, level_coverage
from npcs_review.graph.leverage import Leverage, leverage_in
from npcs_review.graph.pathways import MAX_PATHS, Pathways, pathways_in
from npcs_review.graph.structure import MAX_LOOPS, Structure, structure_in

__all__ = ["ReviewAnalysis", "analyze"]


@attrs.frozen
class ReviewAnalysis:
    """Every analysis of one review graph."""

    structure: Structure
    pathways: Pathways
    leverage: Leverage
    minimal_cut: MinimalCut
    coverage: Coverage
    levels: LevelCoverage


def analyze(
    graph: nx.MultiDiGraph,
    *,
    min_level: str | None = None,
    leverage_threshold: float = 0.5,
    max_paths: int = MAX_PATHS,
) -> ReviewAnalysis:
    """Run every single-review analysis on one graph (scanning it once).

    Args:
        graph: the review graph.
        min_level: passed to :func:`~npcs_review.graph.pathways.pathways`.
        leverage_threshold: passed to :func:`~npcs_review.graph.coverage.recommendation_coverage`.
        max_paths: passed to :func:`~npcs_review.graph.pathways.pathways`.

    Raises:
        ValueError: if ``min_level`` is not a ``system_level`` code.
    """
    level, floor = level_and_rank(min_level, PATHWAY_FLOOR)
    view = view_of(graph)
    lev = leverage_in(view)
    cut = cut_in(view)
    return ReviewAnalysis(
        structure=structure_in(view, MAX_LOOPS),
        pathways=pathways_in(view, level, floor, max_paths),
        leverage=lev,
        minimal_cut=cut,
        coverage=coverage_in(
            view,
            lev,
            cut,
            leverage_threshold,
            upper_level=None,
            weak_strength="weaker",
        ),
        levels=level_coverage(graph),
    )
