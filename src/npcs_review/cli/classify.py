"""``npcs-review classify``: decisions with reasons, under the national set or profiles."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from npcs_review.cli._console import emit, fail, format_option, library_errors, output_option
from npcs_review.render.classification import CLASSIFICATION_FORMATS

__all__ = ["classify"]


def classify(
    path: Annotated[
        Path,
        typer.Argument(
            help="One case file (.json or .yaml).", exists=True, dir_okay=False, show_default=False
        ),
    ],
    profile: Annotated[
        list[str] | None,
        typer.Option(
            "--profile",
            "-p",
            help="Jurisdiction profile(s), e.g. us_ky; 'case' "
            "for the case's own jurisdiction. Several: side by side.",
        ),
    ] = None,
    all_profiles: Annotated[
        bool, typer.Option("--all-profiles", help="Every jurisdiction profile, side by side.")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            help="Use the definitions in force on this date (YYYY-MM-DD) "
            "instead of the incident date."
        ),
    ] = None,
    trace: Annotated[bool, typer.Option(help="Show every criterion as evaluated.")] = False,
    fmt: Annotated[str, format_option(CLASSIFICATION_FORMATS)] = CLASSIFICATION_FORMATS.default,
    output: Annotated[Path | None, output_option()] = None,
) -> None:
    """Say whether a case meets each definition, why, and which facts are missing.

    Without --profile: the partnership's proposed standard and the federal definitions,
    followed by the case's own jurisdiction profile when there is one.
    """
    from npcs_review.engine.scope import CaseClassification, classify_case  # noqa: PLC0415
    from npcs_review.errors import DefinitionNotFoundError  # noqa: PLC0415
    from npcs_review.io import load_case  # noqa: PLC0415
    from npcs_review.registry import default_registry  # noqa: PLC0415
    from npcs_review.render.classification import COMPARISON_FORMATS  # noqa: PLC0415

    day = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            fail(f"--as-of takes a date as YYYY-MM-DD, got {as_of!r}", code=2)
    with library_errors():
        case = load_case(path)
        registry = default_registry()
    chosen = sorted(registry.profiles) if all_profiles else profile or []
    try:
        result = classify_case(case, chosen, as_of=day, registry=registry)
    except DefinitionNotFoundError as exc:
        fail(str(exc), code=2)
    if isinstance(result, CaseClassification):
        emit(CLASSIFICATION_FORMATS.render(result, fmt, trace=trace), output, inputs=[path])
    else:
        emit(COMPARISON_FORMATS.render(result, fmt), output, inputs=[path])
