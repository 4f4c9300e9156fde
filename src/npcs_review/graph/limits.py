"""The largest review graph the analyses and drawings take, and the check that refuses more.

Every graph analysis is polynomial and the AcciMap falls back to a simpler layout on large maps,
so work grows with the graph but never explodes; the limit keeps a hostile or mistaken file
(millions of links) from holding a command for minutes. Up to the limit, analysing and drawing a
review takes seconds (see ``benchmarks/bench_graph.py``); above it, every graph analysis and
export refuses with a :class:`~npcs_review.errors.GraphTooLargeError` naming the limit. The
limits are documented in ``docs/limits.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from npcs_review.errors import GraphTooLargeError, Problem
from npcs_review.models import OUTCOME_ID

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["MAX_LINKS", "MAX_NODES", "check_size", "size_problem"]

#: Nodes of a review graph at most, besides the outcome.
MAX_NODES = 5_000
#: Links of a review graph at most.
MAX_LINKS = 20_000


def size_problem(graph: nx.MultiDiGraph) -> Problem | None:
    """The ``NPR-F007`` problem of a graph above the limits (naming them), or None."""
    nodes = graph.number_of_nodes() - (OUTCOME_ID in graph)
    links = sum(len(keys) for targets in graph.succ.values() for keys in targets.values())
    if nodes <= MAX_NODES and links <= MAX_LINKS:
        return None
    message = (
        f"the review graph has {nodes:,} nodes and {links:,} links; graph analyses and drawings "
        f"take at most {MAX_NODES:,} nodes and {MAX_LINKS:,} links (see docs/limits.md)"
    )
    return Problem("NPR-F007", message, pointer="/review")


def check_size(graph: nx.MultiDiGraph) -> None:
    """Refuse a graph with more than :data:`MAX_NODES` nodes or :data:`MAX_LINKS` links.

    Raises:
        GraphTooLargeError: naming the graph's size and the limits.
    """
    problem = size_problem(graph)
    if problem is not None:
        raise GraphTooLargeError([problem])
