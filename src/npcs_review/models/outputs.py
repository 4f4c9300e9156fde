"""Documents this library writes: the schema of classification output.

These models describe (and test) what ``npcs_review.render.data.to_data(classification)``
produces, so that other tools can validate the JSON that ``npcs-review classify --format json``
prints.
"""

from __future__ import annotations

from pydantic import Field, JsonValue

from npcs_review._definition_file import Citation
from npcs_review.errors import Severity
from npcs_review.models._base import Model
from npcs_review.models._types import Outcome

__all__ = [
    "ClassificationOutput",
    "DecisionOut",
    "IndicatorOut",
    "LintFindingOut",
    "LintOutput",
    "TraceStepOut",
    "TriggerOut",
]


class TraceStepOut(Model):
    """One criterion as evaluated."""

    criterion: str
    """The criterion's id (or its kind when it has none)."""
    text: str
    """The criterion in plain words."""
    pointer: str | None
    """JSON pointer of the fact examined, if any."""
    observed: JsonValue
    """The value found there (null when absent)."""
    result: Outcome
    """The criterion's outcome."""
    depth: int = Field(ge=0)
    """Nesting level, for display."""


class DecisionOut(Model):
    """Whether the case meets one definition, and why."""

    term: str
    """The concept decided (code list ``definition_term``)."""
    definition_id: str
    """The definition applied."""
    definition_version: str
    """Its version."""
    title: str
    """The definition's title."""
    profile_id: str | None
    """The jurisdiction profile that chose the definition, if any."""
    effective_on: str | None
    """The date used to choose the definitions in force (null: incident date unknown)."""
    outcome: Outcome
    """meets, does_not_meet or indeterminate."""
    reason: str
    """One line a reader can act on."""
    missing_facts: list[str]
    """Pointers whose values would settle an indeterminate outcome."""
    parameters: dict[str, JsonValue]
    """Parameter values used."""
    citations: list[Citation]
    """Sources."""
    trace: list[TraceStepOut]
    """Every criterion as evaluated."""


class TriggerOut(Model):
    """Whether one review trigger applies."""

    id: str
    """The trigger's id in the profile."""
    text: str
    """The rule in plain words."""
    review: str
    """Who reviews and by when."""
    effective_from: str | None
    """The first day the rule applied (the incident date decides whether it is in force)."""
    outcome: Outcome
    """meets, does_not_meet or indeterminate."""
    missing_facts: list[str]
    """Pointers whose values would settle it."""
    citations: list[Citation]
    """Sources."""
    trace: list[TraceStepOut]
    """Every criterion as evaluated."""


class IndicatorOut(Model):
    """A derived indicator computed for the case."""

    id: str
    """The indicator's id."""
    title: str
    """Its title."""
    value: JsonValue
    """true/false/null, or [definite, possible] for a count."""
    parameters: dict[str, JsonValue]
    """Parameter values used (e.g. the look-back window)."""
    missing_facts: list[str]
    """Pointers whose values would settle it."""
    trace: list[TraceStepOut]
    """How it was computed."""


class ClassificationOutput(Model):
    """The classification of one case under one profile or the national set."""

    profile_id: str | None
    """The jurisdiction profile, or null for the national set."""
    profile_version: str | None
    """Its version."""
    definitions_version: str
    """Version of the definitions set used."""
    effective_on: str | None
    """The date whose definitions were applied."""
    parameters: dict[str, JsonValue]
    """The parameters the user set (each decision lists every value it used)."""
    review_required: Outcome | None
    """Whether any review trigger applies (null when the profile has none)."""
    decisions: list[DecisionOut]
    """One decision per definition."""
    review_triggers: list[TriggerOut]
    """The profile's review triggers."""
    indicators: list[IndicatorOut]
    """Derived indicators the decisions used."""


class LintFindingOut(Model):
    """One lint finding."""

    code: str = Field(pattern=r"^NPR-L\d{3}$")
    """The rule's stable code."""
    slug: str
    """The rule's stable name."""
    severity: Severity
    """How serious it is."""
    file: str | None
    """The case file, when known."""
    pointer: str
    """JSON pointer of the field ("" for the whole case)."""
    line: int | None
    """1-based line in the file, when known."""
    column: int | None
    """1-based column, when known (of the flagged phrase, when the rule names one)."""
    end_line: int | None = None
    """The line where the flagged phrase ends, when the rule names one."""
    end_column: int | None = None
    """The column just after the flagged phrase, when the rule names one."""
    message: str
    """What is wrong."""
    suggestion: str | None
    """How to fix it."""


class LintOutput(Model):
    """What `npcs-review lint --format json` prints."""

    counts: dict[Severity, int]
    """Findings per severity."""
    rules_run: list[str]
    """Codes of the rules that ran."""
    findings: list[LintFindingOut]
    """The findings, in document order."""
