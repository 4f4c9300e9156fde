"""Review lint: coded rules that check a review for blame language, traceability and more.

``lint(case)`` runs every rule (or those selected) and returns a :class:`LintReport`;
``npcs_review.render.lint.LINT_FORMATS`` renders it as text, JSON or SARIF. Rules, codes and
presets: ``docs/lint.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from npcs_review._positions import nearest
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
) -> LintReport:
    """Lint one case.

    Args:
        case: the case (with its review, if any).
        select: run only these rules (codes or slugs).
        ignore: skip these rules (codes or slugs).
        preset: a preset from ``definitions/lint/presets`` (severities per rule).
        file: the case's file, for locations.
        positions: pointer → (line, column) in that file, to place findings.

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
    for f in run_rules(case, rules):
        line, column = nearest(positions or {}, f.pointer)
        found.append(attrs.evolve(f, file=file, line=line, column=column))
    return LintReport(tuple(sorted(found, key=sort_key)), tuple(rules))
