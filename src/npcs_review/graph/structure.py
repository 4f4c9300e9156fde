"""Structure of a review graph: dangling ends, links between the wrong kinds, feedback loops.

Also the factors with no causal path to the outcome (see :mod:`npcs_review.graph._view` for the
causal rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice

import attrs
import networkx as nx

from npcs_review.graph._view import LinkRef, View, link_order, view_of

__all__ = ["MAX_LOOPS", "DanglingEnd", "LinkRef", "Structure", "WrongKindLink", "check_structure"]

#: Feedback loops listed at most by default.
MAX_LOOPS = 100


@attrs.frozen
class DanglingEnd:
    """A node that links point to but that has no ``kind`` (it is not in the review)."""

    node: str
    links: tuple[LinkRef, ...]


@attrs.frozen
class WrongKindLink:
    """A link whose kind is unknown or whose ends are kinds it may not join."""

    __data__ = ("*link", "source_kind", "target_kind")

    link: LinkRef
    source_kind: str
    target_kind: str


@attrs.frozen
class Structure:
    """What :func:`check_structure` found.

    Attributes:
        outcome_present: whether the graph has the outcome node (id ``outcome``, kind outcome).
        dangling: nodes without a kind, with the links that touch them.
        wrong_kind: links between kinds that :data:`~npcs_review.models.LINK_KINDS` does not
            allow (or of an unknown kind).
        feedback_loops: each cycle of causal links once, as its nodes in link order starting
            at the smallest id; sorted. Loops are reported, not treated as errors.
        loops_truncated: whether more loops exist than were listed (see ``max_loops``).
        unconnected_factors: factors with no causal path to the outcome.
    """

    __data__ = (
        "ok",
        "outcome_present",
        "dangling",
        "wrong_kind",
        "feedback_loops",
        "loops_truncated",
        "unconnected_factors",
    )

    outcome_present: bool
    dangling: tuple[DanglingEnd, ...]
    wrong_kind: tuple[WrongKindLink, ...]
    feedback_loops: tuple[tuple[str, ...], ...]
    loops_truncated: bool
    unconnected_factors: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when the outcome is there and nothing dangles, mismatches or is unconnected."""
        return (
            self.outcome_present
            and not self.dangling
            and not self.wrong_kind
            and not self.unconnected_factors
        )


def _rotate(cycle: Sequence[str]) -> tuple[str, ...]:
    start = min(range(len(cycle)), key=cycle.__getitem__)
    return tuple(cycle[start:]) + tuple(cycle[:start])


def check_structure(graph: nx.MultiDiGraph, *, max_loops: int = MAX_LOOPS) -> Structure:
    """Check the graph's structure: dangling ends, wrong-kind links, loops, unconnected factors.

    Feedback loops are the simple cycles of the causal links (``contributes_to``, and through a
    barrier ``breaches`` and ``holds``; see :mod:`npcs_review.graph._view`); a loop made only of
    ``contributes_to`` links is the common case. They are listed, never raised, by Johnson's
    algorithm (1975), which finds each next loop in at most one pass over the graph.

    Args:
        graph: the review graph.
        max_loops: list at most this many loops (a dense graph can have more loops than can be
            counted).

    Returns:
        The findings, each list sorted.
    """
    view = view_of(graph)
    return structure_in(view, max_loops)


def structure_in(view: View, max_loops: int) -> Structure:
    """:func:`check_structure` on a scanned graph."""
    touching: dict[str, list[LinkRef]] = {}
    for link in view.dangling:
        for end in (link.source, link.target):
            if view.kinds[end] is None:
                touching.setdefault(end, []).append(link)
    for node, kind in view.kinds.items():  # a node with no kind and no links at all
        if kind is None and node not in touching:
            touching[node] = []
    dangling = tuple(
        DanglingEnd(node, tuple(sorted(set(links), key=link_order)))
        for node, links in sorted(touching.items())
    )
    wrong = tuple(
        WrongKindLink(link, view.kinds[link.source] or "", view.kinds[link.target] or "")
        for link in view.wrong_kind
    )
    found = list(islice(nx.simple_cycles(view.causal), max_loops + 1))
    loops = tuple(sorted(_rotate(c) for c in found[:max_loops]))
    return Structure(
        outcome_present=view.has_outcome,
        dangling=dangling,
        wrong_kind=wrong,
        feedback_loops=loops,
        loops_truncated=len(found) > max_loops,
        unconnected_factors=tuple(
            f for f in view.of_kind("factor") if f not in view.ancestry and f not in view.protective
        ),
    )
