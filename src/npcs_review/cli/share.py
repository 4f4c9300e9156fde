"""``npcs-review share``: cases as a de-identified submission; ``share keygen``; ``share check``.

``npcs-review share CASES... --agreement ID|FILE --key-file KEY --period 2025-Q3 -o DIR`` writes
one submission; ``share keygen KEY`` writes a new pseudonym key; ``share check DIR`` verifies a
submission as the partnership does on receipt.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from npcs_review.cli._console import FAILED, emit, format_option, library_errors, output_option
from npcs_review.render.share import CHECK_FORMATS, SHARE_FORMATS

__all__ = ["app"]

_DEFAULT = "cases"


class _ShareGroup(TyperGroup):
    """``share CASES...`` runs the default command; ``share keygen`` and ``share check`` do not."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [_DEFAULT, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(
            ctx.command_path, "CASES... --agreement ID|FILE --key-file KEY --period P -o DIR"
        )
        formatter.write_usage(ctx.command_path, "keygen KEY | check DIR")


class Tables(StrEnum):
    """The tables' file format."""

    parquet = "parquet"
    csv = "csv"


app = typer.Typer(
    cls=_ShareGroup,
    help=(
        "Share a jurisdiction's cases with the partnership: the core data set, de-identified "
        "and governed by the jurisdiction's sharing agreement, as a Data Package. Run "
        "'npcs-review share cases --help' for the options."
    ),
    no_args_is_help=True,
)

_OVERLAY = typer.Option(
    "--overlay",
    help="A folder with the jurisdiction's own agreements in sharing/ (repeatable).",
    show_default=False,
)


def _progress() -> Any:
    if not sys.stderr.isatty():
        return None

    def show(done: int) -> None:
        sys.stderr.write(f"\rread {done:,} cases")
        sys.stderr.flush()

    return show


@app.command(_DEFAULT)
def cases(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Case files (.json, .yaml, .jsonl) or folders.", exists=True, show_default=False
        ),
    ],
    agreement: Annotated[
        str,
        typer.Option(
            "--agreement",
            "-a",
            help="The sharing agreement: an id (e.g. example_us_ky) or a file.",
            show_default=False,
        ),
    ],
    key_file: Annotated[
        Path,
        typer.Option(
            "--key-file",
            "-k",
            help="The jurisdiction's pseudonym key ('npcs-review share keygen KEY' makes one).",
            show_default=False,
        ),
    ],
    period: Annotated[
        str,
        typer.Option(
            "--period",
            help="The period covered: 2025, 2025-H2, 2025-Q3 or 2025-07.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="The submission folder to write (new or empty).",
            show_default=False,
        ),
    ],
    overlay: Annotated[list[Path] | None, _OVERLAY] = None,
    tables: Annotated[Tables, typer.Option("--tables", help="The tables' file format.")] = (
        Tables.parquet
    ),
    suppress: Annotated[
        bool,
        typer.Option(
            "--suppress",
            help="Blank quasi-identifiers of cases in classes smaller than the agreement's "
            "threshold (local suppression), and log it.",
        ),
    ] = False,
    fmt: Annotated[str, format_option(SHARE_FORMATS)] = (SHARE_FORMATS.default),
) -> None:
    """Write one submission: the cases' core data set under the agreement, pseudonymized.

    -o names the submission folder; what was shared, left out and withheld is printed.

    A case that fails validation, belongs to another jurisdiction or repeats another is
    reported and left out (exit code 1); free text that trips the identifier check is withheld
    and logged, and the rest of its case is shared.
    """
    from npcs_review.share.submission import share_submission  # noqa: PLC0415 - fast --help

    show = _progress()
    with library_errors():
        result = share_submission(
            paths,
            agreement=agreement,
            key_file=key_file,
            period=period,
            output=output,
            overlays=overlay or [],
            tables=tables.value,
            suppress_locally=suppress,
            progress=show,
        )
    if show is not None:
        sys.stderr.write("\n")
    typer.echo(SHARE_FORMATS.render(result, fmt), nl=False)
    if not result.complete:
        raise typer.Exit(FAILED)


@app.command("keygen")
def keygen(
    path: Annotated[Path, typer.Argument(help="Where to write the new key.", show_default=False)],
) -> None:
    """Write a new random pseudonym key (mode 0600); never overwrites a file.

    Keep it safe and keep it: every submission must use the same key for a case to keep its
    pseudonym. The key never leaves the jurisdiction and is never written into a submission.
    """
    from npcs_review.share.pseudonyms import generate_key  # noqa: PLC0415

    with library_errors():
        fingerprint = generate_key(path)
    typer.echo(f"wrote a new pseudonym key to {path} (fingerprint {fingerprint}, mode 0600)")


@app.command("check")
def check(
    folder: Annotated[
        Path, typer.Argument(help="A submission folder.", exists=True, show_default=False)
    ],
    overlay: Annotated[list[Path] | None, _OVERLAY] = None,
    fmt: Annotated[str, format_option(CHECK_FORMATS)] = (CHECK_FORMATS.default),
    output: Annotated[Path | None, output_option()] = None,
) -> None:
    """Verify a submission as the partnership does on receipt (exit code 1 if it fails).

    Checksums against the manifest, no extra file, the submission id, table schemas against the
    core data set, values against their constraints, provenance, and the agreement's limits.
    """
    from npcs_review.share.check import check_submission  # noqa: PLC0415

    result = check_submission(folder, overlay or [])
    emit(CHECK_FORMATS.render(result, fmt), output, inputs=[folder])
    if not result.ok:
        raise typer.Exit(FAILED)
