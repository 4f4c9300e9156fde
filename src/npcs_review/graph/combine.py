"""Many reviews combined by factor key: recurrence, co-occurrence and chains to the outcome."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import combinations, product
from typing import Any

import attrs
import networkx as nx

from npcs_review.graph._view import CAUSAL_LINKS, fits, kind_of
from npcs_review.models.review import OUTCOME_ID

__all__ = [
    "NO_JURISDICTION",
    "UNCODED",
    "Chain",
    "CoOccurrence",
    "CodeLink",
    "Combined",
    "RecurringFactor",
    "combine",
    "factor_keys",
]

#: The jurisdiction key for reviews whose outcome node has no ``jurisdiction``.
NO_JURISDICTION = "not_recorded"
#: The taxonomy id under which :func:`combine` counts factors that carry no taxonomy code
#: (``"uncoded:<level>"``); a review taxonomy should not use this id.
UNCODED = "uncoded"


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
    kinds = {n: kind_of(d) for n, d in graph.nodes(data=True)}
    succ: dict[str, list[str]] = {}
    for u, v, data in graph.edges(data=True):
        kind = kind_of(data)
        ku, kv = kinds[u], kinds[v]
        if kind in CAUSAL_LINKS and ku is not None and kv is not None and fits(kind, ku, kv):
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
