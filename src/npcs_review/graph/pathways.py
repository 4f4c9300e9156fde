"""Causal pathways from the upper system levels down to the outcome, best evidenced first.

A *pathway* is a causal path (see :mod:`npcs_review.graph._view` for the causal rule) from a
factor at ``min_level`` or above to the outcome that visits no node twice and follows no
*feedback link*. A feedback link closes a loop: it is a link that a depth-first search going back
from the outcome, predecessors in id order, finds pointing at a node still on its path (in
``a → b → c → outcome`` with ``c → b``, the link ``c → b``). Without feedback links the causal
graph is acyclic, so every count below is exact and cheap; on a graph without loops the
pathways are exactly its simple causal paths. Loops themselves are listed by
:func:`~npcs_review.graph.structure.check_structure`.

**Bounded work.** Pathways are counted by dynamic programming (the number of paths from a node
to the outcome is the sum over its successors), never by listing them: a review can have more
pathways than there are atoms. Only the best ``max_paths`` are listed, found in rank order by
the recursive enumeration algorithm for the k best paths (Jiménez & Marzal 1999, "Computing the
K shortest paths: a new algorithm and an experimental comparison", WAE '99), once per value of
the weakest step: ``O(E log E + k · L · log E)`` per value, for ``E`` links and paths of at most
``L`` steps.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping, Sequence
from itertools import pairwise

import attrs
import networkx as nx

from npcs_review.graph._view import PATHWAY_FLOOR, View, level_and_rank, ranks, view_of
from npcs_review.models.review import OUTCOME_ID

__all__ = ["MAX_PATHS", "Pathway", "Pathways", "pathways"]

#: Pathways listed at most by default (the rest are counted).
MAX_PATHS = 100


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

    __data__ = ("nodes", "level", "links", "evidence", "strength", "confidence", "score", "weakest")

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


@attrs.frozen
class Pathways:
    """The causal pathways from factors at ``min_level`` and above down to the outcome.

    Attributes:
        min_level: the lowest system level a starting factor may sit at.
        sources: the factors at that level or above, sorted.
        paths: the best pathways (at most ``max_paths``), best-evidenced first (see
            :meth:`Pathway.rank_key`).
        unconnected_sources: sources with no path to the outcome (a gap in vertical
            integration: the upper levels are not tied to what happened).
        total: the number of pathways, listed or not (counted, never enumerated).
    """

    __data__ = (
        "min_level",
        "sources",
        "best",
        "paths",
        "unconnected_sources",
        "truncated",
        "total",
    )

    min_level: str
    sources: tuple[str, ...]
    paths: tuple[Pathway, ...]
    unconnected_sources: tuple[str, ...]
    total: int

    @property
    def best(self) -> Pathway | None:
        """The best-evidenced pathway, or None when there is none."""
        return self.paths[0] if self.paths else None

    @property
    def more(self) -> int:
        """The pathways not listed."""
        return self.total - len(self.paths)

    @property
    def truncated(self) -> bool:
        """Whether more pathways exist than are listed."""
        return self.more > 0


def pathways(
    graph: nx.MultiDiGraph, min_level: str | None = None, *, max_paths: int = MAX_PATHS
) -> Pathways:
    """Count the causal pathways from upper-level factors to the outcome; list the best.

    The starting factors are those whose ``level`` ranks at or above ``min_level`` in the
    ``system_level`` code list. Pathways from each of them are counted, paths through other
    starting factors included. The best-evidenced pathway has the highest weakest-step score,
    then the highest total score, then the fewest steps, then the smallest node sequence (see
    :class:`Pathway` for the scores); the ``max_paths`` best are listed in that order.

    Args:
        graph: the review graph.
        min_level: the lowest level a starting factor may sit at (a ``system_level`` code;
            None: the third level, ``supervision_team``).
        max_paths: list at most this many pathways; :attr:`Pathways.total` counts them all.

    Raises:
        ValueError: if ``min_level`` is not a ``system_level`` code.
    """
    level, floor = level_and_rank(min_level, PATHWAY_FLOOR)
    return pathways_in(view_of(graph), level, floor, max_paths)


def pathways_in(view: View, min_level: str, floor: int, max_paths: int) -> Pathways:
    """:func:`pathways` on a scanned graph."""
    levels = ranks("system_level")
    sources = tuple(
        f for f in view.of_kind("factor") if levels.get(view.attr(f, "level"), -1) >= floor
    )
    connected = [s for s in sources if s in view.ancestry]
    dag = _Acyclic.of(view)
    found = [_pathway(view, nodes) for nodes in dag.best(connected, max_paths)]
    return Pathways(
        min_level=min_level,
        sources=sources,
        paths=tuple(sorted(found, key=Pathway.rank_key)),
        unconnected_sources=tuple(s for s in sources if s not in view.ancestry),
        total=sum(dag.count[s] for s in connected),
    )


def _pathway(view: View, nodes: Sequence[str]) -> Pathway:
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


@attrs.frozen
class _Acyclic:
    """The causal links that reach the outcome, without feedback links: a DAG.

    Attributes:
        order: every node, each after all its predecessors (the outcome last).
        succ: each node's successors, in id order.
        score: each link's step score.
        count: the number of paths from each node to the outcome.
    """

    order: tuple[str, ...]
    succ: Mapping[str, tuple[str, ...]]
    score: Mapping[tuple[str, str], int]
    count: Mapping[str, int]

    @classmethod
    def of(cls, view: View) -> _Acyclic:
        """Drop the feedback links of ``view.to_outcome`` and count the paths."""
        graph = view.to_outcome
        if not view.has_outcome:
            return cls((), {}, {}, {})
        order, feedback = _back_search(graph)
        succ = {u: tuple(sorted(v for v in graph.succ[u] if (u, v) not in feedback)) for u in order}
        count = {OUTCOME_ID: 1}
        for u in reversed(order[:-1]):
            count[u] = sum(count[v] for v in succ[u])
        score = {(u, v): view.steps[u, v].score for u in order for v in succ[u]}
        return cls(order, succ, score, count)

    def best(self, sources: Sequence[str], k: int) -> list[list[str]]:
        """The ``k`` best pathways from ``sources`` (as node lists), best first.

        One k-best search per value ``t`` of the weakest step, highest first: among the links
        scoring at least ``t``, pathways come out by total score, then fewest steps, then node
        ids; those whose weakest step scores more than ``t`` were listed under a higher value
        already and are skipped (there are fewer than ``k`` of them).
        """
        found: list[list[str]] = []
        for t in self._weakest_values(sources):
            search = _KBest(self, t, sources)
            while len(found) < k:
                entry = search.next_path()
                if entry is None:
                    break
                if entry[_WEAKEST] == t:
                    found.append(search.nodes(entry))
            if len(found) >= k:
                break
        return found

    def _weakest_values(self, sources: Sequence[str]) -> list[int]:
        """The weakest-step scores some pathway has, highest first.

        A link scoring ``s`` is the weakest step of a pathway exactly when a source reaches it,
        and it reaches the outcome, through links scoring at least ``s``: the widest paths in
        and out (max-min dynamic programming) tell.
        """
        inf = float("inf")
        into = dict.fromkeys(self.order, -inf) | dict.fromkeys(sources, inf)
        for u in self.order:
            for v in self.succ[u]:
                into[v] = max(into[v], min(into[u], self.score[u, v]))
        out = dict.fromkeys(self.order, -inf) | {OUTCOME_ID: inf}
        for u in reversed(self.order):
            for v in self.succ[u]:
                out[u] = max(out[u], min(out[v], self.score[u, v]))
        values = {s for (u, v), s in self.score.items() if into[u] >= s and out[v] >= s}
        return sorted(values, reverse=True)


def _back_search(graph: nx.DiGraph) -> tuple[tuple[str, ...], set[tuple[str, str]]]:
    """Search back from the outcome (predecessors in id order) without recursion.

    Returns the nodes in finishing order (each after its predecessors, so a topological order
    once the feedback links are dropped) and the feedback links: those that point at a node
    still on the search path.
    """
    on_path: set[str] = {OUTCOME_ID}
    done: set[str] = set()
    feedback: set[tuple[str, str]] = set()
    finished: list[str] = []
    stack: list[tuple[str, Iterator[str]]] = [(OUTCOME_ID, iter(sorted(graph.pred[OUTCOME_ID])))]
    while stack:
        node, preds = stack[-1]
        pred = next(preds, None)
        if pred is None:
            stack.pop()
            on_path.discard(node)
            done.add(node)
            finished.append(node)
        elif pred in on_path:
            feedback.add((pred, node))
        elif pred not in done:
            on_path.add(pred)
            stack.append((pred, iter(sorted(graph.pred[pred]))))
    return tuple(finished), feedback


# An entry is one path from a node to the outcome, as a tuple that sorts best first:
# (minus its score, its steps, the next node, the index of the rest in that node's list,
# its weakest step score). The outcome's one entry is (0, 0, "", -1, inf).
_Entry = tuple[int, int, str, int, float]
_WEAKEST = 4
_ROOT = ""  # the search starts from a root node linked to every source by a free step


class _KBest:
    """The recursive enumeration algorithm (Jiménez & Marzal 1999) over links scoring >= t.

    ``paths[v]`` lists the best paths from ``v`` found so far, best first; the next one is the
    best of ``candidates[v]``, each candidate being a successor ``w`` followed by one of
    ``w``'s paths. Taking the candidate ``(w, j)`` makes ``(w, j + 1)`` a candidate, which may
    first need ``w``'s next path: the search goes down one path at a time.
    """

    def __init__(self, dag: _Acyclic, t: int, sources: Sequence[str]) -> None:
        self.dag = dag
        self.t = t
        self.succ: dict[str, list[str]] = {_ROOT: sorted(sources)}
        self.paths: dict[str, list[_Entry]] = {OUTCOME_ID: [(0, 0, "", -1, float("inf"))]}
        self.candidates: dict[str, list[_Entry] | None] = {}
        self.exhausted: set[str] = {OUTCOME_ID}
        for u in reversed(dag.order[:-1]):
            self.succ[u] = [v for v in dag.succ[u] if dag.score[u, v] >= t]
        for u in [*reversed(dag.order[:-1]), _ROOT]:
            options = [self._candidate(u, w, 0) for w in self.succ[u] if self.paths.get(w)]
            self.paths[u] = [min(options)] if options else []
        self.taken = 0

    def _candidate(self, u: str, w: str, j: int) -> _Entry:
        neg, steps, _, _, weakest = self.paths[w][j]
        if u == _ROOT:
            return (neg, steps, w, j, weakest)
        score = self.dag.score[u, w]
        return (neg - score, steps + 1, w, j, min(weakest, score))

    def next_path(self) -> _Entry | None:
        """The next best path from the root (a source's path), or None when there is none."""
        if self.taken == len(self.paths[_ROOT]) and not self._extend(_ROOT):
            return None
        self.taken += 1
        return self.paths[_ROOT][self.taken - 1]

    def _extend(self, node: str) -> bool:
        """Find ``node``'s next path; return False when it has no more."""
        if not self.paths[node] or node in self.exhausted:
            return False
        chain: list[str] = []
        u = node
        while True:  # walk down to the first successor whose next path is already known
            chain.append(u)
            _, _, w, j, _ = self.paths[u][-1]
            if len(self.paths[w]) > j + 1 or w in self.exhausted:
                break
            u = w
        for u in reversed(chain):
            heap = self.candidates.get(u)
            if heap is None:  # first time: every other successor's best path
                _, _, first, _, _ = self.paths[u][0]
                heap = [
                    self._candidate(u, w, 0)
                    for w in self.succ[u]
                    if w != first and self.paths.get(w)
                ]
                heapq.heapify(heap)
                self.candidates[u] = heap
            _, _, w, j, _ = self.paths[u][-1]
            if len(self.paths[w]) > j + 1:
                heapq.heappush(heap, self._candidate(u, w, j + 1))
            if heap:
                self.paths[u].append(heapq.heappop(heap))
            else:
                self.exhausted.add(u)
        return node not in self.exhausted

    def nodes(self, entry: _Entry) -> list[str]:
        """The nodes of a root path, from its source to the outcome."""
        result: list[str] = []
        _, _, node, j, _ = entry
        while node:
            result.append(node)
            _, _, node, j, _ = self.paths[node][j]
        return result
