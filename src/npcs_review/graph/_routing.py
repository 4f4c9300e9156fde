"""Orthogonal routing of the AcciMap's links between the rows of the layered graph.

Each end of a link gets a port of its own on the box side, spread in the order of where the
links go; a link runs vertically through its slots and horizontally on a track of its own in
each gap between rows (tracks are ordered to cross less, and gaps grow with their number of
tracks). So no link runs through a box and no two links share a stretch of line; a link between
neighbours in a row is a short horizontal arrow, one between boxes of the same row with others
between runs on a track under the row.
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Protocol

import attrs

from npcs_review.graph._layers import Layered, layer_of_item

__all__ = [
    "Point",
    "Segment",
    "assign_tracks",
    "link_ports",
    "link_segments",
    "link_shapes",
    "rounded",
    "simplify",
]

Point = tuple[float, float]

TRACK = 6.0
"""Spacing of the horizontal tracks of links in a gap between rows."""
STUB = 12.0
"""Room above the first track and below the last one in a gap."""
TRACK_CLEAR = 4.0
"""Horizontal clearance between two segments that may share a track."""


def rounded(value: float) -> float:
    return round(value, 1)


def link_shapes(graph: Layered) -> list[str]:
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


def link_ports(
    graph: Layered, shape: list[str], centre: Mapping[str, float], widths: Mapping[str, float]
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
class Segment:
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


def link_segments(
    graph: Layered,
    shape: list[str],
    centre: Mapping[str, float],
    port: Mapping[tuple[int, int], float],
) -> list[Segment]:
    """Cut every routed link into its parts in the gaps between layers."""
    result: list[Segment] = []
    for index, chain in enumerate(graph.chains):
        if shape[index] == "under":
            x1, x2 = port[(index, 0)], port[(index, 1)]
            result.append(Segment(index, graph.layer_of[chain[0]], x1, x2, (x1, x2), ()))
            continue
        if shape[index] != "across":
            continue
        xs = [port[(index, 0)], *(centre[s] for s in chain[1:-1]), port[(index, 1)]]
        ends = [(x, layer_of_item(item, graph.layer_of)) for x, item in zip(xs, chain, strict=True)]
        for (xa, la), (xb, lb) in itertools.pairwise(ends):
            upper, lower = (xa, xb) if la < lb else (xb, xa)
            result.append(Segment(index, min(la, lb), xa, xb, (upper,), (lower,)))
    return result


def assign_tracks(segments: list[Segment]) -> tuple[dict[tuple[int, int], int], dict[int, int]]:
    """Give each segment that turns a horizontal track in its gap.

    Segments that share x range are ordered by a pairwise vote on which of the two should lie
    above to cross less, then packed: a segment takes the track below every earlier one it
    shares x range with. Returns (link index, gap) → track and gap → number of tracks.
    """
    by_gap: dict[int, list[Segment]] = defaultdict(list)
    for seg in segments:
        if rounded(seg.start) != rounded(seg.end) or len(seg.ups) == 2:
            by_gap[seg.gap].append(seg)
    tracks: dict[tuple[int, int], int] = {}
    counts: dict[int, int] = {}
    for gap, segs in sorted(by_gap.items()):
        scores = _votes(segs)
        order = sorted(
            range(len(segs)),
            key=lambda i: (-scores[i], segs[i].low, segs[i].high, segs[i].edge),
        )
        placed = _pack([segs[i] for i in order])
        for i, track in zip(order, placed, strict=True):
            tracks[(segs[i].edge, gap)] = track
        counts[gap] = 1 + max(placed)
    return tracks, counts


def _inside(x: float, seg: Segment) -> bool:
    return seg.low - TRACK_CLEAR <= x <= seg.high + TRACK_CLEAR


def _cost(a: Segment, b: Segment) -> int:
    """The crossings when ``a`` lies above ``b``."""
    return sum(_inside(x, a) for x in b.ups) + sum(_inside(x, b) for x in a.downs)


def _votes(segs: list[Segment]) -> list[int]:
    """For each segment, the segments sharing its x range it should lie above, minus below.

    Only overlapping pairs vote; they are found by a sweep over the segments sorted by their
    left end, which keeps the segments still reaching the sweep line.
    """
    scores = [0] * len(segs)
    by_low = sorted(range(len(segs)), key=lambda i: segs[i].low)
    active: list[int] = []
    for i in by_low:
        a = segs[i]
        active = [j for j in active if a.low - TRACK_CLEAR <= segs[j].high]
        for j in active:
            b = segs[j]
            above, below = _cost(a, b), _cost(b, a)
            vote = (above < below) - (above > below)
            scores[i] += vote
            scores[j] -= vote
        active.append(i)
    return scores


def _pack(ordered: list[Segment]) -> list[int]:
    """Tracks for segments in order: each below every earlier one it shares x range with.

    Segments on one track never share x range, so each track is kept sorted by left end and
    checked with one binary search, from the deepest track up.
    """
    starts: list[list[float]] = []  # per track, its segments' left ends less the clearance
    highs: list[list[float]] = []  # and their right ends, in the same (and so sorted) order
    result = []
    for seg in ordered:
        track = 0
        for t in range(len(starts) - 1, -1, -1):
            k = bisect.bisect_right(starts[t], seg.high)
            if k and seg.low - TRACK_CLEAR <= highs[t][k - 1]:
                track = t + 1
                break
        if track == len(starts):
            starts.append([])
            highs.append([])
        k = bisect.bisect_right(starts[track], seg.low - TRACK_CLEAR)
        starts[track].insert(k, seg.low - TRACK_CLEAR)
        highs[track].insert(k, seg.high)
        result.append(track)
    return result


def simplify(points: Iterable[Point]) -> tuple[Point, ...]:
    """Round, drop repeated points and the middle one of three points on a line."""
    result: list[Point] = []
    for x, y in points:
        p = (rounded(x), rounded(y))
        if result and result[-1] == p:
            continue
        if len(result) >= 2:
            (ax, ay), (bx, by) = result[-2], result[-1]
            if ax == bx == p[0] or ay == by == p[1]:
                result[-1] = p
                continue
        result.append(p)
    return tuple(result)


def gap_height(tracks: int) -> float:
    """The height a gap between rows needs for ``tracks`` horizontal tracks."""
    return 2 * STUB + max(tracks - 1, 0) * TRACK


class Rect(Protocol):
    """A drawn box, as routing sees it."""

    @property
    def x(self) -> float: ...
    @property
    def y(self) -> float: ...
    @property
    def width(self) -> float: ...
    @property
    def height(self) -> float: ...


@attrs.frozen
class Plan:
    """Where each link runs, before the rows have their heights.

    Attributes:
        shape: each link's shape (see :func:`link_shapes`).
        port: where each link's ends meet their boxes (see :func:`link_ports`).
        segments: each link's parts in the gaps between rows, per link, in order.
        tracks: the track of each (link, gap) that turns in the gap.
        counts: the number of tracks in each gap.
    """

    shape: list[str]
    port: Mapping[tuple[int, int], float]
    segments: Mapping[int, list[Segment]]
    tracks: Mapping[tuple[int, int], int]
    counts: Mapping[int, int]


def plan_routes(graph: Layered, centre: Mapping[str, float], widths: Mapping[str, float]) -> Plan:
    """Shape, ports, segments and tracks of every link."""
    shape = link_shapes(graph)
    port = link_ports(graph, shape, centre, widths)
    segments = link_segments(graph, shape, centre, port)
    tracks, counts = assign_tracks(segments)
    per_link: dict[int, list[Segment]] = defaultdict(list)
    for seg in segments:
        per_link[seg.edge].append(seg)
    return Plan(shape, port, per_link, tracks, counts)


def route_points(
    graph: Layered,
    plan: Plan,
    boxes: Mapping[str, Rect],
    row_top: list[float],
    row_height: list[float],
    bottom: float,
) -> list[tuple[Point, ...]]:
    """The points of every link's route, in the layered graph's link order."""

    def track_y(gap: int, track: int) -> float:
        top = row_top[gap] + row_height[gap]
        below = row_top[gap + 1] if gap + 1 < len(graph.layers) else bottom
        return top + (below - top - (plan.counts[gap] - 1) * TRACK) / 2 + track * TRACK

    routes = []
    for index, (u, v, _, _) in enumerate(graph.edges):
        bu, bv = boxes[u], boxes[v]
        shape = plan.shape[index]
        if shape == "loop":
            x = bu.x + bu.width
            y1, y2 = bu.y + bu.height * 0.35, bu.y + bu.height * 0.65
            points = [(x, y1), (x + 11, y1), (x + 11, y2), (x, y2)]
        elif shape == "beside":  # at a height both boxes share
            top, low = max(bu.y, bv.y), min(bu.y + bu.height, bv.y + bv.height)
            y = top + (low - top) * plan.port[(index, 0)]
            ends = (bu.x + bu.width, bv.x) if bu.x < bv.x else (bu.x, bv.x + bv.width)
            points = [(ends[0], y), (ends[1], y)]
        else:
            under = shape == "under"
            down = under or graph.layer_of[v] > graph.layer_of[u]
            points = [(plan.port[(index, 0)], bu.y + bu.height if down else bu.y)]
            for seg in plan.segments.get(index, ()):
                if (index, seg.gap) in plan.tracks:
                    ty = track_y(seg.gap, plan.tracks[(index, seg.gap)])
                    points += [(seg.start, ty), (seg.end, ty)]
            points.append((plan.port[(index, 1)], bv.y + bv.height if under or not down else bv.y))
        routes.append(simplify(points))
    return routes
