"""The layered graph of the AcciMap: rows of boxes and link slots, their order and their x.

Each band of the map holds one or more rows (a band with more than :data:`MAX_COLUMNS` boxes
wraps into several rows); every row is a layer. A link that spans several layers passes through
each intermediate layer at a slot of its own. Boxes are ordered within a row by a few
barycentre sweeps, keeping the ordering with the fewest crossings; events keep the order of the
review's timeline, left to right, in every row. They are then placed by a weighted isotonic
regression towards their neighbours with a minimum gap (the outcome stays in the middle).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

import attrs
import networkx as nx

from npcs_review.models import OUTCOME_ID

__all__ = [
    "MAX_COLUMNS",
    "TIMELINE",
    "Item",
    "Layered",
    "Rows",
    "edge_key",
    "layer_of_item",
    "layered",
    "order_layers",
    "place_x",
    "rows_of",
]

#: Boxes per row at most; a band with more wraps into several rows.
MAX_COLUMNS = 6
#: The band of events without a level.
TIMELINE = "timeline"

MIN_WIDTH = 880.0
"""Width of the drawing area at least (without the label column)."""
GAP_BOX = 36.0
"""Gap between two boxes of a row."""
GAP_SLOT = 14.0
"""Gap between a box and a link slot."""
GAP_SLOTS = 12.0
"""Gap between two link slots."""
SWEEPS = 8
"""Barycentre sweeps (alternating down and up) for ordering."""
PLACEMENTS = 10
"""Placement iterations towards the neighbours' positions."""


@attrs.define
class Item:
    """A box or a link slot in a layer, during layout."""

    id: str
    width: float
    node: str | None
    """The node of a box; None for the slot a link passes through."""
    weight: float
    x: float = 0.0
    seq: int = -1
    """An event's position in the review's timeline (-1 for other items)."""


_Edge = tuple[str, str, int | str, str]


@attrs.define
class Layered:
    """The layered graph: layers of items (boxes and slots) and links cut at every layer."""

    layers: list[list[Item]]
    layer_band: list[str]
    layer_of: dict[str, int]
    edges: list[_Edge]
    chains: list[list[str]]
    """Per link: its source, the slots it passes through, its target."""
    neighbours: dict[str, list[str]]
    between: list[set[tuple[str, str]]]
    """Per pair of consecutive layers: the (upper, lower) item pairs linked across it."""


def edge_key(key: object) -> int | str:
    return key if isinstance(key, int) else str(key)


def _rows(
    band: str,
    nodes: list[str],
    adjacent: Mapping[str, list[str]],
    rank: Mapping[str, int],
    columns: int = MAX_COLUMNS,
) -> list[list[str]]:
    """Split a band's nodes into balanced rows of at most ``columns``.

    Nodes linked mostly to higher bands go in the top rows, mostly to lower bands in the bottom
    rows; the timeline keeps its order (row after row).
    """
    count = len(nodes)
    n_rows = max(1, math.ceil(count / columns))
    if n_rows > 1 and band != TIMELINE:

        def pull(node: str) -> int:
            score = 0
            for other in adjacent.get(node, ()):
                if other in rank:
                    score += (rank[other] > rank[node]) - (rank[other] < rank[node])
            return score

        nodes = sorted(nodes, key=pull)  # stable: graph order breaks ties
    sizes = [count // n_rows + (1 if i < count % n_rows else 0) for i in range(n_rows)]
    rows, start = [], 0
    for size in sizes:
        rows.append(nodes[start : start + size])
        start += size
    return [row for row in rows if row]


@attrs.frozen
class Rows:
    """The boxes in rows, band by band, and the links between drawn nodes (before any slot).

    Attributes:
        rows: the node ids of each row, top to bottom.
        band: each row's band.
        row_of: each node's row.
        edges: the links between drawn nodes, in graph order: (source, target, key, kind).
    """

    rows: list[list[str]]
    band: list[str]
    row_of: dict[str, int]
    edges: list[_Edge]

    def work(self) -> tuple[int, int]:
        """What the full layout would handle: link slots, and pairs of links sharing a gap.

        A link passes one slot in every row strictly between its ends; the routing compares
        the links that share a gap between rows pairwise (the sum over gaps of their number
        squared bounds the pairs).
        """
        slots = 0
        starts = [0] * (len(self.rows) + 1)  # a difference array of the links over the gaps
        for u, v, _, _ in self.edges:
            a, b = sorted((self.row_of[u], self.row_of[v]))
            slots += max(b - a - 1, 0)
            starts[a] += 1
            starts[max(b, a + 1)] -= 1
        shared, running = 0, 0
        for change in starts:
            running += change
            shared += running * running
        return slots, shared


def rows_of(
    g: nx.MultiDiGraph,
    bands: list[str],
    members: Mapping[str, list[str]],
    columns: int = MAX_COLUMNS,
) -> Rows:
    """Put each band's nodes in rows of at most ``columns``, and list the links drawn."""
    band_rank = {b: i for i, b in enumerate(bands)}
    rank = {n: band_rank[b] for b in bands for n in members.get(b, [])}
    adjacent: dict[str, list[str]] = defaultdict(list)
    for u, v in g.edges():
        if u != v:
            adjacent[str(u)].append(str(v))
            adjacent[str(v)].append(str(u))
    rows: list[list[str]] = []
    row_band: list[str] = []
    for band in bands:
        for row in _rows(band, members.get(band, []), adjacent, rank, columns):
            rows.append(row)
            row_band.append(band)
    row_of = {n: i for i, row in enumerate(rows) for n in row}
    edges = [
        (str(u), str(v), edge_key(k), str(d.get("kind", "")))
        for u, v, k, d in g.edges(keys=True, data=True)
        if str(u) in row_of and str(v) in row_of
    ]
    return Rows(rows, row_band, row_of, edges)


def layered(rows: Rows, widths: Mapping[str, float], timeline: Mapping[str, int]) -> Layered:
    """Make every row a layer of boxes, and cut every link into a chain through its layers."""
    layers = [
        [Item(n, widths[n], n, 1.0, seq=timeline.get(n, -1)) for n in row] for row in rows.rows
    ]
    layer_of = dict(rows.row_of)
    edges = list(rows.edges)
    neighbours: dict[str, list[str]] = defaultdict(list)
    between: list[set[tuple[str, str]]] = [set() for _ in layers]
    chains: list[list[str]] = []
    for index, (u, v, _, _) in enumerate(edges):
        lu, lv = layer_of[u], layer_of[v]
        step = 1 if lv > lu else -1
        chain = [u]
        for layer in range(lu + step, lv, step) if lu != lv else ():
            slot = f"~{index}~{layer}"
            layers[layer].append(Item(slot, 0.0, None, 4.0))
            chain.append(slot)
        chain.append(v)
        chains.append(chain)
        if lu == lv:
            continue
        for a, b in itertools.pairwise(chain):
            neighbours[a].append(b)
            neighbours[b].append(a)
            la, lb = layer_of_item(a, layer_of), layer_of_item(b, layer_of)
            between[min(la, lb)].add((a, b) if la < lb else (b, a))
    return Layered(layers, list(rows.band), layer_of, edges, chains, neighbours, between)


def layer_of_item(item: str, layer_of: Mapping[str, int]) -> int:
    return layer_of[item] if item in layer_of else int(item.rsplit("~", 1)[1])


def _crossings(upper: list[Item], lower: list[Item], links: set[tuple[str, str]]) -> int:
    """The crossings of the links between two layers: pairs a1 < a2 above with b1 > b2 below.

    Counted with a Fenwick tree over the lower positions in ``O(k log k)`` for ``k`` links.
    """
    pos_u = {it.id: i for i, it in enumerate(upper)}
    pos_l = {it.id: i for i, it in enumerate(lower)}
    pairs = sorted((pos_u[a], pos_l[b]) for a, b in links if a in pos_u and b in pos_l)
    tree = [0] * (len(lower) + 1)  # counts of lower positions seen, 1-based
    seen = total = 0
    for _, group in itertools.groupby(pairs, key=lambda pair: pair[0]):
        group_pairs = list(group)
        for _, b in group_pairs:  # earlier links (strictly left above) that end right of b
            i, at_most_b = b + 1, 0
            while i > 0:
                at_most_b += tree[i]
                i -= i & -i
            total += seen - at_most_b
        for _, b in group_pairs:
            i = b + 1
            while i < len(tree):
                tree[i] += 1
                i += i & -i
            seen += 1
    return total


def _in_time(layer: list[Item]) -> list[Item]:
    """Put a layer's events back in timeline order, in the places events hold."""
    events = iter(sorted((it for it in layer if it.seq >= 0), key=lambda it: it.seq))
    return [next(events) if it.seq >= 0 else it for it in layer]


def _sweep(layer: list[Item], ref: list[Item], graph: Layered) -> list[Item]:
    """Order ``layer`` by the mean position of its neighbours in ``ref``."""
    ref_pos = {it.id: p for p, it in enumerate(ref)}
    scale = max(len(ref), 1) / max(len(layer), 1)

    def bary(p_item: tuple[int, Item]) -> tuple[float, int]:
        p, item = p_item
        seen = [ref_pos[n] for n in graph.neighbours[item.id] if n in ref_pos]
        # an item without neighbours there keeps its place, scaled to the other layer
        return (sum(seen) / len(seen) if seen else p * scale, p)

    return _in_time([it for _, it in sorted(enumerate(layer), key=bary)])


def order_layers(graph: Layered) -> None:
    """Barycentre sweeps, down and up; keep the ordering with the fewest crossings seen.

    Events keep the order of the review's timeline within a row: the sweeps move the other
    boxes and the link slots around them.
    """
    layers = [_in_time(layer) for layer in graph.layers]

    def total(ls: list[list[Item]]) -> int:
        return sum(_crossings(ls[i], ls[i + 1], graph.between[i]) for i in range(len(ls) - 1))

    best, best_count = [list(layer) for layer in layers], total(layers)
    current = [list(layer) for layer in layers]
    for sweep in range(SWEEPS):
        down = sweep % 2 == 0
        for i in range(1, len(current)) if down else range(len(current) - 2, -1, -1):
            ref = current[i - 1] if down else current[i + 1]
            current[i] = _sweep(current[i], ref, graph)
        count = total(current)
        if count < best_count:
            best, best_count = [list(layer) for layer in current], count
    graph.layers = best


def _gap(a: Item, b: Item) -> float:
    if a.node is not None and b.node is not None:
        return GAP_BOX
    if a.node is None and b.node is None:
        return GAP_SLOTS
    return GAP_SLOT


def _required(layer: Sequence[Item]) -> float:
    return sum(it.width for it in layer) + sum(_gap(a, b) for a, b in itertools.pairwise(layer))


def _pava(targets: list[float], weights: list[float]) -> list[float]:
    """Weighted isotonic (non-decreasing) regression by pool-adjacent-violators."""
    blocks: list[tuple[float, float, int]] = []  # mean, weight, count
    for t, w in zip(targets, weights, strict=True):
        blocks.append((t, w, 1))
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, c2 = blocks.pop()
            m1, w1, c1 = blocks.pop()
            blocks.append(((m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2))
    return [mean for mean, _, count in blocks for _ in range(count)]


def _place(layer: list[Item], desired: list[float], width: float) -> None:
    """Move a layer's items as close to ``desired`` as their order, gaps and bounds allow."""
    offsets = [0.0]
    for a, b in itertools.pairwise(layer):
        offsets.append(offsets[-1] + a.width / 2 + _gap(a, b) + b.width / 2)
    fitted = _pava(
        [d - o for d, o in zip(desired, offsets, strict=True)], [it.weight for it in layer]
    )
    xs = [y + o for y, o in zip(fitted, offsets, strict=True)]
    for i, it in enumerate(layer):  # then push right of the left edge and of the previous item
        low = it.width / 2 if i == 0 else xs[i - 1] + offsets[i] - offsets[i - 1]
        xs[i] = max(xs[i], low)
    for i in range(len(layer) - 1, -1, -1):  # and left of the right edge and of the next one
        high = width - layer[i].width / 2
        if i < len(layer) - 1:
            high = min(high, xs[i + 1] - (offsets[i + 1] - offsets[i]))
        xs[i] = min(xs[i], high)
    for it, x in zip(layer, xs, strict=True):
        it.x = x


def _spread(layer: list[Item], width: float) -> None:
    """Spread a layer evenly across ``width`` (the starting placement)."""
    extra = (width - _required(layer)) / (len(layer) + 1)
    x = extra
    for a, b in zip(layer, [*layer[1:], None], strict=True):
        a.x = x + a.width / 2
        x += a.width + extra + (_gap(a, b) if b is not None else 0.0)


def place_x(graph: Layered) -> float:
    """Place every item; return the width of the drawing area.

    Items start evenly spread, then move towards the mean position of their neighbours, in
    alternating sweeps (the outcome stays in the middle).
    """
    layers = graph.layers
    width = max([MIN_WIDTH, *(_required(layer) for layer in layers)])
    for layer in layers:
        _spread(layer, width)
    items = {it.id: it for layer in layers for it in layer}
    for round_ in range(PLACEMENTS):
        for i in range(len(layers)) if round_ % 2 == 0 else range(len(layers) - 1, -1, -1):
            desired = []
            for it in layers[i]:
                seen = [items[n].x for n in graph.neighbours[it.id]]
                wanted = sum(seen) / len(seen) if seen else it.x
                desired.append(width / 2 if it.node == OUTCOME_ID else wanted)
            _place(layers[i], desired, width)
    return width
