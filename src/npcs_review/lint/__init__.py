"""Review lint: coded rules that check a review for blame language, traceability and more.

``lint(case)`` runs every rule (or those selected) and returns a :class:`LintReport`;
``npcs_review.render.lint.LINT_FORMATS`` renders it as text, JSON or SARIF. Rules, codes and
presets: ``docs/lint.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from npcs_review._positions import nearest, span_region
from npcs_review.errors import DefinitionNotFoundError
from npcs_review.lint import rules as _rules  # noqa: F401 - registers the rules
from npcs_review.lint.config import presets
from npcs_review.lint.core import RULES, Finding, LintReport, Rule, plan, run_rules, sort_key
from npcs_review.models import Case

__all__ = ["RULES", "Finding", "LintReport", "Rule", "lint"]


def lint(
    case: Case,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    preset: str = "default",
    file: str | None = None,
    positions: Mapping[str, tuple[int, int]] | None = None,
    text: str | None = None,
) -> LintReport:
    """Lint one case.

    Args:
        case: the case (with its review, if any).
        select: run only these rules (codes or slugs).
        ignore: skip these rules (codes or slugs).
        preset: a preset from ``definitions/lint/presets`` (severities per rule).
        file: the case's file, for locations.
        positions: pointer → (line, column) in that file, to place findings.
        text: the file's text, to place a flagged phrase exactly (line and column of its
            start and end, inside YAML block scalars and JSON strings alike).

    Returns:
        The findings, sorted, and exactly the rules that ran (``rules_run``).

    Raises:
        DefinitionNotFoundError: for an unknown rule or preset (a ``KeyError``).
    """
    known = presets()
    if preset not in known:
        raise DefinitionNotFoundError("lint preset", preset, known)
    rules = plan(select, ignore, known[preset].rules)
    found = []
    values = dict(_strings(case)) if text is not None else {}
    for f in run_rules(case, rules):
        line, column = nearest(positions or {}, f.pointer)
        region = None
        value = values.get(f.pointer)
        if text is not None and f.span and positions and f.pointer in positions and value:
            region = span_region(text, positions[f.pointer], value, f.span)
        placed = attrs.evolve(f, file=file, line=line, column=column)
        if region is not None:  # the flagged phrase itself
            line, column, end_line, end_column, snippet = region
            placed = attrs.evolve(placed, line=line, column=column, end_line=end_line)
            placed = attrs.evolve(placed, end_column=end_column, snippet=snippet)
        found.append(placed)
    return LintReport(tuple(sorted(found, key=sort_key)), tuple(rules), dict(rules))


def _strings(case: Case) -> Iterable[tuple[str, str]]:
    """Every string of the case by pointer (the texts a rule's span counts in)."""
    from npcs_review.models._text import iter_text  # noqa: PLC0415

    return ((item.pointer, item.value) for item in iter_text(case))
