"""Shared output helpers and the boundary where library errors become messages."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import typer

from npcs_review.errors import NpcsReviewError, Problem
from npcs_review.render.formats import FormatTable

__all__ = [
    "FAILED",
    "OK",
    "USAGE",
    "OutputFormat",
    "emit",
    "fail",
    "format_option",
    "library_errors",
    "output_option",
    "problem_line",
]

OK, FAILED, USAGE = 0, 1, 2
T = TypeVar("T")


class OutputFormat(StrEnum):
    """How a command prints its result."""

    text = "text"
    json = "json"


def format_option(table: FormatTable[Any], help: str) -> Any:
    """The ``--format``/``-f`` option, its choices taken from ``table`` (first is the default).

    Use as ``fmt: Annotated[str, format_option(TABLE, "...")] = TABLE.default``.
    """

    def parse(value: str) -> str:
        if value not in table:
            names = ", ".join(table.names())
            raise typer.BadParameter(f"choose one of {names}, not {value!r}")
        return value

    return typer.Option(
        "--format", "-f", parser=parse, metavar=f"<{'|'.join(table.names())}>", help=help
    )


def output_option(help: str = "Write to this file instead of standard output.") -> Any:
    """The ``--output``/``-o`` option: where to write the result (default: standard output)."""
    return typer.Option("--output", "-o", help=help, show_default=False)


def emit(
    text: str, output: Path | None, *, inputs: Sequence[Path] = (), done: str | None = None
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


def problem_line(problem: Problem) -> str:
    """Render one problem on one line: place, severity, message, code."""
    return f"{problem.location()}: {problem.severity}: {problem.message} [{problem.code}]"


def fail(message: str, code: int = FAILED) -> NoReturn:
    """Print ``message`` to standard error and exit with ``code``."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


@contextmanager
def library_errors() -> Iterator[None]:
    """Turn library errors into plain messages and exit code 1 (never a traceback)."""
    try:
        yield
    except NpcsReviewError as exc:
        problems: list[Problem] = getattr(exc, "problems", [])
        for p in problems:
            typer.echo(problem_line(p), err=True)
        fail(str(exc) if not problems else f"{len(problems)} problem(s) found")
    except OSError as exc:
        fail(f"cannot read or write {exc.filename or ''}: {exc.strerror or exc}")


def progress(total: int) -> Callable[[int], None]:
    """Return a callback that shows ``done/total`` on a terminal, and does nothing when piped."""
    if total < 20 or not sys.stderr.isatty():
        return lambda done: None

    def show(done: int) -> None:
        if done == total or done % 25 == 0:
            end = "\n" if done == total else ""
            sys.stderr.write(f"\rchecked {done:,}/{total:,} files{end}")
            sys.stderr.flush()

    return show
