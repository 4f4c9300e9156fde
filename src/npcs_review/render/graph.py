"""Review graphs, their analyses and many reviews combined, in every format (``graph``).

The drawings themselves (AcciMap SVG, DOT, Mermaid, GraphML, node-link JSON) are made by
``npcs_review.graph.export`` and ``npcs_review.graph.bridge``; this module is their format
table, and the text of an analysis.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from npcs_review.render.data import to_data
from npcs_review.render.formats import Format, FormatTable

if TYPE_CHECKING:
    from npcs_review.graph.analysis import ReviewAnalysis
    from npcs_review.graph.combine import Combined

__all__ = ["ANALYSIS_FORMATS", "COMBINED_FORMATS", "DRAWING_FORMATS", "analysis_text"]


def _svg(graph: Any) -> str:
    from npcs_review.graph.export import to_svg  # noqa: PLC0415 - networkx only when drawing

    return to_svg(graph)


def _dot(graph: Any) -> str:
    from npcs_review.graph.export import to_dot  # noqa: PLC0415

    return to_dot(graph)


def _mermaid(graph: Any) -> str:
    from npcs_review.graph.export import to_mermaid  # noqa: PLC0415

    return to_mermaid(graph)


def _graphml(graph: Any) -> str:
    from npcs_review.graph.export import to_graphml  # noqa: PLC0415

    return to_graphml(graph)


def _node_link(graph: Any) -> str:
    from npcs_review.graph.bridge import to_node_link  # noqa: PLC0415

    return to_node_link(graph)


#: The formats of one review graph (``npcs-review graph draw``); takes a networkx graph.
DRAWING_FORMATS: FormatTable[Any] = FormatTable(
    "review graph",
    Format("svg", _svg, "image/svg+xml", ".svg"),
    Format("dot", _dot, "text/vnd.graphviz", ".dot"),
    Format("mermaid", _mermaid, "text/vnd.mermaid", ".mmd"),
    Format("graphml", _graphml, "application/graphml+xml", ".graphml"),
    Format("json", _node_link, "application/json", ".json"),
)


def analysis_text(result: ReviewAnalysis) -> str:
    """One line per analysis: structure, pathways, leverage, cut, coverage, levels."""
    s, lev, cut, cov, lv = (
        result.structure,
        result.leverage,
        result.minimal_cut,
        result.coverage,
        result.levels,
    )
    lines = [
        f"structure: {len(s.dangling)} dangling end(s), {len(s.wrong_kind)} link(s) between "
        f"the wrong kinds, {len(s.feedback_loops)} feedback loop(s), "
        f"{len(s.unconnected_factors)} factor(s) with no path to the outcome"
        + (f" ({', '.join(s.unconnected_factors)})" if s.unconnected_factors else ""),
        f"pathways from supervision and above: {result.pathways.total:,}"
        + (f" (the best {len(result.pathways.paths):,} listed)" if result.pathways.more else "")
        + (
            f"; best evidenced: {' → '.join(result.pathways.paths[0].nodes)}"
            if result.pathways.paths
            else ""
        ),
        "leverage (share of the outcome's causal ancestry through each factor):",
        *[
            f"  {f.factor:24} {f.share:6.2f}"
            for f in sorted(lev.factors, key=lambda f: (-f.share, f.factor))[:10]
        ],
        f"minimal cut: {', '.join(cut.nodes) or 'none'}"
        + ("" if cut.breakable else " (not breakable by factors or barriers alone)"),
        f"priority factors without a recommendation: "
        f"{', '.join(g.node for g in cov.uncovered) or 'none'}",
        f"upper-level factors answered only by weaker actions: "
        f"{', '.join(m.factor for m in cov.strength_mismatches) or 'none'}",
        f"level coverage: {lv.proximal} of {lv.total} factors at the frontline or family level"
        + (f" ({lv.proximal_share:.0%})" if lv.proximal_share is not None else ""),
    ]
    return "\n".join(lines) + "\n"


def _json(result: ReviewAnalysis | Combined) -> str:
    return json.dumps(to_data(result), indent=2, ensure_ascii=False) + "\n"


#: The formats of one review's analyses (``npcs-review graph analyze``).
ANALYSIS_FORMATS: FormatTable[ReviewAnalysis] = FormatTable(
    "review analysis",
    Format("text", analysis_text, "text/plain", ".txt"),
    Format("json", _json, "application/json", ".json"),
)

#: The formats of many reviews combined (``npcs-review graph combine``).
COMBINED_FORMATS: FormatTable[Combined] = FormatTable(
    "combined reviews",
    Format("json", _json, "application/json", ".json"),
)
