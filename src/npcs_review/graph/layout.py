"""An AcciMap-style layered layout of the review graph, with no external layout engine.

The six system levels of the ``system_level`` code list are drawn as horizontal bands, the
highest level (law, policy and funding) at the top and the family, community and environment at
the bottom; the outcome sits in its own band below them all (Svedung & Rasmussen 2002). Factors
and barriers are boxes in the band of their level. Events with a level go in that level's band;
events without one (or with a missing-value token) go in a *timeline* band just above the
outcome, in the order of the review's timeline. Factors and barriers whose level is a missing-value
token go in a "level not recorded" band at the top, outside the hierarchy.

Findings, recommendations and evidence are **not drawn by default**: an AcciMap shows how the
system produced the outcome, and the team's conclusions and sources would crowd it. Pass
``kinds=ALL_KINDS`` (or any set of node kinds) to draw them too, in bands of their own
(recommendations and findings above the levels, evidence below the outcome). Nodes whose kind is
unknown, and links that touch a node not drawn, are left out.

The layout is a small Sugiyama-style one. Each band holds one or more rows (a band with more than
:data:`MAX_COLUMNS` boxes wraps into several rows, and grows taller); every row is a layer. A link
that spans several layers passes through each intermediate layer at a slot of its own. Boxes are
ordered within a row by a few barycentre sweeps, keeping the ordering with the fewest crossings;
events keep the order of the review's timeline, left to right, in every row. They are then placed
by a weighted isotonic regression towards their neighbours with a minimum gap (the outcome stays
in the middle); the map grows wider as needed. Labels are wrapped to a fixed width
(:data:`WRAP_CHARS`, at most :data:`MAX_LINES` lines) and boxes are as tall as their lines.

Links are routed orthogonally: each end gets a port of its own on the box side, spread in the
order of where the links go; a link runs vertically through its slots and horizontally on a track
of its own in each gap between rows (tracks are ordered to cross less, and gaps grow with their
number of tracks). So no link runs through a box and no two links share a stretch of line; a
link between neighbours in a row is a short horizontal arrow, one between boxes of the same row
with others between runs on a track under the row.

Everything is deterministic: the same graph (same insertion order) gives the same layout.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import attrs
import networkx as nx

from npcs_review.codelists import codelist
from npcs_review.graph.limits import check_size
from npcs_review.models import OUTCOME_ID
from npcs_review.models._types import MISSING
from npcs_review.models._types import code_text as _code_label

__all__ = [
    "ACCIMAP_KINDS",
    "ALL_KINDS",
    "BOX_WIDTH",
    "MAX_COLUMNS",
    "MAX_LINES",
    "WRAP_CHARS",
    "Band",
    "Box",
    "EdgePath",
    "Layout",
    "acci_map_layout",
    "band_labels",
    "describe",
    "node_band",
    "node_text",
    "wrap",
]

#: Node kinds drawn by default: the outcome, events, factors and barriers.
ACCIMAP_KINDS: frozenset[str] = frozenset({"outcome", "event", "factor", "barrier"})
#: Every node kind of the review graph.
ALL_KINDS: frozenset[str] = ACCIMAP_KINDS | {"finding", "recommendation", "evidence"}

#: Characters per wrapped label line.
WRAP_CHARS = 28
#: Lines per box at most; longer text ends in an ellipsis (the full text is in the tooltip).
MAX_LINES = 7
#: Width of a box, in SVG user units (px).
BOX_WIDTH = 196.0
#: Boxes per row at most; a band with more wraps into several rows.
MAX_COLUMNS = 6

LINE_HEIGHT = 15.0
"""Height of a label line."""
BOX_PAD = 8.0
"""Padding inside a box, above and below the lines."""
OUTCOME_WIDTH = 260.0
"""Width of the outcome box."""
LABEL_COLUMN = 176.0
"""Width of the band-label column on the left."""
LABEL_WRAP = 20
"""Characters per band-label line."""
BAND_LABEL_LINE = 17.0
"""Height of a band-label line."""
MARGIN = 24.0
"""Space between the label column and the first box, and after the last."""
BAND_PAD = 26.0
"""Space above the first row and below the last row of a band."""
ROW_GAP = 44.0
"""Space between two rows of the same band."""
TRACK = 6.0
"""Spacing of the horizontal tracks of links in a gap between rows."""
STUB = 12.0
"""Room above the first track and below the last one in a gap."""
TRACK_CLEAR = 4.0
"""Horizontal clearance between two segments that may share a track."""
MIN_BAND_HEIGHT = 64.0
"""Height of a band with no boxes."""
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

_TIMELINE = "timeline"
_OUTCOME = "outcome"
_UNPLACED = "level_not_recorded"
_TEXT_FIELD = {
    "factor": "statement",
    "barrier": "description",
    "event": "description",
    "evidence": "description",
    "finding": "text",
    "recommendation": "text",
}
_KIND_LABEL = {
    "outcome": "Outcome",
    "event": "Event",
    "factor": "Factor",
    "barrier": "Barrier",
    "finding": "Finding",
    "recommendation": "Recommendation",
    "evidence": "Evidence",
}

Point = tuple[float, float]


@attrs.frozen
class Band:
    """A horizontal band of the map: a system level, the timeline, the outcome or another kind."""

    id: str
    """The level code, or ``timeline``, ``outcome``, ``level_not_recorded``, ``findings``,
    ``recommendations`` or ``evidence``."""
    label: str
    """The band's name (the jurisdiction's own name for a level when the review gives one)."""
    level: str | None
    """The system level code, for level bands."""
    x: float
    y: float
    width: float
    height: float
    label_lines: tuple[str, ...]
    """The label wrapped for the label column."""

    def contains(self, box: Box) -> bool:
        """Return whether ``box`` lies entirely inside the band."""
        return (
            self.x <= box.x
            and box.x + box.width <= self.x + self.width
            and self.y <= box.y
            and box.y + box.height <= self.y + self.height
        )


@attrs.frozen
class Box:
    """A node drawn as a box."""

    id: str
    """The node id."""
    kind: str
    """The node kind (factor, barrier, event, outcome, ...)."""
    band: str
    """Id of the band it sits in."""
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]
    """The wrapped label."""
    text: str
    """The full label text (whitespace collapsed)."""
    state: str | None = None
    """A barrier's state (code list ``barrier_state``)."""
    decision: bool = False
    """Whether an event is a decision."""

    def overlaps(self, other: Box) -> bool:
        """Return whether the two boxes share any area."""
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )


@attrs.frozen
class EdgePath:
    """A link drawn as a route of horizontal and vertical segments.

    The first point is on the source box's border, the last on the target's (where the arrowhead
    goes).
    """

    source: str
    target: str
    key: int | str
    """The link's key in the multigraph (its position in ``review.links``)."""
    kind: str
    """The link kind (contributes_to, precedes, breaches, holds, ...)."""
    points: tuple[Point, ...]


@attrs.frozen
class Layout:
    """A computed AcciMap: bands top to bottom, boxes, and link routes."""

    width: float
    height: float
    bands: tuple[Band, ...]
    boxes: tuple[Box, ...]
    edges: tuple[EdgePath, ...]

    def box(self, node: str) -> Box:
        """Return the box of ``node``.

        Raises:
            KeyError: if the node is not drawn.
        """
        for box in self.boxes:
            if box.id == node:
                return box
        raise KeyError(node)

    def band(self, band_id: str) -> Band:
        """Return the band ``band_id``.

        Raises:
            KeyError: if there is no such band.
        """
        for band in self.bands:
            if band.id == band_id:
                return band
        raise KeyError(band_id)


# --- text ---------------------------------------------------------------------------------


def _clean(text: object) -> str:
    return " ".join(str(text).split())


def _known(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and value in MISSING)


def node_text(data: Mapping[str, Any]) -> str:
    """Return the label text of a node from its attributes (whitespace collapsed).

    A factor shows its statement, a barrier or event its description (an event prefixed with its
    date when known), a finding or recommendation its text, evidence its description, and the
    outcome the incident type and date when the graph was built from a case.
    """
    kind = data.get("kind")
    if kind == "outcome":
        parts = ["Outcome"]
        if _known(data.get("incident_type")):
            parts = [f"Outcome: {_code_label('incident_type', data['incident_type'])}"]
        if _known(data.get("date")):
            parts.append(f"({data['date']})")
        return " ".join(parts)
    field = _TEXT_FIELD.get(str(kind))
    text = _clean(data.get(field, "")) if field else ""
    if kind == "event" and _known(data.get("date")):
        text = f"{data['date']}: {text}"
    return text


def describe(g: nx.MultiDiGraph, node: str) -> str:
    """Return the full description of a node, for tooltips: its text, then its kind and codes."""
    data = g.nodes[node]
    kind = str(data.get("kind", "node"))
    facts = [f"{_KIND_LABEL.get(kind, kind.title())} {node}"]
    if kind == "outcome":
        facts = ["The incident"]
        if _known(data.get("jurisdiction")):
            facts.append(_code_label("jurisdiction", data["jurisdiction"]))
    if kind == "factor":
        if "factor_type" in data:
            facts.append(_code_label("factor_type", data["factor_type"]))
        if data.get("latent") is not None:
            facts.append("latent" if data["latent"] else "active")
    if kind == "event" and data.get("is_decision"):
        facts.append("decision")
    if kind == "barrier":
        for list_id, field in (("barrier_type", "barrier_type"), ("barrier_state", "state")):
            if field in data:
                facts.append(_code_label(list_id, data[field]))
    if "level" in data:
        facts.append(_level_label(g, data["level"]))
    if kind == "recommendation" and "action_strength" in data:
        facts.append(_code_label("action_strength", data["action_strength"]))
    lines = [node_text(data), " · ".join(facts)]
    if kind == "event" and data.get("actor_roles"):
        lines.append("Who: " + ", ".join(str(r) for r in data["actor_roles"]))
    if kind == "event" and data.get("local_rationality"):
        lines.append("What made sense at the time: " + _clean(data["local_rationality"]))
    if kind == "factor" and data.get("duty"):
        lines.append("Duty: " + _clean(data["duty"]))
    return "\n".join(line for line in lines if line)


def wrap(text: str, width: int = WRAP_CHARS, max_lines: int = MAX_LINES) -> tuple[str, ...]:
    """Wrap ``text`` to lines of at most ``width`` characters, ending in "…" past ``max_lines``.

    Words longer than a line are broken. Empty text gives one empty line.
    """
    lines = textwrap.wrap(
        _clean(text), width, break_long_words=True, max_lines=max_lines, placeholder=" …"
    )
    return tuple(lines) or ("",)


# --- bands --------------------------------------------------------------------------------


def _level_label(g: nx.MultiDiGraph, level: object) -> str:
    labels = (g.graph.get("review") or {}).get("level_labels") or {}
    if isinstance(level, str) and isinstance(labels.get(level), str):
        return str(labels[level])
    return _code_label("system_level", level)


def band_labels(g: nx.MultiDiGraph) -> dict[str, str]:
    """Return the name of every possible band, top to bottom, by band id.

    Level bands take the jurisdiction's own names from ``G.graph["review"]["level_labels"]``
    when given, else the labels of the ``system_level`` code list.
    """
    levels = [v.code for v in codelist("system_level")]
    result = {
        "recommendations": "Recommendations",
        "findings": "Findings",
        _UNPLACED: "Level not recorded",
    }
    for level in reversed(levels):
        result[level] = _level_label(g, level)
    result[_TIMELINE] = "Timeline (events without a level)"
    result[_OUTCOME] = "Outcome"
    result["evidence"] = "Evidence"
    return result


def node_band(data: Mapping[str, Any]) -> str | None:
    """Return the id of the band a node belongs in, or None when its kind has no band."""
    kind = data.get("kind")
    level = data.get("level")
    in_list = isinstance(level, str) and level in codelist("system_level")
    if kind in {"factor", "barrier"}:
        return str(level) if in_list else _UNPLACED
    if kind == "event":
        return str(level) if in_list else _TIMELINE
    if kind == "outcome":
        return _OUTCOME
    if kind in {"finding", "recommendation", "evidence"}:
        return "evidence" if kind == "evidence" else f"{kind}s"
    return None


def _is_level(band: str) -> bool:
    return band in codelist("system_level")


# --- ordering -----------------------------------------------------------------------------


@attrs.define
class _Item:
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
class _Graph:
    """The layered graph: layers of items (boxes and slots) and links cut at every layer."""

    layers: list[list[_Item]]
    layer_band: list[str]
    layer_of: dict[str, int]
    edges: list[_Edge]
    chains: list[list[str]]
    """Per link: its source, the slots it passes through, its target."""
    neighbours: dict[str, list[str]]
    between: list[set[tuple[str, str]]]
    """Per pair of consecutive layers: the (upper, lower) item pairs linked across it."""


def _rows(
    band: str, nodes: list[str], adjacent: Mapping[str, list[str]], rank: Mapping[str, int]
) -> list[list[str]]:
    """Split a band's nodes into balanced rows of at most MAX_COLUMNS.

    Nodes linked mostly to higher bands go in the top rows, mostly to lower bands in the bottom
    rows; the timeline keeps its order (row after row).
    """
    count = len(nodes)
    n_rows = max(1, math.ceil(count / MAX_COLUMNS))
    if n_rows > 1 and band != _TIMELINE:

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


def _layered(
    g: nx.MultiDiGraph,
    bands: list[str],
    members: Mapping[str, list[str]],
    widths: Mapping[str, float],
    timeline: Mapping[str, int],
) -> _Graph:
    """Build the layers (rows) and cut every link into a chain through the layers it spans."""
    band_rank = {b: i for i, b in enumerate(bands)}
    rank = {n: band_rank[b] for b in bands for n in members.get(b, [])}
    adjacent: dict[str, list[str]] = defaultdict(list)
    for u, v in g.edges():
        if u != v:
            adjacent[str(u)].append(str(v))
            adjacent[str(v)].append(str(u))
    layers: list[list[_Item]] = []
    layer_band: list[str] = []
    for band in bands:
        for row in _rows(band, members.get(band, []), adjacent, rank):
            layers.append([_Item(n, widths[n], n, 1.0, seq=timeline.get(n, -1)) for n in row])
            layer_band.append(band)
    layer_of = {it.id: i for i, layer in enumerate(layers) for it in layer}
    edges = [
        (str(u), str(v), _edge_key(k), str(d.get("kind", "")))
        for u, v, k, d in g.edges(keys=True, data=True)
        if str(u) in layer_of and str(v) in layer_of
    ]
    neighbours: dict[str, list[str]] = defaultdict(list)
    between: list[set[tuple[str, str]]] = [set() for _ in layers]
    chains: list[list[str]] = []
    for index, (u, v, _, _) in enumerate(edges):
        lu, lv = layer_of[u], layer_of[v]
        step = 1 if lv > lu else -1
        chain = [u]
        for layer in range(lu + step, lv, step) if lu != lv else ():
            slot = f"~{index}~{layer}"
            layers[layer].append(_Item(slot, 0.0, None, 4.0))
            chain.append(slot)
        chain.append(v)
        chains.append(chain)
        if lu == lv:
            continue
        for a, b in itertools.pairwise(chain):
            neighbours[a].append(b)
            neighbours[b].append(a)
            la, lb = _layer(a, layer_of), _layer(b, layer_of)
            between[min(la, lb)].add((a, b) if la < lb else (b, a))
    return _Graph(layers, layer_band, layer_of, edges, chains, neighbours, between)


def _layer(item: str, layer_of: Mapping[str, int]) -> int:
    return layer_of[item] if item in layer_of else int(item.rsplit("~", 1)[1])


def _crossings(upper: list[_Item], lower: list[_Item], links: set[tuple[str, str]]) -> int:
    pos_u = {it.id: i for i, it in enumerate(upper)}
    pos_l = {it.id: i for i, it in enumerate(lower)}
    pairs = sorted((pos_u[a], pos_l[b]) for a, b in links if a in pos_u and b in pos_l)
    total = 0
    for i, (a1, b1) in enumerate(pairs):
        for a2, b2 in pairs[i + 1 :]:
            if a2 > a1 and b2 < b1:
                total += 1
    return total


def _in_time(layer: list[_Item]) -> list[_Item]:
    """Put a layer's events back in timeline order, in the places events hold."""
    events = iter(sorted((it for it in layer if it.seq >= 0), key=lambda it: it.seq))
    return [next(events) if it.seq >= 0 else it for it in layer]


def _sweep(layer: list[_Item], ref: list[_Item], graph: _Graph) -> list[_Item]:
    """Order ``layer`` by the mean position of its neighbours in ``ref``."""
    ref_pos = {it.id: p for p, it in enumerate(ref)}
    scale = max(len(ref), 1) / max(len(layer), 1)

    def bary(p_item: tuple[int, _Item]) -> tuple[float, int]:
        p, item = p_item
        seen = [ref_pos[n] for n in graph.neighbours[item.id] if n in ref_pos]
        # an item without neighbours there keeps its place, scaled to the other layer
        return (sum(seen) / len(seen) if seen else p * scale, p)

    return _in_time([it for _, it in sorted(enumerate(layer), key=bary)])


def _order(graph: _Graph) -> None:
    """Barycentre sweeps, down and up; keep the ordering with the fewest crossings seen.

    Events keep the order of the review's timeline within a row: the sweeps move the other
    boxes and the link slots around them.
    """
    layers = [_in_time(layer) for layer in graph.layers]

    def total(ls: list[list[_Item]]) -> int:
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


# --- x placement --------------------------------------------------------------------------


def _gap(a: _Item, b: _Item) -> float:
    if a.node is not None and b.node is not None:
        return GAP_BOX
    if a.node is None and b.node is None:
        return GAP_SLOTS
    return GAP_SLOT


def _required(layer: Sequence[_Item]) -> float:
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


def _place(layer: list[_Item], desired: list[float], width: float) -> None:
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


def _spread(layer: list[_Item], width: float) -> None:
    """Spread a layer evenly across ``width`` (the starting placement)."""
    extra = (width - _required(layer)) / (len(layer) + 1)
    x = extra
    for a, b in zip(layer, [*layer[1:], None], strict=True):
        a.x = x + a.width / 2
        x += a.width + extra + (_gap(a, b) if b is not None else 0.0)


def _place_x(graph: _Graph) -> float:
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


# --- routing ------------------------------------------------------------------------------


def _shapes(graph: _Graph) -> list[str]:
    """Classify each link.

    ``loop`` (to itself), ``beside`` (neighbours in a row: a straight link), ``under`` (same
    row with boxes between: a track under the row) or ``across`` (between rows).
    """
    position = {it.id: p for layer in graph.layers for p, it in enumerate(layer)}
    result = []
    for u, v, _, _ in graph.edges:
        if u == v:
            result.append("loop")
        elif graph.layer_of[u] != graph.layer_of[v]:
            result.append("across")
        else:
            lo, hi = sorted((position[u], position[v]))
            between = graph.layers[graph.layer_of[u]][lo + 1 : hi]
            result.append("under" if any(it.node is not None for it in between) else "beside")
    return result


def _ports(
    graph: _Graph, shape: list[str], centre: Mapping[str, float], widths: Mapping[str, float]
) -> dict[tuple[int, int], float]:
    """Spread the ends of links along box sides, ordered by where each link goes next.

    Returns (link index, 0 for the source end or 1 for the target end) → x of the port; for a
    ``beside`` link, (index, 0) → its height within the boxes' shared height, as a fraction.
    """
    requests: dict[tuple[str, str], list[tuple[float, int, int]]] = defaultdict(list)
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, chain in enumerate(graph.chains):
        u, v = chain[0], chain[-1]
        if shape[index] == "under":
            requests[(u, "bottom")].append((centre[v], index, 0))
            requests[(v, "bottom")].append((centre[u], index, 1))
        elif shape[index] == "beside":
            pairs[(min(u, v), max(u, v))].append(index)
        elif shape[index] == "across":
            down = graph.layer_of[v] > graph.layer_of[u]
            requests[(u, "bottom" if down else "top")].append((centre[chain[1]], index, 0))
            requests[(v, "top" if down else "bottom")].append((centre[chain[-2]], index, 1))
    port: dict[tuple[int, int], float] = {}
    for (node, _), wanted in sorted(requests.items()):
        wanted.sort()
        x0, w = centre[node] - widths[node] / 2, widths[node]
        for k, (_, index, end) in enumerate(wanted):
            port[(index, end)] = x0 + w * (k + 1) / (len(wanted) + 1)
    for indices in pairs.values():
        for k, index in enumerate(indices):
            port[(index, 0)] = (k + 1) / (len(indices) + 1)
    return port


@attrs.frozen
class _Segment:
    """The part of a link in the gap below a layer: from ``start``, along a track, to ``end``."""

    edge: int
    gap: int
    start: float
    end: float
    ups: tuple[float, ...]
    """x of the verticals that go up from the track (to the layer above the gap)."""
    downs: tuple[float, ...]
    """x of the verticals that go down from the track (to the layer below)."""

    @property
    def low(self) -> float:
        """Left end."""
        return min(self.start, self.end)

    @property
    def high(self) -> float:
        """Right end."""
        return max(self.start, self.end)


def _segments(
    graph: _Graph,
    shape: list[str],
    centre: Mapping[str, float],
    port: Mapping[tuple[int, int], float],
) -> list[_Segment]:
    """Cut every routed link into its parts in the gaps between layers."""
    result: list[_Segment] = []
    for index, chain in enumerate(graph.chains):
        if shape[index] == "under":
            x1, x2 = port[(index, 0)], port[(index, 1)]
            result.append(_Segment(index, graph.layer_of[chain[0]], x1, x2, (x1, x2), ()))
            continue
        if shape[index] != "across":
            continue
        xs = [port[(index, 0)], *(centre[s] for s in chain[1:-1]), port[(index, 1)]]
        ends = [(x, _layer(item, graph.layer_of)) for x, item in zip(xs, chain, strict=True)]
        for (xa, la), (xb, lb) in itertools.pairwise(ends):
            upper, lower = (xa, xb) if la < lb else (xb, xa)
            result.append(_Segment(index, min(la, lb), xa, xb, (upper,), (lower,)))
    return result


def _tracks(segments: list[_Segment]) -> tuple[dict[tuple[int, int], int], dict[int, int]]:
    """Give each segment that turns a horizontal track in its gap.

    Segments that share x range are ordered by a pairwise vote on which of the two should lie
    above to cross less, then packed: a segment takes the track below every earlier one it
    shares x range with. Returns (link index, gap) → track and gap → number of tracks.
    """
    by_gap: dict[int, list[_Segment]] = defaultdict(list)
    for seg in segments:
        if _r(seg.start) != _r(seg.end) or len(seg.ups) == 2:
            by_gap[seg.gap].append(seg)

    def inside(x: float, seg: _Segment) -> bool:
        return seg.low - TRACK_CLEAR <= x <= seg.high + TRACK_CLEAR

    def cost(a: _Segment, b: _Segment) -> int:  # crossings when a lies above b
        return sum(inside(x, a) for x in b.ups) + sum(inside(x, b) for x in a.downs)

    def overlap(a: _Segment, b: _Segment) -> bool:
        return a.low - TRACK_CLEAR <= b.high and b.low - TRACK_CLEAR <= a.high

    tracks: dict[tuple[int, int], int] = {}
    counts: dict[int, int] = {}
    for gap, segs in sorted(by_gap.items()):
        votes = []
        for a in segs:
            score = 0
            for b in segs:
                if b is not a and overlap(a, b):
                    score += (cost(a, b) < cost(b, a)) - (cost(a, b) > cost(b, a))
            votes.append((-score, a.low, a.high, a.edge, a))
        votes.sort(key=lambda vote: vote[:4])
        placed: list[tuple[_Segment, int]] = []
        for *_, seg in votes:
            track = 1 + max((t for other, t in placed if overlap(seg, other)), default=-1)
            placed.append((seg, track))
            tracks[(seg.edge, gap)] = track
        counts[gap] = 1 + max(t for _, t in placed)
    return tracks, counts


def _simplify(points: Iterable[Point]) -> tuple[Point, ...]:
    """Round, drop repeated points and the middle one of three points on a line."""
    result: list[Point] = []
    for x, y in points:
        p = (_r(x), _r(y))
        if result and result[-1] == p:
            continue
        if len(result) >= 2:
            (ax, ay), (bx, by) = result[-2], result[-1]
            if ax == bx == p[0] or ay == by == p[1]:
                result[-1] = p
                continue
        result.append(p)
    return tuple(result)


# --- the layout ---------------------------------------------------------------------------


def _size(kind: str, text: str) -> tuple[float, tuple[str, ...]]:
    width = OUTCOME_WIDTH if kind == "outcome" else BOX_WIDTH
    return width, wrap(text, int(WRAP_CHARS * width / BOX_WIDTH))


def _edge_key(key: object) -> int | str:
    return key if isinstance(key, int) else str(key)


def _box_height(lines: Sequence[str]) -> float:
    return 2 * BOX_PAD + len(lines) * LINE_HEIGHT


def _r(value: float) -> float:
    return round(value, 1)


def _place_y(
    graph: _Graph,
    bands: list[str],
    labels: Mapping[str, str],
    row_height: list[float],
    counts: Mapping[int, int],
    width: float,
) -> tuple[list[float], list[Band]]:
    """Stack the bands and their rows; gaps are tall enough for their tracks."""

    def needed(gap: int) -> float:
        return 2 * STUB + max(counts.get(gap, 0) - 1, 0) * TRACK

    last = len(graph.layers) - 1
    row_top = [0.0] * len(graph.layers)
    result: list[Band] = []
    y = 0.0
    for band in bands:
        label_lines = wrap(labels[band], LABEL_WRAP, 6)
        label_height = len(label_lines) * BAND_LABEL_LINE + BAND_PAD
        rows = [i for i, b in enumerate(graph.layer_band) if b == band]
        if not rows:
            height = max(MIN_BAND_HEIGHT, label_height)
        else:
            top = BAND_PAD if rows[0] == 0 else max(BAND_PAD, needed(rows[0] - 1) / 2)
            share = 1.0 if rows[-1] == last else 0.5  # a gap between bands is split in two
            bottom = max(BAND_PAD, needed(rows[-1]) * share)
            gaps = [max(ROW_GAP, needed(i)) for i in rows[:-1]]
            inner = sum(row_height[i] for i in rows) + sum(gaps)
            height = max(top + inner + bottom, label_height)
            cursor = y + top + (height - top - inner - bottom) / 2
            for i, gap in zip(rows, [*gaps, 0.0], strict=True):
                row_top[i] = cursor
                cursor += row_height[i] + gap
        level = band if _is_level(band) else None
        result.append(Band(band, labels[band], level, 0.0, _r(y), width, _r(height), label_lines))
        y += height
    return row_top, result


def acci_map_layout(g: nx.MultiDiGraph, *, kinds: Collection[str] = ACCIMAP_KINDS) -> Layout:
    """Lay out a review graph (from :func:`npcs_review.graph.bridge.to_networkx`) as an AcciMap.

    Args:
        g: the review graph.
        kinds: the node kinds to draw (by default :data:`ACCIMAP_KINDS`: no findings,
            recommendations or evidence).

    Returns:
        Bands from top to bottom (every system level, even empty; the other bands only when
        they hold a box), boxes that never overlap and lie inside their band (in band order),
        and a route for every link between two drawn nodes (in the graph's edge order).

    Raises:
        GraphTooLargeError: if the graph is larger than :mod:`npcs_review.graph.limits` allows.
    """
    check_size(g)
    labels = band_labels(g)
    members: dict[str, list[str]] = defaultdict(list)
    data_of: dict[str, Mapping[str, Any]] = {}
    for node, data in g.nodes(data=True):
        band = node_band(data) if data.get("kind") in kinds else None
        if band is not None:
            members[band].append(str(node))
            data_of[str(node)] = data
    bands = [b for b in labels if _is_level(b) or members.get(b)]
    texts = {n: node_text(data) for n, data in data_of.items()}
    sizes = {n: _size(str(data.get("kind")), texts[n]) for n, data in data_of.items()}
    widths = {n: size[0] for n, size in sizes.items()}

    kinds_of = {n: data.get("kind") for n, data in data_of.items()}
    timeline = {n: i for i, n in enumerate(data_of) if kinds_of[n] == "event"}
    graph = _layered(g, bands, members, widths, timeline)
    _order(graph)
    area = _place_x(graph)
    left = LABEL_COLUMN + MARGIN
    centre = {it.id: left + it.x for layer in graph.layers for it in layer}
    shape = _shapes(graph)
    port = _ports(graph, shape, centre, widths)
    segments = _segments(graph, shape, centre, port)
    tracks, counts = _tracks(segments)
    row_height = [
        max(_box_height(sizes[it.node][1]) for it in layer if it.node is not None)
        for layer in graph.layers
    ]
    total_width = _r(left + area + MARGIN)
    row_top, band_list = _place_y(graph, bands, labels, row_height, counts, total_width)
    total_height = band_list[-1].y + band_list[-1].height

    boxes: dict[str, Box] = {}
    for i, layer in enumerate(graph.layers):
        for it in layer:
            if it.node is None:
                continue
            data = data_of[it.node]
            w, lines = sizes[it.node]
            h = _box_height(lines)
            kind = str(data.get("kind"))
            state = data.get("state") if kind == "barrier" else None
            boxes[it.node] = Box(
                it.node,
                kind,
                graph.layer_band[i],
                _r(centre[it.node] - w / 2),
                _r(row_top[i] + (row_height[i] - h) / 2),
                w,
                h,
                lines,
                texts[it.node],
                None if state is None else str(state),
                kind == "event" and bool(data.get("is_decision")),
            )

    def track_y(gap: int, track: int) -> float:
        top = row_top[gap] + row_height[gap]
        bottom = row_top[gap + 1] if gap + 1 < len(graph.layers) else total_height
        return top + (bottom - top - (counts[gap] - 1) * TRACK) / 2 + track * TRACK

    routes: list[EdgePath] = []
    for index, (u, v, key, kind) in enumerate(graph.edges):
        bu, bv = boxes[u], boxes[v]
        points: list[Point] = []
        if shape[index] == "loop":
            x = bu.x + bu.width
            y1, y2 = bu.y + bu.height * 0.35, bu.y + bu.height * 0.65
            points = [(x, y1), (x + 11, y1), (x + 11, y2), (x, y2)]
        elif shape[index] == "beside":  # at a height both boxes share
            top, bottom = max(bu.y, bv.y), min(bu.y + bu.height, bv.y + bv.height)
            y = top + (bottom - top) * port[(index, 0)]
            ends = (bu.x + bu.width, bv.x) if bu.x < bv.x else (bu.x, bv.x + bv.width)
            points = [(ends[0], y), (ends[1], y)]
        else:
            under = shape[index] == "under"
            down = under or graph.layer_of[v] > graph.layer_of[u]
            points.append((port[(index, 0)], bu.y + bu.height if down else bu.y))
            for seg in segments:
                if seg.edge == index and (index, seg.gap) in tracks:
                    ty = track_y(seg.gap, tracks[(index, seg.gap)])
                    points += [(seg.start, ty), (seg.end, ty)]
            points.append((port[(index, 1)], bv.y + bv.height if under or not down else bv.y))
        routes.append(EdgePath(u, v, key, kind, _simplify(points)))
    return Layout(
        total_width,
        _r(total_height),
        tuple(band_list),
        tuple(boxes[it.id] for layer in graph.layers for it in layer if it.node is not None),
        tuple(routes),
    )
