"""Lint data from ``definitions/lint``: phrase lists, identifier patterns, presets.

The identifier patterns are read by :mod:`npcs_review.identifiers`, the one detector.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from npcs_review._resources import definitions_root
from npcs_review.errors import DefinitionError, Problem

__all__ = [
    "IdentifierFile",
    "PhraseFile",
    "PresetFile",
    "phrases",
    "presets",
    "read_lint_file",
]

Level = Literal["error", "warning", "info", "off"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class LintSource(_Strict):
    """A document a phrase or pattern comes from."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """Local id the entries refer to."""
    document: str
    """Title of the document."""
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    """Where to read it."""


class Phrase(_Strict):
    """A word or phrase to flag in team-written text, with a neutral rewrite."""

    phrase: str = Field(min_length=2)
    """The words, matched case-insensitively on word boundaries."""
    category: Literal["counterfactual", "hindsight", "judgmental", "negative_descriptor"]
    """Why it is flagged."""
    source: str
    """Id of the source."""
    suggestion: str
    """A neutral, mechanism-based way to say it instead."""


class _LintFile(_Strict):
    """What every lint data file has: its id, version, name, purpose."""

    id: str
    """The file's id (equals the file name)."""
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    """Version."""
    title: str
    """Short name."""
    description: str
    """What it is for."""


class PhraseFile(_LintFile):
    """``definitions/lint/phrases.yaml``."""

    kind: Literal["lint_phrases"]
    """The kind of definition file."""
    sources: list[LintSource] = Field(min_length=1)
    """Documents cited."""
    phrases: list[Phrase] = Field(min_length=1)
    """The phrases."""


class IdentifierPattern(_Strict):
    """A regular expression for one kind of direct identifier."""

    kind: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
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
    sources: list[LintSource] = Field(min_length=1)
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


def read_lint_file(path: str, kind: type[BaseModel]) -> BaseModel:
    """Read and check ``definitions/lint/<path>`` as ``kind``.

    Raises:
        DefinitionError: if the file does not fit ``kind``.
    """
    from pydantic import ValidationError  # noqa: PLC0415

    from npcs_review._yaml import load_trusted_yaml  # noqa: PLC0415

    file = f"definitions/lint/{path}"
    data = load_trusted_yaml(definitions_root().joinpath("lint", *path.split("/")).read_bytes())
    try:
        return kind.model_validate(data)
    except ValidationError as exc:
        raise DefinitionError(
            [
                Problem("NPR-D002", str(e["msg"]), "/" + "/".join(map(str, e["loc"])), file)
                for e in exc.errors()
            ]
        ) from None


@cache
def phrases() -> tuple[tuple[Phrase, re.Pattern[str]], ...]:
    """The phrase list, each with its compiled pattern."""
    model = read_lint_file("phrases.yaml", PhraseFile)
    assert isinstance(model, PhraseFile)
    return tuple(
        (p, re.compile(r"\b" + re.escape(p.phrase).replace(r"\ ", r"\s+") + r"\b", re.IGNORECASE))
        for p in model.phrases
    )


@cache
def presets() -> Mapping[str, PresetFile]:
    """Every preset by id."""
    folder = definitions_root().joinpath("lint", "presets")
    out: dict[str, PresetFile] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            model = read_lint_file(f"presets/{entry.name}", PresetFile)
            assert isinstance(model, PresetFile)
            out[model.id] = model
    return out
