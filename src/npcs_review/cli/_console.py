"""Shared output helpers and the boundary where library errors become messages."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

from npcs_review.render.formats import FormatTable
from npcs_review.render.validation import problem_line

if TYPE_CHECKING:
    from npcs_review.errors import Problem

__all__ = [
    "FAILED",
    "OK",
    "USAGE",
    "emit",
    "fail",
    "format_option",
    "library_errors",
    "output_option",
    "problem_line",
    "progress",
]

OK, FAILED, USAGE = 0, 1, 2
T = TypeVar("T")


def format_option(table: FormatTable[Any], help: str = "The output format.") -> Any:
    """The ``--format``/``-f`` option, its choices taken from ``table`` (first is the default).

    Use as ``fmt: Annotated[str, format_option(TABLE)] = TABLE.default``; the choices shown in
    the help come from the table, so a new format needs no change here.
    """

    def parse(value: str) -> str:
        if value not in table:
            names = ", ".join(table.names())
            raise typer.BadParameter(f"choose one of {names}, not {value!r}")
        return value

    return typer.Option(
        "--format", "-f", parser=parse, metavar=f"<{'|'.join(table.names())}>", help=help
    )


#: What ``--audience`` says about each audience (the choices of every command that has it).
AUDIENCE_HELP = (
    "internal (the default: the agency's own text, not for sharing), partnership (no direct "
    "identifiers; dates relative to the incident) or public (the federal disclosure minimum "
    "and what the jurisdiction publishes)."
)


def audience_option() -> Any:
    """The ``--audience`` option of every command whose output may be shared."""

    def parse(value: str) -> str:
        from npcs_review.audience import AUDIENCES  # noqa: PLC0415

        if value not in AUDIENCES:
            raise typer.BadParameter(f"choose one of {', '.join(AUDIENCES)}, not {value!r}")
        return value

    return typer.Option(
        "--audience", parser=parse, metavar="<internal|partnership|public>", help=AUDIENCE_HELP
    )


def output_option(help: str = "Write to this file instead of standard output.") -> Any:
    """The ``--output``/``-o`` option: where to write the result (default: standard output)."""
    return typer.Option("--output", "-o", help=help, show_default=False)


def emit(
    text: str | bytes, output: Path | None, *, inputs: Sequence[Path] = (), done: str | None = None
) -> None:
    """Print ``text`` to standard output, or write it atomically to ``output``.

    The one place the commands write their results. ``output`` may not be one of the command's
    ``inputs`` (usage error, exit 2); a missing folder is created; write errors become a plain
    message and exit code 1. After writing, say so (``done`` replaces ``wrote PATH``).
    """
    if output is None:
        typer.echo(text, nl=False)
        return
    from npcs_review.io import write_text_atomic  # noqa: PLC0415

    if any(output.resolve() == Path(i).resolve() for i in inputs):
        fail(f"{output} is an input of this command; write the result to another file", USAGE)
    with library_errors():
        output.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(output, text)
    typer.echo(done or f"wrote {output}")


def fail(message: str, code: int = FAILED) -> NoReturn:
    """Print ``message`` to standard error and exit with ``code``."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


@contextmanager
def library_errors() -> Iterator[None]:
    """Turn library errors into plain messages and exit code 1 (never a traceback)."""
    from npcs_review.errors import NpcsReviewError  # noqa: PLC0415 - not needed for --help

    try:
        yield
    except NpcsReviewError as exc:
        problems: list[Problem] = getattr(exc, "problems", [])
        for p in problems:
            typer.echo(problem_line(p), err=True)
        fail(str(exc) if not problems else f"{len(problems)} problem(s) found")
    except OSError as exc:
        fail(f"cannot read or write {exc.filename or ''}: {exc.strerror or exc}")


def progress(done: int, total: int) -> None:
    """Show ``done/total`` files on a terminal (for 20 files or more); nothing when piped."""
    if total < 20 or not sys.stderr.isatty():
        return
    if done == total or done % 25 == 0:
        end = "\n" if done == total else ""
        sys.stderr.write(f"\rchecked {done:,}/{total:,} files{end}")
        sys.stderr.flush()
