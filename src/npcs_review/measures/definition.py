"""Measure definition files (``definitions/measures/*.yaml``): the model is also the meta-schema.

A measure says which events it counts (a *source* relation of the pooled database and a list
of filters), what it divides them by (nothing, the child population, or a wider set of events),
which tables it publishes, the statistic, its unit and interval, the count under which a rate
is unstable, and its sources. Hand-worked test vectors travel in the same file: source rows in,
expected cells out. See ``docs/measures.md`` for how to add one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from npcs_review._definition_file import (
    ID_PATTERN,
    VERSION_PATTERN,
    Citation,
    DefinitionModel,
    read_definition_file,
)
from npcs_review.errors import DefinitionError, Problem

__all__ = [
    "EventSet",
    "Expected",
    "Filter",
    "IntervalSpec",
    "MeasureFile",
    "MeasureVector",
    "Statistic",
    "load_measures",
    "packaged_measures",
]

Scalar = str | int | float | bool

#: What a measure computes from its counts.
Statistic = Literal[
    "count",
    "rate",
    "proportion",
    "disproportionality_index",
    "disparity_index",
    "relative_rate_index",
    "co_occurrence",
]

#: Which statistics divide by the child population, and which by a wider set of events.
NEEDS_POPULATION: frozenset[str] = frozenset(
    {"rate", "disproportionality_index", "disparity_index"}
)
NEEDS_DENOMINATOR: frozenset[str] = frozenset({"proportion", "relative_rate_index"})


DefinitionId = Annotated[str, Field(pattern=ID_PATTERN)]


class Filter(DefinitionModel):
    """One condition on a column of the source relation (exactly one operator)."""

    column: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """The column."""
    equals: Scalar | None = None
    """The column equals this value."""
    in_: list[Scalar] | None = Field(default=None, alias="in", min_length=1)
    """The column is one of these values."""
    not_in: list[Scalar] | None = Field(default=None, min_length=1)
    """The column is none of these values (a missing value is not excluded)."""
    present: bool | None = None
    """``true``: the column has a value; ``false``: it is missing."""

    @model_validator(mode="after")
    def _one_operator(self) -> Filter:
        given = [x for x in (self.equals, self.in_, self.not_in, self.present) if x is not None]
        if len(given) != 1:
            msg = "give exactly one of equals, in, not_in, present"
            raise ValueError(msg)
        return self


class EventSet(DefinitionModel):
    """The events a measure counts: rows of a source relation that pass every filter."""

    source: DefinitionId | None = None
    """The source relation (``incidents``, ``classifications``, ``factors`` …; see
    ``docs/measures.md``). For a denominator, defaults to the numerator's."""
    where: list[Filter] = Field(default_factory=list)
    """Conditions, all of which must hold. A denominator's conditions apply on their own; the
    numerator's must select a subset of them."""


class IntervalSpec(DefinitionModel):
    """How the interval of the statistic is computed."""

    method: Literal[
        "garwood_poisson", "clopper_pearson", "exact_conditional_rate_ratio", "katz_log", "none"
    ]
    """``garwood_poisson``: exact Poisson limits for counts and rates; ``clopper_pearson``:
    exact binomial limits for proportions (and the disproportionality index);
    ``exact_conditional_rate_ratio``: for a ratio of two rates; ``katz_log``: for a ratio of two
    proportions; ``none``."""
    level: float = Field(default=0.95, gt=0.5, lt=1)
    """Confidence level."""


class Expected(DefinitionModel):
    """One expected output cell of a test vector."""

    cell: dict[str, str | int | None]
    """The cell: a level for each dimension of the table (``null``: all levels)."""
    facet: str | None = None
    """The facet value, for a measure with a facet."""
    count: int | None = None
    """Expected count (``null`` with ``suppressed``)."""
    denominator: float | None = None
    """Expected denominator (population or wider count)."""
    value: float | None = None
    """Expected statistic."""
    low: float | None = None
    """Expected lower limit."""
    high: float | None = None
    """Expected upper limit."""
    suppressed: bool = False
    """The cell must be suppressed."""
    unstable: bool | None = None
    """The cell must (or must not) be flagged unstable."""
    change: float | None = None
    """Expected change of the statistic from the previous year."""


class MeasureVector(DefinitionModel):
    """A hand-worked example: source rows in, expected cells out."""

    name: str
    """What it shows."""
    rows: dict[DefinitionId, list[dict[str, Any]]]
    """Rows of each source relation (only the columns the measure uses)."""
    population: list[dict[str, Any]] = Field(default_factory=list)
    """Population rows (jurisdiction, year, age_group, sex, race_ethnicity, population)."""
    thresholds: dict[str, int] = Field(default_factory=dict)
    """Small-cell threshold per jurisdiction (default 1: nothing suppressed)."""
    table: list[str]
    """The dimensions of the table the expectations are about."""
    expected: list[Expected] = Field(min_length=1)
    """Cells that must come out (others may come out too)."""


class MeasureFile(DefinitionModel):
    """A partnership measure."""

    kind: Literal["measure"]
    """The kind of definition file (fixed)."""
    id: DefinitionId
    """Equals the file name without extension."""
    version: str = Field(pattern=VERSION_PATTERN)
    """A change in meaning bumps it; the report prints it."""
    title: str
    """Short name."""
    description: str
    """What it shows, in plain language for a reader of the report."""
    section: Literal["incidents", "involvement", "reviews", "disparity", "learning", "actions"]
    """Where the report shows it."""
    order: int = 0
    """Order within the section."""
    statistic: Statistic
    """What is computed from the counts."""
    numerator: EventSet
    """The events counted."""
    denominator: EventSet | None = None
    """For ``proportion`` and ``relative_rate_index``: the wider set of events (the numerator
    must be a subset of it). Rates divide by the child population instead."""
    facet: str | None = None
    """A column whose values each get their own tables and are not added up (the definition
    used, a systemic-factor category, a review trigger)."""
    group: str | None = None
    """For disparity measures: the dimension whose groups are compared (``race_ethnicity``)."""
    reference: str | None = None
    """For ``disparity_index`` and ``relative_rate_index``: the reference group."""
    tables: list[list[str]] = Field(min_length=1)
    """The published tables, each a list of dimensions; every table is published with its
    margins (totals over each dimension)."""
    per: int = 1
    """Multiplier of the statistic (100000 for a rate per 100,000; 100 for a percentage)."""
    unit: str
    """The unit in words (``per 100,000 children``)."""
    min_stable_count: int = Field(default=20, ge=1)
    """Counts below this make the statistic unstable (flagged, still shown)."""
    interval: IntervalSpec
    """The interval method."""
    change: Literal["previous_year"] | None = None
    """Also show the change from the previous year (tables with ``year``)."""
    citations: list[Citation] = Field(min_length=1)
    """Where the measure and its method come from."""
    parameters: dict[DefinitionId, Any] = Field(default_factory=dict)
    """Values a source relation needs for this measure (for example each jurisdiction's review
    deadline), each explained in ``notes`` and cited in ``citations``."""
    notes: list[str] = Field(default_factory=list)
    """Caveats for the methods section."""
    vectors: list[MeasureVector] = Field(min_length=1)
    """Hand-worked examples (run by the tests on every backend)."""

    @model_validator(mode="after")
    def _consistent(self) -> MeasureFile:
        if self.statistic in NEEDS_DENOMINATOR and self.denominator is None:
            msg = f"a {self.statistic} measure needs a denominator event set"
            raise ValueError(msg)
        if self.statistic not in NEEDS_DENOMINATOR and self.denominator is not None:
            msg = f"a {self.statistic} measure takes no denominator event set"
            raise ValueError(msg)
        if self.numerator.source is None:
            msg = "the numerator needs a source"
            raise ValueError(msg)
        disparity = self.statistic in {
            "disproportionality_index",
            "disparity_index",
            "relative_rate_index",
        }
        if disparity and (self.group is None or any(self.group not in t for t in self.tables)):
            msg = f"a {self.statistic} measure needs a group that is in every table"
            raise ValueError(msg)
        if self.statistic in {"disparity_index", "relative_rate_index"} and not self.reference:
            msg = f"a {self.statistic} measure needs a reference group"
            raise ValueError(msg)
        if self.statistic == "co_occurrence" and self.facet is None:
            msg = "a co_occurrence measure needs a facet (the category that co-occurs)"
            raise ValueError(msg)
        return self

    @property
    def denominator_set(self) -> EventSet | None:
        """The denominator with its source filled in."""
        if self.denominator is None:
            return None
        return self.denominator.model_copy(
            update={"source": self.denominator.source or self.numerator.source}
        )


def _iter_files(folder: Path | Any) -> Iterator[Any]:
    if not folder.is_dir():
        return
    yield from sorted(
        (e for e in folder.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name
    )


def load_measures(*folders: Path) -> Mapping[str, MeasureFile]:
    """Load the packaged measures plus any in ``folders`` (a jurisdiction's own, new ids).

    Every problem in every file is reported at once.

    Raises:
        DefinitionError: with every problem found.
    """
    from npcs_review._resources import definitions_root  # noqa: PLC0415

    problems: list[Problem] = []
    found: dict[str, MeasureFile] = {}
    roots: list[tuple[Any, str]] = [(definitions_root().joinpath("measures"), "definitions")]
    roots += [(Path(f), str(f)) for f in folders]
    for root, label in roots:
        for entry in _iter_files(root):
            file = (
                f"{label}/{entry.name}" if label == "definitions" else str(Path(label, entry.name))
            )
            model = read_definition_file(
                entry.read_bytes(), file, MeasureFile, problems, trusted=label == "definitions"
            )
            if model is None:
                continue
            if model.id != entry.name.removesuffix(".yaml"):
                problems.append(
                    Problem(
                        "NPR-D003", f"id {model.id!r} does not equal the file name", "/id", file
                    )
                )
            elif model.id in found:
                problems.append(
                    Problem(
                        "NPR-D005",
                        f"measure {model.id!r} already exists; give yours a new id",
                        "/id",
                        file,
                    )
                )
            else:
                found[model.id] = model
    if problems:
        raise DefinitionError(problems)
    return dict(
        sorted(found.items(), key=lambda kv: (_SECTIONS.index(kv[1].section), kv[1].order, kv[0]))
    )


_SECTIONS = ["incidents", "involvement", "reviews", "disparity", "learning", "actions"]


@cache
def packaged_measures() -> Mapping[str, MeasureFile]:
    """The measures shipped with the library (loaded once)."""
    return load_measures()
