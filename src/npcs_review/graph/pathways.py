"""Causal pathways from the upper system levels down to the outcome, best evidenced first."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import attrs
import networkx as nx

from npcs_review.graph._view import PATHWAY_FLOOR, View, level_and_rank, ranks, view_of
from npcs_review.models.review import OUTCOME_ID

__all__ = ["Pathway", "Pathways", "pathways"]


@attrs.frozen
class Pathway:
    """One simple causal path from an upper-level factor to the outcome, with its evidence.

    Each step (link) scores ``evidence + strength + confidence``: ``evidence`` is the number of
    distinct evidence items the link cites that are evidence nodes of the graph; ``strength``
    and ``confidence`` are the link's rank in the ``link_strength`` and ``confidence`` code lists
    counted from 1 (weak/low = 1 … strong/high = 3), or 0 when not given.

    Attributes:
        nodes: the path, from the factor to ``outcome``.
        level: the starting factor's system level.
        evidence: the evidence items summed over the steps.
        strength: the strength ranks summed over the steps.
        confidence: the confidence ranks summed over the steps.
        score: the step scores summed.
        weakest: the lowest step score (a chain is as strong as its weakest link).
    """

    nodes: tuple[str, ...]
    level: str
    evidence: int
    strength: int
    confidence: int
    score: int
    weakest: int

    @property
    def links(self) -> int:
        """The number of steps."""
        return len(self.nodes) - 1

    def rank_key(self) -> tuple[int, int, int, tuple[str, ...]]:
        """The sort key, best first: highest ``weakest``, then ``score``, fewest steps, ids."""
        return (-self.weakest, -self.score, self.links, self.nodes)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "nodes": list(self.nodes),
            "level": self.level,
            "links": self.links,
            "evidence": self.evidence,
            "strength": self.strength,
            "confidence": self.confidence,
            "score": self.score,
            "weakest": self.weakest,
        }


@attrs.frozen
class Pathways:
    """Every causal pathway from factors at ``min_level`` and above down to the outcome.

    Attributes:
        min_level: the lowest system level a starting factor may sit at.
        sources: the factors at that level or above, sorted.
        paths: the pathways, best-evidenced first (see :meth:`Pathway.rank_key`).
        unconnected_sources: sources with no path to the outcome (a gap in vertical
            integration: the upper levels are not tied to what happened).
        truncated: whether enumeration stopped at ``max_paths``.
    """

    min_level: str
    sources: tuple[str, ...]
    paths: tuple[Pathway, ...]
    unconnected_sources: tuple[str, ...]
    truncated: bool

    @property
    def best(self) -> Pathway | None:
        """The best-evidenced pathway, or None when there is none."""
        return self.paths[0] if self.paths else None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "min_level": self.min_level,
            "sources": list(self.sources),
            "best": None if self.best is None else self.best.to_dict(),
            "paths": [p.to_dict() for p in self.paths],
            "unconnected_sources": list(self.unconnected_sources),
            "truncated": self.truncated,
        }


def pathways(
    graph: nx.MultiDiGraph, min_level: str | None = None, *, max_paths: int = 10_000
) -> Pathways:
    """Enumerate the simple causal paths from upper-level factors to the outcome.

    The starting factors are those whose ``level`` ranks at or above ``min_level`` in the
    ``system_level`` code list. Every simple path from each of them to the outcome is listed,
    paths through other starting factors included. The best-evidenced path has the highest
    weakest-step score, then the highest total score, then the fewest steps, then the smallest
    node sequence (see :class:`Pathway` for the scores).

    Args:
        graph: the review graph.
        min_level: the lowest level a starting factor may sit at (a ``system_level`` code;
            None: the third level, ``supervision_team``).
        max_paths: stop after this many paths (sources are visited in id order), and mark the
            result truncated.

    Raises:
        ValueError: if ``min_level`` is not a ``system_level`` code.
    """
    level, floor = level_and_rank(min_level, PATHWAY_FLOOR)
    return pathways_in(view_of(graph), level, floor, max_paths)


def pathways_in(view: View, min_level: str, floor: int, max_paths: int) -> Pathways:
    levels = ranks("system_level")
    sources = tuple(
        f for f in view.of_kind("factor") if levels.get(view.attr(f, "level"), -1) >= floor
    )
    found: list[Pathway] = []
    truncated = False
    for source in sources:
        if source not in view.ancestry or truncated:
            continue
        for nodes in _simple_paths(view, source):
            if len(found) >= max_paths:
                truncated = True
                break
            found.append(_pathway(view, nodes))
    return Pathways(
        min_level=min_level,
        sources=sources,
        paths=tuple(sorted(found, key=Pathway.rank_key)),
        unconnected_sources=tuple(s for s in sources if s not in view.ancestry),
        truncated=truncated,
    )


def _simple_paths(view: View, source: str) -> Iterator[list[str]]:
    """Yield the simple paths from ``source`` to the outcome, depth first in id order."""
    succ = view.to_outcome.succ
    path = [source]
    on_path = {source}
    stack = [iter(succ[source])]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            on_path.discard(path.pop())
        elif child == OUTCOME_ID:
            yield [*path, child]
        elif child not in on_path:
            path.append(child)
            on_path.add(child)
            stack.append(iter(succ[child]))


def _pathway(view: View, nodes: list[str]) -> Pathway:
    steps = [view.steps[u, v] for u, v in pairwise(nodes)]
    return Pathway(
        nodes=tuple(nodes),
        level=str(view.attr(nodes[0], "level")),
        evidence=sum(s.evidence for s in steps),
        strength=sum(s.strength for s in steps),
        confidence=sum(s.confidence for s in steps),
        score=sum(s.score for s in steps),
        weakest=min(s.score for s in steps),
    )
