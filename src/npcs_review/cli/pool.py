"""``npcs-review pool``: the partnership's pooled database (add, list, remove submissions)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from npcs_review.cli._console import emit, format_option, library_errors, output_option
from npcs_review.render.share import POOL_ADD_FORMATS, POOL_LIST_FORMATS, POOL_REMOVE_FORMATS

__all__ = ["app"]

app = typer.Typer(
    help="The partnership's pooled database of submissions (DuckDB, one file).",
    no_args_is_help=True,
)

_DB_HELP = "The database file (default: partnership.duckdb in the current folder)."


@app.command("add")
def add(
    folders: Annotated[
        list[Path],
        typer.Argument(help="Submission folders, added in order.", exists=True, show_default=False),
    ],
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="The database file (default: partnership.duckdb beside the first submission).",
            show_default=False,
        ),
    ] = None,
    overlay: Annotated[
        list[Path] | None,
        typer.Option(
            "--overlay",
            help="A folder with jurisdictions' own agreements in sharing/ (repeatable).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[str, format_option(POOL_ADD_FORMATS)] = (POOL_ADD_FORMATS.default),
    output: Annotated[Path | None, output_option()] = None,
) -> None:
    """Check each submission, then load it in one transaction (a bad one changes nothing).

    Adding a submission again changes nothing; a newer one for the same jurisdiction and period
    replaces the older one's rows, and the older one stays in the history.
    """
    from npcs_review.pool.database import default_database, pool_add  # noqa: PLC0415

    database = db or default_database(folders[0])
    texts = []
    for folder in folders:
        with library_errors():
            result = pool_add(folder, database, overlays=overlay or [])
        texts.append(POOL_ADD_FORMATS.render(result, fmt))
    emit("".join(texts), output, inputs=[*folders, database])


@app.command("list")
def list_(
    db: Annotated[Path, typer.Option("--db", help=_DB_HELP)] = Path("partnership.duckdb"),
    fmt: Annotated[str, format_option(POOL_LIST_FORMATS)] = (POOL_LIST_FORMATS.default),
    output: Annotated[Path | None, output_option()] = None,
) -> None:
    """List every submission: jurisdiction, period, status, cases, agreement and versions."""
    from npcs_review.pool.database import pool_list  # noqa: PLC0415

    with library_errors():
        records = pool_list(db)
    emit(POOL_LIST_FORMATS.render(records, fmt), output, inputs=[db])


@app.command("remove")
def remove(
    submission: Annotated[
        str, typer.Argument(help="The submission id (sub-...).", show_default=False)
    ],
    db: Annotated[Path, typer.Option("--db", help=_DB_HELP)] = Path("partnership.duckdb"),
    fmt: Annotated[str, format_option(POOL_REMOVE_FORMATS)] = (POOL_REMOVE_FORMATS.default),
    output: Annotated[Path | None, output_option()] = None,
) -> None:
    """Take a submission's rows out of the pool; it stays in the history as removed."""
    from npcs_review.pool.database import pool_remove  # noqa: PLC0415

    with library_errors():
        result = pool_remove(submission, db)
    emit(POOL_REMOVE_FORMATS.render(result, fmt), output, inputs=[db])
