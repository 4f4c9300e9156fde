"""Many reviews combined by factor key: recurrence, co-occurrence and chains to the outcome."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cached_property
from itertools import combinations, product
from typing import Any

import attrs
import networkx as nx

from npcs_review.errors import GraphTooLargeError, Problem
from npcs_review.graph._view import CAUSAL_LINKS, fits, kind_of
from npcs_review.graph.limits import check_size
from npcs_review.models.review import OUTCOME_ID

__all__ = [
    "MAX_TALLIES",
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
#: The pairs, links and chains of factor keys one review may add to a combination at most: a
#: review whose factors carry many distinct keys adds pairs by the square and chains by the
#: cube of their number; above this, :func:`combine` refuses the review.
MAX_TALLIES = 1_000_000
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


@attrs.frozen
class CoOccurrence:
    """Two factor keys found in the same reviews: ``lift = P(a,b) / (P(a) P(b))``."""

    a: str
    b: str
    reviews: int
    lift: float


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


@attrs.frozen
class CodeLink:
    """An edge of the aggregate graph, counted in reviews.

    In ``reviews`` reviews a factor coded ``source`` reaches one coded ``target`` (or the
    outcome) with no other factor in between.
    """

    source: str
    target: str
    reviews: int


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
        try:
            check_size(graph)
        except GraphTooLargeError as error:
            named = [
                attrs.evolve(p, message=f"review {review_id!r}: {p.message}")
                for p in error.problems
            ]
            raise GraphTooLargeError(named) from None
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
        steps = _FactorSteps(graph, keys)
        work = len(codes) * (len(codes) - 1) // 2 + steps.work()
        if work > MAX_TALLIES:
            message = (
                f"review {review_id!r}: its {len(codes):,} factor keys would add {work:,} "
                f"pairs, links and chains to the combination, more than the {MAX_TALLIES:,} "
                "one review may add (see docs/limits.md); key its factors by one taxonomy"
            )
            raise GraphTooLargeError([Problem("NPR-F007", message, pointer="/review")])
        self.codes.update(codes)
        self.levels.update(levels)
        self.elements.update(elements)
        self.places.update((c, place) for c in codes)
        self.pairs.update(combinations(codes, 2))
        links, chains = steps.tally()
        self.links.update(links)
        self.chains.update(chains)


class _FactorSteps:
    """Which factor reaches which next (through events or barriers only), as bitsets.

    "Next" and "directly" (to the outcome) mean through events or barriers only, over
    well-formed causal links; a factor is never its own next. The sets of nodes reached through
    events and barriers are computed once per loop of them (on their condensation) as integer
    bitsets, so one review costs ``O(E · F / 64)`` word operations for ``E`` links and ``F``
    factors, and the tallies work on groups of factors with the same keys: ``O(F · G²)`` for
    ``G`` groups, never a walk per factor or per chain.
    """

    def __init__(self, graph: nx.MultiDiGraph, keys: Mapping[str, tuple[str, ...]]) -> None:
        self.factors = sorted(keys)
        index = {f: i for i, f in enumerate(self.factors)}
        group_of: dict[tuple[str, ...], int] = {}
        self.group = [group_of.setdefault(keys[f], len(group_of)) for f in self.factors]
        self.keys = list(group_of)
        self.members = [0] * len(self.keys)  # group -> factor bitset
        for i, g in enumerate(self.group):
            self.members[g] |= 1 << i
        succ, pred, between = _causal_links(graph)
        ahead = _one_step(succ, {**index, OUTCOME_ID: len(index)}, between)
        behind = _one_step(pred, index, between)
        outcome = 1 << len(index)
        self.ends = sum(1 << i for i, f in enumerate(self.factors) if ahead[f] & outcome)
        self.next = [ahead[f] & ~outcome & ~(1 << i) for i, f in enumerate(self.factors)]
        self.before = [behind[f] & ~(1 << i) for i, f in enumerate(self.factors)]

    def groups(self, bits: int) -> int:
        """The groups with a factor in ``bits``, as a bitset of groups."""
        found = 0
        if bits.bit_count() < len(self.keys):
            while bits:
                low = bits & -bits
                found |= 1 << self.group[low.bit_length() - 1]
                bits ^= low
            return found
        for g, members in enumerate(self.members):
            if bits & members:
                found |= 1 << g
        return found

    def _alone(self, before: int, after: int) -> int:
        """The groups g for which (g, g) has one witness only, the same factor on both sides.

        A chain d → e → f needs d and f distinct, so such a pair of groups is left out.
        """
        alone = 0
        for g in _bits(self.groups(before & after)):
            d, f = before & self.members[g], after & self.members[g]
            if d == f and d.bit_count() == 1:
                alone |= 1 << g
        return alone

    @cached_property
    def _rects(self) -> tuple[set[tuple[int, int]], set[tuple[int, int]], set[tuple[int, ...]]]:
        """The group sets each factor contributes, each distinct set once.

        Steps are (its group, the groups next), ends (its group, the groups next that reach
        the outcome), rectangles (the groups before, its group, the groups after that reach
        the outcome, the groups whose pair with themselves is left out).
        """
        steps: set[tuple[int, int]] = set()
        ends: set[tuple[int, int]] = set()
        rects: set[tuple[int, ...]] = set()
        for i, g in enumerate(self.group):
            steps.add((g, self.groups(self.next[i])))
            ends_next = self.next[i] & self.ends
            ends.add((g, self.groups(ends_next)))
            if self.before[i] and ends_next:
                rect = (self.groups(self.before[i]), g, self.groups(ends_next))
                rects.add((*rect, self._alone(self.before[i], ends_next)))
        return steps, ends, rects

    def work(self) -> int:
        """At most how many links and chains of keys :meth:`tally` would list (a bound)."""
        steps, ends, rects = self._rects
        most = max((len(k) for k in self.keys), default=0)  # keys of a group at most
        total = 2 * most * self.groups(self.ends).bit_count()
        total += sum(most * most * hs.bit_count() for _, hs in (*steps, *ends))
        total += sum(most**3 * b.bit_count() * a.bit_count() for b, _, a, _ in rects)
        return total

    def tally(self) -> tuple[set[tuple[str, str]], set[tuple[str, ...]]]:
        """The review's aggregate links and chains (sets: each counts once per review).

        Each factor contributes rectangles of groups (its group, the groups before it, the
        groups after it); equal rectangles are expanded once.
        """
        steps, ends, rects = self._rects
        last = self.groups(self.ends)
        groups = [*((g, h) for g, hs in steps for h in _bits(hs)), *((g, -1) for g in _bits(last))]
        chains: list[tuple[int, ...]] = [(g,) for g in _bits(last)]
        chains += [(g, h) for g, hs in ends for h in _bits(hs)]
        chains += [
            (d, g, f)
            for before, g, after, alone in rects
            for d in _bits(before)
            for f in _bits(after)
            if d != f or not alone >> d & 1
        ]
        keys = [*self.keys, (OUTCOME_ID,)]  # group -1 is the outcome
        return (
            {pair for g, h in set(groups) for pair in product(keys[g], keys[h])},
            {codes for chain in set(chains) for codes in product(*(keys[g] for g in chain))},
        )


def _causal_links(
    graph: nx.MultiDiGraph,
) -> tuple[dict[str, set[str]], dict[str, set[str]], set[str]]:
    """Successors and predecessors over well-formed causal links, and the nodes between factors.

    The nodes between factors are the events and barriers (every node with a kind but factors
    and the outcome).
    """
    kinds = {n: kind_of(d) for n, d in graph.nodes(data=True)}
    succ: dict[str, set[str]] = {n: set() for n in kinds}
    pred: dict[str, set[str]] = {n: set() for n in kinds}
    for u, v, data in graph.edges(data=True):
        kind = kind_of(data)
        ku, kv = kinds[u], kinds[v]
        if kind in CAUSAL_LINKS and ku is not None and kv is not None and fits(kind, ku, kv):
            succ[u].add(v)
            pred[v].add(u)
    between = {n for n, k in kinds.items() if k not in (None, "factor") and n != OUTCOME_ID}
    return succ, pred, between


def _one_step(
    links: Mapping[str, set[str]], index: Mapping[str, int], between: set[str]
) -> dict[str, int]:
    """For every other node, the indexed nodes it reaches through ``between`` nodes only.

    The sets (bitsets) are built once per strongly connected part of the ``between`` nodes
    (loops of events and barriers share one), each after the parts it reaches.
    """
    comp: dict[str, int] = {}
    through: list[int] = []
    for members in _components(between, links):
        for node in members:
            comp[node] = len(through)
        bits = 0
        for node in members:
            for v in links[node]:
                if v in index:
                    bits |= 1 << index[v]
                elif v in comp and comp[v] != comp[node]:
                    bits |= through[comp[v]]
        through.append(bits)
    result = {}
    for node, targets in links.items():
        if node not in comp:
            bits = 0
            for v in targets:
                if v in index:
                    bits |= 1 << index[v]
                elif v in comp:
                    bits |= through[comp[v]]
            result[node] = bits
    return result


def _components(nodes: set[str], links: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of ``nodes`` under ``links``, each after all it reaches.

    Tarjan's algorithm (1972) without recursion: a part is complete, and listed, only once
    every part reachable from it is.
    """
    number: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[list[str]] = []
    for root in sorted(nodes):
        if root in number:
            continue
        work = [(root, iter(sorted(v for v in links[root] if v in nodes)))]
        number[root] = low[root] = len(number)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            v = next(successors, None)
            if v is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == number[node]:
                    part = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        part.append(w)
                        if w == node:
                            break
                    parts.append(part)
            elif v not in number:
                number[v] = low[v] = len(number)
                stack.append(v)
                on_stack.add(v)
                work.append((v, iter(sorted(w for w in links[v] if w in nodes))))
            elif v in on_stack:
                low[node] = min(low[node], number[v])
    return parts


def _bits(bits: int) -> list[int]:
    """The positions of the set bits, lowest first."""
    found = []
    while bits:
        low = bits & -bits
        found.append(low.bit_length() - 1)
        bits ^= low
    return found


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

    Each review costs ``O(E · F / 64 + F · G + R · G²)`` for ``E`` links, ``F`` factors, ``G``
    distinct factor keys and ``R ≤ F`` distinct neighbourhoods (see ``_FactorSteps``).

    Raises:
        ValueError: if a review id is given twice.
        GraphTooLargeError: if a review is larger than :mod:`npcs_review.graph.limits` allows.
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
        RecurringFactor(code, count, count / n, *(dict(sorted(m.items())) for m in by[code]))
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
