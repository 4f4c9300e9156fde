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

import math
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import attrs
import networkx as nx

from npcs_review.codelists import codelist
from npcs_review.graph._layers import (
    GAP_BOX,
    MAX_COLUMNS,
    MIN_WIDTH,
    TIMELINE,
    Layered,
    layered,
    order_layers,
    place_x,
    rows_of,
)
from npcs_review.graph._routing import (
    Point,
    gap_height,
    plan_routes,
    rounded,
    route_points,
    simplify,
)
from npcs_review.graph.labels import fit, level_label, node_text
from npcs_review.graph.limits import check_size

__all__ = [
    "ACCIMAP_KINDS",
    "ALL_KINDS",
    "BOX_WIDTH",
    "MAX_COLUMNS",
    "MAX_SHARED",
    "MAX_SLOTS",
    "Band",
    "Box",
    "EdgePath",
    "Layout",
    "acci_map_layout",
    "band_labels",
    "node_band",
    "text_room",
]

#: Node kinds drawn by default: the outcome, events, factors and barriers.
ACCIMAP_KINDS: frozenset[str] = frozenset({"outcome", "event", "factor", "barrier"})
#: Every node kind of the review graph.
ALL_KINDS: frozenset[str] = ACCIMAP_KINDS | {"finding", "recommendation", "evidence"}
#: Width of a box, in SVG user units (px).
BOX_WIDTH = 196.0
#: The full layout runs while its links pass at most this many rows in all (a link passes
#: every row strictly between its ends' rows, at a slot of its own) ...
MAX_SLOTS = 10_000
#: ... and while at most this many pairs of links meet in the gaps between rows (the sum over
#: the gaps of the number of links in each, squared). Above either, the map is drawn by the
#: simplified layout, which says so. Both keep the full layout to about a second.
MAX_SHARED = 2_000_000

LINE_HEIGHT = 15.0
"""Height of a label line."""
BOX_PAD = 8.0
"""Padding inside a box, above and below the lines."""
OUTCOME_WIDTH = 260.0
"""Width of the outcome box."""
LABEL_COLUMN = 176.0
"""Width of the band-label column on the left."""
LABEL_X = 14.0
"""Where band labels start, from the left edge."""
BOX_FONT = 12.0
"""Font size of box labels (px)."""
OUTCOME_FONT = 13.0
"""Font size of the outcome's label (px, bold)."""
BAND_FONT = 13.0
"""Font size of band labels (px, bold)."""
TEXT_PAD = 8.0
"""Room between a box's side (or a band label's column) and its text."""
BAR = 6.0
"""Width of the bar on a barrier's left side."""
BAND_LABEL_LINE = 17.0
"""Height of a band-label line."""
MARGIN = 24.0
"""Space between the label column and the first box, and after the last."""
BAND_PAD = 26.0
"""Space above the first row and below the last row of a band."""
ROW_GAP = 44.0
"""Space between two rows of the same band."""
MIN_BAND_HEIGHT = 64.0
"""Height of a band with no boxes."""

_OUTCOME = "outcome"
_UNPLACED = "level_not_recorded"


# --- the map --------------------------------------------------------------------------------


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
    note: str = ""
    """Why the map is simplified (see :data:`MAX_SLOTS`); empty for the full layout."""

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


# --- bands --------------------------------------------------------------------------------


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
        result[level] = level_label(g, level)
    result[TIMELINE] = "Timeline (events without a level)"
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
        return str(level) if in_list else TIMELINE
    if kind == "outcome":
        return _OUTCOME
    if kind in {"finding", "recommendation", "evidence"}:
        return "evidence" if kind == "evidence" else f"{kind}s"
    return None


def _is_level(band: str) -> bool:
    return band in codelist("system_level")


# --- the layout ----------------------------------------------------------------------------


@attrs.frozen
class _Drawn:
    """The nodes a map draws: by band, with their text and box size.

    Attributes:
        labels: every band's name, top to bottom.
        bands: the bands drawn (every level, the others only with a box), top to bottom.
        members: each band's nodes, in graph order.
        data: each drawn node's attributes.
        texts: each node's label text.
        widths: each node's box width.
        lines: each node's wrapped label.
        timeline: each event's position in the review's timeline.
    """

    labels: Mapping[str, str]
    bands: list[str]
    members: Mapping[str, list[str]]
    data: Mapping[str, Mapping[str, Any]]
    texts: Mapping[str, str]
    widths: Mapping[str, float]
    lines: Mapping[str, tuple[str, ...]]
    timeline: Mapping[str, int]

    @classmethod
    def of(cls, g: nx.MultiDiGraph, kinds: Collection[str]) -> _Drawn:
        """The nodes of ``g`` whose kind is in ``kinds`` and that have a band."""
        labels = band_labels(g)
        members: dict[str, list[str]] = defaultdict(list)
        data: dict[str, Mapping[str, Any]] = {}
        for node, attributes in g.nodes(data=True):
            band = node_band(attributes) if attributes.get("kind") in kinds else None
            if band is not None:
                members[band].append(str(node))
                data[str(node)] = attributes
        texts = {n: node_text(a) for n, a in data.items()}
        sizes = {n: _size(str(a.get("kind")), texts[n]) for n, a in data.items()}
        return cls(
            labels=labels,
            bands=[b for b in labels if _is_level(b) or members.get(b)],
            members=members,
            data=data,
            texts=texts,
            widths={n: size[0] for n, size in sizes.items()},
            lines={n: size[1] for n, size in sizes.items()},
            timeline={n: i for i, (n, a) in enumerate(data.items()) if a.get("kind") == "event"},
        )

    def box(self, node: str, band: str, x: float, y: float) -> Box:
        """The box of ``node`` with its top-left corner at (x, y)."""
        attributes = self.data[node]
        kind = str(attributes.get("kind"))
        state = attributes.get("state") if kind == "barrier" else None
        return Box(
            node,
            kind,
            band,
            rounded(x),
            rounded(y),
            self.widths[node],
            _box_height(self.lines[node]),
            self.lines[node],
            self.texts[node],
            None if state is None else str(state),
            kind == "event" and bool(attributes.get("is_decision")),
        )


def _size(kind: str, text: str) -> tuple[float, tuple[str, ...]]:
    """A box's width and its label's lines, measured to fit inside it."""
    if kind == "outcome":
        return OUTCOME_WIDTH, fit(
            text, text_room(kind, OUTCOME_WIDTH), size=OUTCOME_FONT, bold=True
        )
    return BOX_WIDTH, fit(text, text_room(kind, BOX_WIDTH), size=BOX_FONT)


def text_room(kind: str, width: float) -> float:
    """The width a box of ``kind`` leaves its text: padding each side, and a barrier's bar."""
    return width - 2 * TEXT_PAD - (BAR if kind == "barrier" else 0.0)


def _box_height(lines: Sequence[str]) -> float:
    return 2 * BOX_PAD + len(lines) * LINE_HEIGHT


def _place_y(
    row_band: list[str],
    bands: list[str],
    labels: Mapping[str, str],
    row_height: list[float],
    counts: Mapping[int, int],
    width: float,
) -> tuple[list[float], list[Band]]:
    """Stack the bands and their rows; gaps are tall enough for their tracks."""

    def needed(gap: int) -> float:
        return gap_height(counts.get(gap, 0))

    last = len(row_band) - 1
    row_top = [0.0] * len(row_band)
    result: list[Band] = []
    y = 0.0
    for band in bands:
        room = LABEL_COLUMN - LABEL_X - TEXT_PAD
        label_lines = fit(labels[band], room, size=BAND_FONT, bold=True, max_lines=6)
        label_height = len(label_lines) * BAND_LABEL_LINE + BAND_PAD
        rows = [i for i, b in enumerate(row_band) if b == band]
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
        result.append(
            Band(band, labels[band], level, 0.0, rounded(y), width, rounded(height), label_lines)
        )
        y += height
    return row_top, result


def _boxes(
    graph: Layered,
    drawn: _Drawn,
    centre: Mapping[str, float],
    row_top: list[float],
    row_height: list[float],
) -> dict[str, Box]:
    """Every box, centred on its x and in the middle of its row (rows in order)."""
    boxes: dict[str, Box] = {}
    for i, layer in enumerate(graph.layers):
        for it in layer:
            if it.node is not None:
                width, height = drawn.widths[it.node], _box_height(drawn.lines[it.node])
                x, y = centre[it.node] - width / 2, row_top[i] + (row_height[i] - height) / 2
                boxes[it.node] = drawn.box(it.node, graph.layer_band[i], x, y)
    return boxes


def acci_map_layout(g: nx.MultiDiGraph, *, kinds: Collection[str] = ACCIMAP_KINDS) -> Layout:
    """Lay out a review graph (from :func:`npcs_review.graph.bridge.to_networkx`) as an AcciMap.

    The steps: the nodes to draw and their boxes (:class:`_Drawn`); the layered graph of rows
    and link slots, ordered and placed left to right (:mod:`npcs_review.graph._layers`); the
    links' shapes, ports and tracks (:mod:`npcs_review.graph._routing`); the bands and rows
    stacked top to bottom, tall enough for their tracks; the boxes; the links' routes.

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
    drawn = _Drawn.of(g, kinds)
    rows = rows_of(g, drawn.bands, drawn.members)
    slots, shared = rows.work()
    if slots > MAX_SLOTS or shared > MAX_SHARED:
        return _simple_layout(g, drawn, slots, shared)
    graph = layered(rows, drawn.widths, drawn.timeline)
    order_layers(graph)
    left = LABEL_COLUMN + MARGIN
    width = rounded(left + place_x(graph) + MARGIN)
    centre = {it.id: left + it.x for layer in graph.layers for it in layer}
    plan = plan_routes(graph, centre, drawn.widths)
    row_height = [
        max(_box_height(drawn.lines[it.node]) for it in layer if it.node is not None)
        for layer in graph.layers
    ]
    row_top, bands = _place_y(
        graph.layer_band, drawn.bands, drawn.labels, row_height, plan.counts, width
    )
    height = bands[-1].y + bands[-1].height
    boxes = _boxes(graph, drawn, centre, row_top, row_height)
    routes = route_points(graph, plan, boxes, row_top, row_height, height)
    edges = [EdgePath(*edge, points) for edge, points in zip(graph.edges, routes, strict=True)]
    return Layout(width, rounded(height), tuple(bands), tuple(boxes.values()), tuple(edges))


# --- the simplified layout, for large maps ---------------------------------------------------


def _simple_layout(g: nx.MultiDiGraph, drawn: _Drawn, slots: int, shared: int) -> Layout:
    """A grid of boxes in their bands and straight links: linear work, for large maps.

    Each band's boxes are ordered once, top band first, by the mean position of their
    neighbours in the bands above (events keep the timeline's order), then laid out in rows of
    about the square root of the number of boxes; links are straight lines from box to box.
    The layout says so in :attr:`Layout.note`.
    """
    columns = max(MAX_COLUMNS, math.isqrt(max(len(drawn.data) - 1, 0)) + 1)
    rows = rows_of(g, drawn.bands, _ordered_members(g, drawn), columns)
    used = [sum(drawn.widths[n] for n in row) + GAP_BOX * (len(row) - 1) for row in rows.rows]
    area = max(MIN_WIDTH, *used)
    left = LABEL_COLUMN + MARGIN
    width = rounded(left + area + MARGIN)
    row_height = [max(_box_height(drawn.lines[n]) for n in row) for row in rows.rows]
    row_top, bands = _place_y(rows.band, drawn.bands, drawn.labels, row_height, {}, width)
    height = bands[-1].y + bands[-1].height
    boxes: dict[str, Box] = {}
    for i, row in enumerate(rows.rows):
        x = left + (area - used[i]) / 2
        for n in row:
            y = row_top[i] + (row_height[i] - _box_height(drawn.lines[n])) / 2
            boxes[n] = drawn.box(n, rows.band[i], x, y)
            x += drawn.widths[n] + GAP_BOX
    edges = tuple(
        EdgePath(u, v, key, kind, _straight(boxes[u], boxes[v], rows.row_of[u], rows.row_of[v]))
        for u, v, key, kind in rows.edges
    )
    note = (
        f"Simplified layout: this map's {len(rows.edges):,} links would pass {slots:,} rows "
        f"and meet in {shared:,} pairs, more than the full layout takes ({MAX_SLOTS:,} and "
        f"{MAX_SHARED:,}); links are drawn as straight lines and may cross boxes."
    )
    return Layout(width, rounded(height), tuple(bands), tuple(boxes.values()), edges, note)


def _ordered_members(g: nx.MultiDiGraph, drawn: _Drawn) -> dict[str, list[str]]:
    """Each band's nodes by the mean position of their neighbours in the bands above.

    One pass, top band first; nodes with no neighbour above keep their place in the graph
    order after the others, and events keep the timeline's order among themselves.
    """
    neighbours: dict[str, list[str]] = defaultdict(list)
    for u, v in g.edges():
        if u != v and u in drawn.data and v in drawn.data:
            neighbours[str(u)].append(str(v))
            neighbours[str(v)].append(str(u))
    position: dict[str, float] = {}
    ordered: dict[str, list[str]] = {}
    for band in drawn.bands:
        nodes = drawn.members.get(band, [])

        def key(item: tuple[int, str]) -> tuple[float, int]:
            placed = [position[m] for m in neighbours[item[1]] if m in position]
            return (sum(placed) / len(placed) if placed else math.inf, item[0])

        order = [n for _, n in sorted(enumerate(nodes), key=key)]
        events = iter(
            sorted((n for n in order if n in drawn.timeline), key=lambda n: drawn.timeline[n])
        )
        order = [next(events) if n in drawn.timeline else n for n in order]
        position.update((n, i / max(len(order), 1)) for i, n in enumerate(order))
        ordered[band] = order
    return ordered


def _straight(a: Box, b: Box, row_a: int, row_b: int) -> tuple[Point, ...]:
    """A straight link between two boxes, from border to border (a small loop to itself)."""
    if a.id == b.id:
        x, y1, y2 = a.x + a.width, a.y + a.height * 0.35, a.y + a.height * 0.65
        return simplify([(x, y1), (x + 11, y1), (x + 11, y2), (x, y2)])
    if row_a == row_b:
        y = a.y + a.height / 2
        ends = (a.x + a.width, b.x) if a.x < b.x else (a.x, b.x + b.width)
        return simplify([(ends[0], y), (ends[1], y)])
    down = row_b > row_a
    start = (a.x + a.width / 2, a.y + a.height if down else a.y)
    end = (b.x + b.width / 2, b.y if down else b.y + b.height)
    return simplify([start, end])
