"""Code lists: the controlled vocabularies of the core data set, loaded from ``definitions/``.

Each list lives once, as data, in ``definitions/codelists/<id>.yaml`` with a label and a source
for every value; models refer to a list by id (see :func:`npcs_review.models.coded`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Literal

import attrs
from pydantic import Field

from npcs_review._definition_file import (
    ID_PATTERN,
    VERSION_PATTERN,
    DefinitionModel,
    Source,
    read_definition_file,
)
from npcs_review._resources import definitions_root
from npcs_review._yaml import load_trusted_yaml
from npcs_review.errors import DefinitionError, DefinitionNotFoundError, Problem

__all__ = ["CodeList", "CodeValue", "Source", "codelist", "codelists", "definitions_version"]


class CodeValueModel(DefinitionModel):
    """One value of a code list."""

    code: str = Field(pattern=ID_PATTERN, description="The value as written in case files.")
    label: str = Field(min_length=1, description="Plain-language label.")
    definition: str | None = Field(default=None, description="What the value means.")
    source: str = Field(pattern=ID_PATTERN, description="Id of the source that defines the value.")
    deprecated: str | None = Field(default=None, description="Why and since when; its successor.")
    attributes: dict[str, str | int | bool] = Field(
        default_factory=dict,
        description="Further properties of the value (e.g. the strength of an action type).",
    )


class CodeListFile(DefinitionModel):
    """A code list file under ``definitions/codelists/``."""

    id: str = Field(pattern=ID_PATTERN, description="Equals the file name without extension.")
    kind: Literal["codelist"] = Field(description="The kind of definition file.")
    version: str = Field(pattern=VERSION_PATTERN, description="Version of the list.")
    title: str = Field(min_length=1, description="Short name.")
    description: str = Field(min_length=1, description="What the list is for, in plain words.")
    status: Literal["proposed", "adopted", "reference"] = Field(
        description="proposed: the partnership's draft standard (v0.x); reference: copied "
        "from an external standard; adopted: approved by the partnership."
    )
    sources: list[Source] = Field(min_length=1, description="The documents cited.")
    values: list[CodeValueModel] = Field(min_length=1, description="The values, in order.")


@attrs.frozen
class CodeValue:
    """One value of a code list, with its label and source."""

    code: str
    label: str
    definition: str | None
    source: Source
    deprecated: str | None
    attributes: Mapping[str, str | int | bool] = attrs.field(factory=dict)


@attrs.frozen
class CodeList:
    """A controlled vocabulary: ordered values, each with a label and a source."""

    id: str
    version: str
    title: str
    description: str
    status: str
    values: tuple[CodeValue, ...]
    codes: frozenset[str] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "codes", frozenset(v.code for v in self.values))

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __iter__(self) -> Iterator[CodeValue]:
        return iter(self.values)

    def rank(self, code: str) -> int:
        """Return the position of ``code`` in the list (for ordered lists such as levels).

        Raises:
            ValueError: if the code is not in the list.
        """
        for i, value in enumerate(self.values):
            if value.code == code:
                return i
        msg = f"{code!r} is not in the {self.id!r} code list"
        raise ValueError(msg)

    def get(self, code: str) -> CodeValue | None:
        """Return the value for ``code``, or None."""
        return next((v for v in self.values if v.code == code), None)

    def label(self, code: str) -> str:
        """Return the label of ``code``, or the code itself when it is not in the list."""
        for value in self.values:
            if value.code == code:
                return value.label
        return code


def _build(model: CodeListFile, file: str) -> CodeList:
    sources = {s.id: s for s in model.sources}
    problems: list[Problem] = []
    seen: set[str] = set()
    values: list[CodeValue] = []
    for i, v in enumerate(model.values):
        if v.code in seen:
            problems.append(
                Problem("NPR-C203", f"code {v.code!r} is listed twice", f"/values/{i}/code", file)
            )
        seen.add(v.code)
        if v.source not in sources:
            problems.append(
                Problem(
                    "NPR-C202",
                    f"source {v.source!r} is not among the sources",
                    f"/values/{i}/source",
                    file,
                )
            )
            continue
        values.append(
            CodeValue(
                v.code, v.label, v.definition, sources[v.source], v.deprecated, dict(v.attributes)
            )
        )
    if problems:
        raise DefinitionError(problems)
    return CodeList(
        model.id, model.version, model.title, model.description, model.status, tuple(values)
    )


@cache
def codelists() -> Mapping[str, CodeList]:
    """Return every packaged code list by id (loaded once).

    Raises:
        DefinitionError: if a packaged file is malformed (a broken installation).
    """
    folder = definitions_root().joinpath("codelists")
    result: dict[str, CodeList] = {}
    problems: list[Problem] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        file = f"definitions/codelists/{entry.name}"
        model = read_definition_file(entry.read_bytes(), file, CodeListFile, problems, trusted=True)
        if model is None:
            continue
        if model.id != entry.name.removesuffix(".yaml"):
            problems.append(Problem("NPR-D003", "the id must equal the file name", "/id", file))
            continue
        try:
            result[model.id] = _build(model, file)
        except DefinitionError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DefinitionError(problems)
    return result


def codelist(list_id: str) -> CodeList:
    """Return one code list by id.

    Raises:
        DefinitionNotFoundError: if there is no such list (a ``KeyError``).
    """
    lists = codelists()
    if list_id not in lists:
        raise DefinitionNotFoundError("code list", list_id, lists)
    return lists[list_id]


@cache
def definitions_version() -> str:
    """Return the version of the definitions set (kept apart from the package version)."""
    data = load_trusted_yaml(definitions_root().joinpath("VERSION.yaml").read_bytes())
    if not isinstance(data, dict) or "version" not in data:
        msg = "definitions/VERSION.yaml must hold 'version: X.Y.Z'"
        raise DefinitionError([Problem("NPR-D002", msg, "/version", "definitions/VERSION.yaml")])
    return str(data["version"])
