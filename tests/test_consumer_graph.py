"""The review graph exports in the tools people open them with.

For every example with a review graph, `npcs-review graph draw` writes each format and the real
consumer reads it: networkx and igraph load the GraphML (and networkx the node-link JSON) with
every node and link; Graphviz lays out the DOT; mermaid-cli renders the Mermaid (the exports and
the Markdown summary's diagrams) in the system Chromium; rsvg renders the AcciMap and timeline
SVGs. Tests skip, saying how to install, where a tool is missing (tests/tools.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from npcs_review.cli import app
from npcs_review.graph.bridge import to_networkx
from npcs_review.io import load_case
from npcs_review.render import summarize
from npcs_review.render.summary import build_summary
from npcs_review.render.timeline import timeline_svg
from tests.conftest import EXAMPLES
from tests.tools import chromium, node_bin, program, run

runner = CliRunner()
REVIEWED = [
    p
    for p in sorted(EXAMPLES.glob("*.yaml"))
    if (review := load_case(p).review) is not None and review.factors
]
FORMATS = ("dot", "mermaid", "graphml", "json", "svg")


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Every format of every reviewed example, written by the command line."""
    folder = tmp_path_factory.mktemp("graphs")
    out: dict[str, list[Path]] = {f: [] for f in FORMATS}
    for path in REVIEWED:
        for fmt in FORMATS:
            target = folder / f"{path.stem}.{fmt}"
            result = runner.invoke(app, ["graph", "draw", str(path), "-f", fmt, "-o", str(target)])
            assert result.exit_code == 0, result.output
            out[fmt].append(target)
    return out


def _expected(stem: str) -> nx.MultiDiGraph:
    return to_networkx(load_case(EXAMPLES / f"{stem}.yaml"))


def test_there_are_examples_with_graphs() -> None:
    """The consumer tests below have something to read."""
    assert len(REVIEWED) >= 3


def test_networkx_loads_graphml_and_node_link_json(exports: dict[str, list[Path]]) -> None:
    """networkx reads every node and link, with their kinds, from GraphML and JSON."""
    for graphml, node_link in zip(exports["graphml"], exports["json"], strict=True):
        expected = _expected(graphml.stem)
        read = nx.read_graphml(graphml, force_multigraph=True)
        assert set(read.nodes) == set(expected.nodes)
        assert read.number_of_edges() == expected.number_of_edges()
        for node, data in expected.nodes(data=True):
            assert read.nodes[node].get("kind") == data.get("kind"), node
        data = json.loads(node_link.read_text(encoding="utf-8"))
        loaded = nx.node_link_graph(data, edges="links" if "links" in data else "edges")
        assert set(loaded.nodes) == set(expected.nodes)
        assert loaded.number_of_edges() == expected.number_of_edges()


def test_igraph_loads_graphml(exports: dict[str, list[Path]]) -> None:
    """python-igraph reads the GraphML with every node, link and node kind."""
    igraph = pytest.importorskip("igraph", reason="pip install -c constraints.txt -e '.[dev]'")
    for graphml in exports["graphml"]:
        expected = _expected(graphml.stem)
        read = igraph.Graph.Read_GraphML(str(graphml))
        assert read.vcount() == expected.number_of_nodes()
        assert read.ecount() == expected.number_of_edges()
        assert set(read.vs["id"]) == set(expected.nodes)
        assert sorted(read.vs["kind"]) == sorted(d["kind"] for _, d in expected.nodes(data=True))


def test_graphviz_lays_out_every_dot_export(exports: dict[str, list[Path]]) -> None:
    """`dot -Tsvg` reads each DOT export without an error or warning and draws every node."""
    dot = program("dot", "apt-get install graphviz")
    done = run([dot, "-Tsvg", "-O", *exports["dot"]])
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    for path in exports["dot"]:
        drawn = Path(f"{path}.svg").read_text(encoding="utf-8")
        declared = set(re.findall(r'^\s*"([^"]+)" \[', path.read_text(encoding="utf-8"), re.M))
        visible = {n for n in declared if not n.startswith("__band_")}  # invisible rank anchors
        assert visible
        shown = set(
            re.findall(r'<g id="node\d+" class="node[^"]*">\n<title>([^<]+)</title>', drawn)
        )
        assert shown == visible, path.name


def test_mermaid_cli_renders_exports_and_summary_diagrams(
    exports: dict[str, list[Path]], tmp_path: Path
) -> None:
    """mermaid-cli (with the system Chromium) renders each Mermaid export and each diagram of
    the Markdown summaries: one Markdown file, one browser start."""
    mmdc = node_bin("mmdc")
    browser = chromium()
    blocks = [p.read_text(encoding="utf-8").strip() for p in exports["mermaid"]]
    for path in REVIEWED:
        text = summarize(load_case(path), format="md")
        blocks += re.findall(r"```mermaid\n(.*?)```", text, re.S)
    blocks = list(dict.fromkeys(blocks))  # the same diagram twice is rendered once
    assert len(blocks) >= len(REVIEWED)
    source = tmp_path / "diagrams.md"
    source.write_text("".join(f"```mermaid\n{b}\n```\n\n" for b in blocks), encoding="utf-8")
    config = tmp_path / "puppeteer.json"
    config.write_text(
        json.dumps({"executablePath": browser, "args": ["--no-sandbox", "--disable-gpu"]}),
        encoding="utf-8",
    )
    done = run([mmdc, "-p", config, "-i", source, "-o", tmp_path / "out.md"], timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    svgs = sorted(tmp_path.glob("out-*.svg"))
    assert len(svgs) == len(blocks)
    for svg in svgs:
        text = svg.read_text(encoding="utf-8")
        assert "Syntax error" not in text, svg.name
        assert text.count('class="node') >= 2, svg.name


def test_rsvg_renders_the_accimap_and_timeline(
    exports: dict[str, list[Path]], tmp_path: Path
) -> None:
    """librsvg (rsvg-convert) renders every AcciMap export and every timeline to PNG, silently."""
    rsvg = program("rsvg-convert", "apt-get install librsvg2-bin")
    pictures = list(exports["svg"])
    for path in sorted(EXAMPLES.glob("*.yaml")):
        timeline = build_summary(load_case(path)).figures.get("timeline")
        if timeline:
            target = tmp_path / f"{path.stem}.timeline.svg"
            target.write_text(timeline_svg(timeline), encoding="utf-8")
            pictures.append(target)
    assert len(pictures) > len(exports["svg"])
    for svg in pictures:
        png = svg.with_suffix(".png")
        done = run([rsvg, svg, "-o", png])
        assert done.returncode == 0, (svg.name, done.stderr)
        assert done.stderr == "", svg.name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
