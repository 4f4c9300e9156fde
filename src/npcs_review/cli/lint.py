"""``npcs-review lint``: check a review for blame language, traceability and completeness."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from npcs_review.cli._console import FAILED, fail, library_errors

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
    output: Annotated[str, typer.Option("--format", "-f", help="text, json or sarif.")] = "text",
    out: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the report to a file instead of standard output."
        ),
    ] = None,
) -> None:
    """Lint a case's review; exit code 1 when any finding is an error."""
    from npcs_review import __version__  # noqa: PLC0415
    from npcs_review.errors import DefinitionNotFoundError  # noqa: PLC0415
    from npcs_review.io import load_case, pointer_positions, write_text_atomic  # noqa: PLC0415
    from npcs_review.lint import lint as run  # noqa: PLC0415
    from npcs_review.lint import to_json, to_sarif, to_text  # noqa: PLC0415

    if output not in ("text", "json", "sarif"):
        fail(f"--format takes text, json or sarif, not {output!r}", code=2)
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
        )
    except DefinitionNotFoundError as exc:  # an unknown rule or preset; a bug's KeyError is not
        fail(str(exc), code=2)
    text = {"text": to_text, "json": to_json}.get(
        output, lambda r: to_sarif(r, tool_version=__version__)
    )(report)
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_text_atomic(out, text)
        typer.echo(f"wrote {out}")
    if report.failed:
        raise typer.Exit(FAILED)
