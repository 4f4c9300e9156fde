"""The causal view of a review graph: one scan that every per-review analysis reads.

Every analysis takes the ``networkx.MultiDiGraph`` made by
:func:`npcs_review.graph.bridge.to_networkx` (or one of the same shape built by hand) and
returns a frozen attrs result (JSON-ready through ``npcs_review.render.data.to_data``) that is
deterministic: lists are sorted, so the same review gives the same output whatever order its
nodes and links were given in.
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
:func:`~npcs_review.graph.structure.check_structure` and ignored by every other analysis.
Several links between the same two nodes count as one step, scored by the best of them.
Links with ``polarity: protective`` are influences that made harm less likely, not causes.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import attrs
import networkx as nx

from npcs_review.codelists import codelist
from npcs_review.graph.limits import check_size
from npcs_review.models.review import LINK_KINDS, OUTCOME_ID

__all__ = [
    "CAUSAL_LINKS",
    "PATHWAY_FLOOR",
    "PROXIMAL_TOP",
    "UPPER_FLOOR",
    "LinkRef",
    "Step",
    "View",
    "fits",
    "kind_of",
    "level_and_rank",
    "link_order",
    "rank",
    "ranks",
    "type_strength",
    "view_of",
]

#: The link kinds a causal path follows (see the module docstring).
CAUSAL_LINKS: frozenset[str] = frozenset(k for k, rule in LINK_KINDS.items() if rule.causal)
#: A recommendation with this status does not cover the factor it addresses.
_DECLINED = "declined"
#: Default levels by position in the ordered ``system_level`` list (0 = lowest), so that no
#: level code is typed here: the two lowest levels (``family_community_environment`` and
#: ``frontline_practice``) are proximal; pathways start at the first level above them
#: (``supervision_team``); strength fit applies from the fourth (``agency_organization``) up.
PROXIMAL_TOP, PATHWAY_FLOOR, UPPER_FLOOR = 1, 2, 3


@cache
def ranks(list_id: str) -> Mapping[str, int]:
    """Code → position in an ordered code list (0 = first)."""
    return {value.code: i for i, value in enumerate(codelist(list_id))}


def rank(list_id: str, code: object) -> int | None:
    """The position of ``code`` in an ordered code list, or None when it is not there."""
    return ranks(list_id).get(code) if isinstance(code, str) else None


def _level_rank(code: str) -> int:
    """The rank of a level code; raises ValueError, naming the list, for an unknown one."""
    return codelist("system_level").rank(code)


def level_and_rank(code: str | None, position: int) -> tuple[str, int]:
    """A level code and its rank; None means the level at ``position`` in the list."""
    if code is None:
        return codelist("system_level").values[position].code, position
    return code, _level_rank(code)


@cache
def type_strength(action_type: str) -> str | None:
    """The ``strength`` attribute of an ``action_type`` code, or None."""
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


def link_order(link: LinkRef) -> tuple[str, str, str, bool, int, str]:
    """Sort key of a link: its ends, its kind, then its key (integer keys first)."""
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
class Step:
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
class View:
    """One scan of a graph: node kinds, well-formed causal links, and the malformed rest."""

    graph: nx.MultiDiGraph
    kinds: Mapping[str, str | None]
    causal: nx.DiGraph  # every well-formed causal step; nodes and edges added in sorted order
    to_outcome: nx.DiGraph  # the part of ``causal`` that reaches the outcome, outcome included
    ancestry: frozenset[str]  # nodes with a causal path to the outcome (outcome excluded)
    has_outcome: bool
    steps: Mapping[tuple[str, str], Step]
    dangling: tuple[LinkRef, ...]
    wrong_kind: tuple[LinkRef, ...]
    addressed_by: Mapping[str, tuple[str, ...]]  # target → recommendations that cover it
    protective: frozenset[str] = frozenset()  # sources of protective links only

    def of_kind(self, kind: str) -> list[str]:
        return sorted(n for n, k in self.kinds.items() if k == kind)

    def attr(self, node: str, name: str) -> Any:
        return self.graph.nodes[node].get(name)


def kind_of(data: Mapping[str, Any]) -> str | None:
    """The ``kind`` of a node or link, or None when it has none."""
    kind = data.get("kind")
    return kind if isinstance(kind, str) else None


def fits(kind: str | None, source: str, target: str) -> bool:
    """Whether a link of ``kind`` may join a ``source`` node to a ``target`` node."""
    allowed = LINK_KINDS.get(kind) if kind is not None else None
    return allowed is not None and source in allowed[0] and target in allowed[1]


def view_of(graph: nx.MultiDiGraph) -> View:
    """Scan ``graph`` once into the view every analysis reads.

    Raises:
        GraphTooLargeError: if the graph is larger than :mod:`npcs_review.graph.limits` allows.
    """
    check_size(graph)
    kinds: dict[str, str | None] = {n: kind_of(d) for n, d in graph.nodes(data=True)}
    evidence = {n for n, k in kinds.items() if k == "evidence"}
    strength, confidence = ranks("link_strength"), ranks("confidence")
    steps: dict[tuple[str, str], Step] = {}
    dangling: list[LinkRef] = []
    wrong: list[LinkRef] = []
    addressed: dict[str, set[str]] = {}
    protective: set[str] = set()  # sources of protective influences (not causes)
    for u, v, key, data in graph.edges(keys=True, data=True):
        kind = kind_of(data)
        ku, kv = kinds[u], kinds[v]
        if ku is None or kv is None:
            dangling.append(LinkRef(u, v, key if isinstance(key, int) else str(key), kind))
            continue
        if not fits(kind, ku, kv):
            wrong.append(LinkRef(u, v, key if isinstance(key, int) else str(key), kind))
            continue
        if kind in CAUSAL_LINKS and data.get("polarity") == "protective":
            protective.add(u)
        elif kind in CAUSAL_LINKS:
            refs = data.get("evidence") or ()
            step = Step(
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
    return View(
        graph=graph,
        kinds=kinds,
        causal=causal,
        to_outcome=to_outcome,
        ancestry=ancestry,
        has_outcome=has_outcome,
        steps=steps,
        dangling=tuple(sorted(dangling, key=link_order)),
        wrong_kind=tuple(sorted(wrong, key=link_order)),
        addressed_by={t: tuple(sorted(r)) for t, r in sorted(addressed.items())},
        protective=frozenset(protective),
    )
