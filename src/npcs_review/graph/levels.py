"""Level coverage: how a review's factors spread over the system levels (proximal bias)."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import networkx as nx

from npcs_review.graph._view import PROXIMAL_TOP, level_and_rank, ranks

__all__ = ["LevelCoverage", "level_coverage"]


@attrs.frozen
class LevelCoverage:
    """How the review's factors spread over the system levels (proximal-bias index).

    Attributes:
        counts: factors per ``system_level`` code, every level listed, in the list's order.
        total: factors with a known level.
        proximal: factors at ``frontline_practice`` or below (family, community, environment).
        upper: factors above it (supervision and up).
        unleveled: factors whose level is missing or not a ``system_level`` code.
        proximal_share: ``proximal / total`` (None without factors): 1.0 means every cause the
            review names sits with the family or the front line.
    """

    counts: Mapping[str, int]
    total: int
    proximal: int
    upper: int
    unleveled: int
    proximal_share: float | None


def level_coverage(graph: nx.MultiDiGraph, *, proximal_top: str | None = None) -> LevelCoverage:
    """Count factors per system level and the share at the proximal levels.

    Args:
        graph: the review graph.
        proximal_top: the highest level counted as proximal (a ``system_level`` code; None:
            the second level, ``frontline_practice``).

    Raises:
        ValueError: if ``proximal_top`` is not a ``system_level`` code.
    """
    _, top = level_and_rank(proximal_top, PROXIMAL_TOP)
    level_ranks = ranks("system_level")
    counts = dict.fromkeys(level_ranks, 0)
    unleveled = 0
    for _, data in graph.nodes(data=True):
        if data.get("kind") != "factor":
            continue
        level = data.get("level")
        if level in counts:
            counts[level] += 1
        else:
            unleveled += 1
    total = sum(counts.values())
    proximal = sum(n for code, n in counts.items() if level_ranks[code] <= top)
    return LevelCoverage(
        counts=counts,
        total=total,
        proximal=proximal,
        upper=total - proximal,
        unleveled=unleveled,
        proximal_share=proximal / total if total else None,
    )
