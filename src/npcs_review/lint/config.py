"""Lint data from ``definitions/lint``: phrase lists, identifier patterns, presets.

The identifier patterns are read by :mod:`npcs_review.identifiers`, the one detector.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Literal, TypeVar

from pydantic import Field

from npcs_review._definition_file import (
    ID_PATTERN,
    VERSION_PATTERN,
    DefinitionModel,
    Source,
    read_definition_file,
)
from npcs_review._resources import definitions_root
from npcs_review.errors import DefinitionError, Problem, Severity

__all__ = [
    "IdentifierFile",
    "PhraseFile",
    "PresetFile",
    "attribution_cues",
    "phrases",
    "presets",
    "read_lint_file",
]

Level = Severity | Literal["off"]
M = TypeVar("M", bound=DefinitionModel)


class Phrase(DefinitionModel):
    """A word or phrase to flag in team-written text, with a neutral rewrite."""

    phrase: str = Field(min_length=2)
    """The words, matched case-insensitively on word boundaries."""
    category: Literal["counterfactual", "hindsight", "judgmental", "negative_descriptor"]
    """Why it is flagged."""
    source: str
    """Id of the source."""
    suggestion: str
    """A neutral, mechanism-based way to say it instead."""
    not_before: list[str] = Field(default_factory=list)
    """Words that, right after the phrase or two words later, make it a plain fact rather than
    a judgment ("missed three appointments", "inadequate supervision" as an allegation's
    name)."""


class Attribution(DefinitionModel):
    """A cue that a sentence reports another body's words, not the team's."""

    cue: str = Field(min_length=2)
    """A regular expression (case-insensitive, on whole words); ``{body}`` stands for the
    reporting body's name."""
    source: str
    """Id of the source."""


class _LintFile(DefinitionModel):
    """What every lint data file has: its id, version, name, purpose."""

    id: str
    """The file's id (equals the file name)."""
    version: str = Field(pattern=VERSION_PATTERN)
    """Version."""
    title: str
    """Short name."""
    description: str
    """What it is for."""


class PhraseFile(_LintFile):
    """``definitions/lint/phrases.yaml``."""

    kind: Literal["lint_phrases"]
    """The kind of definition file."""
    sources: list[Source] = Field(min_length=1)
    """Documents cited."""
    phrases: list[Phrase] = Field(min_length=1)
    """The phrases."""
    attributions: list[Attribution] = Field(default_factory=list)
    """Cues that a sentence reports another body's words (its phrases are not flagged)."""


class IdentifierPattern(DefinitionModel):
    """A regular expression for one kind of direct identifier."""

    kind: str = Field(pattern=ID_PATTERN)
    """The kind of identifier (reported instead of the matched text)."""
    pattern: str
    """The regular expression."""
    source: str
    """Id of the source."""
    case_sensitive: bool = False
    """Match case-sensitively (for patterns that rely on capital letters)."""
    tokens: bool = False
    """Also match ids read as capitalised words (``marcus_lee`` as ``Marcus Lee``)."""


class IdentifierFile(_LintFile):
    """``definitions/lint/identifiers.yaml``."""

    kind: Literal["lint_identifiers"]
    """The kind of definition file."""
    sources: list[Source] = Field(min_length=1)
    """Documents cited."""
    patterns: list[IdentifierPattern] = Field(min_length=1)
    """The patterns; ``{given_names}`` and ``{initials_exceptions}`` expand to the lists."""
    initials_exceptions: list[str] = Field(default_factory=list)
    """Capitalised abbreviations written like initials that are not a person's (``U.S.``)."""
    given_names: list[str] = Field(default_factory=list)
    """Common given names, matched case-sensitively as whole words."""


class PresetFile(_LintFile):
    """A lint preset under ``definitions/lint/presets/``: severities by rule code or slug."""

    kind: Literal["lint_preset"]
    """The kind of definition file."""
    rules: dict[str, Level] = Field(default_factory=dict)
    """Severity per rule (code or slug); ``off`` turns a rule off."""


def read_lint_file(path: str, kind: type[M]) -> M:
    """Read and check ``definitions/lint/<path>`` as ``kind``.

    Raises:
        DefinitionError: if the file does not fit ``kind``.
    """
    file = f"definitions/lint/{path}"
    data = definitions_root().joinpath("lint", *path.split("/")).read_bytes()
    problems: list[Problem] = []
    model = read_definition_file(data, file, kind, problems, trusted=True)
    if model is None:
        raise DefinitionError(problems)
    return model


@cache
def phrases() -> tuple[tuple[Phrase, re.Pattern[str]], ...]:
    """The phrase list, each with its compiled pattern."""
    model = read_lint_file("phrases.yaml", PhraseFile)
    out = []
    for p in model.phrases:
        words = re.escape(p.phrase).replace(r"\ ", r"\s+")
        unless = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in p.not_before)
        tail = rf"(?!\s+(?:[\w-]+\s+){{0,2}}(?:{unless})\b)" if unless else ""
        out.append((p, re.compile(rf"\b{words}\b{tail}", re.IGNORECASE)))
    return tuple(out)


# the reporting body: a name ("the Office of the Child Advocate", "OCA") or "the …" phrase, but
# never the review team itself
_BODY = (
    r"(?!(?:the\s+)?(?:review\s+)?team\b|we\b)"
    r"(?:[A-Z][\w'.-]*(?:\s+(?:of\s+the\s+|of\s+)?[A-Z][\w'.-]*)*|the\s+[\w' -]{2,40}?)"
)


@cache
def attribution_cues() -> re.Pattern[str]:
    """One pattern that finds any attribution cue of the phrase file."""
    model = read_lint_file("phrases.yaml", PhraseFile)
    assert isinstance(model, PhraseFile)
    parts = [a.cue.replace("{body}", _BODY) for a in model.attributions] or [r"(?!)"]
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in parts) + r")\b", re.IGNORECASE)


@cache
def presets() -> Mapping[str, PresetFile]:
    """Every preset by id.

    Raises:
        DefinitionError: if a preset names a rule (code or slug) that does not exist
            (``NPR-D004``, every such key reported at once).
    """
    from npcs_review._pointer import escape  # noqa: PLC0415
    from npcs_review.lint.core import RULES  # noqa: PLC0415

    rule_names = {name for r in RULES.values() for name in (r.code, r.slug)}
    folder = definitions_root().joinpath("lint", "presets")
    out: dict[str, PresetFile] = {}
    problems: list[Problem] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            model = read_lint_file(f"presets/{entry.name}", PresetFile)
            problems += [
                Problem(
                    "NPR-D004",
                    f"preset {model.id!r} names {key!r}, which is no lint rule; use a rule's "
                    "code or slug (docs/lint.md)",
                    f"/rules/{escape(key)}",
                    f"definitions/lint/presets/{entry.name}",
                )
                for key in model.rules
                if key not in rule_names
            ]
            out[model.id] = model
    if problems:
        raise DefinitionError(problems)
    return out
