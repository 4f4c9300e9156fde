"""Exports of the review graph: AcciMap SVG, Graphviz DOT, Mermaid and GraphML.

All exports take a graph from :func:`npcs_review.graph.bridge.to_networkx` and are
deterministic: the same graph gives byte-identical text. None needs Graphviz or any other
program; DOT and Mermaid are text for tools the reader already has (Graphviz, GitHub or GitLab
Markdown), the SVG is drawn from :func:`npcs_review.graph.layout.acci_map_layout`.

Like the layout, the exports draw the outcome, events, factors and barriers by default, and leave
findings, recommendations and evidence out (pass ``kinds=ALL_KINDS`` to include them). GraphML
carries the whole graph.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from html import escape
from typing import Any

import networkx as nx

from npcs_review.codelists import codelist
from npcs_review.graph.labels import describe, fit, node_text, text_width, wrap
from npcs_review.graph.layout import (
    ACCIMAP_KINDS,
    ALL_KINDS,
    BAND_FONT,
    BAR,
    BOX_FONT,
    BOX_PAD,
    LABEL_X,
    LINE_HEIGHT,
    OUTCOME_FONT,
    Box,
    EdgePath,
    Layout,
    acci_map_layout,
    band_labels,
    node_band,
)
from npcs_review.graph.limits import check_size
from npcs_review.models._types import code_text as _label

__all__ = ["drawn_kinds", "to_dot", "to_graphml", "to_mermaid", "to_svg"]

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FONT = "'DejaVu Sans', 'Helvetica Neue', Arial, Helvetica, sans-serif"

# link kind → (stroke, dash pattern or "", width)
_LINK_STYLE: dict[str, tuple[str, str, float]] = {
    "contributes_to": ("#37474f", "", 1.4),
    "precedes": ("#8d6e63", "6 4", 1.3),
    "breaches": ("#c62828", "", 1.6),
    "holds": ("#2e7d32", "", 1.6),
    "addresses": ("#00838f", "8 3", 1.3),
    "supports": ("#6a1b9a", "2 3", 1.3),
    "evidenced_by": ("#757575", "2 3", 1.1),
}
_OTHER_LINK = ("#546e7a", "", 1.2)
_MAIN_LINKS = ("contributes_to", "breaches", "holds", "precedes")
# barrier states, in the order of the ``barrier_state`` code list (from held to absent):
# (fill, stroke, dash); a state past the end, or a missing-value token, gets _UNKNOWN_BARRIER
_BARRIER_PALETTE: tuple[tuple[str, str, str], ...] = (
    ("#e8f5e9", "#2e7d32", ""),
    ("#fff3e0", "#e65100", "7 3"),
    ("#ffebee", "#c62828", "3 3"),
    ("#fafafa", "#757575", "1 3"),
)
_UNKNOWN_BARRIER = ("#f5f5f5", "#9e9e9e", "1 3")


def _barrier_style(state: object) -> tuple[str, str, str]:
    """Fill, stroke and dash for a barrier state (by its rank in the code list)."""
    states = codelist("barrier_state")
    if not isinstance(state, str) or state not in states:
        return _UNKNOWN_BARRIER
    rank = states.rank(state)
    return _BARRIER_PALETTE[rank] if rank < len(_BARRIER_PALETTE) else _UNKNOWN_BARRIER


# node kind → (fill, stroke)
_KIND_STYLE: dict[str, tuple[str, str]] = {
    "factor": ("#e8f0fa", "#2f5f98"),
    "event": ("#fff8e1", "#9a7b16"),
    "outcome": ("#5b1a1a", "#3b0d0d"),
    "finding": ("#f3e5f5", "#6a1b9a"),
    "recommendation": ("#e0f2f1", "#00695c"),
    "evidence": ("#f5f5f5", "#616161"),
}
_BAND_FILLS = ("#f7f8fa", "#eef1f5")
# how each node kind is named in the sentence that says which kinds an export draws
_KIND_WORDS = {
    "outcome": "the outcome",
    "event": "events",
    "factor": "factors",
    "barrier": "barriers",
    "finding": "findings",
    "recommendation": "recommendations",
    "evidence": "evidence",
}
_LEGEND_FONT = 11.5
_CORNER = 5.0


def drawn_kinds(kinds: Collection[str]) -> str:
    """The sentence every export carries about the node kinds it draws and leaves out."""

    def listed(words: list[str]) -> str:
        return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]

    shown = [word for kind, word in _KIND_WORDS.items() if kind in kinds]
    left = [word for kind, word in _KIND_WORDS.items() if kind not in kinds]
    text = f"Node kinds drawn: {listed(shown)}" if shown else "No node kinds drawn"
    if left:
        text += f"; left out: {listed(left)} (GraphML and node-link JSON carry every node)"
    return text + "."


def _clean(text: object) -> str:
    return _INVALID_XML.sub("\ufffd", str(text))


def _esc(text: object) -> str:
    """Escape text for XML element content and double-quoted attributes."""
    # as xml.sax.saxutils.escape(text, {'"': "&quot;"}), without importing urllib and email
    return escape(_clean(text), quote=False).replace('"', "&quot;")


def _n(value: float) -> str:
    """Format a coordinate: at most one decimal, no trailing zeros, never ``-0``."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


# --- SVG ----------------------------------------------------------------------------------


def _path_d(points: tuple[tuple[float, float], ...]) -> str:
    """Draw a route as straight segments with rounded corners."""
    parts = [f"M{_n(points[0][0])},{_n(points[0][1])}"]
    for (ax, ay), (bx, by), (cx, cy) in zip(points, points[1:], points[2:], strict=False):
        first = math.hypot(bx - ax, by - ay)
        second = math.hypot(cx - bx, cy - by)
        r = min(_CORNER, first / 2, second / 2)
        if r <= 0:
            parts.append(f"L{_n(bx)},{_n(by)}")
            continue
        x1, y1 = bx + (ax - bx) * r / first, by + (ay - by) * r / first
        x2, y2 = bx + (cx - bx) * r / second, by + (cy - by) * r / second
        parts.append(f"L{_n(x1)},{_n(y1)} Q{_n(bx)},{_n(by)} {_n(x2)},{_n(y2)}")
    parts.append(f"L{_n(points[-1][0])},{_n(points[-1][1])}")
    return " ".join(parts)


def _box_style(box: Box) -> tuple[str, str, str, float]:
    """Return fill, stroke, dash and stroke width of a box."""
    if box.kind == "barrier":
        fill, stroke, dash = _barrier_style(box.state)
        return fill, stroke, dash, 2.0
    fill, stroke = _KIND_STYLE.get(box.kind, ("#ffffff", "#616161"))
    if box.decision:
        return "#ffecb3", stroke, "", 2.4
    return fill, stroke, "", 1.2


def _style() -> str:
    return "\n".join(
        [
            f"svg {{ font-family: {_FONT}; }}",
            ".title { font-size: 16px; font-weight: bold; fill: #212121; }",
            f".legend text {{ font-size: {_n(_LEGEND_FONT)}px; fill: #333333; }}",
            f".band-label {{ font-size: {_n(BAND_FONT)}px; font-weight: bold; fill: #37474f; }}",
            ".band-rule { stroke: #cfd8dc; stroke-width: 1; }",
            f".box-text {{ font-size: {_n(BOX_FONT)}px; fill: #1a1a1a; }}",
            ".outcome .box-text { fill: #ffffff; font-weight: bold; "
            f"font-size: {_n(OUTCOME_FONT)}px; }}",
            ".edge { fill: none; stroke-linejoin: round; }",
            ".halo { fill: none; stroke: #ffffff; stroke-width: 4px; stroke-opacity: 0.85; }",
            ".edge:hover { stroke-width: 3.5px; }",
            ".node:hover rect.box { stroke-width: 3px; }",
        ]
    )


def _marker(kind: str, colour: str) -> str:
    return (
        f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
    )


def _edge_svg(edge: EdgePath, g: nx.MultiDiGraph) -> str:
    colour, dash, width = _LINK_STYLE.get(edge.kind, _OTHER_LINK)
    data = g.get_edge_data(edge.source, edge.target, edge.key) or {}
    if data.get("polarity") == "protective":  # a protective influence: dotted
        dash = "2 3"
    title = f"{edge.source} {edge.kind.replace('_', ' ')} {edge.target}"
    extra = [
        f"{name}: {_clean(data[name])}"
        for name in ("mechanism", "strength", "confidence", "polarity")
        if data.get(name) is not None
    ]
    title = "\n".join([title, *extra])
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    marker = edge.kind if edge.kind in _LINK_STYLE else "other"
    d = _path_d(edge.points)
    return (
        f'<path class="halo" d="{d}"/>'
        f'<path class="edge {_esc(edge.kind)}" data-source="{_esc(edge.source)}" '
        f'data-target="{_esc(edge.target)}" data-key="{_esc(edge.key)}" '
        f'd="{d}" stroke="{colour}" stroke-width="{_n(width)}"{dash_attr} '
        f'marker-end="url(#arrow-{marker})"><title>{_esc(title)}</title></path>'
    )


def _box_svg(box: Box, g: nx.MultiDiGraph) -> list[str]:
    fill, stroke, dash, width = _box_style(box)
    rx = 0 if box.kind == "barrier" else 4
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    classes = " ".join([box.kind, *([f"state-{box.state}"] if box.state else [])])
    classes += " decision" if box.decision else ""
    out = [
        f'<g class="node {_esc(classes)}" data-id="{_esc(box.id)}">',
        f"<title>{_esc(describe(g, box.id))}</title>",
        f'<rect class="box {_esc(classes)}" data-id="{_esc(box.id)}" '
        f'data-band="{_esc(box.band)}" x="{_n(box.x)}" y="{_n(box.y)}" '
        f'width="{_n(box.width)}" height="{_n(box.height)}" rx="{rx}" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{_n(width)}"{dash_attr}/>',
    ]
    if box.kind == "barrier":  # a thick bar on the left marks a defence
        out.append(
            f'<rect class="bar" x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(BAR)}" '
            f'height="{_n(box.height)}" fill="{stroke}"/>'
        )
    cx = box.x + box.width / 2 + (BAR / 2 if box.kind == "barrier" else 0)
    out.append(f'<text class="box-text" text-anchor="middle" x="{_n(cx)}">')
    for i, line in enumerate(box.lines):
        y = box.y + BOX_PAD + LINE_HEIGHT * i + 11.5
        out.append(f'<tspan x="{_n(cx)}" y="{_n(y)}">{_esc(line)}</tspan>')
    out.append("</text></g>")
    return out


def _legend(layout: Layout, width: float) -> tuple[list[str], float]:
    """Return the legend's elements (in a group at the origin) and its height."""
    kinds_drawn = {b.kind for b in layout.boxes}
    entries: list[tuple[str, str, tuple[str, str, str, float]]] = [
        ("box", "Factor", (*_KIND_STYLE["factor"], "", 1.2)),
        ("box", "Event", (*_KIND_STYLE["event"], "", 1.2)),
        ("box", "Decision", ("#ffecb3", _KIND_STYLE["event"][1], "", 2.4)),
    ]
    for state in codelist("barrier_state"):
        fill, stroke, dash = _barrier_style(state.code)
        entries.append(("barrier", f"Barrier: {state.label}", (fill, stroke, dash, 2.0)))
    entries.append(("box", "Outcome", (*_KIND_STYLE["outcome"], "", 1.2)))
    for kind in ("finding", "recommendation", "evidence"):
        if kind in kinds_drawn:
            entries.append(("box", kind.title(), (*_KIND_STYLE[kind], "", 1.2)))
    link_kinds = [*_MAIN_LINKS]
    link_kinds += sorted({e.kind for e in layout.edges} - set(_MAIN_LINKS))
    for kind in link_kinds:
        colour, dash, stroke_width = _LINK_STYLE.get(kind, _OTHER_LINK)
        entries.append(("link", kind.replace("_", " "), ("none", colour, dash, stroke_width)))

    out = ['<g class="legend">']
    x, y, row = 0.0, 0.0, 22.0
    for shape, text, (fill, stroke, dash, stroke_width) in entries:
        item = 40 + text_width(text, _LEGEND_FONT) + 18
        if x > 0 and x + item > width:
            x, y = 0.0, y + row
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if shape == "link":
            marker = text.replace(" ", "_") if text.replace(" ", "_") in _LINK_STYLE else "other"
            out.append(
                f'<path d="M{_n(x)},{_n(y + 7)} L{_n(x + 32)},{_n(y + 7)}" class="edge" '
                f'stroke="{stroke}" stroke-width="{_n(stroke_width)}"{dash_attr} '
                f'marker-end="url(#arrow-{marker})"/>'
            )
        else:
            out.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="32" height="14" '
                f'rx="{0 if shape == "barrier" else 3}" fill="{fill}" stroke="{stroke}" '
                f'stroke-width="{_n(stroke_width)}"{dash_attr}/>'
            )
            if shape == "barrier":
                out.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="5" height="14" fill="{stroke}"/>')
        out.append(f'<text x="{_n(x + 40)}" y="{_n(y + 11)}">{_esc(text)}</text>')
        x += item
    out.append("</g>")
    return out, y + row


def to_svg(g: nx.MultiDiGraph, *, kinds: Collection[str] = ACCIMAP_KINDS) -> str:
    """Draw the graph as a standalone AcciMap SVG (no external references).

    Bands carry the level names (the review's ``level_labels`` when given); every box and link
    has a ``<title>`` tooltip with its full text; a legend explains box kinds, barrier states and
    link kinds. Boxes are ``<rect class="box ..." data-id=... data-band=...>``, bands
    ``<rect class="band" data-band=...>``, links ``<path class="edge <kind>" data-source=...
    data-target=... data-key=...>`` ending in an arrowhead.

    Args:
        g: the review graph.
        kinds: node kinds to draw (see :func:`npcs_review.graph.layout.acci_map_layout`).
    """
    layout = acci_map_layout(g, kinds=kinds)
    review = g.graph.get("review", {})
    title = "AcciMap"
    if isinstance(review.get("type"), str):
        title += f" — {_label('review_type', review['type'])}"
    legend, legend_height = _legend(layout, layout.width - 32)
    notes = fit(layout.note, layout.width - 32, size=12, bold=True) if layout.note else ()
    below_title = 44 + 16 * len(notes)
    top = below_title + legend_height + 4
    width, height = layout.width, layout.height + top + 16
    markers = [_marker(k, c) for k, (c, _, _) in _LINK_STYLE.items()]
    markers.append(_marker("other", _OTHER_LINK[0]))
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" role="img">',
        f"<title>{_esc(title)}</title>",
        "<desc>System levels from the highest (top) to the family and community, the timeline "
        "and the outcome (bottom). Arrows point from a factor to what it contributed to. "
        f"{_esc(drawn_kinds(kinds))}</desc>",
        "<defs>",
        f"<style>\n{_style()}\n</style>",
        *markers,
        "</defs>",
        f'<rect class="background" x="0" y="0" width="{_n(width)}" height="{_n(height)}" '
        'fill="#ffffff"/>',
        f'<text class="title" x="16" y="28">{_esc(title)}</text>',
        *(
            f'<text class="note" x="16" y="{44 + 16 * i}" font-size="12" font-weight="bold" '
            f'fill="#8e0000">{_esc(line)}</text>'
            for i, line in enumerate(notes)
        ),
        f'<g transform="translate(16,{below_title})">',
        *legend,
        "</g>",
        f'<g class="map" transform="translate(0,{_n(top)})">',
        '<g class="bands">',
    ]
    for i, band in enumerate(layout.bands):
        out.append(
            f'<rect class="band" data-band="{_esc(band.id)}" x="{_n(band.x)}" y="{_n(band.y)}" '
            f'width="{_n(band.width)}" height="{_n(band.height)}" '
            f'fill="{_BAND_FILLS[i % 2]}"/>'
        )
        out.append(
            f'<line class="band-rule" x1="{_n(band.x)}" y1="{_n(band.y)}" '
            f'x2="{_n(band.x + band.width)}" y2="{_n(band.y)}"/>'
        )
        first = band.y + band.height / 2 - (len(band.label_lines) - 1) * 17 / 2 + 4.5
        out.append(f'<text class="band-label" data-band="{_esc(band.id)}" x="{_n(LABEL_X)}">')
        for j, line in enumerate(band.label_lines):
            out.append(f'<tspan x="{_n(LABEL_X)}" y="{_n(first + 17 * j)}">{_esc(line)}</tspan>')
        out.append("</text>")
    out += ["</g>", '<g class="edges">']
    out += [_edge_svg(edge, g) for edge in layout.edges]
    out += ["</g>", '<g class="boxes">']
    for box in layout.boxes:
        out += _box_svg(box, g)
    out += ["</g>", "</g>", "</svg>"]
    return "\n".join(out) + "\n"


# --- DOT ----------------------------------------------------------------------------------


def _dq(text: object) -> str:
    """Quote text as a DOT string (backslashes, quotes and newlines escaped)."""
    value = _clean(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + value.replace("\r", "").replace("\n", "\\n") + '"'


def _drawn(g: nx.MultiDiGraph, kinds: Collection[str]) -> dict[str, list[str]]:
    """Nodes drawn, by band (bands in order, top to bottom; levels always present).

    Raises:
        GraphTooLargeError: if the graph is larger than :mod:`npcs_review.graph.limits` allows.
    """
    check_size(g)
    labels = band_labels(g)
    levels = set(codelist("system_level").codes)
    members: dict[str, list[str]] = {b: [] for b in labels}
    for node, data in g.nodes(data=True):
        band = node_band(data) if data.get("kind") in kinds else None
        if band is not None:
            members[band].append(str(node))
    return {b: ns for b, ns in members.items() if ns or b in levels}


def _node_colours(data: Mapping[str, Any]) -> tuple[str, str, str]:
    kind = str(data.get("kind"))
    if kind == "barrier":
        return _barrier_style(data.get("state"))
    fill, stroke = _KIND_STYLE.get(kind, ("#ffffff", "#616161"))
    if kind == "event" and data.get("is_decision"):
        fill = "#ffecb3"
    return fill, stroke, ""


def to_dot(g: nx.MultiDiGraph, *, kinds: Collection[str] = ACCIMAP_KINDS) -> str:
    """Write the graph as Graphviz DOT: a cluster per band, top to bottom, wrapped labels.

    Invisible anchor nodes (``__band_<id>``), chained by invisible edges, keep the bands in
    AcciMap order when Graphviz ranks them: every node ranks below its band's anchor and above
    the next band's, and a link up the map (to a higher band) does not constrain the ranks.

    Args:
        g: the review graph.
        kinds: node kinds to draw (by default outcome, events, factors and barriers).
    """
    labels = band_labels(g)
    members = _drawn(g, kinds)
    out = [
        "digraph accimap {",
        f"  // {drawn_kinds(kinds)}",
        "  // Bands stack in order: each node ranks below its band's anchor (__band_<id>) and",
        "  // above the next band's; links up the map do not constrain the ranks.",
        '  graph [rankdir=TB, newrank=true, compound=true, fontname="Helvetica", '
        "nodesep=0.3, ranksep=0.5];",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for band, nodes in members.items():
        out.append(f"  subgraph {_dq('cluster_' + band)} {{")
        out.append(
            f'    label={_dq(labels[band])}; labeljust=l; style=filled; fillcolor="#f4f6f8";'
        )
        out.append(f'    {_dq("__band_" + band)} [style=invis, shape=point, label=""];')
        out += [_dot_node(g, node) for node in nodes]
        out.append("  }")
    out += _dot_ranks(members)
    band_of = {n: i for i, ns in enumerate(members.values()) for n in ns}
    for u, v, key, data in g.edges(keys=True, data=True):
        if str(u) in band_of and str(v) in band_of:
            upward = band_of[str(u)] > band_of[str(v)]
            out.append(_dot_link(str(u), str(v), key, data, upward=upward))
    out.append("}")
    return "\n".join(out) + "\n"


def _dot_node(g: nx.MultiDiGraph, node: str) -> str:
    data = g.nodes[node]
    kind = str(data.get("kind"))
    fill, stroke, dash = _node_colours(data)
    style = "filled" if kind == "barrier" else "rounded,filled"
    style += ",dashed" if dash else ""
    font = ', fontcolor="#ffffff"' if kind == "outcome" else ""
    label = "\n".join(wrap(node_text(data)))
    return (
        f"    {_dq(node)} [label={_dq(label)}, tooltip={_dq(describe(g, node))}, "
        f'class={_dq(kind)}, style="{style}", fillcolor="{fill}", color="{stroke}"'
        f"{font}];"
    )


def _dot_ranks(members: Mapping[str, list[str]]) -> list[str]:
    """The invisible edges that chain the band anchors and hang each band's nodes between."""
    bands = list(members)
    out = [
        f"  {_dq('__band_' + upper)} -> {_dq('__band_' + lower)} [style=invis];"
        for upper, lower in itertools.pairwise(bands)
    ]
    for i, (band, nodes) in enumerate(members.items()):
        if not nodes:
            continue
        group = " ".join(_dq(n) for n in nodes)
        out.append(f"  {_dq('__band_' + band)} -> {{{group}}} [style=invis];")
        if i + 1 < len(bands):
            out.append(f"  {{{group}}} -> {_dq('__band_' + bands[i + 1])} [style=invis];")
    return out


def _dot_link(u: str, v: str, key: object, data: Mapping[str, Any], *, upward: bool) -> str:
    kind = str(data.get("kind", ""))
    colour, dash, width = _LINK_STYLE.get(kind, _OTHER_LINK)
    attrs = [f"color={_dq(colour)}", f"penwidth={_n(width)}", f"class={_dq(kind)}"]
    if upward:  # a link up the map must not pull the bands
        attrs.append("constraint=false")
    if dash:
        attrs.append("style=dashed")
    if kind not in {"contributes_to", ""}:
        attrs.append(f"label={_dq(kind.replace('_', ' '))}")
    tip = "\n".join(f"{name}: {data[name]}" for name in ("mechanism", "strength") if data.get(name))
    if tip:
        attrs.append(f"tooltip={_dq(tip)}")
    attrs.append(f"id={_dq(f'link-{key}')}")
    return f"  {_dq(u)} -> {_dq(v)} [{', '.join(attrs)}];"


# --- Mermaid ------------------------------------------------------------------------------

_MERMAID_ENTITIES = {"#": "#35;", '"': "#quot;", "&": "#amp;", "<": "#lt;", ">": "#gt;"}
_MERMAID_ENTITIES["`"] = "#96;"
_MERMAID_SHAPES = {
    "factor": ('["', '"]'),
    "barrier": ('[["', '"]]'),
    "event": ('(["', '"])'),
    "outcome": ('{{"', '"}}'),
    "finding": ('[/"', '"/]'),
    "recommendation": ('[\\"', '"\\]'),
    "evidence": ('[("', '")]'),
}
_MERMAID_ARROWS = {
    "contributes_to": "-->",
    "precedes": "-.->",
    "breaches": "-->|breaches|",
    "holds": "==>|holds|",
    "addresses": "-.->|addresses|",
    "supports": "-.->|supports|",
    "evidenced_by": "-.->|evidenced by|",
}
# links drawn against their direction (up the map) are plain lines of the same pattern
_MERMAID_LINES = {
    "contributes_to": "---",
    "precedes": "-.-",
    "breaches": "---",
    "holds": "===",
    "addresses": "-.-",
    "supports": "-.-",
    "evidenced_by": "-.-",
}
#: Characters of a label in Mermaid at most (Mermaid wraps it; the rest ends in "…").
MERMAID_LABEL_CHARS = 160


def _mermaid_text(text: str) -> str:
    text = " ".join(_clean(text).split())
    if len(text) > MERMAID_LABEL_CHARS:
        text = text[: MERMAID_LABEL_CHARS - 1].rstrip() + "…"
    return "".join(_MERMAID_ENTITIES.get(ch, ch) for ch in text)


def _mermaid_ids(nodes: Iterable[str], prefix: str) -> dict[str, str]:
    """Give each node a Mermaid-safe id (letters, digits, underscores), unique and stable."""
    result: dict[str, str] = {}
    used: set[str] = set()
    for node in nodes:
        base = prefix + re.sub(r"[^A-Za-z0-9_]", "_", node)
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}_{n}"
        used.add(candidate)
        result[node] = candidate
    return result


def to_mermaid(g: nx.MultiDiGraph, *, kinds: Collection[str] = ACCIMAP_KINDS) -> str:
    """Write the graph as a Mermaid flowchart (``flowchart TD``) with a subgraph per band.

    It renders in GitHub and GitLab Markdown (in a ``mermaid`` code block). Node ids are
    ``n_`` and the node id with other characters than letters, digits and underscores replaced;
    labels are quoted, with ``"``, ``#``, ``&``, ``<``, ``>`` and backticks written as Mermaid
    entity codes; empty level bands are left out. Each node is defined on one line of its own.
    Invisible links (``~~~``) from each band's subgraph to the next, written after the real links
    (so ``linkStyle`` numbers are those of the real links), keep the bands stacked in order.

    Args:
        g: the review graph.
        kinds: node kinds to draw (by default outcome, events, factors and barriers).
    """
    labels = band_labels(g)
    members = {b: ns for b, ns in _drawn(g, kinds).items() if ns}
    ids = _mermaid_ids([n for ns in members.values() for n in ns], "n_")
    out = ["flowchart TD", f"  %% {drawn_kinds(kinds)}"]
    classes: dict[str, list[str]] = defaultdict(list)
    for band, nodes in members.items():
        out.append(f'  subgraph band_{band}["{_mermaid_text(labels[band])}"]')
        out.append("    direction LR")
        out.append(f'    anchor_{band}[" "]')
        for node in nodes:
            data = g.nodes[node]
            left, right = _MERMAID_SHAPES.get(str(data.get("kind")), ('["', '"]'))
            out.append(f"    {ids[node]}{left}{_mermaid_text(node_text(data))}{right}")
            classes[_mermaid_class(data)].append(ids[node])
        out.append("  end")
    link_styles: dict[str, list[int]] = defaultdict(list)
    band_of = {n: i for i, ns in enumerate(members.values()) for n in ns}
    for u, v, _, data in g.edges(keys=True, data=True):
        if str(u) in ids and str(v) in ids:
            kind = str(data.get("kind", ""))
            upward = band_of[str(u)] > band_of[str(v)]
            out.append(_mermaid_link(ids[str(u)], ids[str(v)], kind, upward=upward))
            link_styles[kind].append(sum(map(len, link_styles.values())))
    out += _mermaid_anchors(members, ids)
    out += _mermaid_classes(classes)
    for kind in sorted(link_styles):
        colour, _, width = _LINK_STYLE.get(kind, _OTHER_LINK)
        indices = ",".join(str(i) for i in link_styles[kind])
        out.append(f"  linkStyle {indices} stroke:{colour},stroke-width:{_n(width)}px")
    return "\n".join(out) + "\n"


def _mermaid_class(data: Mapping[str, Any]) -> str:
    kind = str(data.get("kind"))
    if kind == "barrier":
        kind = f"barrier_{data.get('state')}"
    elif kind == "event" and data.get("is_decision"):
        kind = "decision"
    return re.sub(r"[^A-Za-z0-9_]", "_", kind)


def _mermaid_link(u: str, v: str, kind: str, *, upward: bool) -> str:
    """A link; one up the map is written downwards as a plain line whose label says up."""
    if upward:
        line = _MERMAID_LINES.get(kind, "---")
        return f'  {v} {line}|"{_mermaid_text("↑ " + kind.replace("_", " "))}"| {u}'
    return f"  {u} {_MERMAID_ARROWS.get(kind, '-->')} {v}"


def _mermaid_anchors(members: Mapping[str, list[str]], ids: Mapping[str, str]) -> list[str]:
    """Invisible links through an anchor per band keep every band below the one above.

    They come after the real links, so that ``linkStyle`` numbers stay those of the real ones.
    """
    bands = list(members)
    out = []
    for i, (band, nodes) in enumerate(members.items()):
        group = " & ".join(ids[n] for n in nodes)
        out.append(f"  anchor_{band} ~~~ {group}")
        if i + 1 < len(bands):
            out.append(f"  {group} ~~~ anchor_{bands[i + 1]}")
    anchors = ",".join(f"anchor_{band}" for band in bands)
    return [
        *out,
        "  classDef band_anchor fill:none,stroke:none,color:transparent",
        f"  class {anchors} band_anchor",
    ]


def _mermaid_classes(classes: Mapping[str, list[str]]) -> list[str]:
    styles: dict[str, tuple[str, str, str]] = {
        **{f"barrier_{v.code}": _barrier_style(v.code) for v in codelist("barrier_state")},
        **{k: (f, s, "") for k, (f, s) in _KIND_STYLE.items()},
        "decision": ("#ffecb3", _KIND_STYLE["event"][1], ""),
    }
    out = []
    for cls in sorted(classes):
        fill, stroke, dash = styles.get(cls, _UNKNOWN_BARRIER)
        extra = f",stroke-dasharray:{dash}" if dash else ""
        colour = ",color:#ffffff" if cls == "outcome" else ""
        out.append(f"  classDef {cls} fill:{fill},stroke:{stroke}{extra}{colour}")
        out.append(f"  class {','.join(classes[cls])} {cls}")
    return out


# --- GraphML ------------------------------------------------------------------------------

_SCALARS = (str, bool, int, float)


def _graphml_value(value: Any) -> Any:
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, _SCALARS):
        return value
    return _clean(json.dumps(value, sort_keys=True, ensure_ascii=False))


def _uniform(records: list[dict[str, Any]]) -> None:
    """Turn every value of an attribute into a string when the attribute mixes types."""
    types: dict[str, set[type]] = defaultdict(set)
    for record in records:
        for name, value in record.items():
            types[name].add(type(value))
    for record in records:
        for name, value in list(record.items()):
            if len(types[name]) > 1 and not isinstance(value, str):
                record[name] = json.dumps(value)


def to_graphml(g: nx.MultiDiGraph) -> str:
    """Write the whole graph as GraphML (for Gephi, yEd, Cytoscape), with every node and link.

    Scalar attributes keep their type; lists, dicts and other values are written as JSON
    strings (sorted keys), None values are left out, and an attribute that mixes types is
    written as strings throughout. Each node gets a ``label`` (its text, wrapped and shortened
    as in the AcciMap) unless it has one. Graph attributes (``review``, ``review_lists``) are
    JSON strings too.

    Raises:
        GraphTooLargeError: if the graph is larger than :mod:`npcs_review.graph.limits` allows.
    """
    check_size(g)
    out = nx.MultiDiGraph()
    out.graph.update({str(k): _graphml_value(v) for k, v in g.graph.items() if v is not None})
    nodes: list[tuple[str, dict[str, Any]]] = []
    for node, data in g.nodes(data=True):
        attrs = {str(k): _graphml_value(v) for k, v in data.items() if v is not None}
        attrs.setdefault("label", " ".join(wrap(node_text(data))))
        nodes.append((str(node), attrs))
    edges: list[tuple[str, str, Any, dict[str, Any]]] = [
        (str(u), str(v), key, {str(k): _graphml_value(x) for k, x in d.items() if x is not None})
        for u, v, key, d in g.edges(keys=True, data=True)
    ]
    _uniform([a for _, a in nodes])
    _uniform([d for *_, d in edges])
    out.add_nodes_from(nodes)
    for u, v, key, data in edges:
        out.add_edge(u, v, key=key, **data)
    head, *rest = nx.generate_graphml(out, prettyprint=True)
    kinds = drawn_kinds(ALL_KINDS).removeprefix("Node kinds drawn: ")
    note = f"<!-- Every node of the review graph, of every kind: {kinds} -->"
    return "\n".join([head, note, *rest]) + "\n"
