"""``npcs-review report``: the partnership report from the pooled database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from npcs_review.cli._console import emit, fail, format_option, library_errors, output_option
from npcs_review.render.partnership import PARTNERSHIP_FORMATS

__all__ = ["report"]


def report(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="The pooled database (the DuckDB file `npcs-review pool add` writes).",
            dir_okay=False,
        ),
    ] = None,
    population: Annotated[
        Path | None,
        typer.Option(
            help="Child population table (CSV or Parquet: jurisdiction, year, age_group, sex, "
            "race_ethnicity, population). Without it, rates are not computed.",
            dir_okay=False,
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(help="Incident years: 2025 or 2022-2025 (default: every year in the pool)."),
    ] = None,
    jurisdiction: Annotated[
        list[str] | None,
        typer.Option(
            "--jurisdiction", "-j", help="Only these jurisdictions (repeat); default all."
        ),
    ] = None,
    backend: Annotated[
        str | None,
        typer.Option(
            help="Instead of --db, any Ibis connection URL holding the pool's tables "
            "(e.g. duckdb:///path/pool.duckdb)."
        ),
    ] = None,
    fmt: Annotated[
        str,
        format_option(
            PARTNERSHIP_FORMATS, "html (one printable page), md, or csv/parquet (one row per cell)."
        ),
    ] = PARTNERSHIP_FORMATS.default,
    output: Annotated[Path | None, output_option()] = None,
) -> None:
    """Build the partnership report: every measure, protected by disclosure control."""
    from npcs_review.measures.report import build_report  # noqa: PLC0415

    if db is None and backend is None:
        fail("give the pooled database with --db FILE (or an Ibis --backend URL)", code=2)
    if PARTNERSHIP_FORMATS[fmt].binary and output is None and sys.stdout.isatty():
        fail(f"--format {fmt} is binary: write it to a file with -o FILE", code=2)

    def progress(message: str) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\r\x1b[K{message}")
            sys.stderr.flush()

    with library_errors():
        result = build_report(
            db,
            backend=backend,
            population=population,
            period=period,
            jurisdictions=jurisdiction or (),
            progress=progress,
        )
    if sys.stderr.isatty():
        sys.stderr.write("\r\x1b[K")
    inputs = [p for p in (db, population) if p is not None]
    chosen = PARTNERSHIP_FORMATS[fmt]
    done = f"wrote {output} (partnership report, {fmt}); {chosen.hint}" if output else None
    emit(PARTNERSHIP_FORMATS.render_bytes(result, fmt), output, inputs=inputs, done=done)
