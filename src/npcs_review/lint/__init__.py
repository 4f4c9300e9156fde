"""Review lint: coded rules that check a review for blame language, traceability and more.

``lint(case)`` runs every rule (or those selected) and returns a :class:`LintReport`;
formatters render it as text, JSON or SARIF. Rules, codes and presets: ``docs/lint.md``.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from npcs_review.errors import DefinitionNotFoundError
from npcs_review.lint import rules as _rules  # noqa: F401 - registers the rules
from npcs_review.lint.config import presets
from npcs_review.lint.core import RULES, Finding, LintReport, Rule, run_rules, sort_key
from npcs_review.lint.formatters import to_json, to_sarif, to_text
from npcs_review.models import Case

__all__ = ["RULES", "Finding", "LintReport", "Rule", "lint", "to_json", "to_sarif", "to_text"]


def lint(
    case: Case,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    preset: str = "default",
    file: str | None = None,
    positions: dict[str, tuple[int, int]] | None = None,
) -> LintReport:
    """Lint one case.

    Args:
        case: the case (with its review, if any).
        select: run only these rules (codes or slugs).
        ignore: skip these rules (codes or slugs).
        preset: a preset from ``definitions/lint/presets`` (severities per rule).
        file: the case's file, for locations.
        positions: pointer → (line, column) in that file, to place findings.

    Raises:
        DefinitionNotFoundError: for an unknown rule or preset (a ``KeyError``).
    """
    known = presets()
    if preset not in known:
        raise DefinitionNotFoundError("lint preset", preset, known)
    levels = dict(known[preset].rules)
    found = []
    for f in run_rules(case, select=select, ignore=ignore, levels=levels):
        line = column = None
        if positions:
            probe = f.pointer
            while probe not in positions and probe:
                probe = probe.rsplit("/", 1)[0]
            line, column = positions.get(probe, (None, None))
        found.append(attrs.evolve(f, file=file, line=line, column=column))
    chosen = {r.code for r in RULES.values()}
    if select is not None:
        chosen = {f.code for f in found} | {
            r.code for r in RULES.values() if r.code in set(select) or r.slug in set(select)
        }
    ran = tuple(
        code
        for code in RULES
        if code in chosen
        and code
        not in {r.code for r in RULES.values() if r.code in set(ignore) or r.slug in set(ignore)}
    )
    return LintReport(tuple(sorted(found, key=sort_key)), ran)
