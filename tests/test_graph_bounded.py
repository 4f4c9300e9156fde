"""Large and dense review graphs: every analysis does bounded work and gives exact answers.

The shapes that hung the analyses and the layout (issue 12) are rebuilt here: 1,200 factors in
random links with a few feedback loops, a 1,000-factor chain and a 1,000-factor star. The bounds
are asserted on the shape of the results and on counted work, never on time (speed lives in
``benchmarks/bench_graph.py``).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from typing import Any

import networkx as nx
import pytest

from graph_shapes import chain_review, random_review, star_review
from npcs_review.graph import _view
from npcs_review.graph.analysis import analyze
from npcs_review.graph.bridge import to_networkx
from npcs_review.graph.pathways import MAX_PATHS, Pathway, _back_search, pathways
from npcs_review.models import Review
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
    graph = build(
        [factor("x", "agency_organization"), factor("p", "supervision_team")]
        + [factor("q", "frontline_practice")],
        [cause("x", "p"), cause("p", "q"), cause("q", "p"), cause("q", "outcome")]
        + [cause("x", "q")],
    )
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
