"""Validate many case files at once: every problem of every case, and the counts."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

import attrs

from npcs_review.errors import Problem

__all__ = ["CaseCheck", "ValidationReport", "validate_paths"]


@attrs.frozen
class CaseCheck:
    """One case (a file, or one JSON Lines record): where it came from and its problems."""

    source: str
    ok: bool
    problems: tuple[Problem, ...]


@attrs.frozen
class ValidationReport:
    """Every case checked, in file order, and how many files were read."""

    files: int
    cases: tuple[CaseCheck, ...]

    @property
    def valid(self) -> int:
        """Cases without errors (warnings allowed)."""
        return sum(c.ok for c in self.cases)

    def count(self, severity: str) -> int:
        """Problems of one severity (``error`` or ``warning``) over every case."""
        return sum(p.severity == severity for c in self.cases for p in c.problems)

    @property
    def summary(self) -> dict[str, int]:
        """The counts: files, cases, valid, invalid, errors, warnings."""
        cases = len(self.cases)
        return {
            "files": self.files,
            "cases": cases,
            "valid": self.valid,
            "invalid": cases - self.valid,
            "errors": self.count("error"),
            "warnings": self.count("warning"),
        }


def validate_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ValidationReport:
    """Check every case file under ``paths`` (files, or folders searched for case files).

    Args:
        paths: case files (.json, .yaml, .yml, .jsonl) or folders.
        progress: called with (files done, files in all) after each file.
    """
    from npcs_review.io import iter_case_files, iter_load  # noqa: PLC0415

    files = list(iter_case_files(paths))
    checks: list[CaseCheck] = []
    for done, file in enumerate(files, start=1):
        checks += [CaseCheck(r.source, r.ok, tuple(r.problems)) for r in iter_load(file)]
        if progress is not None:
            progress(done, len(files))
    return ValidationReport(len(files), tuple(checks))
