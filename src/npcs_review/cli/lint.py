"""``npcs-review lint``: check a review for blame language, traceability and completeness."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from npcs_review.cli._console import (
    FAILED,
    USAGE,
    emit,
    fail,
    format_option,
    library_errors,
    output_option,
)
from npcs_review.render.lint import LINT_FORMATS

__all__ = ["lint"]


def lint(
    path: Annotated[
        Path,
        typer.Argument(
            help="One case file (.json or .yaml).", exists=True, dir_okay=False, show_default=False
        ),
    ],
    select: Annotated[
        list[str] | None,
        typer.Option("--select", help="Only these rules (code such as NPR-L101, or slug)."),
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option("--ignore", help="Skip these rules (code or slug).")
    ] = None,
    preset: Annotated[
        str, typer.Option(help="Severities from a preset: default, strict, drafting.")
    ] = "default",
    fmt: Annotated[str, format_option(LINT_FORMATS)] = (LINT_FORMATS.default),
    output: Annotated[
        Path | None, output_option("Write the report to a file instead of standard output.")
    ] = None,
    base: Annotated[
        Path | None,
        typer.Option(
            help="SARIF: file locations relative to this folder (default: the current one), "
            "as GitHub code scanning expects.",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Lint a case's review; exit code 1 when any finding is an error."""
    from npcs_review.errors import DefinitionNotFoundError  # noqa: PLC0415
    from npcs_review.io import load_case, pointer_positions, source_text  # noqa: PLC0415
    from npcs_review.lint import lint as run  # noqa: PLC0415

    with library_errors():
        case = load_case(path)
    try:
        report = run(
            case,
            select=select,
            ignore=ignore or (),
            preset=preset,
            file=str(path),
            positions=pointer_positions(path),
            text=source_text(path),
        )
    except DefinitionNotFoundError as exc:  # an unknown rule or preset; never a rule's bug
        fail(str(exc), code=USAGE)
    emit(LINT_FORMATS.render(report, fmt, base=base), output, inputs=[path])
    if report.failed:
        raise typer.Exit(FAILED)
