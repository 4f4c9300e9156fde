"""``npcs-review validate`` and ``npcs-review overview``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from npcs_review.cli._console import (
    FAILED,
    OutputFormat,
    fail,
    library_errors,
    problem_line,
    progress,
)

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
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output as text or JSON.")
    ] = OutputFormat.text,
) -> None:
    """Check case files against the core data set; list every problem with its place.

    Exit code 0 when every case is valid (warnings allowed), 1 when any is not.
    """
    from npcs_review.io import iter_case_files, iter_load  # noqa: PLC0415 - keep --help fast

    files = list(iter_case_files(paths))
    show = progress(len(files))
    cases = valid = errors = warnings = 0
    records: list[dict[str, object]] = []
    for done, file in enumerate(files, start=1):
        for result in iter_load(file):
            cases += 1
            valid += result.ok
            errors += sum(p.severity == "error" for p in result.problems)
            warnings += sum(p.severity == "warning" for p in result.problems)
            if output is OutputFormat.json:
                records.append(
                    {
                        "source": result.source,
                        "valid": result.ok,
                        "problems": [p.to_dict() for p in result.problems],
                    }
                )
            else:
                for p in result.problems:
                    typer.echo(problem_line(p))
        show(done)
    summary = {
        "files": len(files),
        "cases": cases,
        "valid": valid,
        "invalid": cases - valid,
        "errors": errors,
        "warnings": warnings,
    }
    if output is OutputFormat.json:
        typer.echo(json.dumps({"summary": summary, "results": records}, indent=2))
    else:
        typer.echo(
            f"checked {cases:,} case(s) in {len(files):,} file(s): {valid:,} valid, "
            f"{cases - valid:,} invalid ({errors:,} error(s), {warnings:,} warning(s))"
        )
    if cases == 0:
        fail("no case files found (looked for .json, .yaml, .yml, .jsonl)")
    if valid < cases:
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
