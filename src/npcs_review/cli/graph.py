"""``npcs-review graph``: draw, analyze and combine systemic factor graphs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from npcs_review.cli._console import fail, library_errors

__all__ = ["app"]

_FORMATS = ("svg", "dot", "mermaid", "graphml", "json")


class _DrawByDefault(TyperGroup):
    """``npcs-review graph CASE`` means ``npcs-review graph draw CASE``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["draw", *args]
        result: list[str] = super().parse_args(ctx, args)
        return result


app = typer.Typer(
    cls=_DrawByDefault,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Draw a review's systemic factor graph (graph CASE --format svg), "
    "analyze it (graph analyze CASE) or combine many (graph combine CASES...).",
)


def _graph(path: Path) -> Any:
    from npcs_review.graph.bridge import to_networkx  # noqa: PLC0415
    from npcs_review.io import load_case  # noqa: PLC0415

    with library_errors():
        case = load_case(path)
    if case.review is None or not case.review.links:
        fail(f"{path} has no review graph (review.links is empty)")
    return to_networkx(case)


def _write(text: str, out: Path | None) -> None:
    from npcs_review.io import write_text_atomic  # noqa: PLC0415

    if out is None:
        typer.echo(text, nl=False)
    else:
        with library_errors():
            write_text_atomic(out, text)
        typer.echo(f"wrote {out}")


@app.command("draw")
def draw(
    path: Annotated[
        Path,
        typer.Argument(
            help="A case file with a review.", exists=True, dir_okay=False, show_default=False
        ),
    ],
    output: Annotated[str, typer.Option("--format", "-f", help=f"{', '.join(_FORMATS)}.")] = (
        "svg"
    ),
    out: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """Draw the factor graph: AcciMap SVG, Graphviz DOT, Mermaid, GraphML or node-link JSON."""
    from npcs_review.graph import bridge, export  # noqa: PLC0415

    if output not in _FORMATS:
        fail(f"--format takes {', '.join(_FORMATS)}, not {output!r}", code=2)
    graph = _graph(path)
    render = {
        "svg": export.to_svg,
        "dot": export.to_dot,
        "mermaid": export.to_mermaid,
        "graphml": export.to_graphml,
        "json": bridge.to_node_link,
    }[output]
    with library_errors():
        text = render(graph)
    _write(text, out)


@app.command("analyze")
def analyze(
    path: Annotated[
        Path,
        typer.Argument(
            help="A case file with a review.", exists=True, dir_okay=False, show_default=False
        ),
    ],
    output: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Structure, pathways, leverage, minimal cut, recommendation coverage, level coverage."""
    from npcs_review.graph.analysis import analyze as run  # noqa: PLC0415

    if output not in ("text", "json"):
        fail(f"--format takes text or json, not {output!r}", code=2)
    graph = _graph(path)
    with library_errors():
        result = run(graph)
    if output == "json":
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
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
    typer.echo("\n".join(lines))


@app.command("combine")
def combine(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Case files or folders (cases without a review graph are skipped).",
            exists=True,
            show_default=False,
        ),
    ],
    out: Annotated[Path | None, typer.Option("--output", "-o", help="Write JSON to a file.")] = (
        None
    ),
) -> None:
    """Combine many reviews by taxonomy code: recurrence, co-occurrence (lift), common chains."""
    from npcs_review.graph.bridge import to_networkx  # noqa: PLC0415
    from npcs_review.graph.combine import combine as run  # noqa: PLC0415
    from npcs_review.io import iter_case_files, iter_load  # noqa: PLC0415

    def graphs() -> Any:
        for file in iter_case_files(paths):
            for result in iter_load(file):
                case = result.case
                if case is not None and case.review is not None and case.review.links:
                    yield result.source, to_networkx(case)

    with library_errors():
        combined = run(graphs())
    _write(json.dumps(combined.to_dict(), indent=2, ensure_ascii=False) + "\n", out)
