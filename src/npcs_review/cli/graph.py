"""``npcs-review graph``: draw, analyze and combine systemic factor graphs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from npcs_review.cli._console import (
    audience_option,
    emit,
    fail,
    format_option,
    library_errors,
    output_option,
)
from npcs_review.render.graph import ANALYSIS_FORMATS, COMBINED_FORMATS, DRAWING_FORMATS

__all__ = ["app"]


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


def _graph(path: Path, audience: str = "internal") -> Any:
    from npcs_review.audience import for_audience  # noqa: PLC0415
    from npcs_review.io import load_case  # noqa: PLC0415

    with library_errors():
        case = load_case(path)
    if case.review is None or not case.review.links:
        fail(f"{path} has no review graph (review.links is empty)")
    try:
        return for_audience(case, audience).graph()
    except ValueError as exc:
        fail(str(exc))


@app.command("draw")
def draw(
    path: Annotated[
        Path,
        typer.Argument(
            help="A case file with a review.", exists=True, dir_okay=False, show_default=False
        ),
    ],
    fmt: Annotated[str, format_option(DRAWING_FORMATS)] = DRAWING_FORMATS.default,
    output: Annotated[Path | None, output_option("Write to a file.")] = None,
    audience: Annotated[str | None, audience_option()] = None,
) -> None:
    """Draw the factor graph: AcciMap SVG, Graphviz DOT, Mermaid, GraphML or node-link JSON.

    The drawing carries the review's text; it is filtered for ``--audience`` as the summary
    is (default internal, said on standard error).
    """
    if audience is None:
        audience = "internal"
        typer.echo(
            "audience: internal (the default): the drawing holds the review's own text; "
            "use --audience partnership or public for a copy to share",
            err=True,
        )
    graph = _graph(path, audience)
    with library_errors():  # a graph too large to draw is refused with a message
        text = DRAWING_FORMATS.render(graph, fmt)
    emit(text, output, inputs=[path])


@app.command("analyze")
def analyze(
    path: Annotated[
        Path,
        typer.Argument(
            help="A case file with a review.", exists=True, dir_okay=False, show_default=False
        ),
    ],
    fmt: Annotated[str, format_option(ANALYSIS_FORMATS)] = (ANALYSIS_FORMATS.default),
    output: Annotated[Path | None, output_option()] = None,
) -> None:
    """Structure, pathways, leverage, minimal cut, recommendation coverage, level coverage."""
    from npcs_review.graph.analysis import analyze as run  # noqa: PLC0415

    graph = _graph(path)
    with library_errors():  # a graph too large to analyze is refused with a message
        result = run(graph)
    emit(ANALYSIS_FORMATS.render(result, fmt), output, inputs=[path])


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
    fmt: Annotated[str, format_option(COMBINED_FORMATS)] = COMBINED_FORMATS.default,
    output: Annotated[Path | None, output_option("Write to a file.")] = None,
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
    emit(COMBINED_FORMATS.render(combined, fmt), output, inputs=paths)
