"""``npcs-review summary`` and ``npcs-review init``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from npcs_review.cli._console import (
    audience_option,
    emit,
    fail,
    format_option,
    library_errors,
    output_option,
)
from npcs_review.render import SUMMARY_FORMATS, summarize

__all__ = ["init", "summary"]


def summary(
    path: Annotated[
        Path,
        typer.Argument(
            help="One case file (.json or .yaml).", exists=True, dir_okay=False, show_default=False
        ),
    ],
    output: Annotated[
        Path | None, output_option("Write to this file (default: standard output).")
    ] = None,
    fmt: Annotated[str, format_option(SUMMARY_FORMATS)] = SUMMARY_FORMATS.default,
    audience: Annotated[str, audience_option()] = "internal",
) -> None:
    """Build the standardized case summary a review team brings to a meeting."""
    from npcs_review.io import load_case  # noqa: PLC0415

    with library_errors():
        case = load_case(path)
        text = summarize(case, audience=audience, format=fmt)
    hint = SUMMARY_FORMATS[fmt].hint
    emit(text, output, inputs=[path], done=f"wrote {output} ({audience} {fmt} summary); {hint}")


def init(
    path: Annotated[
        Path, typer.Argument(help="Where to write the starter case (.yaml).", show_default=False)
    ],
    template: Annotated[
        str, typer.Option(help="near-fatality, fatality or serious-injury.")
    ] = "near-fatality",
    force: Annotated[bool, typer.Option(help="Replace the file if it exists.")] = False,
) -> None:
    """Write a commented YAML starter case that validates as it is and once filled in."""
    from npcs_review._resources import definitions_root  # noqa: PLC0415
    from npcs_review.io import write_text_atomic  # noqa: PLC0415

    folder = definitions_root().joinpath("templates")
    names = sorted(
        e.name.removesuffix(".yaml").replace("_", "-")
        for e in folder.iterdir()
        if e.name.endswith(".yaml")
    )
    if template not in names:
        fail(f"--template takes {', '.join(names)}, not {template!r}", code=2)
    if path.exists() and not force:
        fail(f"{path} exists; choose another name or pass --force", code=2)
    text = folder.joinpath(template.replace("-", "_") + ".yaml").read_text(encoding="utf-8")
    with library_errors():
        write_text_atomic(path, text)
    typer.echo(f"wrote {path}: fill it in, then run `npcs-review validate {path}`")
