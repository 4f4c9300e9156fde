"""Analyses of a review's systemic factor graph, and of many reviews combined.

Every function takes the ``networkx.MultiDiGraph`` made by
:func:`npcs_review.graph.bridge.to_networkx` (or one of the same shape built by hand) and
returns a frozen attrs result whose ``to_dict()`` is JSON-ready and deterministic: lists are
sorted, so the same review gives the same output whatever order its nodes and links were given in.
Node ids are strings, as the review model makes them.

**The causal rule.** A *causal path* follows links of three kinds:

* ``contributes_to`` (factor, event or barrier → factor, event, barrier or the outcome);
* ``breaches`` (factor or event → barrier): breaching a defence is a step towards harm;
* ``holds`` (barrier → event, factor or the outcome): from a barrier on to what it was there
  to protect; together with ``breaches`` this carries a path *through* the defence.

``precedes`` is order in time, not influence, and is not followed; nor are ``addresses``,
``supports`` and ``evidenced_by``. A barrier's ``state`` does not cut a path: the links say what
the team modelled. Only well-formed links count: a link whose ends have no ``kind``
(dangling), or whose kinds do not fit :data:`~npcs_review.models.LINK_KINDS`, is reported by
:func:`check_structure` and ignored by every other analysis. Several links between the same two
nodes count as one step, scored by the best of them.

Feedback loops (cycles of causal links) are allowed: path enumeration uses simple paths, and
path counting (:func:`leverage`) and the minimal cut (:func:`minimal_cut`) work on the
condensation, where each loop is one node, so cycles never raise.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from itertools import combinations, islice, pairwise, product
from typing import Any

import attrs
import networkx as nx
from networkx.algorithms.flow import edmonds_karp

from npcs_review.codelists import codelist
from npcs_review.models.review import LINK_KINDS, OUTCOME_ID

__all__ = [
    "CAUSAL_LINKS",
    "NO_JURISDICTION",
    "UNCODED",
    "Chain",
    "CoOccurrence",
    "CodeLink",
    "Combined",
    "Coverage",
    "CoverageGap",
    "DanglingEnd",
    "FactorLeverage",
    "LevelCoverage",
    "Leverage",
    "LinkRef",
    "MinimalCut",
    "Pathway",
    "Pathways",
    "RecurringFactor",
    "ReviewAnalysis",
    "StrengthMismatch",
    "Structure",
    "WrongKindLink",
    "analyze",
    "check_structure",
    "combine",
    "factor_keys",
    "level_coverage",
    "leverage",
    "minimal_cut",
    "pathways",
    "recommendation_coverage",
]

#: The link kinds a causal path follows (see the module docstring).
CAUSAL_LINKS: frozenset[str] = frozenset({"contributes_to", "breaches", "holds"})
#: The node kinds a minimal cut may remove.
_CUTTABLE = frozenset({"factor", "barrier"})
#: The jurisdiction key for reviews whose outcome node has no ``jurisdiction``.
NO_JURISDICTION = "not_recorded"
#: The taxonomy id under which :func:`combine` counts factors that carry no taxonomy code
#: (``"uncoded:<level>"``); a review taxonomy should not use this id.
UNCODED = "uncoded"
#: A recommendation with this status does not cover the factor it addresses.
_DECLINED = "declined"
#: Default levels by position in the ordered ``system_level`` list (0 = lowest), so that no
#: level code is typed here: the two lowest levels (``family_community_environment`` and
#: ``frontline_practice``) are proximal; pathways start at the first level above them
#: (``supervision_team``); strength fit applies from the fourth (``agency_organization``) up.
_PROXIMAL_TOP, _PATHWAY_FLOOR, _UPPER_FLOOR = 1, 2, 3


# ------------------------------------------------------------------------------ code lists


@cache
def _ranks(list_id: str) -> Mapping[str, int]:
    """Code → position in an ordered code list (0 = first)."""
    return {value.code: i for i, value in enumerate(codelist(list_id))}


def _rank(list_id: str, code: object) -> int | None:
    return _ranks(list_id).get(code) if isinstance(code, str) else None


def _level_rank(code: str) -> int:
    """The rank of a level code; raises ValueError, naming the list, for an unknown one."""
    return codelist("system_level").rank(code)


def _level(code: str | None, position: int) -> tuple[str, int]:
    """A level code and its rank; None means the level at ``position`` in the list."""
    if code is None:
        return codelist("system_level").values[position].code, position
    return code, _level_rank(code)


@cache
def _type_strength(action_type: str) -> str | None:
    value = codelist("action_type").get(action_type)
    strength = None if value is None else value.attributes.get("strength")
    return strength if isinstance(strength, str) else None


# ------------------------------------------------------------------------- shared results


@attrs.frozen
class LinkRef:
    """One link of the multigraph: its ends, its key and its kind (None when it has none)."""

    source: str
    target: str
    key: int | str
    kind: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {"source": self.source, "target": self.target, "key": self.key, "kind": self.kind}


def _link_order(link: LinkRef) -> tuple[str, str, str, bool, int, str]:
    key = link.key
    return (
        link.source,
        link.target,
        link.kind or "",
        isinstance(key, str),
        key if isinstance(key, int) else 0,
        str(key),
    )


# ------------------------------------------------------------------------------ the view


@attrs.frozen
class _Step:
    """The best-scored causal link between two nodes (several parallel links count as one)."""

    evidence: int
    strength: int
    confidence: int

    @property
    def score(self) -> int:
        return self.evidence + self.strength + self.confidence

    def order(self) -> tuple[int, int, int, int]:
        return (self.score, self.evidence, self.strength, self.confidence)


@attrs.frozen
class _View:
    """One scan of a graph: node kinds, well-formed causal links, and the malformed rest."""

    graph: nx.MultiDiGraph
    kinds: Mapping[str, str | None]
    causal: nx.DiGraph  # every well-formed causal step; nodes and edges added in sorted order
    to_outcome: nx.DiGraph  # the part of ``causal`` that reaches the outcome, outcome included
    ancestry: frozenset[str]  # nodes with a causal path to the outcome (outcome excluded)
    has_outcome: bool
    steps: Mapping[tuple[str, str], _Step]
    dangling: tuple[LinkRef, ...]
    wrong_kind: tuple[LinkRef, ...]
    addressed_by: Mapping[str, tuple[str, ...]]  # target → recommendations that cover it
    protective: frozenset[str] = frozenset()  # sources of protective links only

    def of_kind(self, kind: str) -> list[str]:
        return sorted(n for n, k in self.kinds.items() if k == kind)

    def attr(self, node: str, name: str) -> Any:
        return self.graph.nodes[node].get(name)


def _kind_of(data: Mapping[str, Any]) -> str | None:
    kind = data.get("kind")
    return kind if isinstance(kind, str) else None


def _fits(kind: str | None, source: str, target: str) -> bool:
    allowed = LINK_KINDS.get(kind) if kind is not None else None
    return allowed is not None and source in allowed[0] and target in allowed[1]


def _view(graph: nx.MultiDiGraph) -> _View:
    kinds: dict[str, str | None] = {n: _kind_of(d) for n, d in graph.nodes(data=True)}
    evidence = {n for n, k in kinds.items() if k == "evidence"}
    strength, confidence = _ranks("link_strength"), _ranks("confidence")
    steps: dict[tuple[str, str], _Step] = {}
    dangling: list[LinkRef] = []
    wrong: list[LinkRef] = []
    addressed: dict[str, set[str]] = {}
    protective: set[str] = set()  # sources of protective influences (not causes)
    for u, v, key, data in graph.edges(keys=True, data=True):
        kind = _kind_of(data)
        ku, kv = kinds[u], kinds[v]
        if ku is None or kv is None:
            dangling.append(LinkRef(u, v, key if isinstance(key, int) else str(key), kind))
            continue
        if not _fits(kind, ku, kv):
            wrong.append(LinkRef(u, v, key if isinstance(key, int) else str(key), kind))
            continue
        if kind in CAUSAL_LINKS and data.get("polarity") == "protective":
            protective.add(u)
        elif kind in CAUSAL_LINKS:
            refs = data.get("evidence") or ()
            step = _Step(
                len({e for e in refs if e in evidence}),
                strength.get(data.get("strength"), -1) + 1,
                confidence.get(data.get("confidence"), -1) + 1,
            )
            old = steps.get((u, v))
            if old is None or step.order() > old.order():
                steps[u, v] = step
        elif kind == "addresses" and graph.nodes[u].get("status") != _DECLINED:
            addressed.setdefault(v, set()).add(u)
    causal = nx.DiGraph()
    causal.add_nodes_from(sorted(n for n, k in kinds.items() if k is not None))
    causal.add_edges_from(sorted(steps))
    has_outcome = kinds.get(OUTCOME_ID) == "outcome"
    ancestry = frozenset(nx.ancestors(causal, OUTCOME_ID)) if has_outcome else frozenset()
    to_outcome = nx.DiGraph()
    if has_outcome:
        keep = ancestry | {OUTCOME_ID}
        to_outcome.add_nodes_from(n for n in causal if n in keep)
        to_outcome.add_edges_from(
            (u, v, d) for u, v, d in causal.edges(data=True) if u in keep and v in keep
        )
    return _View(
        graph=graph,
        kinds=kinds,
        causal=causal,
        to_outcome=to_outcome,
        ancestry=ancestry,
        has_outcome=has_outcome,
        steps=steps,
        dangling=tuple(sorted(dangling, key=_link_order)),
        wrong_kind=tuple(sorted(wrong, key=_link_order)),
        addressed_by={t: tuple(sorted(r)) for t, r in sorted(addressed.items())},
        protective=frozenset(protective),
    )


# ------------------------------------------------------------------------------ structure


@attrs.frozen
class DanglingEnd:
    """A node that links point to but that has no ``kind`` (it is not in the review)."""

    node: str
    links: tuple[LinkRef, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {"node": self.node, "links": [link.to_dict() for link in self.links]}


@attrs.frozen
class WrongKindLink:
    """A link whose kind is unknown or whose ends are kinds it may not join."""

    link: LinkRef
    source_kind: str
    target_kind: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            **self.link.to_dict(),
            "source_kind": self.source_kind,
            "target_kind": self.target_kind,
        }


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

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "ok": self.ok,
            "outcome_present": self.outcome_present,
            "dangling": [d.to_dict() for d in self.dangling],
            "wrong_kind": [w.to_dict() for w in self.wrong_kind],
            "feedback_loops": [list(loop) for loop in self.feedback_loops],
            "loops_truncated": self.loops_truncated,
            "unconnected_factors": list(self.unconnected_factors),
        }


def _rotate(cycle: Sequence[str]) -> tuple[str, ...]:
    start = min(range(len(cycle)), key=cycle.__getitem__)
    return tuple(cycle[start:]) + tuple(cycle[:start])


def check_structure(graph: nx.MultiDiGraph, *, max_loops: int = 1000) -> Structure:
    """Check the graph's structure: dangling ends, wrong-kind links, loops, unconnected factors.

    Feedback loops are the simple cycles of the causal links (``contributes_to``, and through a
    barrier ``breaches`` and ``holds``; see the module docstring); a loop made only of
    ``contributes_to`` links is the common case. They are listed, never raised.

    Args:
        graph: the review graph.
        max_loops: list at most this many loops (a dense graph can have very many).

    Returns:
        The findings, each list sorted.
    """
    view = _view(graph)
    return _structure(view, max_loops)


def _structure(view: _View, max_loops: int) -> Structure:
    touching: dict[str, list[LinkRef]] = {}
    for link in view.dangling:
        for end in (link.source, link.target):
            if view.kinds[end] is None:
                touching.setdefault(end, []).append(link)
    for node, kind in view.kinds.items():  # a node with no kind and no links at all
        if kind is None and node not in touching:
            touching[node] = []
    dangling = tuple(
        DanglingEnd(node, tuple(sorted(set(links), key=_link_order)))
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


# ------------------------------------------------------------------------------- pathways


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
    level, floor = _level(min_level, _PATHWAY_FLOOR)
    return _pathways(_view(graph), level, floor, max_paths)


def _pathways(view: _View, min_level: str, floor: int, max_paths: int) -> Pathways:
    levels = _ranks("system_level")
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


def _simple_paths(view: _View, source: str) -> Iterator[list[str]]:
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


def _pathway(view: _View, nodes: list[str]) -> Pathway:
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


# ------------------------------------------------------------------------------- leverage


@attrs.frozen
class FactorLeverage:
    """How much of the outcome's causal ancestry runs through one factor."""

    factor: str
    level: str | None
    paths_through: int
    share: float

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return attrs.asdict(self)


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

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {"total_paths": self.total_paths, "factors": [f.to_dict() for f in self.factors]}


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
    return _leverage(_view(graph))


def _condense(view: _View) -> tuple[nx.DiGraph, Mapping[str, int], list[int]]:
    cond = nx.condensation(view.to_outcome)
    return cond, cond.graph["mapping"], list(nx.topological_sort(cond))


def _leverage(view: _View) -> Leverage:
    through: dict[str, int] = {}
    total = 0
    if view.ancestry:
        cond, mapping, order = _condense(view)
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


# ---------------------------------------------------------------------------- minimal cut


@attrs.frozen
class MinimalCut:
    """The fewest factors or barriers whose removal breaks every causal path to the outcome.

    Attributes:
        nodes: the cut, sorted (empty when nothing reaches the outcome or it is unbreakable).
        breakable: False when some root reaches the outcome through events only, which no
            choice of factors or barriers can break.
        roots: the root nodes the paths start from (sources of the condensation), sorted.
        uncut_path: when unbreakable, one shortest such events-only path.
    """

    nodes: tuple[str, ...]
    breakable: bool
    roots: tuple[str, ...]
    uncut_path: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        """The number of nodes in the cut."""
        return len(self.nodes)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "nodes": list(self.nodes),
            "size": self.size,
            "breakable": self.breakable,
            "roots": list(self.roots),
            "uncut_path": list(self.uncut_path),
        }


def minimal_cut(graph: nx.MultiDiGraph) -> MinimalCut:
    """Find the fewest factors or barriers that, removed, break every causal path to the outcome.

    The paths run from the roots (every node of a component with no incoming causal link in
    the condensation of the outcome's ancestry) to the outcome. Each node is split into
    ``in → out``; the split link has capacity 1 for a factor or barrier and is uncuttable
    (infinite) for anything else; causal links and the links from a super-source to the roots
    are uncuttable. A maximum flow gives the minimum cut's size; among all minimum cuts the one
    returned is the unique one *closest to the roots* (the nodes reachable from the source in the
    residual network), so the choice is deterministic and prefers upstream, latent conditions:
    in a chain S → A → outcome the cut is S, not A.

    Args:
        graph: the review graph.
    """
    return _minimal_cut(_view(graph))


_SOURCE = ("source", "")


def _minimal_cut(view: _View) -> MinimalCut:
    if not view.ancestry:
        return MinimalCut((), breakable=True, roots=())
    cond, _, _ = _condense(view)
    roots = tuple(
        sorted(n for c in cond if cond.in_degree(c) == 0 for n in cond.nodes[c]["members"])
    )
    flow = nx.DiGraph()
    for n in view.to_outcome:
        if n == OUTCOME_ID:
            continue
        if view.kinds[n] in _CUTTABLE:
            flow.add_edge(("in", n), ("out", n), capacity=1)
        else:
            flow.add_edge(("in", n), ("out", n))  # no capacity: infinite
    flow.add_edges_from((("out", u), ("in", v)) for u, v in view.to_outcome.edges)
    flow.add_edges_from((_SOURCE, ("in", r)) for r in roots)
    sink = ("in", OUTCOME_ID)
    try:
        residual = edmonds_karp(flow, _SOURCE, sink)
    except nx.NetworkXUnbounded:
        return MinimalCut((), breakable=False, roots=roots, uncut_path=_uncut_path(view, roots))
    seen = {_SOURCE}
    queue = deque([_SOURCE])
    while queue:
        u = queue.popleft()
        for v, data in residual[u].items():
            if v not in seen and data["capacity"] - data["flow"] > 0:
                seen.add(v)
                queue.append(v)
    cut = tuple(
        sorted(
            n
            for n in view.ancestry
            if view.kinds[n] in _CUTTABLE and ("in", n) in seen and ("out", n) not in seen
        )
    )
    return MinimalCut(cut, breakable=True, roots=roots)


def _uncut_path(view: _View, roots: Sequence[str]) -> tuple[str, ...]:
    """One shortest path from a root to the outcome that avoids every factor and barrier."""
    parent: dict[str, str | None] = {r: None for r in roots if view.kinds[r] not in _CUTTABLE}
    queue = deque(parent)
    while queue:
        u = queue.popleft()
        if u == OUTCOME_ID:
            path = [u]
            while (prev := parent[path[-1]]) is not None:
                path.append(prev)
            return tuple(reversed(path))
        for v in view.to_outcome.successors(u):
            if v not in parent and view.kinds[v] not in _CUTTABLE:
                parent[v] = u
                queue.append(v)
    return ()  # pragma: no cover - only called when such a path exists


# ----------------------------------------------------------------- recommendation coverage


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

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "node": self.node,
            "kind": self.kind,
            "level": self.level,
            "reasons": list(self.reasons),
            "leverage": self.leverage,
        }


@attrs.frozen
class StrengthMismatch:
    """An upper-level factor addressed only by weaker actions (e.g. training, a new policy)."""

    factor: str
    level: str
    recommendations: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "factor": self.factor,
            "level": self.level,
            "recommendations": list(self.recommendations),
        }


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

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "leverage_threshold": self.leverage_threshold,
            "priority": list(self.priority),
            "uncovered": [g.to_dict() for g in self.uncovered],
            "no_action": list(self.no_action),
            "strength_mismatches": [m.to_dict() for m in self.strength_mismatches],
        }


def recommendation_coverage(
    graph: nx.MultiDiGraph,
    leverage_threshold: float = 0.5,
    *,
    upper_level: str | None = None,
    weak_strength: str = "weaker",
) -> Coverage:
    """Check that priority factors have recommendations, and that upper levels get strong ones.

    A factor is a *priority* when it is in the :func:`minimal_cut` or its :func:`leverage`
    share is at least ``leverage_threshold``; a barrier in the minimal cut is one too. A priority
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
    view = _view(graph)
    return _coverage(
        view,
        _leverage(view),
        _minimal_cut(view),
        leverage_threshold,
        upper_level=upper_level,
        weak_strength=weak_strength,
    )


def _is_weak(data: Mapping[str, Any], ceiling: int) -> bool:
    ranks = [_rank("action_strength", data.get("action_strength"))]
    action_type = data.get("action_type")
    if isinstance(action_type, str):
        ranks.append(_rank("action_strength", _type_strength(action_type)))
    known = [r for r in ranks if r is not None]
    return bool(known) and min(known) <= ceiling


def _coverage(
    view: _View,
    lev: Leverage,
    cut: MinimalCut,
    threshold: float,
    *,
    upper_level: str | None,
    weak_strength: str,
) -> Coverage:
    _, upper = _level(upper_level, _UPPER_FLOOR)
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
        if (_rank("system_level", level) or -1) < upper or not recs:
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


# --------------------------------------------------------------------------- level coverage


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

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping (``counts`` in level order, lowest first)."""
        return {
            "counts": dict(self.counts),
            "total": self.total,
            "proximal": self.proximal,
            "upper": self.upper,
            "unleveled": self.unleveled,
            "proximal_share": self.proximal_share,
        }


def level_coverage(graph: nx.MultiDiGraph, *, proximal_top: str | None = None) -> LevelCoverage:
    """Count factors per system level and the share at the proximal levels.

    Args:
        graph: the review graph.
        proximal_top: the highest level counted as proximal (a ``system_level`` code; None:
            the second level, ``frontline_practice``).

    Raises:
        ValueError: if ``proximal_top`` is not a ``system_level`` code.
    """
    _, top = _level(proximal_top, _PROXIMAL_TOP)
    ranks = _ranks("system_level")
    counts = dict.fromkeys(ranks, 0)
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
    proximal = sum(n for code, n in counts.items() if ranks[code] <= top)
    return LevelCoverage(
        counts=counts,
        total=total,
        proximal=proximal,
        upper=total - proximal,
        unleveled=unleveled,
        proximal_share=proximal / total if total else None,
    )


# -------------------------------------------------------------------------------- analyze


@attrs.frozen
class ReviewAnalysis:
    """Every analysis of one review graph."""

    structure: Structure
    pathways: Pathways
    leverage: Leverage
    minimal_cut: MinimalCut
    coverage: Coverage
    levels: LevelCoverage

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "structure": self.structure.to_dict(),
            "pathways": self.pathways.to_dict(),
            "leverage": self.leverage.to_dict(),
            "minimal_cut": self.minimal_cut.to_dict(),
            "coverage": self.coverage.to_dict(),
            "levels": self.levels.to_dict(),
        }


def analyze(
    graph: nx.MultiDiGraph,
    *,
    min_level: str | None = None,
    leverage_threshold: float = 0.5,
    max_paths: int = 10_000,
) -> ReviewAnalysis:
    """Run every single-review analysis on one graph (scanning it once).

    Args:
        graph: the review graph.
        min_level: passed to :func:`pathways`.
        leverage_threshold: passed to :func:`recommendation_coverage`.
        max_paths: passed to :func:`pathways`.

    Raises:
        ValueError: if ``min_level`` is not a ``system_level`` code.
    """
    level, floor = _level(min_level, _PATHWAY_FLOOR)
    view = _view(graph)
    lev = _leverage(view)
    cut = _minimal_cut(view)
    return ReviewAnalysis(
        structure=_structure(view, 1000),
        pathways=_pathways(view, level, floor, max_paths),
        leverage=lev,
        minimal_cut=cut,
        coverage=_coverage(
            view,
            lev,
            cut,
            leverage_threshold,
            upper_level=None,
            weak_strength="weaker",
        ),
        levels=level_coverage(graph),
    )


# -------------------------------------------------------------------------------- combine


@attrs.frozen
class RecurringFactor:
    """How often one factor key recurs across reviews.

    Attributes:
        code: ``"<taxonomy>:<code>"``, or ``"uncoded:<level>"`` for factors without codes.
        reviews: the reviews with at least one factor carrying it.
        share: ``reviews`` / all reviews combined.
        by_level: reviews per system level of the factors carrying it.
        by_element: reviews per work-system element of the factors carrying it.
        by_jurisdiction: reviews per jurisdiction (see :data:`NO_JURISDICTION`).
    """

    code: str
    reviews: int
    share: float
    by_level: Mapping[str, int]
    by_element: Mapping[str, int]
    by_jurisdiction: Mapping[str, int]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping (breakdowns sorted by key)."""
        return {
            "code": self.code,
            "reviews": self.reviews,
            "share": self.share,
            "by_level": dict(sorted(self.by_level.items())),
            "by_element": dict(sorted(self.by_element.items())),
            "by_jurisdiction": dict(sorted(self.by_jurisdiction.items())),
        }


@attrs.frozen
class CoOccurrence:
    """Two factor keys found in the same reviews: ``lift = P(a,b) / (P(a) P(b))``."""

    a: str
    b: str
    reviews: int
    lift: float

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return attrs.asdict(self)


@attrs.frozen
class Chain:
    """A sequence of factor keys read along causal paths, ending at the outcome.

    ``(a, b, c)`` means a factor coded ``a`` reaches one coded ``b``, which reaches one coded
    ``c``, which reaches the outcome, each step through events or barriers only (no other
    factor in between), the three factors distinct.
    """

    codes: tuple[str, ...]
    reviews: int
    share: float

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {"codes": list(self.codes), "reviews": self.reviews, "share": self.share}


@attrs.frozen
class CodeLink:
    """An edge of the aggregate graph, counted in reviews.

    In ``reviews`` reviews a factor coded ``source`` reaches one coded ``target`` (or the
    outcome) with no other factor in between.
    """

    source: str
    target: str
    reviews: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return attrs.asdict(self)


@attrs.frozen
class Combined:
    """Many reviews combined by factor key; every count is a number of reviews.

    Attributes:
        reviews: the reviews combined (the denominator of every share).
        jurisdictions: reviews per jurisdiction.
        factors: every factor key, most frequent first, then by key.
        pairs: keys found together, most frequent first, then highest lift, then by keys.
        chains: the most frequent chains to the outcome (up to ``top_chains``), most frequent
            first, then shorter, then by keys.
        links: the aggregate graph's edges, most frequent first, then by keys.
    """

    reviews: int
    jurisdictions: Mapping[str, int]
    factors: tuple[RecurringFactor, ...]
    pairs: tuple[CoOccurrence, ...]
    chains: tuple[Chain, ...]
    links: tuple[CodeLink, ...]

    def factor(self, code: str) -> RecurringFactor | None:
        """The entry for one key, or None."""
        return next((f for f in self.factors if f.code == code), None)

    def pair(self, a: str, b: str) -> CoOccurrence | None:
        """The entry for two keys (in either order), or None when they never co-occur."""
        a, b = sorted((a, b))
        return next((p for p in self.pairs if (p.a, p.b) == (a, b)), None)

    def to_networkx(self) -> nx.DiGraph:
        """Return the aggregate graph.

        One node per factor key (``kind="code"``, with ``reviews`` and ``share``) plus the
        outcome, and the :attr:`links` as edges with ``reviews``.
        """
        graph = nx.DiGraph()
        graph.add_node(OUTCOME_ID, kind="outcome", reviews=self.reviews)
        for f in self.factors:
            graph.add_node(f.code, kind="code", reviews=f.reviews, share=f.share)
        for link in self.links:
            graph.add_edge(link.source, link.target, reviews=link.reviews)
        return graph

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "reviews": self.reviews,
            "jurisdictions": dict(sorted(self.jurisdictions.items())),
            "factors": [f.to_dict() for f in self.factors],
            "pairs": [p.to_dict() for p in self.pairs],
            "chains": [c.to_dict() for c in self.chains],
            "links": [link.to_dict() for link in self.links],
        }


def factor_keys(data: Mapping[str, Any], taxonomy: str | None = None) -> tuple[str, ...]:
    """Return the keys :func:`combine` counts a factor under, from its node attributes.

    One ``"<taxonomy>:<code>"`` per entry of ``taxonomy_codes``, sorted (only ``taxonomy``'s
    when given); a factor without such a code gets ``"uncoded:<level>"``.
    """
    codes: Mapping[str, str] = data.get("taxonomy_codes") or {}
    if taxonomy is not None:
        codes = {taxonomy: codes[taxonomy]} if taxonomy in codes else {}
    if codes:
        return tuple(sorted(f"{name}:{code}" for name, code in codes.items()))
    return (f"{UNCODED}:{data.get('level')}",)


class _Tally:
    """The counters :func:`combine` keeps: nothing per review survives its turn."""

    def __init__(self, taxonomy: str | None) -> None:
        self.taxonomy = taxonomy
        self.reviews = 0
        self.seen: set[str] = set()
        self.jurisdictions: Counter[str] = Counter()
        self.codes: Counter[str] = Counter()
        self.levels: Counter[tuple[str, str]] = Counter()
        self.elements: Counter[tuple[str, str]] = Counter()
        self.places: Counter[tuple[str, str]] = Counter()
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.chains: Counter[tuple[str, ...]] = Counter()
        self.links: Counter[tuple[str, str]] = Counter()

    def add(self, review_id: str, graph: nx.MultiDiGraph) -> None:
        if review_id in self.seen:
            msg = f"review {review_id!r} is given twice"
            raise ValueError(msg)
        self.seen.add(review_id)
        self.reviews += 1
        nodes = graph.nodes
        place = NO_JURISDICTION
        if OUTCOME_ID in nodes:
            value = nodes[OUTCOME_ID].get("jurisdiction")
            place = value if isinstance(value, str) and value else NO_JURISDICTION
        self.jurisdictions[place] += 1
        keys: dict[str, tuple[str, ...]] = {}
        levels: set[tuple[str, str]] = set()
        elements: set[tuple[str, str]] = set()
        for node, data in nodes(data=True):
            if data.get("kind") != "factor":
                continue
            keys[node] = mine = factor_keys(data, self.taxonomy)
            level = data.get("level")
            for code in mine:
                if isinstance(level, str):
                    levels.add((code, level))
                elements.update((code, e) for e in data.get("work_system_elements") or ())
        codes = sorted({c for ks in keys.values() for c in ks})
        self.codes.update(codes)
        self.levels.update(levels)
        self.elements.update(elements)
        self.places.update((c, place) for c in codes)
        self.pairs.update(combinations(codes, 2))
        following, ends = _factor_steps(graph, keys)
        links: set[tuple[str, str]] = set()
        chains: set[tuple[str, ...]] = set()
        before: dict[str, list[str]] = {}
        for f, nexts in following.items():
            for g in nexts:
                before.setdefault(g, []).append(f)
                links.update(product(keys[f], keys[g]))
        for f in ends:
            links.update((c, OUTCOME_ID) for c in keys[f])
            chains.update((c,) for c in keys[f])
            for e in before.get(f, ()):  # e != f: a factor never follows itself
                chains.update(product(keys[e], keys[f]))
                for d in before.get(e, ()):
                    if d != f:
                        chains.update(product(keys[d], keys[e], keys[f]))
        self.links.update(links)
        self.chains.update(chains)


def _factor_steps(
    graph: nx.MultiDiGraph, keys: Mapping[str, tuple[str, ...]]
) -> tuple[dict[str, set[str]], list[str]]:
    """Return each factor's next factors, and the factors that reach the outcome directly.

    "Next" and "directly" mean through events or barriers only, over well-formed causal links.
    """
    kinds = {n: _kind_of(d) for n, d in graph.nodes(data=True)}
    succ: dict[str, list[str]] = {}
    for u, v, data in graph.edges(data=True):
        kind = _kind_of(data)
        ku, kv = kinds[u], kinds[v]
        if kind in CAUSAL_LINKS and ku is not None and kv is not None and _fits(kind, ku, kv):
            succ.setdefault(u, []).append(v)
    nxt: dict[str, set[str]] = {}
    ends: list[str] = []
    for f in keys:
        reached: set[str] = set()
        end = False
        seen = {f}
        stack = list(succ.get(f, ()))
        while stack:
            v = stack.pop()
            if v in seen:
                continue
            seen.add(v)
            if kinds[v] == "factor":
                reached.add(v)
            elif v == OUTCOME_ID:
                end = True
            else:
                stack.extend(succ.get(v, ()))
        if reached:
            nxt[f] = reached
        if end:
            ends.append(f)
    return nxt, ends


def combine(
    graphs: Iterable[tuple[str, nx.MultiDiGraph]],
    *,
    taxonomy: str | None = None,
    top_chains: int | None = 100,
    min_pair_reviews: int = 1,
) -> Combined:
    """Combine many reviews by factor key: recurrence, co-occurrence and chains to the outcome.

    Streams: each ``(review_id, graph)`` is folded into counters and dropped, so memory grows
    with the number of distinct keys, not of reviews. Factors are keyed by
    :func:`factor_keys`: a factor with codes in two taxonomies counts under both (and its two
    keys co-occur), unless ``taxonomy`` picks one. Every count is a number of reviews: a key
    found twice in one review counts once.

    * **Recurrence:** per key, the reviews, their share, and breakdowns by the factors'
      ``level`` and ``work_system_elements`` and by the outcome node's ``jurisdiction``
      (:data:`NO_JURISDICTION` when absent).
    * **Co-occurrence:** per pair of keys in the same review, the count and
      ``lift = P(a,b) / (P(a) P(b)) = n(a,b) * N / (n(a) * n(b))`` (1 = independent).
    * **Chains:** sequences of up to 3 keys read along causal paths, ending at the outcome
      (see :class:`Chain`); every suffix counts, so ``(a, b, c)`` also counts ``(b, c)`` and
      ``(c,)``.
    * **Aggregate graph:** :meth:`Combined.to_networkx` (key → key and key → outcome steps).

    Args:
        graphs: ``(review_id, graph)`` pairs; any iterable, consumed once.
        taxonomy: key factors by this taxonomy's codes only (None: by every taxonomy's).
        top_chains: keep this many chains (None: all).
        min_pair_reviews: list pairs found in at least this many reviews.

    Raises:
        ValueError: if a review id is given twice.
    """
    tally = _Tally(taxonomy)
    for review_id, graph in graphs:
        tally.add(review_id, graph)
    n = tally.reviews
    by: dict[str, tuple[dict[str, int], dict[str, int], dict[str, int]]] = {
        code: ({}, {}, {}) for code in tally.codes
    }
    for i, counter in enumerate((tally.levels, tally.elements, tally.places)):
        for (code, value), count in counter.items():
            by[code][i][value] = count
    factors = tuple(
        RecurringFactor(code, count, count / n, *by[code])
        for code, count in sorted(tally.codes.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    pairs = sorted(
        (
            CoOccurrence(a, b, count, count * n / (tally.codes[a] * tally.codes[b]))
            for (a, b), count in tally.pairs.items()
            if count >= min_pair_reviews
        ),
        key=lambda p: (-p.reviews, -p.lift, p.a, p.b),
    )
    chains = sorted(tally.chains.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))
    if top_chains is not None:
        chains = chains[:top_chains]
    return Combined(
        reviews=n,
        jurisdictions=dict(sorted(tally.jurisdictions.items())),
        factors=factors,
        pairs=tuple(pairs),
        chains=tuple(Chain(codes, count, count / n) for codes, count in chains),
        links=tuple(
            CodeLink(a, b, count)
            for (a, b), count in sorted(tally.links.items(), key=lambda kv: (-kv[1], kv[0]))
        ),
    )
