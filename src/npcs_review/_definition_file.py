"""What every file under ``definitions/`` shares: one strict base model, one citation, one reader.

Code lists, incident definitions, indicators, profiles, crosswalks and lint data are all read by
:func:`read_definition_file` into models derived from :class:`DefinitionModel`, so a problem in
any of them is reported the same way: file, JSON pointer, line and column, and a ``NPR-D…``
code.
"""

from __future__ import annotations

from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from npcs_review._pointer import from_loc
from npcs_review._positions import nearest
from npcs_review._yaml import load_trusted_yaml
from npcs_review.errors import Problem

__all__ = [
    "ID_PATTERN",
    "TAG_PREFIX",
    "VERSION_PATTERN",
    "Citation",
    "DefinitionModel",
    "Source",
    "Verified",
    "read_definition_file",
]

#: Ids of definitions, code values, parameters and criteria.
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
#: Versions of definition files.
VERSION_PATTERN = r"^\d+\.\d+\.\d+$"
#: Prefix of the tags of tagged unions (criterion kinds): they appear in pydantic's error
#: locations but are not part of the document, so the reader leaves them out of pointers.
TAG_PREFIX = "kind="

Verified = Literal["primary", "mirror", "secondary"]

M = TypeVar("M", bound=BaseModel)


class DefinitionModel(BaseModel):
    """The base of every definition-file model: frozen, no unknown fields, documented fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Citation(DefinitionModel):
    """Where something comes from: a statute, a policy, a standard, a code book."""

    document: str = Field(min_length=1)
    """Title of the document (e.g. "Child Abuse Prevention and Treatment Act, 42 U.S.C. 5106a")."""
    section: str | None = None
    """Section, paragraph, field or table."""
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    """Where to read it."""
    verified: Verified = "primary"
    """How the wording was checked: in the official text, in a verbatim mirror, or only in a
    secondary summary (then treat the encoding as provisional)."""


class Source(Citation):
    """A citation with a local id, for files whose entries refer to their sources by id."""

    id: str = Field(pattern=ID_PATTERN)
    """Local id that entries refer to."""


def _is_tag(part: str) -> bool:
    return part.startswith(TAG_PREFIX)


def read_definition_file(
    data: bytes, file: str, kind: type[M], problems: list[Problem], *, trusted: bool = False
) -> M | None:
    """Read one definitions file into ``kind``; add every problem found to ``problems``.

    Packaged files (``trusted``) are parsed fast and re-read strictly only to explain a problem;
    other files (a jurisdiction's overlay) are always read with the strict reader that case files
    use (no aliases, tags or duplicate keys).

    Returns:
        The model, or None when the file has problems.
    """
    from npcs_review.io import read_yaml  # noqa: PLC0415 - io imports the models, which import us

    if trusted:
        try:
            return kind.model_validate(load_trusted_yaml(data))
        except (ValidationError, yaml.YAMLError):
            pass
    parsed, positions, parse_problems = read_yaml(data, file=file)
    if parse_problems:
        problems += [
            Problem("NPR-D001", p.message, p.pointer, file, p.line, p.column)
            for p in parse_problems
        ]
        return None
    try:
        return kind.model_validate(parsed)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            pointer = from_loc(err["loc"], parsed, tag=_is_tag)
            line, column = nearest(positions, pointer)
            problems.append(Problem("NPR-D002", str(err["msg"]), pointer, file, line, column))
        return None
