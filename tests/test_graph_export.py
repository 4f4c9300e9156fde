"""The AcciMap layout and the SVG, DOT, Mermaid and GraphML exports of the review graph."""

from __future__ import annotations

import io
import itertools
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npcs_review.codelists import codelist
from npcs_review.graph.bridge import to_networkx
from npcs_review.graph.export import to_dot, to_graphml, to_mermaid, to_svg
from npcs_review.graph.labels import MAX_LINES, text_width
from npcs_review.graph.layout import (
    ALL_KINDS,
    BOX_FONT,
    MAX_COLUMNS,
    OUTCOME_FONT,
    Box,
    Layout,
    acci_map_layout,
    text_room,
)
from npcs_review.models import LINK_KINDS, Review
from tests.strategies import code, text

SVG = "{http://www.w3.org/2000/svg}"
LEVELS = [v.code for v in codelist("system_level")]  # first = lowest
TRICKY = 'Caseworker noted "risk < threshold" & [closed] {plan} #1; `x` | <b>bold</b>'


def small_doc() -> dict[str, Any]:
    """A review with every kind of node, a tricky statement and a jurisdiction's level names."""
    return {
        "type": "systemic_critical_incident_review",
        "level_labels": {"supervision_team": "Unit supervision (county)"},
        "events": [
            {"id": "e1", "date": "2025-01-02", "description": "Report received by intake"},
            {
                "id": "e2",
                "date": "2025-01-05",
                "description": "Case closed after one home visit",
                "is_decision": True,
            },
            {
                "id": "e3",
                "date": "unknown",
                "description": "Supervisor approved closure",
                "level": "supervision_team",
            },
        ],
        "factors": [
            {
                "id": "f1",
                "statement": "Funding tied to contract periods",
                "level": "law_policy_funding",
                "factor_type": "condition",
            },
            {
                "id": "f2",
                "statement": TRICKY,
                "level": "frontline_practice",
                "factor_type": "decision",
            },
            {
                "id": "f3",
                "statement": "Caseloads above the unit standard " * 12,
                "level": "agency_organization",
                "factor_type": "condition",
            },
            {
                "id": "f.4-x",
                "statement": "Household had no safe sleep space",
                "level": "family_community_environment",
                "factor_type": "condition",
            },
        ],
        "barriers": [
            {
                "id": "b1",
                "description": "Supervisory review of closures",
                "barrier_type": "supervisory_review",
                "state": "breached",
                "level": "supervision_team",
            }
        ],
        "findings": [{"id": "fi1", "text": "Closure reviews were not done in person"}],
        "recommendations": [
            {"id": "r1", "text": "Require in-person closure review", "action_strength": "stronger"}
        ],
        "evidence": [
            {
                "id": "ev1",
                "source_type": "case_record",
                "description": "Case notes",
                "available_at": "2025-01-05",
            }
        ],
        "links": [
            {"kind": "contributes_to", "source": "f1", "target": "f3", "mechanism": 'a "b" <c>'},
            {"kind": "contributes_to", "source": "f3", "target": "f2"},
            {"kind": "contributes_to", "source": "f2", "target": "e2"},
            {"kind": "breaches", "source": "f2", "target": "b1"},
            {"kind": "contributes_to", "source": "f.4-x", "target": "outcome"},
            {"kind": "precedes", "source": "e1", "target": "e2"},
            {"kind": "precedes", "source": "e2", "target": "outcome"},
            {"kind": "contributes_to", "source": "e3", "target": "e2"},
            {"kind": "contributes_to", "source": "f1", "target": "outcome"},
            {"kind": "addresses", "source": "r1", "target": "f2"},
            {"kind": "supports", "source": "fi1", "target": "f2"},
            {"kind": "evidenced_by", "source": "f2", "target": "ev1"},
        ],
    }


def big_doc(n_factors: int = 36, n_barriers: int = 8, n_events: int = 10) -> dict[str, Any]:
    """A synthetic review with factors at every level, barriers, events and many links."""
    states = [v.code for v in codelist("barrier_state")]
    types = [v.code for v in codelist("barrier_type")]
    roles = ["caseworker", "supervisor", "intake screener", "program manager", "provider"]
    doc: dict[str, Any] = {
        "type": "systemic_critical_incident_review",
        "factors": [],
        "barriers": [],
        "events": [],
        "links": [],
    }
    for i in range(n_factors):
        doc["factors"].append(
            {
                "id": f"F{i}",
                "statement": f"Factor {i}: the {roles[i % 5]} worked with "
                + "a partial picture of the household " * (1 + i % 3),
                "level": LEVELS[i % 6],
                "factor_type": "condition",
            }
        )
    for i in range(n_barriers):
        doc["barriers"].append(
            {
                "id": f"B{i}",
                "description": f"Barrier {i}: review by the {roles[i % 5]}",
                "barrier_type": types[i % len(types)],
                "state": states[i % len(states)],
                "level": LEVELS[(2 * i) % 6],
            }
        )
    for i in range(n_events):
        event: dict[str, Any] = {
            "id": f"E{i}",
            "date": f"2025-{1 + i % 12:02d}-1{i % 10}",
            "description": f"Event {i}: the {roles[i % 5]} visited the home",
            "is_decision": i % 3 == 0,
        }
        if i % 4 == 3:
            event["level"] = "frontline_practice"
        doc["events"].append(event)
    links = doc["links"]
    for i in range(n_factors):
        level = i % 6
        if level == 0:
            links.append({"kind": "contributes_to", "source": f"F{i}", "target": "outcome"})
            continue
        # one link to a lower level nearby, one further down (crossing several bands)
        links.append({"kind": "contributes_to", "source": f"F{i}", "target": f"F{i - 1}"})
        if i % 2 == 0 and level >= 2:
            far = i - level  # the factor at the lowest level of the same group of six
            links.append({"kind": "contributes_to", "source": f"F{i}", "target": f"F{far}"})
    for i in range(n_barriers):
        links.append(
            {"kind": "breaches", "source": f"F{(5 * i + 3) % n_factors}", "target": f"B{i}"}
        )
        target = f"E{i % n_events}" if i % 2 else "outcome"
        links.append({"kind": "holds", "source": f"B{i}", "target": target})
    for i in range(n_events - 1):
        links.append({"kind": "precedes", "source": f"E{i}", "target": f"E{i + 1}"})
    links.append({"kind": "precedes", "source": f"E{n_events - 1}", "target": "outcome"})
    links.append({"kind": "contributes_to", "source": "F7", "target": "F8"})  # upwards
    links.append({"kind": "contributes_to", "source": "F13", "target": "F13"})  # to itself
    return doc


def graph_of(doc: dict[str, Any]) -> nx.MultiDiGraph:
    return to_networkx(Review.model_validate(doc))


@pytest.fixture(scope="module")
def small() -> nx.MultiDiGraph:
    return graph_of(small_doc())


@pytest.fixture(scope="module")
def big() -> nx.MultiDiGraph:
    graph = graph_of(big_doc())
    assert graph.number_of_nodes() >= 50
    return graph


# --- reading an SVG back ------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def rects(root: ET.Element, cls: str, key: str) -> dict[str, tuple[float, float, float, float]]:
    """Rectangles whose class list holds ``cls``, by attribute ``key``."""
    result = {}
    for rect in root.iter(f"{SVG}rect"):
        if cls in rect.get("class", "").split():
            dims = (float(rect.get(name, "0")) for name in ("x", "y", "width", "height"))
            x, y, w, h = dims
            result[rect.get(key, "")] = (x, y, w, h)
    return result


def overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    return (
        outer[0] <= inner[0]
        and inner[0] + inner[2] <= outer[0] + outer[2]
        and outer[1] <= inner[1]
        and inner[1] + inner[3] <= outer[1] + outer[3]
    )


def box_bands(root: ET.Element) -> dict[str, str]:
    return {
        rect.get("data-id", ""): rect.get("data-band", "")
        for rect in root.iter(f"{SVG}rect")
        if "box" in rect.get("class", "").split()
    }


def drawn_edges(
    g: nx.MultiDiGraph, kinds: frozenset[str] | None = None
) -> set[tuple[str, str, str]]:
    kinds = kinds or frozenset({"outcome", "event", "factor", "barrier"})
    return {
        (u, v, str(k))
        for u, v, k in g.edges(keys=True)
        if g.nodes[u]["kind"] in kinds and g.nodes[v]["kind"] in kinds
    }


# --- layout invariants --------------------------------------------------------------------


def check_layout(layout: Layout) -> None:
    """No overlaps, boxes in their bands, bands stacked, links that start and end on boxes."""
    boxes = layout.boxes
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a.id, b.id)
    bands = {band.id: band for band in layout.bands}
    for box in boxes:
        assert bands[box.band].contains(box), box.id
        assert box.height >= 2 * 8 + 15 * len(box.lines)
        size, bold = (OUTCOME_FONT, True) if box.kind == "outcome" else (BOX_FONT, False)
        room = text_room(box.kind, box.width)
        assert all(text_width(line, size, bold=bold) <= room for line in box.lines)
        assert len(box.lines) <= MAX_LINES
    for upper, lower in zip(layout.bands, layout.bands[1:], strict=False):
        assert upper.y + upper.height == pytest.approx(lower.y, abs=0.11)
    by_id = {box.id: box for box in boxes}
    for edge in layout.edges:
        points = edge.points
        assert len(points) >= 2
        assert on_border(points[0], by_id[edge.source]), edge
        assert on_border(points[-1], by_id[edge.target]), edge
        for (x1, y1), (x2, y2) in itertools.pairwise(points):
            assert x1 == x2 or y1 == y2, edge  # axis-parallel: easy to follow
            for box in boxes:  # no segment runs through a box
                assert not crosses(box, (x1, y1), (x2, y2)), (edge, box.id)


def on_border(point: tuple[float, float], box: Box) -> bool:
    x, y = point
    within_x = box.x - 0.11 <= x <= box.x + box.width + 0.11
    within_y = box.y - 0.11 <= y <= box.y + box.height + 0.11
    on_x = min(abs(x - box.x), abs(x - box.x - box.width)) <= 0.11
    on_y = min(abs(y - box.y), abs(y - box.y - box.height)) <= 0.11
    return within_x and within_y and (on_x or on_y)


def crosses(box: Box, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether the axis-parallel segment from a to b enters the box's interior."""
    lo_x, hi_x = sorted((a[0], b[0]))
    lo_y, hi_y = sorted((a[1], b[1]))
    eps = 0.2
    return (
        (lo_x < box.x + box.width - eps and box.x + eps < hi_x)
        or (lo_x == hi_x and box.x + eps < lo_x < box.x + box.width - eps)
    ) and (
        (lo_y < box.y + box.height - eps and box.y + eps < hi_y)
        or (lo_y == hi_y and box.y + eps < lo_y < box.y + box.height - eps)
    )


def test_layout_of_a_small_review(small: nx.MultiDiGraph) -> None:
    layout = acci_map_layout(small)
    check_layout(layout)
    ids = [band.id for band in layout.bands]
    # the highest level on top, the family at the bottom, then the timeline, then the outcome
    assert ids == [*reversed(LEVELS), "timeline", "outcome"]
    assert {box.id for box in layout.boxes} == {"e1", "e2", "e3", "f1", "f2", "f3", "f.4-x"} | {
        "b1",
        "outcome",
    }
    assert layout.box("e3").band == "supervision_team"  # an event with a level sits there
    assert layout.box("e1").band == "timeline"
    assert layout.box("f3").lines[-1].endswith("…")  # long text is cut; the tooltip has it all
    assert layout.band("supervision_team").label == "Unit supervision (county)"
    assert layout.band("frontline_practice").label == codelist("system_level").label(
        "frontline_practice"
    )
    # the timeline keeps the review's order
    assert layout.box("e1").x < layout.box("e2").x


def test_findings_recommendations_and_evidence_only_on_request(small: nx.MultiDiGraph) -> None:
    default = {box.kind for box in acci_map_layout(small).boxes}
    assert default == {"outcome", "event", "factor", "barrier"}
    layout = acci_map_layout(small, kinds=ALL_KINDS)
    check_layout(layout)
    assert {box.kind for box in layout.boxes} == set(ALL_KINDS)
    ids = [band.id for band in layout.bands]
    assert ids[:2] == ["recommendations", "findings"]
    assert ids[-2:] == ["outcome", "evidence"]
    assert len(layout.edges) == small.number_of_edges()


def test_layout_of_fifty_nodes(big: nx.MultiDiGraph) -> None:
    layout = acci_map_layout(big)
    check_layout(layout)
    assert len(layout.boxes) == big.number_of_nodes()
    assert {(e.source, e.target, str(e.key)) for e in layout.edges} == drawn_edges(big)
    rows: dict[str, set[float]] = {}
    for box in layout.boxes:
        rows.setdefault(box.band, set()).add(box.y + box.height / 2)
    assert len(rows["timeline"]) == 2  # eight events without a level: two rows of four
    per_row: dict[tuple[str, float], int] = {}
    for box in layout.boxes:
        key = (box.band, box.y + box.height / 2)
        per_row[key] = per_row.get(key, 0) + 1
    assert max(per_row.values()) <= MAX_COLUMNS


def test_events_keep_timeline_order_in_every_row(big: nx.MultiDiGraph) -> None:
    order = [n for n, d in big.nodes(data=True) if d["kind"] == "event"]
    layout = acci_map_layout(big)
    rows: dict[tuple[str, float], list[Box]] = {}
    for box in layout.boxes:
        rows.setdefault((box.band, box.y + box.height / 2), []).append(box)
    checked = 0
    for boxes in rows.values():
        events = [b.id for b in sorted(boxes, key=lambda b: b.x) if b.kind == "event"]
        assert events == sorted(events, key=order.index)
        checked += len(events) > 1
    assert checked >= 2


def test_a_long_band_wraps_into_rows() -> None:
    doc = {
        "type": "case_specific_review",
        "factors": [
            {
                "id": f"f{i}",
                "statement": f"Caseworker factor {i}",
                "level": "frontline_practice",
                "factor_type": "condition",
            }
            for i in range(20)
        ],
        "links": [
            {"kind": "contributes_to", "source": f"f{i}", "target": "outcome"} for i in range(20)
        ],
    }
    layout = acci_map_layout(graph_of(doc))
    check_layout(layout)
    band = layout.band("frontline_practice")
    assert band.height > 4 * 40
    assert len({box.y for box in layout.boxes if box.band == "frontline_practice"}) == 4
    assert layout.width < 2000


def test_factors_with_a_missing_level_and_same_row_links() -> None:
    doc = {
        "type": "case_specific_review",
        "factors": [
            {"id": "u1", "statement": "Unplaced", "level": "unknown", "factor_type": "condition"},
            *(
                {
                    "id": f"f{i}",
                    "statement": f"Supervisor factor {i}",
                    "level": "supervision_team",
                    "factor_type": "condition",
                }
                for i in range(4)
            ),
        ],
        "links": [
            {"kind": "contributes_to", "source": "f0", "target": "f1"},
            {"kind": "contributes_to", "source": "f0", "target": "f3"},
            {"kind": "contributes_to", "source": "f2", "target": "f0"},
            {"kind": "contributes_to", "source": "f1", "target": "f1"},
            {"kind": "contributes_to", "source": "u1", "target": "outcome"},
        ],
    }
    layout = acci_map_layout(graph_of(doc))
    check_layout(layout)
    assert layout.bands[0].id == "level_not_recorded"
    assert layout.box("u1").band == "level_not_recorded"


# --- SVG ----------------------------------------------------------------------------------


def test_svg_is_standalone_and_parses(small: nx.MultiDiGraph) -> None:
    svg = to_svg(small)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}defs/{SVG}style") is not None
    hrefs = re.findall(r'(?:href|src)\s*=\s*"([^"]*)"', svg)
    assert hrefs == []  # nothing to fetch
    assert re.findall(r"url\(([^)]*)\)", svg)
    assert all(ref.startswith("#") for ref in re.findall(r"url\(([^)]*)\)", svg))
    markers = {m.get("id") for m in root.iter(f"{SVG}marker")}
    for path in root.iter(f"{SVG}path"):
        if "edge" in path.get("class", "").split() and path.get("data-source"):
            assert path.get("marker-end", "")[5:-1] in markers
            title = path.find(f"{SVG}title")
            assert title is not None
            assert title.text
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    legend = "".join(group.itertext())
    for state in codelist("barrier_state"):
        assert state.label in legend
    for word in ("Factor", "Event", "Outcome", "contributes to", "breaches"):
        assert word in legend


def test_svg_boxes_do_not_overlap_and_sit_in_their_band(big: nx.MultiDiGraph) -> None:
    root = parse(to_svg(big))
    boxes = rects(root, "box", "data-id")
    bands = rects(root, "band", "data-band")
    assert set(boxes) == {str(n) for n in big.nodes}
    items = sorted(boxes.items())
    for i, (a, ra) in enumerate(items):
        for b, rb in items[i + 1 :]:
            assert not overlap(ra, rb), (a, b)
    for node, band in box_bands(root).items():
        assert inside(boxes[node], bands[band]), node
        level = big.nodes[node].get("level")
        if big.nodes[node]["kind"] in {"factor", "barrier"}:
            assert band == level
    # bands top to bottom: highest level first
    tops = {band: rect[1] for band, rect in bands.items()}
    order = sorted(tops, key=tops.__getitem__)
    assert order == [*reversed(LEVELS), "timeline", "outcome"]


def test_every_link_has_a_path(big: nx.MultiDiGraph, small: nx.MultiDiGraph) -> None:
    for graph in (big, small):
        root = parse(to_svg(graph))
        paths = {
            (p.get("data-source"), p.get("data-target"), p.get("data-key"))
            for p in root.iter(f"{SVG}path")
            if p.get("data-source") is not None
        }
        assert paths == drawn_edges(graph)
        for path in root.iter(f"{SVG}path"):
            if path.get("data-source") is not None:
                assert path.get("d", "").startswith("M")


def test_svg_escapes_labels(small: nx.MultiDiGraph) -> None:
    svg = to_svg(small)
    assert "<b>bold</b>" not in svg
    assert 'risk < threshold"' not in svg
    root = parse(svg)
    node = next(g for g in root.iter(f"{SVG}g") if g.get("data-id") == "f2")
    title = node.find(f"{SVG}title")
    assert title is not None
    assert title.text is not None
    assert title.text.startswith(TRICKY)
    shown = " ".join(t.text or "" for t in node.iter(f"{SVG}tspan"))
    assert shown.replace(" ", "") == TRICKY.replace(" ", "")
    edge_titles = [
        t.text or ""
        for p in root.iter(f"{SVG}path")
        if p.get("data-source") == "f1" and p.get("data-target") == "f3"
        for t in p.iter(f"{SVG}title")
    ]
    assert edge_titles
    assert 'mechanism: a "b" <c>' in edge_titles[0]


def test_svg_uses_level_labels(small: nx.MultiDiGraph) -> None:
    root = parse(to_svg(small))
    labels = {
        t.get("data-band"): " ".join(s.text or "" for s in t.iter(f"{SVG}tspan"))
        for t in root.iter(f"{SVG}text")
        if t.get("data-band")
    }
    assert labels["supervision_team"] == "Unit supervision (county)"
    assert labels["law_policy_funding"] == codelist("system_level").label("law_policy_funding")


def test_exports_are_deterministic() -> None:
    first, second = graph_of(big_doc()), graph_of(big_doc())
    for export in (to_svg, to_dot, to_mermaid, to_graphml):
        assert export(first) == export(second)
        assert export(first) == export(first)
    assert acci_map_layout(first) == acci_map_layout(second)


# --- Mermaid ------------------------------------------------------------------------------

NODE_LINE = re.compile(
    r"^    (n_[A-Za-z0-9_]+)(\[\[|\(\[|\{\{|\[/|\[\\|\[\(|\[)"
    r"\"(.*)\"(\]\]|\]\)|\}\}|/\]|\\\]|\)\]|\])$"
)
ANCHOR_LINE = re.compile(r'^    anchor_([a-z_]+)\[" "\]$')
DOWN_LINE = re.compile(r"^  anchor_([a-z_]+) ~~~ ((?:n_[A-Za-z0-9_]+(?: & )?)+)$")
UP_LINE = re.compile(r"^  ((?:n_[A-Za-z0-9_]+(?: & )?)+) ~~~ anchor_([a-z_]+)$")
EDGE_LINE = re.compile(r"^  (n_[A-Za-z0-9_]+) (-->|-\.->|==>)(\|[a-z ]+\|)? (n_[A-Za-z0-9_]+)$")
# a link up the map is drawn down, as a plain line whose label says it points up
UPWARD_LINE = re.compile(r'^  (n_[A-Za-z0-9_]+) (---|-\.-|===)\|"↑ [a-z ]+"\| (n_[A-Za-z0-9_]+)$')


def mermaid_parts(text: str) -> tuple[dict[str, str], list[tuple[str, str]], list[str]]:
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    assert lines[1].startswith("  %% Node kinds drawn: the outcome, events, factors")
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str]] = []
    members: dict[str, list[str]] = {}
    below: dict[str, str] = {}  # band → its nodes' anchor links, down and up
    above: dict[str, list[str]] = {}
    subgraphs: list[str] = []
    depth = 0
    for line in lines[2:]:
        if line.startswith("  subgraph "):
            match = re.fullmatch(r'  subgraph band_([a-z_]+)\["[^"]*"\]', line)
            assert match, line
            subgraphs.append(match[1])
            members[match[1]] = []
            depth += 1
        elif line == "  end":
            depth -= 1
            assert depth >= 0
        elif match := ANCHOR_LINE.match(line):
            assert depth == 1
            assert match[1] == subgraphs[-1]
        elif match := NODE_LINE.match(line):
            assert depth == 1
            assert match[1] not in nodes
            assert '"' not in match[3]
            nodes[match[1]] = match[3]
            members[subgraphs[-1]].append(match[1])
        elif match := EDGE_LINE.match(line):
            edges.append((match[1], match[4]))
        elif match := UPWARD_LINE.match(line):
            edges.append((match[3], match[1]))
        elif match := DOWN_LINE.match(line):
            below[match[1]] = match[2]
        elif match := UP_LINE.match(line):
            above.setdefault(match[2], []).append(match[1])
        else:
            assert re.fullmatch(
                r"    direction LR|  classDef \w+ [^ ;]+( [0-9]+)?|  class [\w,]+ \w+|"
                r"  linkStyle [0-9,]+ [^ ;]+",
                line,
            ), line
    assert depth == 0
    # every band's nodes hang below its anchor and above the next band's: the bands stack
    for band in subgraphs:
        assert below[band] == " & ".join(members[band])
    for upper, lower in itertools.pairwise(subgraphs):
        assert above[lower] == [" & ".join(members[upper])]
    return nodes, edges, lines


def test_mermaid(small: nx.MultiDiGraph, big: nx.MultiDiGraph) -> None:
    nodes, edges, _ = mermaid_parts(to_mermaid(small))
    drawn = [
        n
        for n, d in small.nodes(data=True)
        if d["kind"] in {"outcome", "event", "factor", "barrier"}
    ]
    assert len(nodes) == len(drawn)  # one line per node
    assert "n_f_4_x" in nodes  # ids made safe
    assert all(u in nodes and v in nodes for u, v in edges)
    assert len(edges) == len(drawn_edges(small))
    label = nodes["n_f2"]
    for raw in ('"', "<", ">", "&", "`"):
        assert raw not in label
    assert "#quot;" in label
    assert "#lt;" in label
    assert "#amp;" in label
    assert "#35;1" in label
    big_nodes, big_edges, lines = mermaid_parts(to_mermaid(big))
    assert len(big_nodes) == big.number_of_nodes()
    assert len(big_edges) == big.number_of_edges()
    link_styles = [line for line in lines if line.startswith("  linkStyle")]
    styled = sorted(int(i) for line in link_styles for i in line.split()[1].split(","))
    assert styled == list(range(len(big_edges)))


def test_mermaid_ids_stay_unique() -> None:
    doc = {
        "type": "case_specific_review",
        "factors": [
            {
                "id": ident,
                "statement": ident,
                "level": "frontline_practice",
                "factor_type": "decision",
            }
            for ident in ("a.b", "a_b", "a-b", "end")
        ],
    }
    nodes, _, _ = mermaid_parts(to_mermaid(graph_of(doc)))
    assert {"n_a_b", "n_a_b_2", "n_a_b_3", "n_end"} <= set(nodes)


# --- DOT and GraphML ----------------------------------------------------------------------


def test_dot(small: nx.MultiDiGraph, big: nx.MultiDiGraph) -> None:
    dot = to_dot(small)
    assert dot.startswith("digraph accimap {")
    assert dot.rstrip().endswith("}")
    for node, data in small.nodes(data=True):
        drawn = data["kind"] in {"outcome", "event", "factor", "barrier"}
        assert (re.search(rf'^    "{re.escape(node)}" \[label=', dot, re.M) is not None) == drawn
    for u, v, _ in drawn_edges(small):
        assert f'"{u}" -> "{v}" [' in dot
    assert '\\"risk < threshold\\"' in dot  # quotes escaped inside DOT strings
    assert 'label="Unit supervision (county)"' in dot
    # outside strings, braces balance
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', dot)
    assert bare.count("{") == bare.count("}")
    big_dot = to_dot(big)
    assert len(re.findall(r'^  "[^"]+" -> "[^_"][^"]*" \[', big_dot, re.M)) == big.number_of_edges()


def test_graphml_reads_back(small: nx.MultiDiGraph, big: nx.MultiDiGraph) -> None:
    for graph in (small, big):
        text = to_graphml(graph)
        back = nx.read_graphml(io.BytesIO(text.encode("utf-8")), force_multigraph=True)
        assert back.number_of_nodes() == graph.number_of_nodes()
        assert back.number_of_edges() == graph.number_of_edges()
        assert set(back.nodes) == {str(n) for n in graph.nodes}
    back = nx.read_graphml(io.BytesIO(to_graphml(small).encode("utf-8")), force_multigraph=True)
    assert back.nodes["f2"]["statement"] == TRICKY
    assert back.nodes["f2"]["label"]
    assert json.loads(back.graph["review"])["level_labels"] == {
        "supervision_team": "Unit supervision (county)"
    }
    assert back.nodes["e2"]["is_decision"] is True
    assert json.loads(back.graph["review_lists"]) == sorted(json.loads(back.graph["review_lists"]))


def test_graphml_lists_become_json_and_mixed_types_strings() -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("a", kind="event", actor_roles=["caseworker", "nurse"], n=1, note=None)
    graph.add_node("b", kind="event", n="two")
    graph.add_edge("a", "b", key=0, kind="precedes", evidence=["ev1"])
    back = nx.read_graphml(io.BytesIO(to_graphml(graph).encode("utf-8")), force_multigraph=True)
    assert json.loads(back.nodes["a"]["actor_roles"]) == ["caseworker", "nurse"]
    assert back.nodes["a"]["n"] == "1"
    assert back.nodes["b"]["n"] == "two"
    assert "note" not in back.nodes["a"]
    assert json.loads(back.edges["a", "b", 0]["evidence"]) == ["ev1"]


# --- random reviews -----------------------------------------------------------------------


@st.composite
def reviews(draw: st.DrawFn) -> dict[str, Any]:
    """A review with random events, factors, barriers and well-typed links."""
    doc: dict[str, Any] = {"type": "case_specific_review", "events": [], "factors": []}
    kinds = {"outcome": "outcome"}
    for i in range(draw(st.integers(0, 6))):
        event = {"id": f"e{i}", "date": "2025-01-02", "description": draw(text)}
        if draw(st.booleans()):
            event["level"] = draw(code("system_level"))
        doc["events"].append(event)
        kinds[f"e{i}"] = "event"
    for i in range(draw(st.integers(1, 14))):
        doc["factors"].append(
            {
                "id": f"f{i}",
                "statement": draw(text),
                "level": draw(code("system_level")),
                "factor_type": "condition",
            }
        )
        kinds[f"f{i}"] = "factor"
    doc["barriers"] = []
    for i in range(draw(st.integers(0, 4))):
        doc["barriers"].append(
            {
                "id": f"b{i}",
                "description": draw(text),
                "barrier_type": "policy",
                "state": draw(code("barrier_state", missing=False)),
                "level": draw(code("system_level", missing=False)),
            }
        )
        kinds[f"b{i}"] = "barrier"
    doc["links"] = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["contributes_to", "precedes", "breaches", "holds"]))
        sources, targets = LINK_KINDS[kind].sources, LINK_KINDS[kind].targets
        left = [n for n, k in kinds.items() if k in sources]
        right = [n for n, k in kinds.items() if k in targets]
        if left and right:
            doc["links"].append(
                {
                    "kind": kind,
                    "source": draw(st.sampled_from(left)),
                    "target": draw(st.sampled_from(right)),
                }
            )
    return doc


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews())
def test_random_reviews_lay_out_cleanly(document: dict[str, Any]) -> None:
    graph = graph_of(document)
    layout = acci_map_layout(graph)
    check_layout(layout)
    assert len(layout.edges) == graph.number_of_edges()
    root = parse(to_svg(graph))
    assert len(rects(root, "box", "data-id")) == graph.number_of_nodes()
    mermaid_parts(to_mermaid(graph))
    back = nx.read_graphml(io.BytesIO(to_graphml(graph).encode("utf-8")), force_multigraph=True)
    assert back.number_of_edges() == graph.number_of_edges()


def upward() -> nx.MultiDiGraph:
    """A family-level factor contributes to a law-level one: a link up the map."""
    factors = [
        {"id": "low", "statement": "Low.", "level": LEVELS[0], "factor_type": "condition"},
        {"id": "high", "statement": "High.", "level": LEVELS[-1], "factor_type": "condition"},
    ]
    links = [
        {"kind": "contributes_to", "source": "low", "target": "high"},
        {"kind": "contributes_to", "source": "high", "target": "outcome"},
    ]
    return graph_of({"type": "case_specific_review", "factors": factors, "links": links})


def test_dot_ranks_keep_the_bands_in_order() -> None:
    """Every node hangs between its band's anchor and the next; links up do not constrain."""
    dot = to_dot(upward())
    assert '"__band_law_policy_funding" -> {"high"} [style=invis];' in dot
    assert '{"high"} -> "__band_oversight_regulation" [style=invis];' in dot
    assert '{"low"} -> "__band_outcome" [style=invis];' in dot
    (up,) = [line for line in dot.splitlines() if line.startswith('  "low" -> "high"')]
    assert "constraint=false" in up
    (down,) = [line for line in dot.splitlines() if line.startswith('  "high" -> "outcome"')]
    assert "constraint" not in down


def test_mermaid_draws_links_up_the_map_downwards_with_an_arrow_label() -> None:
    _, edges, lines = mermaid_parts(to_mermaid(upward()))
    assert ("n_low", "n_high") in edges
    assert '  n_high ---|"↑ contributes to"| n_low' in lines
    assert "  n_high --> n_outcome" in lines


@pytest.mark.parametrize("kinds", [None, ALL_KINDS], ids=["default", "all"])
def test_every_export_says_which_node_kinds_it_draws(
    small: nx.MultiDiGraph, kinds: frozenset[str] | None
) -> None:
    options: dict[str, Any] = {} if kinds is None else {"kinds": kinds}
    drawn = (
        "Node kinds drawn: the outcome, events, factors and barriers; left out: findings, "
        "recommendations and evidence"
        if kinds is None
        else "Node kinds drawn: the outcome, events, factors, barriers, findings, "
        "recommendations and evidence."
    )
    for export in (
        to_svg(small, **options),
        to_dot(small, **options),
        to_mermaid(small, **options),
    ):
        assert drawn in export
    graphml = to_graphml(small)
    assert "<!-- Every node of the review graph, of every kind: the outcome, events" in graphml
    ET.fromstring(graphml)  # the comment keeps it well-formed
