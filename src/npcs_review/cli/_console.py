"""Shared output helpers and the boundary where library errors become messages."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import NoReturn, TypeVar

import typer

from npcs_review.errors import NpcsReviewError, Problem

__all__ = ["FAILED", "OK", "USAGE", "OutputFormat", "fail", "library_errors", "problem_line"]

OK, FAILED, USAGE = 0, 1, 2
T = TypeVar("T")


class OutputFormat(StrEnum):
    """How a command prints its result."""

    text = "text"
    json = "json"


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
