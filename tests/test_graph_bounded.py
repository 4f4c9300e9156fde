"""Large and dense review graphs: every analysis does bounded work and gives exact answers.

The shapes that hung the analyses and the layout (issue 12) are rebuilt here: 1,200 factors in
random links with a few feedback loops, a 1,000-factor chain and a 1,000-factor star. The bounds
are asserted on the shape of the results and on counted work, never on time (speed lives in
``benchmarks/bench_graph.py``).
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from typer.testing import CliRunner

from graph_shapes import chain_review, random_review, star_review
from npcs_review.cli import app
from npcs_review.errors import GraphTooLargeError
from npcs_review.graph import _view
from npcs_review.graph import layout as layout_module
from npcs_review.graph.analysis import analyze
from npcs_review.graph.bridge import to_networkx
from npcs_review.graph.combine import MAX_TALLIES, combine
from npcs_review.graph.cut import minimal_cut
from npcs_review.graph.export import to_dot, to_graphml, to_mermaid, to_svg
from npcs_review.graph.layout import (
    ACCIMAP_KINDS,
    MAX_SHARED,
    MAX_SLOTS,
    Box,
    Layout,
    acci_map_layout,
)
from npcs_review.graph.limits import MAX_LINKS, MAX_NODES
from npcs_review.graph.pathways import MAX_PATHS, Pathway, _back_search, pathways
from npcs_review.io import load_case
from npcs_review.models import Review
from npcs_review.render import summarize
from tests.conftest import EXAMPLES
from tests.test_graph_analysis import build, cause, factor

LEVELS = ["law_policy_funding", "agency_organization", "supervision_team", "frontline_practice"]
STRENGTHS = [None, "weak", "moderate", "strong"]


def graph_of(review: dict[str, Any]) -> nx.MultiDiGraph:
    return to_networkx(Review.model_validate(review))


def random_graph(rng: random.Random, n: int, m: int, loops: int) -> nx.MultiDiGraph:
    """``n`` factors, ``m`` forward links with random strengths, ``loops`` backward ones."""
    factors = [factor(f"f{i}", rng.choice(LEVELS)) for i in range(n)]
    links = []
    for _ in range(m):
        a, b = sorted(rng.sample(range(n + 1), 2))
        target = "outcome" if b == n else f"f{b}"
        extra = {"strength": s} if (s := rng.choice(STRENGTHS)) else {}
        links.append(cause(f"f{a}", target, **extra))
    for _ in range(loops):
        a, b = sorted(rng.sample(range(n), 2))
        links.append(cause(f"f{b}", f"f{a}"))
    return build(factors, links)


def reference_pathways(graph: nx.MultiDiGraph) -> list[Pathway]:
    """Every pathway by brute force: all simple paths from each source, feedback links dropped.

    Which links are feedback comes from the library's search (its rule has a test of its own).
    """
    view = _view.view_of(graph)
    dag = view.to_outcome.copy()
    if view.has_outcome:
        dag.remove_edges_from(_back_search(view.to_outcome)[1])
    levels = _view.ranks("system_level")
    sources = [f for f in view.of_kind("factor") if levels.get(view.attr(f, "level"), -1) >= 2]
    found = []
    for s in sources:
        if s in view.ancestry:
            for nodes in nx.all_simple_paths(dag, s, "outcome"):
                steps = [view.steps[u, v] for u, v in itertools.pairwise(nodes)]
                found.append(
                    Pathway(
                        tuple(nodes),
                        str(view.attr(s, "level")),
                        sum(x.evidence for x in steps),
                        sum(x.strength for x in steps),
                        sum(x.confidence for x in steps),
                        sum(x.score for x in steps),
                        min(x.score for x in steps),
                    )
                )
    return sorted(found, key=Pathway.rank_key)


@pytest.mark.parametrize("seed", range(60))
def test_pathways_match_brute_force(seed: int) -> None:
    """The k best pathways and their count equal full enumeration (a third with loops)."""
    rng = random.Random(seed)
    graph = random_graph(rng, rng.randint(3, 12), rng.randint(3, 30), loops=seed % 3 // 2 * 3)
    expected = reference_pathways(graph)
    for k in (1, 3, 1000):
        result = pathways(graph, max_paths=k)
        assert result.total == len(expected)
        assert list(result.paths) == expected[:k]
        assert result.more == max(len(expected) - k, 0)
        assert result.truncated == (len(expected) > k)


def test_feedback_links_are_not_followed() -> None:
    """In x → p → q → outcome with q → p and x → q, the loop link q → p is feedback.

    The search back from the outcome meets q first, then p through p → q, then finds q → p
    pointing at q, still on its path: that link closes the loop and pathways do not follow it.
    """
    factors = [
        factor("x", "agency_organization"),
        factor("p", "supervision_team"),
        factor("q", "frontline_practice"),
    ]
    links = [cause("x", "p"), cause("p", "q"), cause("q", "p"), cause("q", "outcome")]
    graph = build(factors, [*links, cause("x", "q")])
    result = pathways(graph)
    assert [p.nodes for p in result.paths] == [
        ("p", "q", "outcome"),
        ("x", "q", "outcome"),
        ("x", "p", "q", "outcome"),
    ]
    assert result.total == 3


def test_many_pathways_are_counted_not_listed() -> None:
    """A ladder of 60 rungs has 2**60 pathways: counted exactly, the best 100 listed."""
    factors = [factor("top", "supervision_team")]
    links = []
    previous = ["top"]
    for i in range(60):
        rung = [f"a{i}", f"b{i}"]
        factors += [factor(n, "frontline_practice") for n in rung]
        links += [cause(u, v) for u in previous for v in rung]
        previous = rung
    links += [cause(u, "outcome") for u in previous]
    result = pathways(build(factors, links))
    assert result.total == 2**60
    assert len(result.paths) == MAX_PATHS
    assert result.more == 2**60 - MAX_PATHS
    # every score is 0 and every path has 61 links: the node ids decide, a's before b's
    assert result.best is not None
    assert result.best.nodes == ("top", *(f"a{i}" for i in range(60)), "outcome")
    assert result.paths[1].nodes == ("top", *(f"a{i}" for i in range(59)), "b59", "outcome")
    assert [p.nodes for p in result.paths] == sorted(p.nodes for p in result.paths)


class Counting:
    """Counts calls of a function while the test runs (a measure of work, not of time)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> None:
        self.calls = 0
        original: Callable[..., Any] = getattr(owner, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


def test_random_1200_factors_with_loops(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12's first case: 1,200 factors, 6,000 random links and 5 feedback loops."""
    graph = graph_of(random_review(1200, 6000, 5))
    import heapq  # noqa: PLC0415

    pops = Counting(monkeypatch, heapq, "heappop")
    result = analyze(graph)
    paths = result.pathways
    assert len(paths.paths) == MAX_PATHS
    assert paths.total > 10**6  # far too many to list: counted
    assert paths.more == paths.total - MAX_PATHS
    # the k-best search takes one path a pop: about k pops per path length, not per path
    longest = max(p.links for p in paths.paths)
    assert pops.calls <= 4 * MAX_PATHS * (longest + 1)
    assert result.structure.feedback_loops  # the loops are listed
    assert len(result.structure.feedback_loops) <= 100
    assert result.leverage.total_paths > 0
    assert result.minimal_cut.breakable


def test_chain_of_1000_factors() -> None:
    """Issue 12's chain: one pathway per source, the cut is the first factor."""
    graph = graph_of(chain_review(1000))
    result = analyze(graph)
    assert result.minimal_cut.nodes == ("f00000",)
    sources = result.pathways.sources
    assert result.pathways.total == len(sources)
    assert len(result.pathways.paths) == min(len(sources), MAX_PATHS)
    assert result.leverage.total_paths == 1


def test_star_of_1000_factors() -> None:
    """Issue 12's star: every factor is a root and must be cut; one-step pathways."""
    graph = graph_of(star_review(1000))
    result = analyze(graph)
    assert len(result.minimal_cut.nodes) == 1000
    assert result.pathways.total == len(result.pathways.sources)
    assert all(p.links == 1 for p in result.pathways.paths)
    assert result.leverage.total_paths == 1000


# ------------------------------------------------------------------------ the size limit


def oversized() -> nx.MultiDiGraph:
    """One factor more than the limit, each linked to the outcome (built without validation)."""
    graph = nx.MultiDiGraph()
    graph.add_node("outcome", kind="outcome")
    for i in range(MAX_NODES + 1):
        graph.add_node(f"f{i}", kind="factor", level="frontline_practice", statement="A factor.")
        graph.add_edge(f"f{i}", "outcome", kind="contributes_to")
    return graph


@pytest.mark.parametrize(
    "run",
    [analyze, pathways, acci_map_layout, to_svg, to_dot, to_mermaid, to_graphml],
    ids=lambda f: f.__name__,
)
def test_graphs_above_the_limit_are_refused(run: Callable[[nx.MultiDiGraph], Any]) -> None:
    """Every analysis and drawing refuses, naming the limits and the graph's size."""
    with pytest.raises(GraphTooLargeError) as refused:
        run(oversized())
    (problem,) = refused.value.problems
    assert problem.code == "NPR-F007"
    assert problem.pointer == "/review"
    assert "5,001 nodes" in problem.message
    assert f"at most {MAX_NODES:,} nodes and {MAX_LINKS:,} links" in problem.message


def test_too_many_links_are_refused_and_the_limit_itself_is_taken() -> None:
    """The limit is inclusive: 5,000 nodes pass; 20,001 links do not."""
    graph = oversized()
    graph.remove_node(f"f{MAX_NODES}")
    assert analyze(graph).leverage.total_paths == MAX_NODES
    for i in range(MAX_LINKS - MAX_NODES + 1):
        graph.add_edge("f0", "f1", kind="contributes_to", key=f"extra{i}")
    with pytest.raises(GraphTooLargeError, match="20,001 links"):
        analyze(graph)


def test_combine_names_the_review_too_large() -> None:
    with pytest.raises(GraphTooLargeError, match="review 'big': the review graph has 5,001"):
        combine([("big", oversized())])


def big_case(tmp_path: Path, factors: int) -> Path:
    """An example case whose review has ``factors`` factors, each linked to the outcome."""
    case = load_case(EXAMPLES / "near-fatality-fentanyl-ingestion.yaml")
    assert case.review is not None
    review = star_review(factors)
    data = case.model_dump(mode="json", exclude_unset=True)
    data["review"] = {**review, "type": data["review"]["type"]}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_cli_refuses_and_summary_says_why(tmp_path: Path) -> None:
    """`graph analyze` exits 1 naming the limit; the summary keeps the table, omits the map."""
    path = big_case(tmp_path, MAX_NODES + 1)
    runner = CliRunner()
    result = runner.invoke(app, ["graph", "analyze", str(path)])
    assert result.exit_code == 1
    assert "at most 5,000 nodes and 20,000 links" in result.output
    assert "Traceback" not in result.output
    page = summarize(load_case(path))
    assert "The factor graph is not drawn: the review graph has 5,001 nodes" in page
    assert 'id="factor-graph-figure"' not in page


def reference_cut(graph: nx.MultiDiGraph) -> tuple[tuple[str, ...], bool]:
    """The minimal cut as before: networkx's Edmonds-Karp, then what the source reaches."""
    view = _view.view_of(graph)
    if not view.ancestry:
        return (), True
    cond = nx.condensation(view.to_outcome)
    roots = [n for c in cond if cond.in_degree(c) == 0 for n in cond.nodes[c]["members"]]
    flow = nx.DiGraph()
    for n in view.to_outcome:
        if n != "outcome":
            cuttable = view.kinds[n] in ("factor", "barrier")
            flow.add_edge(("in", n), ("out", n), **({"capacity": 1} if cuttable else {}))
    flow.add_edges_from((("out", u), ("in", v)) for u, v in view.to_outcome.edges)
    flow.add_edges_from((("s",), ("in", r)) for r in roots)
    try:
        residual = nx.algorithms.flow.edmonds_karp(flow, ("s",), ("in", "outcome"))
    except nx.NetworkXUnbounded:
        return (), False
    near: set[tuple[str, ...]] = {("s",)}
    queue: list[tuple[str, ...]] = [("s",)]
    while queue:
        u = queue.pop()
        for v, data in residual[u].items():
            if v not in near and data["capacity"] - data["flow"] > 0:
                near.add(v)
                queue.append(v)
    cut = sorted(n for n in view.ancestry if ("in", n) in near and ("out", n) not in near)
    return tuple(cut), True


@pytest.mark.parametrize("seed", range(60))
def test_minimal_cut_matches_networkx(seed: int) -> None:
    """Dinic's flow gives the same cut, closest to the roots, as networkx's minimum_cut."""
    rng = random.Random(f"cut{seed}")
    n = rng.randint(2, 14)
    kinds = [rng.choice(["factor", "factor", "event", "barrier"]) for _ in range(n)]
    ids = [f"n{i}" for i in range(n)]
    parts: dict[str, Any] = {"factors": [], "events": [], "barriers": []}
    for node, kind in zip(ids, kinds, strict=True):
        if kind == "factor":
            parts["factors"].append(factor(node, rng.choice(LEVELS)))
        elif kind == "event":
            parts["events"].append({"id": node, "date": "2024-01-01", "description": "An event."})
        else:
            parts["barriers"].append(
                {"id": node, "description": "A barrier.", "barrier_type": "policy"}
                | {"state": "breached", "level": "frontline_practice"}
            )
    kind_of = dict(zip(ids, kinds, strict=True)) | {"outcome": "outcome"}
    links = []
    for _ in range(rng.randint(1, 3 * n)):
        u, v = rng.choice(ids), rng.choice([*ids, "outcome"])
        if kind_of[v] == "barrier" and kind_of[u] != "barrier":
            kind = "breaches"
        elif kind_of[u] == "barrier" and kind_of[v] != "barrier":
            kind = "holds"
        else:
            kind = "contributes_to"
        links.append({"kind": kind, "source": u, "target": v})
    graph = build(parts.pop("factors"), links, **parts)
    result = minimal_cut(graph)
    assert (result.nodes, result.breakable) == reference_cut(graph)


# ---------------------------------------------------------------------------- the layout


def check_simple_layout(layout: Layout, graph: nx.MultiDiGraph) -> None:
    """Every node drawn once inside its band, no two boxes overlap, every link drawn."""
    drawn = {n for n, d in graph.nodes(data=True) if d.get("kind") in ACCIMAP_KINDS}
    assert sorted(b.id for b in layout.boxes) == sorted(drawn)
    bands = {band.id: band for band in layout.bands}
    rows: dict[float, list[Box]] = {}
    for box in layout.boxes:
        assert bands[box.band].contains(box), box.id
        rows.setdefault(box.y + box.height / 2, []).append(box)
    for row in rows.values():  # boxes share a row only with boxes centred on the same line
        row.sort(key=lambda b: b.x)
        for left, right in itertools.pairwise(row):
            assert left.x + left.width < right.x, (left.id, right.id)
    by_id = {box.id: box for box in layout.boxes}
    assert len(layout.edges) == graph.number_of_edges()
    for edge in layout.edges:
        for end, node in ((edge.points[0], edge.source), (edge.points[-1], edge.target)):
            box = by_id[node]
            assert box.x - 0.11 <= end[0] <= box.x + box.width + 0.11
            assert box.y - 0.11 <= end[1] <= box.y + box.height + 0.11


@pytest.mark.parametrize(
    "review",
    [chain_review(1000), star_review(1000), random_review(1200, 6000, 5)],
    ids=["chain", "star", "random"],
)
def test_large_maps_get_the_simplified_layout(
    review: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12's layouts: the simplified layout, which never builds link slots, says so."""

    def no_slots(*_: Any) -> None:
        raise AssertionError("the full layout's slots were built")

    monkeypatch.setattr(layout_module, "layered", no_slots)
    graph = graph_of(review)
    layout = acci_map_layout(graph)
    assert layout.note.startswith("Simplified layout: this map's")
    assert f"({MAX_SLOTS:,} and {MAX_SHARED:,})" in layout.note
    check_simple_layout(layout, graph)
    svg = to_svg(graph)
    assert '<text class="note"' in svg
    assert "Simplified layout" in svg


def test_small_maps_keep_the_full_layout() -> None:
    """Under the limits nothing changes: the examples get the full, routed layout."""
    for path in sorted(EXAMPLES.glob("*.yaml")):
        case = load_case(path)
        if case.review is not None and case.review.links:
            assert acci_map_layout(to_networkx(case)).note == ""


def hub_review(factors: int, codes: int) -> nx.MultiDiGraph:
    """Every factor feeds one event that feeds every factor; all reach the outcome."""
    nodes = [
        factor(f"f{i}", "frontline_practice", taxonomy_codes={"t": f"c{i % codes}"})
        for i in range(factors)
    ]
    links = [cause(f"f{i}", "hub") for i in range(factors)]
    links += [cause("hub", f"f{i}") for i in range(factors)]
    links += [cause(f"f{i}", "outcome") for i in range(factors)]
    event = {"id": "hub", "date": "2024-01-01", "description": "A hub."}
    return build(nodes, links, events=[event])


def test_combine_refuses_a_review_whose_chains_explode() -> None:
    """Chains of three keys grow with the cube of a review's keys: bounded per review."""
    small = combine([("r", hub_review(60, 8))], top_chains=None)
    assert len(small.chains) == 8 + 8 * 8 + 8 * 8 * 8  # every chain of up to three keys
    with pytest.raises(GraphTooLargeError, match=f"more than the {MAX_TALLIES:,} one review"):
        combine([("big", hub_review(400, 200))])
