"""The core data set as data: elements, detail ladders and tables (``definitions/core_data_set``).

Each element says where it comes from in the case file (a fact, a derived indicator, or a named
derivation), its type, the detail levels it can be shared at, how sensitive it is and which
standard field it mirrors. A *ladder* names an element's detail levels and the columns each
level fills (an age shared in months fills months, years and band); so every table has one fixed
set of columns, whatever each jurisdiction's agreement shares. The models here are also the
meta-schemas of the files; :func:`core_data_set` loads them once, reporting every problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal, get_args

import attrs
from pydantic import BaseModel, Field, model_validator

from npcs_review._definition_file import DefinitionModel, read_definition_file
from npcs_review._pointer import split
from npcs_review._resources import definitions_root
from npcs_review.codelists import codelists
from npcs_review.engine.decision import Citation, Outcome
from npcs_review.errors import DefinitionError, Problem
from npcs_review.models import Answer, Case

__all__ = [
    "FOLDER",
    "Band",
    "Column",
    "ColumnType",
    "CoreDataSet",
    "CoreDataSetFile",
    "Element",
    "Ladder",
    "Table",
    "TableFile",
    "core_data_set",
    "load_core_data_set",
]

#: Where the core data set lives, relative to the definitions root.
FOLDER = "core_data_set"

_ID = r"^[a-z][a-z0-9_]*$"
_VERSION = r"^\d+\.\d+\.\d+$"
_POINTER = r"^(\./[A-Za-z0-9_~/-]+|/[A-Za-z0-9_~/-]+)$"

ColumnType = Literal["string", "integer", "number", "boolean", "date"]
Sensitivity = Literal["direct_identifier", "quasi_identifier", "sensitive", "none"]
Id = Annotated[str, Field(pattern=_ID)]

#: Value sets that are not code lists: the answer to a yes/no question, a decision's outcome.
VALUE_SETS: dict[str, tuple[str, ...]] = {
    "answer": get_args(Answer),
    "outcome": get_args(Outcome),
}


_Strict = DefinitionModel  # the one strict base of definition files


class SourceDocument(_Strict):
    """A document the elements cite."""

    id: Id
    """Local id that citations refer to."""
    document: str = Field(min_length=1)
    """Title of the document."""
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    """Where to read it."""


class Cite(_Strict):
    """The standard field or section an element mirrors."""

    source: Id
    """Id of a document in the core data set's ``sources``."""
    section: str | None = None
    """The field, item or section (e.g. ``ChAge (child age)``)."""
    verified: Literal["primary", "mirror", "secondary"] = "secondary"
    """How the field name was checked: in the standard itself, a verbatim mirror, or only a
    secondary source (a public mapping of the standard)."""


class ElementSource(_Strict):
    """Where an element's value comes from: exactly one of ``fact``, ``indicator``, ``derived``."""

    fact: str | None = Field(default=None, pattern=_POINTER)
    """JSON pointer into the case (``/incident/date``), or into the row's object (``./type``)."""
    indicator: Id | None = None
    """A derived indicator (``definitions/indicators``): truth → boolean, count → integer."""
    derived: Id | None = None
    """A named derivation computed by the library (e.g. ``race_ethnicity``, ``index``)."""
    parameters: dict[Id, Any] = Field(default_factory=dict)
    """Parameter values for the indicator or derivation."""

    @model_validator(mode="after")
    def _one(self) -> ElementSource:
        given = [k for k in ("fact", "indicator", "derived") if getattr(self, k) is not None]
        if len(given) != 1:
            msg = "give exactly one of 'fact', 'indicator' or 'derived'"
            raise ValueError(msg)
        return self


class ElementModel(_Strict):
    """One element of the core data set."""

    id: Id
    """Unique across the core data set; agreements name elements by it."""
    label: str = Field(min_length=1)
    """Short name."""
    description: str = Field(min_length=1)
    """What it holds, in plain words."""
    source: ElementSource
    """Where it comes from."""
    ladder: Id = "value"
    """The detail ladder (``value`` for a value shared as it is)."""
    levels: list[Id] | None = None
    """The ladder's levels this element offers (all of them when absent)."""
    type: ColumnType | None = None
    """For the ``value`` ladder: the column's type."""
    codelist: Id | None = None
    """The code list (or ``answer``, ``outcome``) its values come from."""
    column: str | None = Field(default=None, pattern=r"^([a-z][a-z0-9_]*)?$")
    """The stem of its column names (the ladder adds suffixes); defaults to the id."""
    bands: Id | None = None
    """For the ``age`` ladder: which age bands (``child``, ``adult``)."""
    multiple: bool = False
    """The value is a list of codes, shared in code-list order joined by ``;`` (empty: none)."""
    sensitivity: Sensitivity
    """direct_identifier, quasi_identifier, sensitive or none."""
    required: bool = False
    """Required elements (the keys) cannot be withheld."""
    cites: list[Cite] = Field(min_length=1)
    """The standard fields it mirrors."""


class LadderColumnModel(_Strict):
    """One column a ladder can fill."""

    id: Id
    """Local id that levels refer to."""
    suffix: str = Field(pattern=r"^_?([a-z][a-z0-9_]*)?$")
    """Added to the element's stem to name the column."""
    type: ColumnType | None = None
    """The column's type (the element's own type when absent)."""
    pattern: str | None = None
    """A regular expression every value matches."""
    codelist: Id | None = None
    """The code list its values come from."""
    text: str = Field(min_length=1)
    """What it holds."""


class LadderLevelModel(_Strict):
    """One detail level of a ladder."""

    level: Id
    """The level's name, as agreements write it."""
    text: str = Field(min_length=1)
    """What is shared at this level."""
    fills: list[Id] = Field(min_length=1)
    """The columns this level fills."""


class LadderModel(_Strict):
    """A detail ladder: the levels, finest first, and the columns they fill."""

    id: Id
    """The ladder's name."""
    text: str = Field(min_length=1)
    """How values are coarsened along it."""
    columns: list[LadderColumnModel] = Field(min_length=1)
    """Every column the ladder can fill."""
    levels: list[LadderLevelModel] = Field(min_length=1)
    """Its levels, from the finest to the coarsest."""


class BandModel(_Strict):
    """An age band in completed years."""

    code: str = Field(pattern=r"^[a-z0-9_]+$")
    """The band's code."""
    from_years: int = Field(ge=0)
    """First age in the band."""
    to_years: int | None = Field(default=None, ge=0)
    """Last age in the band; null for an open band."""
    label: str
    """How a reader sees it."""


class BandSetModel(_Strict):
    """A set of age bands covering every age, in order."""

    source: Id
    """The document the bands follow."""
    bands: list[BandModel] = Field(min_length=1)
    """The bands, youngest first."""


class CoreDataSetFile(_Strict):
    """``definitions/core_data_set/core_data_set.yaml``: what every table shares."""

    id: Literal["core_data_set"]
    """Always ``core_data_set``."""
    kind: Literal["core_data_set"]
    """The kind of definition file."""
    version: str = Field(pattern=_VERSION)
    """Version of the core data set; recorded in every submission."""
    title: str
    """Its name."""
    description: str
    """What it is for."""
    status: Literal["proposed", "adopted"]
    """proposed: the partnership's draft; adopted: approved by the partnership."""
    effective_from: date
    """First day in force."""
    effective_to: date | None = None
    """Last day in force; null while current."""
    tables: list[Id] = Field(min_length=1)
    """The tables, in order; each is a file ``<id>.yaml`` beside this one."""
    sources: list[SourceDocument] = Field(min_length=1)
    """The documents the elements cite."""
    ladders: list[LadderModel] = Field(min_length=1)
    """The detail ladders."""
    bands: dict[Id, BandSetModel]
    """Age band sets, by name."""
    risk_quasi_identifiers: list[Id] = Field(min_length=1)
    """The elements the re-identification risk report treats as quasi-identifiers."""
    case_keys: list[ElementModel] = Field(min_length=1)
    """The elements every table starts with (the jurisdiction and the case pseudonym)."""


class TableVector(_Strict):
    """A case (the base case with a patch) and the rows the table must hold for it."""

    __test__ = False
    name: str
    """What the vector shows."""
    patch: dict[str, Any]
    """Changes to the base case (``definitions/vectors/base_case.yaml``), RFC 7386."""
    expected: list[dict[str, Any]]
    """The rows at full detail, each giving only the columns it checks."""
    partial: bool = False
    """When true, each expected row must match some row, and other rows may exist."""


class TableFile(_Strict):
    """``definitions/core_data_set/<table>.yaml``: one table of the core data set."""

    id: Id
    """Equals the file name; the table's name in packages and in the pooled database."""
    kind: Literal["core_data_set_table"]
    """The kind of definition file."""
    version: str = Field(pattern=_VERSION)
    """Version of the table."""
    title: str
    """Its name, for readers."""
    description: str
    """What one row is."""
    rows: str = Field(pattern=r"^(case|classifications|history_summary|/[A-Za-z0-9_/]+)$")
    """What makes a row: ``case`` (one per case), a pointer to a list in the case (one per
    element), or a named row source (``classifications``, ``history_summary``)."""
    parameters: dict[Id, Any] = Field(default_factory=dict)
    """Parameters of a named row source."""
    key: list[Id] = Field(default_factory=list)
    """Elements that, after the case keys, identify a row."""
    elements: list[ElementModel] = Field(min_length=1)
    """The table's elements, in column order."""
    vectors: list[TableVector] = Field(min_length=1)
    """Cases with the rows expected."""


# ------------------------------------------------------------------------------ compiled


@attrs.frozen
class Band:
    """An age band in completed years (``to_years`` None: open)."""

    code: str
    from_years: int
    to_years: int | None
    label: str

    def holds(self, years: int) -> bool:
        """True when ``years`` falls in the band."""
        return years >= self.from_years and (self.to_years is None or years <= self.to_years)


@attrs.frozen
class Column:
    """A column of a shared table: its name, type and meaning."""

    name: str
    type: ColumnType
    element: str
    part: str
    """The ladder column it is (``value``, ``days``, ``month``, ...)."""
    description: str
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    required: bool = False
    """Never empty (the keys)."""


@attrs.frozen
class Ladder:
    """A detail ladder: levels finest first, each with the ladder columns it fills."""

    id: str
    text: str
    columns: Mapping[str, LadderColumnModel]
    fills: Mapping[str, frozenset[str]]
    level_text: Mapping[str, str]

    @property
    def levels(self) -> tuple[str, ...]:
        """The level names, finest first."""
        return tuple(self.fills)

    def no_wider(self, level: str, than: str) -> bool:
        """True when sharing at ``level`` reveals no column that ``than`` does not."""
        return self.fills[level] <= self.fills[than]


@attrs.frozen
class Element:
    """A compiled element: its source, ladder and the columns of each level."""

    id: str
    table: str
    label: str
    description: str
    source_kind: Literal["fact", "indicator", "derived"]
    source: str
    parameters: Mapping[str, Any]
    ladder: Ladder
    levels: tuple[str, ...]
    columns: tuple[Column, ...]
    """Every column the element can fill, in order."""
    sensitivity: Sensitivity
    required: bool
    codelist: str | None
    multiple: bool
    bands: tuple[Band, ...]
    citations: tuple[Citation, ...]

    @property
    def is_narrative(self) -> bool:
        """Free text, shared only where the agreement allows narrative."""
        return self.ladder.id == "text"

    def columns_at(self, level: str) -> tuple[Column, ...]:
        """The columns filled when the element is shared at ``level``."""
        parts = self.ladder.fills[level]
        return tuple(c for c in self.columns if c.part in parts)


@attrs.frozen
class Table:
    """A compiled table: its elements (case keys first) and every column it can have."""

    id: str
    version: str
    title: str
    description: str
    rows: str
    parameters: Mapping[str, Any]
    key: tuple[str, ...]
    """Key columns: the case keys, then the table's own."""
    elements: tuple[Element, ...]
    vectors: tuple[TableVector, ...]
    file: str

    @property
    def columns(self) -> tuple[Column, ...]:
        """Every column the table can have, in order."""
        return tuple(c for e in self.elements for c in e.columns)


@attrs.frozen
class CoreDataSet:
    """The core data set: tables, elements by id, ladders, bands and sources."""

    version: str
    title: str
    description: str
    status: str
    tables: Mapping[str, Table]
    elements: Mapping[str, Element]
    ladders: Mapping[str, Ladder]
    risk_quasi_identifiers: tuple[str, ...]
    sources: Mapping[str, SourceDocument]

    def element(self, element_id: str) -> Element:
        """Return an element by id.

        Raises:
            KeyError: naming the known elements, if there is no such element.
        """
        try:
            return self.elements[element_id]
        except KeyError:
            msg = f"no core data set element {element_id!r}; known: {', '.join(self.elements)}"
            raise KeyError(msg) from None


# ------------------------------------------------------------------------------ loading


def _read(
    root: Traversable, name: str, kind: type[BaseModel], problems: list[Problem], trusted: bool
) -> Any:
    entry = root.joinpath(FOLDER, name)
    file = f"definitions/{FOLDER}/{name}"
    if not entry.is_file():
        problems.append(Problem("NPR-D001", "the file is missing", "", file))
        return None
    return read_definition_file(entry.read_bytes(), file, kind, problems, trusted=trusted)


@cache
def core_data_set() -> CoreDataSet:
    """The packaged core data set, loaded and checked once.

    Raises:
        DefinitionError: with every problem found (a broken installation).
    """
    return load_core_data_set(definitions_root(), trusted=True)


def load_core_data_set(root: Traversable | Path, *, trusted: bool = False) -> CoreDataSet:
    """Load and check the core data set under a definitions folder ``root``.

    Raises:
        DefinitionError: with every problem found in every file.
    """
    problems: list[Problem] = []
    index: CoreDataSetFile | None = _read(
        root, "core_data_set.yaml", CoreDataSetFile, problems, trusted
    )
    if index is None:
        raise DefinitionError(problems)
    files: dict[str, TableFile] = {}
    for table_id in index.tables:
        model = _read(root, f"{table_id}.yaml", TableFile, problems, trusted)
        if model is not None and model.id != table_id:
            problems.append(
                Problem(
                    "NPR-D003",
                    f"the id {model.id!r} must equal the file name {table_id!r}",
                    "/id",
                    f"definitions/{FOLDER}/{table_id}.yaml",
                )
            )
        elif model is not None:
            files[table_id] = model
    listed = {f"{t}.yaml" for t in index.tables} | {"core_data_set.yaml"}
    folder = root.joinpath(FOLDER)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml") and entry.name not in listed:
            problems.append(
                Problem(
                    "NPR-D004",
                    "this table is not listed under 'tables' in core_data_set.yaml",
                    "",
                    f"definitions/{FOLDER}/{entry.name}",
                )
            )
    result = _compile(index, files, problems)
    if problems:
        raise DefinitionError(problems)
    return result


def _compile(
    index: CoreDataSetFile, files: Mapping[str, TableFile], problems: list[Problem]
) -> CoreDataSet:
    from npcs_review.share.extract import DERIVATIONS, ROW_SOURCES  # noqa: PLC0415 - cycle
    from npcs_review.share.ladders import LADDERS  # noqa: PLC0415 - cycle

    index_file = f"definitions/{FOLDER}/core_data_set.yaml"
    ladders = _ladders(index, index_file, problems)
    for i, ladder_id in enumerate(ladders):
        if ladder_id not in LADDERS:
            problems.append(
                Problem(
                    "NPR-D004",
                    f"no coarsening is implemented for ladder {ladder_id!r}; known: "
                    f"{', '.join(LADDERS)}",
                    f"/ladders/{i}/id",
                    index_file,
                )
            )
    bands = {
        name: tuple(Band(b.code, b.from_years, b.to_years, b.label) for b in bs.bands)
        for name, bs in index.bands.items()
    }
    for name, band_set in bands.items():
        _check_bands(name, band_set, index_file, problems)
    sources = {s.id: s for s in index.sources}
    lists = codelists()
    known_lists = set(lists) | set(VALUE_SETS)
    from npcs_review.registry import default_registry  # noqa: PLC0415 - heavy

    indicators = default_registry().indicators
    elements: dict[str, Element] = {}
    tables: dict[str, Table] = {}

    def compile_element(
        model: ElementModel, table: str, file: str, ptr: str, row_model: type[BaseModel] | None
    ) -> Element | None:
        count = len(problems)
        ladder = ladders.get(model.ladder)
        if ladder is None:
            problems.append(
                Problem("NPR-D004", f"unknown ladder {model.ladder!r}", f"{ptr}/ladder", file)
            )
            return None
        levels = tuple(model.levels or ladder.levels)
        for i, level in enumerate(levels):
            if level not in ladder.fills:
                problems.append(
                    Problem(
                        "NPR-D004",
                        f"ladder {ladder.id!r} has no level {level!r}; its levels are "
                        f"{', '.join(ladder.levels)}",
                        f"{ptr}/levels/{i}",
                        file,
                    )
                )
        if model.id in elements:
            problems.append(
                Problem(
                    "NPR-D005",
                    f"element {model.id!r} is already defined in table {elements[model.id].table}",
                    f"{ptr}/id",
                    file,
                )
            )
        if (model.type is None) == (ladder.id == "value"):
            problems.append(
                Problem(
                    "NPR-D002",
                    "give 'type' for an element on the value ladder, and only then",
                    f"{ptr}/type",
                    file,
                )
            )
        if model.codelist is not None and model.codelist not in known_lists:
            problems.append(
                Problem(
                    "NPR-D004", f"unknown code list {model.codelist!r}", f"{ptr}/codelist", file
                )
            )
        if (model.bands is not None) != (ladder.id == "age"):
            problems.append(
                Problem("NPR-D002", "give 'bands' for an age, and only then", f"{ptr}/bands", file)
            )
        elif model.bands is not None and model.bands not in bands:
            problems.append(
                Problem("NPR-D004", f"unknown age bands {model.bands!r}", f"{ptr}/bands", file)
            )
        for i, cite in enumerate(model.cites):
            if cite.source not in sources:
                problems.append(
                    Problem(
                        "NPR-D004",
                        f"unknown source {cite.source!r}; add it to core_data_set.yaml's sources",
                        f"{ptr}/cites/{i}/source",
                        file,
                    )
                )
        src = model.source
        if src.fact is not None and not _known_fact(src.fact, row_model):
            problems.append(
                Problem(
                    "NPR-D004",
                    f"the case file has no field {src.fact!r} here",
                    f"{ptr}/source/fact",
                    file,
                )
            )
        if src.derived is not None and src.derived not in DERIVATIONS:
            problems.append(
                Problem(
                    "NPR-D004",
                    f"unknown derivation {src.derived!r}; known: {', '.join(sorted(DERIVATIONS))}",
                    f"{ptr}/source/derived",
                    file,
                )
            )
        if src.indicator is not None and src.indicator not in indicators:
            problems.append(
                Problem(
                    "NPR-D004",
                    f"unknown indicator {src.indicator!r}",
                    f"{ptr}/source/indicator",
                    file,
                )
            )
        if len(problems) > count:
            return None
        kind: Literal["fact", "indicator", "derived"] = (
            "fact" if src.fact else "indicator" if src.indicator else "derived"
        )
        stem = model.id if model.column is None else model.column
        band_set = bands.get(model.bands or "", ())
        columns = []
        for part in ladder.columns:
            spec = ladder.columns[part]
            list_id = spec.codelist or model.codelist
            enum: tuple[str, ...] | None = None
            if spec.id == "band":
                enum = tuple(b.code for b in band_set)
            elif list_id in VALUE_SETS:
                enum = VALUE_SETS[list_id]
            elif list_id is not None and spec.type in (None, "string") and not model.multiple:
                enum = (*sorted(lists[list_id].codes, key=lists[list_id].rank), *_MISSING)
            columns.append(
                Column(
                    f"{stem}{spec.suffix}",
                    spec.type or model.type or "string",
                    model.id,
                    part,
                    model.description if ladder.id in ("value", "text") else spec.text,
                    enum,
                    spec.pattern,
                    model.required,
                )
            )
        return Element(
            model.id,
            table,
            model.label,
            model.description,
            kind,
            str(src.fact or src.indicator or src.derived),
            MappingProxyType(dict(src.parameters)),
            ladder,
            levels,
            tuple(columns),
            model.sensitivity,
            model.required,
            model.codelist,
            model.multiple,
            band_set,
            tuple(
                Citation(
                    document=sources[c.source].document,
                    section=c.section,
                    url=sources[c.source].url,
                    verified=c.verified,
                )
                for c in model.cites
            ),
        )

    for table_id, model in files.items():
        file = f"definitions/{FOLDER}/{table_id}.yaml"
        if model.rows not in ROW_SOURCES and not (
            model.rows.startswith("/") and _walk(Case, split(model.rows))
        ):
            problems.append(
                Problem(
                    "NPR-D004",
                    f"unknown row source {model.rows!r}: use case, a list of the case file "
                    f"(e.g. /persons), or one of {', '.join(sorted(ROW_SOURCES))}",
                    "/rows",
                    file,
                )
            )
        row_model = _row_model(model.rows)
        compiled: list[Element] = []
        for i, key_model in enumerate(index.case_keys):
            element = (
                attrs.evolve(elements[key_model.id], table=table_id)
                if key_model.id in elements
                else compile_element(key_model, "", index_file, f"/case_keys/{i}", Case)
            )
            if element is not None:
                elements.setdefault(key_model.id, attrs.evolve(element, table=""))
                compiled.append(attrs.evolve(element, table=table_id))
        for i, element_model in enumerate(model.elements):
            element = compile_element(element_model, table_id, file, f"/elements/{i}", row_model)
            if element is not None:
                elements[element.id] = element
                compiled.append(element)
        names: dict[str, str] = {}
        for element in compiled:
            for column in element.columns:
                if column.name in names:
                    problems.append(
                        Problem(
                            "NPR-D005",
                            f"column {column.name!r} of element {element.id!r} is also a column "
                            f"of {names[column.name]!r}; give one of them another 'column'",
                            "/elements",
                            file,
                        )
                    )
                names[column.name] = element.id
        own = {e.id for e in compiled}
        for i, key in enumerate(model.key):
            if key not in own:
                problems.append(
                    Problem("NPR-D004", f"key names unknown element {key!r}", f"/key/{i}", file)
                )
        tables[table_id] = Table(
            table_id,
            model.version,
            model.title,
            model.description,
            model.rows,
            MappingProxyType(dict(model.parameters)),
            tuple(k.id for k in index.case_keys) + tuple(model.key),
            tuple(compiled),
            tuple(model.vectors),
            file,
        )
    for i, qi in enumerate(index.risk_quasi_identifiers):
        if qi not in elements:
            problems.append(
                Problem(
                    "NPR-D004",
                    f"unknown element {qi!r}",
                    f"/risk_quasi_identifiers/{i}",
                    index_file,
                )
            )
    return CoreDataSet(
        index.version,
        index.title,
        index.description,
        index.status,
        MappingProxyType(tables),
        MappingProxyType(elements),
        MappingProxyType(ladders),
        tuple(index.risk_quasi_identifiers),
        MappingProxyType(sources),
    )


_MISSING = ("unknown", "not_collected", "not_applicable")


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class a field holds (through lists, unions and annotations), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _walk(model: type[BaseModel] | None, tokens: tuple[str, ...]) -> bool:
    for token in tokens:
        if model is None or token not in model.model_fields:
            return False
        model = _model_in(model.model_fields[token].annotation)
    return True


def _row_model(rows: str) -> type[BaseModel] | None:
    """The model of a table's row objects: the case, a list's element model, or None (dicts)."""
    if rows == "case":
        return Case
    if not rows.startswith("/"):
        return None
    model: type[BaseModel] | None = Case
    for token in split(rows):
        field = model.model_fields.get(token) if model else None
        model = _model_in(field.annotation) if field else None
    return model


def _known_fact(fact: str, row_model: type[BaseModel] | None) -> bool:
    """True when a fact pointer names a field of the case (or of the row's model)."""
    if fact.startswith("./"):
        return row_model is None or _walk(row_model, split(fact[1:]))
    return _walk(Case, split(fact))


def _ladders(index: CoreDataSetFile, file: str, problems: list[Problem]) -> dict[str, Ladder]:
    out: dict[str, Ladder] = {}
    for i, model in enumerate(index.ladders):
        columns = {c.id: c for c in model.columns}
        fills: dict[str, frozenset[str]] = {}
        for j, level in enumerate(model.levels):
            for k, part in enumerate(level.fills):
                if part not in columns:
                    problems.append(
                        Problem(
                            "NPR-D004",
                            f"level {level.level!r} fills unknown column {part!r}",
                            f"/ladders/{i}/levels/{j}/fills/{k}",
                            file,
                        )
                    )
            fills[level.level] = frozenset(level.fills)
        out[model.id] = Ladder(
            model.id,
            model.text,
            MappingProxyType(columns),
            MappingProxyType(fills),
            MappingProxyType({lv.level: lv.text for lv in model.levels}),
        )
    return out


def _check_bands(name: str, bands: tuple[Band, ...], file: str, problems: list[Problem]) -> None:
    expected_from = 0
    for i, band in enumerate(bands):
        if band.from_years != expected_from:
            problems.append(
                Problem(
                    "NPR-D002",
                    f"band {band.code!r} starts at {band.from_years}; the bands must cover every "
                    f"age without gaps (expected {expected_from})",
                    f"/bands/{name}/bands/{i}/from_years",
                    file,
                )
            )
        if band.to_years is None:
            if i != len(bands) - 1:
                problems.append(
                    Problem(
                        "NPR-D002",
                        "only the last band may be open",
                        f"/bands/{name}/bands/{i}/to_years",
                        file,
                    )
                )
            return
        expected_from = band.to_years + 1
    problems.append(
        Problem(
            "NPR-D002", "the last band must be open (to_years: null)", f"/bands/{name}/bands", file
        )
    )
