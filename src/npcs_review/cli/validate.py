"""``npcs-review validate`` and ``npcs-review overview``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from npcs_review.cli._console import (
    FAILED,
    emit,
    fail,
    format_option,
    library_errors,
    output_option,
    progress,
)
from npcs_review.render.validation import VALIDATION_FORMATS

__all__ = ["overview", "validate"]


def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Case files (.json, .yaml, .yml, .jsonl) or folders to search.",
            exists=True,
            show_default=False,
        ),
    ],
    fmt: Annotated[str, format_option(VALIDATION_FORMATS)] = (VALIDATION_FORMATS.default),
    output: Annotated[Path | None, output_option()] = None,
) -> None:
    """Check case files against the core data set; list every problem with its place.

    Exit code 0 when every case is valid (warnings allowed), 1 when any is not.
    """
    from npcs_review.validation import validate_paths  # noqa: PLC0415 - keep --help fast

    report = validate_paths(paths, progress=progress)
    emit(VALIDATION_FORMATS.render(report, fmt), output, inputs=paths)
    if not report.cases:
        fail("no case files found (looked for .json, .yaml, .yml, .jsonl)")
    if report.valid < len(report.cases):
        raise typer.Exit(FAILED)


def overview(
    path: Annotated[
        Path,
        typer.Argument(
            help="One case file (.json or .yaml).", exists=True, dir_okay=False, show_default=False
        ),
    ],
) -> None:
    """Print a short plain-text overview of one case."""
    from npcs_review.io import load_case  # noqa: PLC0415 - keep --help fast
    from npcs_review.render.overview import overview as render  # noqa: PLC0415

    with library_errors():
        case = load_case(path)
    typer.echo(render(case), nl=False)
