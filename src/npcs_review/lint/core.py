"""The lint engine: coded rules over a case and its review, with select/ignore and presets."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from typing import Any

import attrs

from npcs_review.errors import DefinitionNotFoundError, Severity
from npcs_review.models import NODE_FIELDS, Case

__all__ = [
    "RULES",
    "Finding",
    "Hit",
    "LintContext",
    "LintReport",
    "Rule",
    "plan",
    "rule",
    "run_rules",
]

_ORDER = {"error": 0, "warning": 1, "info": 2}


@attrs.frozen
class Finding:
    """One lint finding: which rule, how severe, where, what, and how to fix it."""

    __data__ = (
        "code",
        "slug",
        "severity",
        "file",
        "pointer",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "suggestion",
    )

    code: str
    slug: str
    severity: Severity
    pointer: str
    message: str
    suggestion: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    span: tuple[int, int] | None = None
    """The flagged phrase's character positions in the text at ``pointer``, when a rule says."""
    end_line: int | None = None
    end_column: int | None = None
    """Just after the flagged phrase (with ``line`` and ``column`` at its start)."""
    snippet: str | None = None
    """The flagged phrase as the file writes it."""


Hit = tuple[str, str, str | None] | tuple[str, str, str | None, tuple[int, int]]
"""What a check yields: (pointer, message, suggestion[, span of the phrase in the text])."""
Check = Callable[["LintContext"], Iterable[Hit]]
"""A rule's check; a ``None`` suggestion means the rule's rewrite."""


@attrs.frozen
class Rule:
    """A lint rule: stable code and slug, default severity, what it checks, and its check.

    Attributes:
        code: the stable code (``NPR-L…``).
        slug: the stable name.
        severity: the default severity (a preset may change it).
        summary: one line, for tools (SARIF).
        source: where the rule comes from (method, standard, data file).
        rewrite: what a finding suggests unless the check gives a more specific suggestion.
        check: the check; its docstring says what the rule checks (``docs/lint.md``).
    """

    code: str
    slug: str
    severity: Severity
    summary: str
    source: str
    rewrite: str
    check: Check

    @property
    def description(self) -> str:
        """What the rule checks: its check's docstring, as one paragraph."""
        import inspect  # noqa: PLC0415

        return " ".join((inspect.getdoc(self.check) or self.summary).split())


#: Every rule, by code, in registration order.
RULES: dict[str, Rule] = {}


def rule(
    code: str, slug: str, severity: Severity, summary: str, *, source: str, rewrite: str
) -> Callable[[Check], Check]:
    """Register a rule (its code and slug must be new); see :class:`Rule`."""

    def register(check: Check) -> Check:
        if code in RULES or any(r.slug == slug for r in RULES.values()):
            msg = f"lint rule {code} / {slug} registered twice"
            raise ValueError(msg)
        RULES[code] = Rule(code, slug, severity, summary, source, rewrite, check)
        return check

    return register


class LintContext:
    """What the rules read: the case and, computed once when a rule asks, its graph.

    Also the analyses of the graph and the case's classification.
    """

    def __init__(self, case: Case) -> None:
        self.case = case

    @cached_property
    def graph(self) -> Any:  # networkx is untyped
        """The review graph (networkx), or None without a review."""
        if self.case.review is None:
            return None
        from npcs_review.graph.bridge import to_networkx  # noqa: PLC0415

        return to_networkx(self.case)

    @cached_property
    def node_pointers(self) -> dict[str, str]:
        """The pointer of every node of the review graph, by id (the first, if repeated)."""
        review = self.case.review
        if review is None:
            return {}
        pointers: dict[str, str] = {}
        for name in NODE_FIELDS.values():
            for i, item in enumerate(getattr(review, name)):
                pointers.setdefault(item.id, f"/review/{name}/{i}")
        return pointers

    @cached_property
    def analysis(self) -> Any:
        """All analyses of the review graph, or None (also above the graph size limit)."""
        if self.graph is None:
            return None
        from npcs_review.graph.analysis import analyze  # noqa: PLC0415
        from npcs_review.graph.limits import size_problem  # noqa: PLC0415

        if size_problem(self.graph) is not None:
            return None  # the graph rules cannot run; `graph analyze` says why
        return analyze(self.graph)

    @cached_property
    def classification(self) -> Any:
        """The classification under the case's own profile, else the national set."""
        from npcs_review.engine.classify import classify  # noqa: PLC0415
        from npcs_review.engine.scope import default_scope  # noqa: PLC0415

        return classify(self.case, profile=default_scope(self.case)[-1])


@attrs.frozen
class LintReport:
    """Every finding for one case, sorted by place then code."""

    __data__ = ("counts", "rules_run", "findings")

    findings: tuple[Finding, ...]
    rules_run: tuple[str, ...]
    levels: Mapping[str, Severity] = attrs.field(factory=dict, eq=False)
    """The severity each rule ran at (a preset's), by code."""

    @property
    def counts(self) -> dict[str, int]:
        """Findings per severity."""
        return {s: sum(f.severity == s for f in self.findings) for s in _ORDER}

    @property
    def failed(self) -> bool:
        """Whether any finding is an error."""
        return any(f.severity == "error" for f in self.findings)


def _codes(tokens: Iterable[str]) -> set[str]:
    """The codes of the rules named by code or slug.

    Raises:
        DefinitionNotFoundError: for a token that names no rule.
    """
    wanted: set[str] = set()
    for token in tokens:
        found = [r.code for r in RULES.values() if token in (r.code, r.slug)]
        if not found:
            known = [name for r in RULES.values() for name in (r.code, r.slug)]
            raise DefinitionNotFoundError("lint rule", token, known)
        wanted.update(found)
    return wanted


def plan(
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    levels: Mapping[str, str] | None = None,
) -> dict[str, Severity]:
    """The rules that will run, in registration order, each with its severity.

    A rule runs unless it is ignored, left out of ``select``, or set ``off`` in ``levels``
    (severities by code or slug, e.g. from a preset).

    Raises:
        DefinitionNotFoundError: for a selected or ignored name that is no rule.
    """
    chosen = None if select is None else _codes(select)
    ignored = _codes(ignore)
    levels = levels or {}
    out: dict[str, Severity] = {}
    for r in RULES.values():
        level = levels.get(r.code) or levels.get(r.slug) or r.severity
        if level != "off" and r.code not in ignored and (chosen is None or r.code in chosen):
            out[r.code] = level  # type: ignore[assignment]
    return out


def run_rules(case: Case, rules: Mapping[str, Severity]) -> Iterator[Finding]:
    """Run ``rules`` (code → severity, from :func:`plan`) on ``case``; yield unsorted findings."""
    context = LintContext(case)
    for code, level in rules.items():
        r = RULES[code]
        for pointer, message, suggestion, *span in r.check(context):
            yield Finding(
                r.code,
                r.slug,
                level,
                pointer,
                message,
                suggestion or r.rewrite,
                span=span[0] if span else None,
            )


def sort_key(f: Finding) -> tuple[Any, ...]:
    """Findings in document order, then by code."""
    return (f.line or 0, f.pointer, f.code, _ORDER[f.severity], f.message)
