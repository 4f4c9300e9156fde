"""Leverage: the share of the outcome's causal ancestry that runs through each factor."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import networkx as nx

from npcs_review.graph._view import View, view_of
from npcs_review.models.review import OUTCOME_ID

__all__ = ["FactorLeverage", "Leverage", "leverage"]


@attrs.frozen
class FactorLeverage:
    """How much of the outcome's causal ancestry runs through one factor."""

    factor: str
    level: str | None
    paths_through: int
    share: float


@attrs.frozen
class Leverage:
    """Leverage of every factor: the share of root-to-outcome paths that pass through it.

    Attributes:
        total_paths: root-to-outcome paths in the condensation (0 when nothing reaches it).
        factors: every factor, highest share first, then by id.
    """

    total_paths: int
    factors: tuple[FactorLeverage, ...]

    def share(self, factor: str) -> float:
        """The share for one factor (0.0 for an unknown id)."""
        return next((f.share for f in self.factors if f.factor == factor), 0.0)


def leverage(graph: nx.MultiDiGraph) -> Leverage:
    """Rank factors by the share of the outcome's causal ancestry that runs through them.

    Take the causal links among the nodes that reach the outcome and condense every feedback
    loop (strongly connected component) to one node, which gives a DAG. Its *roots* are the
    components with no incoming link (root causes of any kind: factor, event or barrier). With

    * ``up(c)`` = the number of paths from any root to component ``c`` (1 for a root), and
    * ``down(c)`` = the number of paths from ``c`` to the outcome (1 for the outcome),

    the total is ``T = up(outcome)`` and a factor in component ``c`` has

        ``share = up(c) * down(c) / T``,

    the fraction of root-to-outcome paths that pass through it. Factors in the same loop share
    one value; factors that do not reach the outcome get 0. In a diamond (S → A → outcome,
    S → B → outcome) S has 1.0 and A and B 0.5 each.

    Args:
        graph: the review graph.
    """
    return leverage_in(view_of(graph))


def condense(view: View) -> tuple[nx.DiGraph, Mapping[str, int], list[int]]:
    """The outcome's ancestry with each loop as one node; its node map; a topological order."""
    cond = nx.condensation(view.to_outcome)
    return cond, cond.graph["mapping"], list(nx.topological_sort(cond))


def leverage_in(view: View) -> Leverage:
    """:func:`leverage` on a scanned graph."""
    through: dict[str, int] = {}
    total = 0
    if view.ancestry:
        cond, mapping, order = condense(view)
        up: dict[int, int] = {}
        for c in order:
            up[c] = sum(up[p] for p in cond.predecessors(c)) or 1
        down: dict[int, int] = {}
        end = mapping[OUTCOME_ID]
        for c in reversed(order):
            down[c] = 1 if c == end else sum(down[s] for s in cond.successors(c))
        total = up[end]
        through = {n: up[mapping[n]] * down[mapping[n]] for n in view.ancestry}
    rows = [
        FactorLeverage(
            factor=f,
            level=view.attr(f, "level"),
            paths_through=through.get(f, 0),
            share=through.get(f, 0) / total if total else 0.0,
        )
        for f in view.of_kind("factor")
    ]
    return Leverage(total, tuple(sorted(rows, key=lambda r: (-r.share, r.factor))))
