"""``npcs-review definitions``: list, show, check and compare definitions and profiles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from npcs_review.cli._console import (
    FAILED,
    emit,
    fail,
    format_option,
    output_option,
    problem_line,
)
from npcs_review.render.definitions import CATALOG_FORMATS, DIFF_FORMATS

__all__ = ["app"]

app = typer.Typer(
    help="List, show, check and compare definitions, profiles and crosswalks.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("list")
def list_definitions(
    fmt: Annotated[str, format_option(CATALOG_FORMATS)] = (CATALOG_FORMATS.default),
    output: Annotated[Path | None, output_option()] = None,
) -> None:
    """List every definition, indicator, jurisdiction profile and crosswalk."""
    from npcs_review.registry import default_registry  # noqa: PLC0415

    emit(CATALOG_FORMATS.render(default_registry(), fmt), output)


@app.command("show")
def show(
    item: Annotated[
        str, typer.Argument(help="Id of a definition, indicator or profile.", show_default=False)
    ],
) -> None:
    """Show one definition (criteria, parameters, sources) or profile."""
    from npcs_review.registry import default_registry  # noqa: PLC0415
    from npcs_review.render.definitions import entry_text  # noqa: PLC0415

    r = default_registry()
    text = entry_text(r, item)
    if text is None:
        known = sorted({*r.definitions, *r.indicators, *r.profiles})
        fail(f"no definition, indicator or profile {item!r}; known: {', '.join(known)}", 2)
    typer.echo(text, nl=False)


@app.command("check")
def check(
    folder: Annotated[
        Path,
        typer.Argument(
            help="An overlay folder (incident_definitions/, "
            "indicators/, jurisdictions/, crosswalks/).",
            exists=True,
            file_okay=False,
            show_default=False,
        ),
    ],
) -> None:
    """Check a jurisdiction's overlay folder: every problem at once, then its test vectors."""
    from npcs_review.engine.vectors import iter_vector_results  # noqa: PLC0415
    from npcs_review.errors import DefinitionError  # noqa: PLC0415
    from npcs_review.registry import load_registry  # noqa: PLC0415
    from npcs_review.render.definitions import vectors_text  # noqa: PLC0415

    try:
        registry = load_registry([folder])
    except DefinitionError as exc:
        for p in exc.problems:
            typer.echo(problem_line(p))
        fail(f"{len(exc.problems)} problem(s) in {folder}")
    prefix = str(folder)
    results = [v for v in iter_vector_results(registry) if v.file.startswith(prefix)]
    typer.echo(vectors_text(str(folder), results), nl=False)
    if not all(v.passed for v in results):
        raise typer.Exit(FAILED)


@app.command("diff")
def diff(
    left: Annotated[str, typer.Argument(help="A definition or profile id.", show_default=False)],
    right: Annotated[str, typer.Argument(help="Another of the same kind.", show_default=False)],
    fmt: Annotated[str, format_option(DIFF_FORMATS)] = (DIFF_FORMATS.default),
    output: Annotated[Path | None, output_option()] = None,
) -> None:
    """Compare two definitions criterion by criterion, or two profiles rule by rule."""
    from npcs_review.engine.explain import diff_definitions, diff_profiles  # noqa: PLC0415
    from npcs_review.registry import default_registry  # noqa: PLC0415
    from npcs_review.render.definitions import DefinitionsDiff  # noqa: PLC0415

    r = default_registry()
    if left in r.definitions and right in r.definitions:
        changes = diff_definitions(r.definitions[left], r.definitions[right])
    elif left in r.profiles and right in r.profiles:
        changes = diff_profiles(r.profiles[left], r.profiles[right])
    else:
        fail("give two definition ids or two profile ids (see 'npcs-review definitions list')", 2)
    emit(DIFF_FORMATS.render(DefinitionsDiff(left, right, changes), fmt), output)
