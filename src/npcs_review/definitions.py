"""The definition files under ``definitions/``: pydantic models that are also their meta-schemas.

Kinds: ``codelist`` (see :mod:`npcs_review.codelists`), ``incident_definition``, ``indicator``,
``jurisdiction_profile`` and ``crosswalk``. Criteria are declarative data — no code, no
expressions evaluated as strings — in the language of :mod:`npcs_review.engine.criteria`
(described in ``docs/definitions.md``). These models are the file format only: the registry
compiles them once, and nothing past the registry sees them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from npcs_review._definition_file import ID_PATTERN, VERSION_PATTERN, Citation, DefinitionModel
from npcs_review.engine.criteria import (
    All,
    AnyOf,
    Compare,
    Count,
    Expression,
    Not,
    Param,
    Some,
    Window,
)
from npcs_review.models._types import Outcome

__all__ = [
    "All",
    "AnyOf",
    "Citation",
    "Compare",
    "Count",
    "CrosswalkEntry",
    "CrosswalkFile",
    "Deprecation",
    "Disclosure",
    "Expression",
    "IncidentDefinitionFile",
    "IndicatorFile",
    "Not",
    "Param",
    "ParameterSpec",
    "ProfileFile",
    "ProfileTerm",
    "ReviewTrigger",
    "Some",
    "TestVector",
    "Window",
]

DefinitionId = Annotated[str, Field(pattern=ID_PATTERN)]
Scalar = str | int | float | bool


class Deprecation(DefinitionModel):
    """A definition that should no longer be used."""

    since: str = Field(pattern=VERSION_PATTERN)
    """Definitions-set version that deprecated it."""
    reason: str
    """Why."""
    replaced_by: list[DefinitionId] = Field(default_factory=list)
    """Ids to use instead."""


class ParameterSpec(DefinitionModel):
    """A setting a definition, indicator or profile declares, with its default.

    Users may set it (``classify(..., parameters={...})``, ``npcs-review classify --set``);
    a value is checked against ``type``, ``values``, ``codelist`` and ``minimum``.
    """

    default: Any
    """The value used unless a profile or the user sets another."""
    text: str = Field(min_length=1)
    """What the setting decides, in plain words."""
    type: Literal["boolean", "integer", "number", "code", "codes"] | None = None
    """``code``: one value; ``codes``: a list of values. Inferred from the default when absent
    (a list is ``codes``, text is ``code``)."""
    values: list[Scalar] | None = None
    """The values allowed (for ``code`` and ``codes``), when not a code list's."""
    codelist: DefinitionId | None = None
    """The code list the values come from (for ``code`` and ``codes``)."""
    nullable: bool = False
    """Whether ``null`` is allowed (it means "no limit" or "not used")."""
    minimum: float | None = None
    """The smallest number allowed."""

    @model_validator(mode="after")
    def _typed(self) -> ParameterSpec:
        if self.type is None and self.default is None:
            msg = "a parameter whose default is null needs a 'type'"
            raise ValueError(msg)
        return self


class TestVector(DefinitionModel):
    """A case that the definition must classify as ``expected``.

    The case is the shared base case (``definitions/vectors/base_case.yaml``) with ``patch``
    applied as a JSON Merge Patch (RFC 7386): objects merge, lists and values replace,
    ``null`` removes.
    """

    __test__ = False  # not a pytest class
    name: str
    """What the vector shows."""
    expected: Outcome
    """The outcome the engine must give."""
    patch: dict[str, Any]
    """Changes to the base case."""
    parameters: dict[str, Any] = Field(default_factory=dict)
    """Parameter values for this vector (otherwise the definition's defaults)."""
    missing: list[str] = Field(default_factory=list)
    """For indeterminate vectors: pointers that must be named as missing facts."""
    trigger: DefinitionId | None = None
    """For a profile's vector: the review trigger it tests (default: the first)."""
    source: str | None = None
    """Where the vector comes from: the source text it encodes (for corrections)."""


class _DefinitionBase(DefinitionModel):
    id: DefinitionId
    """Equals the file name without extension."""
    series: DefinitionId | None = None
    """Definitions of one series are successive versions of the same rule, each effective
    over its own dates; the one in force on the incident date is used. Defaults to ``id``."""
    version: str = Field(pattern=VERSION_PATTERN)
    """Version of this definition; a change in meaning bumps it."""
    title: str
    """Short name."""
    text: str
    """The definition in plain language."""
    status: Literal["proposed", "adopted", "reference"]
    """``proposed``: the partnership's draft standard (0.x); ``reference``: an external
    definition encoded for comparison; ``adopted``: approved by the partnership."""
    jurisdiction: str
    """``us`` for federal and partnership definitions, else a jurisdiction code."""
    effective_from: date
    """First day the definition is in force."""
    effective_to: date | None = None
    """Last day in force; ``null`` while current."""
    citations: list[Citation] = Field(min_length=1)
    """Sources."""
    deprecated: Deprecation | None = None
    """Set when the definition should no longer be used."""
    parameters: dict[DefinitionId, ParameterSpec] = Field(default_factory=dict)
    """Settings the criteria use, each with its default and what it decides."""
    notes: list[str] = Field(default_factory=list)
    """Caveats, interpretations, and differences from other definitions (with reasons)."""


class IncidentDefinitionFile(_DefinitionBase):
    """An incident definition: criteria that a case meets, does not meet, or cannot settle."""

    kind: Literal["incident_definition"]
    """The kind of definition file (fixed for each kind)."""
    term: DefinitionId
    """The concept it defines (code list ``definition_term``); profiles choose one
    definition per term."""
    extends: DefinitionId | None = None
    """For an overlay: the definition this one narrows (its criteria are added to the base's)."""
    differences_from_capta: list[str] = Field(default_factory=list)
    """For partnership definitions: every way it differs from CAPTA, each with its reason."""
    criteria: Expression
    """The test."""
    vectors: list[TestVector] = Field(min_length=3)
    """At least one case that meets it, one that does not, and one that is indeterminate."""


class IndicatorFile(_DefinitionBase):
    """A derived indicator, computed from the case (usually the agency-history timeline)."""

    kind: Literal["indicator"]
    """The kind of definition file (fixed for each kind)."""
    value: Literal["truth", "count"]
    """``truth``: met / not met / indeterminate; ``count``: a number (with an uncertain range)."""
    expression: Expression
    """How it is computed; for a count, a ``count`` without a comparison."""
    vectors: list[TestVector] = Field(min_length=2)
    """Cases with their expected outcome (for counts: the outcome of ``gte: 1``)."""


class ProfileTerm(DefinitionModel):
    """Which definition a jurisdiction uses for one term, from when, with which parameters."""

    definition: DefinitionId
    """Id of an incident definition."""
    parameters: dict[DefinitionId, Any] = Field(default_factory=dict)
    """Values for the definition's parameters."""
    effective_from: date
    """First day this choice applies."""
    effective_to: date | None = None
    """Last day; ``null`` while current."""
    citations: list[Citation] = Field(min_length=1)
    """The jurisdiction's own source."""
    note: str | None = None
    """Anything a reader needs to know."""


class ReviewTrigger(DefinitionModel):
    """A rule that makes an incident require a critical-incident review.

    Triggers are dated like terms: a rule applies to incidents on or after the day it took
    effect (and up to the day it ended), so a 2017 incident is never judged by a 2024 statute.
    """

    id: DefinitionId
    """Stable id."""
    text: str
    """The rule in plain words."""
    criteria: Expression
    """When it applies; may use the profile's parameters and indicators."""
    effective_from: date
    """First day the rule applies (the enactment's effective date, or the earliest dated
    source when that is not known: say so in the profile's ``unverified``)."""
    effective_to: date | None = None
    """Last day the rule applied; ``null`` while current."""
    citations: list[Citation] = Field(min_length=1)
    """Sources."""
    review: str
    """Who reviews and by when."""


#: Parts of a case summary beyond the federal minimum that a disclosure rule may publish.
PublishedPart = Literal[
    "determinations", "review", "review_findings", "recommendations", "agency_response"
]


class Disclosure(DefinitionModel):
    """What the jurisdiction allows or requires to be made public, and when."""

    text: str
    """In plain words."""
    publishes: list[PublishedPart] = Field(default_factory=list)
    """What the jurisdiction publishes beyond the federal minimum (cause, circumstances, age,
    sex, prior reports and services), for the public summary: determinations (charges,
    findings), the review (who, under which rule, its report), its findings, its
    recommendations, the agency's response."""
    citations: list[Citation] = Field(min_length=1)
    """Sources."""


class ProfileFile(DefinitionModel):
    """A jurisdiction profile: the jurisdiction's definitions, parameters and triggers."""

    kind: Literal["jurisdiction_profile"]
    """The kind of definition file (fixed for each kind)."""
    id: DefinitionId
    """Equals the file name, and the jurisdiction code (e.g. ``us_ky``) for a state."""
    version: str = Field(pattern=VERSION_PATTERN)
    """Version of this profile."""
    title: str
    """Jurisdiction's name."""
    jurisdiction: str
    """Jurisdiction code (code list ``jurisdiction``) or ``us``."""
    status: Literal["proposed", "adopted", "reference"]
    """How settled the encoding is."""
    summary: str
    """How this jurisdiction defines and reviews critical incidents, in plain words."""
    parameters: dict[DefinitionId, Any] = Field(default_factory=dict)
    """Values for parameters the definitions and indicators declare (e.g. ``lookback_months``)."""
    own_parameters: dict[DefinitionId, ParameterSpec] = Field(default_factory=dict)
    """Settings only this profile's review triggers use, each with its default."""
    terms: dict[DefinitionId, list[ProfileTerm]] = Field(default_factory=dict)
    """For each term, the definitions used over time (effective-dated, not overlapping)."""
    review_triggers: list[ReviewTrigger] = Field(default_factory=list)
    """Rules that require a critical-incident review."""
    disclosure: Disclosure | None = None
    """Public disclosure rules."""
    citations: list[Citation] = Field(min_length=1)
    """General sources."""
    unverified: list[str] = Field(default_factory=list)
    """Facts not yet checked against a primary source."""
    vectors: list[TestVector] = Field(default_factory=list)
    """Cases with the expected outcome of a review trigger (``trigger``; default the first)."""


class CrosswalkEntry(DefinitionModel):
    """One mapping from a standard code to another system's code (over a span of time)."""

    source: str
    """Code in the standard's list."""
    target: str | None
    """Code in the other system; ``null`` when there is no equivalent."""
    match: Literal["exact", "broader", "narrower", "related", "no_equivalent"]
    """``broader``: the target means more than the source (information is lost going there);
    ``narrower``: the target means less; ``no_equivalent``: nothing corresponds."""
    note: str | None = None
    """Why, for anything but an exact match."""
    effective_from: date | None = None
    """First day this mapping applies (``null``: since the other system began)."""
    effective_to: date | None = None
    """Last day this mapping applied (``null``: still current). A code whose target changed
    over time has one entry per period."""


class CrosswalkFile(DefinitionModel):
    """A mapping between a standard code list and another system's codes."""

    kind: Literal["crosswalk"]
    """The kind of definition file (fixed for each kind)."""
    id: DefinitionId
    """Equals the file name."""
    version: str = Field(pattern=VERSION_PATTERN)
    """Version."""
    title: str
    """Short name."""
    source_codelist: DefinitionId
    """The standard code list mapped from."""
    target_system: str
    """The other system and field (e.g. "NCANDS Child File ChMal1-ChMal4")."""
    target_codes: dict[str, str]
    """Every code of the target system with its label."""
    citations: list[Citation] = Field(min_length=1)
    """Sources for both sides."""
    entries: list[CrosswalkEntry] = Field(min_length=1)
    """One entry for every code of the source list (per period, where the mapping changed)."""
