"""Speed and memory of the review-graph analyses, the AcciMap layout and the exports.

Part 1 times every analysis of one generated review of ``--nodes`` nodes (default 60) as the
median of ``--runs`` runs, in milliseconds, each on the ready ``MultiDiGraph``. Part 2
streams ``--n`` generated reviews (default 10,000; sizes 12-60 nodes) through ``combine`` and
reports the wall time, the part of it spent generating, validating (``Review``) and building
each graph, the part spent in ``combine`` itself, and the peak memory of the process
(``ru_maxrss``). Nothing is kept per review: the generator yields one graph at a time.

Part 3 (issue 12) measures growth by size: for each of ``--sizes`` (default 100 to 5,000 nodes,
with four links a node: 5,000 nodes and 20,000 links at the top, the documented limit) it builds
one review with ``graph_shapes.sized_review`` and, in a fresh process, times every step — model
validation, the networkx graph, ``analyze``, the AcciMap layout, and the SVG, DOT, Mermaid and
GraphML exports — once, then runs them again under ``tracemalloc`` for each step's peak of
allocated memory; the process's peak RSS closes the row. Part 4 does the same for the shapes that
hung before (a 1,000-factor chain and star, 1,200 factors in 6,000 random links with 5 loops).

    python benchmarks/bench_graph.py [--nodes 60] [--runs 200] [--n 10000] [--seed 20240601]
                                     [--sizes 100,250,500,1000,2000,5000] [--parts 1,2,3,4]

Aims: one review's analyses well under 50 ms; 10,000 reviews combined in under 30 s and 2 GB;
any review up to 5,000 nodes and 20,000 links analysed and drawn (``analyze`` + SVG) in under
10 s.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from generate import DEFAULT_SEED, generate_review, iter_reviews
from graph_shapes import chain_review, random_review, sized_review, star_review
from npcs_review.graph.analysis import analyze
from npcs_review.graph.bridge import to_networkx
from npcs_review.graph.combine import combine
from npcs_review.graph.coverage import recommendation_coverage
from npcs_review.graph.cut import minimal_cut
from npcs_review.graph.export import to_dot, to_graphml, to_mermaid, to_svg
from npcs_review.graph.layout import acci_map_layout
from npcs_review.graph.levels import level_coverage
from npcs_review.graph.leverage import leverage
from npcs_review.graph.pathways import pathways
from npcs_review.graph.structure import check_structure
from npcs_review.models import Review
from npcs_review.render.data import to_data


def _peak_mb() -> float:
    # ru_maxrss is in KiB on Linux and in bytes on macOS
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _median_ms(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    fn()  # warm-up: code lists, caches
    gc.collect()
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3, max(times) * 1e3


def _one_review(nodes: int, runs: int, seed: int) -> None:
    data = generate_review(random.Random(f"npcs-bench-review:{seed}:one"), 0, nodes)
    graph = to_networkx(Review.model_validate(data), outcome={"jurisdiction": "us_tn"})
    result = analyze(graph)
    causal = sum(1 for *_, k in graph.edges(data="kind") if k in ("contributes_to", "breaches"))
    print(
        f"one review: {graph.number_of_nodes()} nodes (incl. outcome), "
        f"{graph.number_of_edges()} links ({causal} contributes_to/breaches); "
        f"{len(result.pathways.paths)} pathways from supervision and up; "
        f"minimal cut {list(result.minimal_cut.nodes)}; "
        f"{len(result.structure.feedback_loops)} feedback loops"
    )
    rows: list[tuple[str, Callable[[], object]]] = [
        ("check_structure", lambda: check_structure(graph)),
        ("pathways", lambda: pathways(graph)),
        ("leverage", lambda: leverage(graph)),
        ("minimal_cut", lambda: minimal_cut(graph)),
        ("recommendation_coverage", lambda: recommendation_coverage(graph)),
        ("level_coverage", lambda: level_coverage(graph)),
        ("analyze (all of the above, one scan)", lambda: analyze(graph)),
        ("to_data(analyze(...))", lambda: to_data(analyze(graph))),
    ]
    print(f"{'analysis':<40} {'median ms':>10} {'max ms':>10}   ({runs} runs)")
    for name, fn in rows:
        median, worst = _median_ms(fn, runs)
        print(f"{name:<40} {median:>10.2f} {worst:>10.2f}")


def _combine(n: int, seed: int) -> None:
    spent = {"generate": 0.0, "build": 0.0}
    size = {"nodes": 0, "links": 0}

    def graphs() -> Iterator[tuple[str, nx.MultiDiGraph]]:
        """One review at a time: generate its dict, validate it, build its graph, hand it on."""
        reviews = iter_reviews(n, seed)
        while True:
            t0 = time.perf_counter()
            try:
                review_id, place, data = next(reviews)
            except StopIteration:
                return
            t1 = time.perf_counter()
            review = Review.model_validate(data)
            graph = to_networkx(review, outcome={"jurisdiction": place} if place else None)
            t2 = time.perf_counter()
            spent["generate"] += t1 - t0
            spent["build"] += t2 - t1
            size["nodes"] += graph.number_of_nodes()
            size["links"] += graph.number_of_edges()
            yield review_id, graph

    gc.collect()
    base = _peak_mb()
    start = time.perf_counter()
    result = combine(graphs(), top_chains=None)
    total = time.perf_counter() - start
    peak = _peak_mb()
    own = total - spent["generate"] - spent["build"]
    nodes, links = size["nodes"], size["links"]
    gen_time, produce = spent["generate"], spent["build"]
    print(
        f"\ncombine: {result.reviews:,} reviews, {nodes:,} nodes, {links:,} links; "
        f"{len(result.factors)} factor keys, {len(result.pairs)} pairs, "
        f"{len(result.links)} aggregate links"
    )
    print(f"  wall time, everything               {total:8.2f} s")
    print(f"  - generate dicts                    {gen_time:8.2f} s")
    print(f"  - Review.model_validate + to_networkx {produce:6.2f} s")
    print(f"  - combine itself                    {own:8.2f} s  ({own / n * 1e6:.0f} us/review)")
    print(f"  peak RSS {peak:.0f} MB (before the run {base:.0f} MB, growth {peak - base:.0f} MB)")
    print("  most frequent factor keys:")
    for f in result.factors[:5]:
        print(f"    {f.code:<50} {f.reviews:>6} reviews ({f.share:.1%})")
    print("  strongest pairs seen in >= 5% of reviews (by lift):")
    common = [p for p in result.pairs if p.reviews >= 0.05 * n and "hfacs:" not in p.a + p.b]
    for p in sorted(common, key=lambda p: -p.lift)[:3]:
        print(f"    {p.a} + {p.b}: {p.reviews} reviews, lift {p.lift:.2f}")
    print("  most frequent 3-code chains to the outcome (cw_theme codes only):")
    themed = [c for c in result.chains if all(k.startswith("cw_theme:") for k in c.codes)]
    for c in [c for c in themed if len(c.codes) == 3][:3]:
        print(f"    {' -> '.join(c.codes)} -> outcome: {c.reviews} reviews")


_STEPS = ("validate", "graph", "analyze", "layout", "svg", "dot", "mermaid", "graphml")


def _shape(name: str) -> dict[str, Any]:
    """A review by name: ``sized:<nodes>``, ``chain``, ``star`` or ``random``."""
    if name.startswith("sized:"):
        nodes = int(name.split(":")[1])
        return sized_review(nodes, 4 * nodes)
    return {
        "chain": lambda: chain_review(1000),
        "star": lambda: star_review(1000),
        "random": lambda: random_review(1200, 6000, 5),
    }[name]()


def _steps(review: dict[str, Any]) -> list[tuple[str, Callable[[], object]]]:
    built: dict[str, Any] = {}

    def validate() -> object:
        built["review"] = Review.model_validate(review)
        return built["review"]

    def graph() -> object:
        built["graph"] = to_networkx(built["review"], outcome={"jurisdiction": "us_tn"})
        return built["graph"]

    def layout() -> object:
        built["layout"] = acci_map_layout(built["graph"])
        return built["layout"]

    return [
        ("validate", validate),
        ("graph", graph),
        ("analyze", lambda: analyze(built["graph"])),
        ("layout", layout),
        ("svg", lambda: to_svg(built["graph"])),
        ("dot", lambda: to_dot(built["graph"])),
        ("mermaid", lambda: to_mermaid(built["graph"])),
        ("graphml", lambda: to_graphml(built["graph"])),
    ]


def _child(name: str) -> None:
    """Run every step on one review in this (fresh) process; print one JSON line."""
    analyze(to_networkx(Review.model_validate(generate_review(random.Random(1), 0, 30))))
    review = _shape(name)
    seconds: dict[str, float] = {}
    simplified, size = False, (0, 0)
    for step, run in _steps(review):
        gc.collect()
        start = time.perf_counter()
        result = run()
        seconds[step] = time.perf_counter() - start
        if step == "layout":
            simplified = bool(getattr(result, "note", ""))
        if step == "graph":
            size = (result.number_of_nodes() - 1, result.number_of_edges())  # type: ignore[attr-defined]
    peaks: dict[str, float] = {}
    for step, run in _steps(review):
        gc.collect()
        tracemalloc.start()
        run()
        peaks[step] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    print(
        json.dumps(
            {
                "name": name,
                "nodes": size[0],
                "links": size[1],
                "seconds": seconds,
                "peak_mb": peaks,
                "rss_mb": _peak_mb(),
                "simplified": simplified,
            }
        )
    )


def _by_size(names: Sequence[str]) -> None:
    """One fresh process per review; a table of seconds and peak MiB per step."""
    print(
        "\nby size (seconds per step, once; MiB = tracemalloc peak of the step; RSS = process peak)"
    )
    head = f"{'review':<10} {'nodes':>6} {'links':>6} "
    head += " ".join(f"{s:>8}" for s in _STEPS)
    head += f" {'an.+svg':>8} {'max MiB':>8} {'RSS MiB':>8} layout"
    print(head)
    script = Path(__file__).resolve()
    for name in names:
        done = subprocess.run(
            [sys.executable, str(script), "--child", name],
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(done.stdout.strip().splitlines()[-1])
        seconds, peaks = row["seconds"], row["peak_mb"]
        line = f"{name:<10} {row['nodes']:>6} {row['links']:>6} "
        line += " ".join(f"{seconds[s]:>8.3f}" for s in _STEPS)
        line += f" {seconds['analyze'] + seconds['svg']:>8.2f} {max(peaks.values()):>8.1f}"
        line += f" {row['rss_mb']:>8.0f} {'simplified' if row['simplified'] else 'full'}"
        print(line)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Review-graph analysis speed and memory.")
    parser.add_argument("--nodes", type=int, default=60, help="nodes of the single review")
    parser.add_argument("--runs", type=int, default=200, help="runs per analysis (median)")
    parser.add_argument("--n", type=int, default=10_000, help="reviews to combine")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument(
        "--sizes", default="100,250,500,1000,2000,5000", help="review sizes for part 3 (nodes)"
    )
    parser.add_argument("--parts", default="1,2,3,4", help="which parts to run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child)
        return 0
    parts = set(args.parts.split(","))
    print(
        f"Python {platform.python_version()}, networkx {nx.__version__}, "
        f"{platform.machine()}, seed {args.seed}\n"
    )
    if "1" in parts:
        _one_review(args.nodes, args.runs, args.seed)
    if "2" in parts:
        _combine(args.n, args.seed)
    if "3" in parts:
        _by_size([f"sized:{n}" for n in args.sizes.split(",")])
    if "4" in parts:
        _by_size(["chain", "star", "random"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
