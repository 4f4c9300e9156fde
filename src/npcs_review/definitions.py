"""The definition files under ``definitions/``: pydantic models that are also their meta-schemas.

Kinds: ``codelist`` (see :mod:`npcs_review.codelists`), ``incident_definition``, ``indicator``,
``jurisdiction_profile`` and ``crosswalk``. Criteria are declarative data — no code, no
expressions evaluated as strings — in the small language described in ``docs/criteria.md``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

__all__ = [
    "All",
    "AnyOf",
    "Citation",
    "Compare",
    "Count",
    "CrosswalkEntry",
    "CrosswalkFile",
    "Deprecation",
    "Expression",
    "IncidentDefinitionFile",
    "IndicatorFile",
    "Not",
    "Param",
    "ProfileFile",
    "ProfileTerm",
    "ReviewTrigger",
    "Some",
    "TestVector",
    "Window",
]

_ID = r"^[a-z][a-z0-9_]*$"
_VERSION = r"^\d+\.\d+\.\d+$"
_POINTER = r"^(\.?/[A-Za-z0-9_~/-]*|\.)$"

DefinitionId = Annotated[str, Field(pattern=_ID)]
Scalar = str | int | float | bool


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Citation(_Strict):
    """Where a definition comes from: a statute, a policy, a standard."""

    document: str = Field(min_length=1)
    """Title of the document (e.g. "Child Abuse Prevention and Treatment Act, 42 U.S.C. 5106a")."""
    section: str | None = None
    """Section, paragraph or field."""
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    """Where to read it."""
    verified: Literal["primary", "mirror", "secondary"] = "primary"
    """How the wording was checked: in the official text, in a verbatim mirror, or only in a
    secondary summary (then treat the encoding as provisional)."""


class Deprecation(_Strict):
    """A definition that should no longer be used."""

    since: str = Field(pattern=_VERSION)
    """Definitions-set version that deprecated it."""
    reason: str
    """Why."""
    replaced_by: list[DefinitionId] = Field(default_factory=list)
    """Ids to use instead."""


class Param(_Strict):
    """A value taken from the parameters of the profile (or the definition's defaults)."""

    param: DefinitionId
    """The parameter's name."""


Value = Scalar | list[Scalar] | Param | None


class Compare(_Strict):
    """A leaf criterion: compare one fact (a field or a derived indicator) with a value.

    Exactly one of ``fact``, ``indicator``, ``param`` and ``term``, and exactly one operator
    (none for an indicator or term that is itself true or false). A fact that
    is absent or a missingness token makes the criterion indeterminate (``exists`` excepted).
    """

    id: DefinitionId | None = None
    """Stable id of the criterion (shown in traces and diffs)."""
    text: str | None = None
    """The criterion in plain words, ideally the source's own."""
    fact: str | None = Field(default=None, pattern=_POINTER)
    """JSON pointer into the case (``/incident/type``); ``./x`` is relative to the element
    under a ``some`` or ``count``."""
    indicator: DefinitionId | None = None
    """Id of a derived indicator (``definitions/indicators``)."""
    param: DefinitionId | None = None
    """Name of a parameter: lets one definition take a different path per profile."""
    term: DefinitionId | None = None
    """In a profile's review trigger only: the outcome of the profile's definition for this
    term (e.g. ``near_fatality``) — met, not met, or indeterminate."""
    unknown_values: list[Scalar] | Param | None = None
    """Values that mean "not known yet" here (e.g. a ``pending`` finding): indeterminate."""
    equals: Scalar | Param | None = None
    """The fact equals this value."""
    in_: list[Scalar] | Param | None = Field(default=None, alias="in")
    """The fact is one of these values."""
    contains: Scalar | Param | None = None
    """The fact is a list that contains this value."""
    contains_any: list[Scalar] | Param | None = None
    """The fact is a list that contains at least one of these values."""
    gte: float | Param | None = None
    """The fact (or count) is at least this."""
    lte: float | Param | None = None
    """The fact (or count) is at most this."""
    exists: bool | None = None
    """``true``: the fact is given (not absent, not a missingness token)."""


class All(_Strict):
    """Met when every part is met; not met when any is not met; otherwise indeterminate."""

    id: DefinitionId | None = None
    """Stable id of the criterion (shown in traces and diffs)."""
    text: str | None = None
    """The criterion in plain words, ideally the source's own."""
    all: list[Expression] = Field(min_length=1)
    """The parts, all of which must be met."""


class AnyOf(_Strict):
    """Met when any part is met; not met when every part is not met; otherwise indeterminate."""

    id: DefinitionId | None = None
    """Stable id of the criterion (shown in traces and diffs)."""
    text: str | None = None
    """The criterion in plain words, ideally the source's own."""
    any: list[Expression] = Field(min_length=1)
    """The parts, one of which must be met."""


class Not(_Strict):
    """Met when the part is not met (indeterminate stays indeterminate)."""

    id: DefinitionId | None = None
    """Stable id of the criterion (shown in traces and diffs)."""
    text: str | None = None
    """The criterion in plain words, ideally the source's own."""
    not_: Expression = Field(alias="not")
    """The part that must not be met."""


class Window(_Strict):
    """A span of time relative to the incident, for counting timeline events."""

    months_before: int | Param | None = None
    """Events dated at most this many months before the incident (``null``: no limit)."""
    include_incident_day: bool = False
    """Whether events on the incident day count (prior involvement excludes them)."""
    at_incident: bool = False
    """Instead of a span before the incident: events under way on the incident day (started
    on or before it and not ended before it; an absent ``end_date`` means still open)."""
    overlaps: bool = False
    """Count events under way at any time in the window (started before the incident and not
    ended before the window began), not only events that started in it: "received services
    within 12 months" includes a service that began earlier and ended inside the window."""


class Some(_Strict):
    """Met when at least one element of a list meets ``where``.

    With ``ref``, the list holds ids that are looked up among the objects of another list
    (e.g. ``alleged_responsible`` ids among ``/persons``).
    """

    id: DefinitionId | None = None
    """Stable id of the criterion (shown in traces and diffs)."""
    text: str | None = None
    """The criterion in plain words, ideally the source's own."""
    some: str = Field(pattern=_POINTER)
    """Pointer to the list."""
    ref: str | None = Field(default=None, pattern=_POINTER)
    """Pointer to the list of objects (with ``id``) that the ids refer to."""
    filter: Expression | None = None
    """Only elements that pass this test are considered (e.g. determinations by one authority)."""
    where: Expression
    """The test applied to each element (relative facts start with ``./``)."""
    none_means: Literal["not_met", "indeterminate"] = "not_met"
    """What it means when no element is considered (an empty list, or none passes the
    filter): usually "not met"; "indeterminate" where that means "not recorded yet" (e.g. no
    death review determination so far)."""


class Count(_Strict):
    """Count the elements of a list that meet ``where`` within a time window, and compare.

    Three-valued: elements whose test or date is uncertain count as "possibly", and the
    comparison is indeterminate when the possible count could change the answer.
    """

    id: DefinitionId | None = None
    """Stable id of the criterion (shown in traces and diffs)."""
    text: str | None = None
    """The criterion in plain words, ideally the source's own."""
    count: str = Field(pattern=_POINTER)
    """Pointer to the list (usually ``/history``)."""
    where: Expression | None = None
    """The test applied to each element; all elements when absent."""
    window: Window | None = None
    """Only elements dated in this window (by their ``date``)."""
    gte: int | Param | None = None
    """At least this many."""
    lte: int | Param | None = None
    """At most this many."""
    none_means: Literal["not_met", "indeterminate"] = "not_met"
    """What a count of zero means for ``gte``: see :class:`Some`."""


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("all", "any", "not", "some", "count"):
            if key in value:
                return key
    elif isinstance(value, BaseModel):
        return {All: "all", AnyOf: "any", Not: "not", Some: "some", Count: "count"}.get(
            type(value), "compare"
        )
    return "compare"


Expression = Annotated[
    Annotated[All, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[Not, Tag("not")]
    | Annotated[Some, Tag("some")]
    | Annotated[Count, Tag("count")]
    | Annotated[Compare, Tag("compare")],
    Discriminator(_kind),
]


class TestVector(_Strict):
    """A case that the definition must classify as ``expected``.

    The case is the shared base case (``definitions/vectors/base_case.yaml``) with ``patch``
    applied as a JSON Merge Patch (RFC 7386): objects merge, lists and values replace,
    ``null`` removes.
    """

    __test__ = False  # not a pytest class
    name: str
    """What the vector shows."""
    expected: Literal["meets", "does_not_meet", "indeterminate"]
    """The outcome the engine must give."""
    patch: dict[str, Any]
    """Changes to the base case."""
    parameters: dict[str, Any] = Field(default_factory=dict)
    """Parameter values for this vector (otherwise the definition's defaults)."""
    missing: list[str] = Field(default_factory=list)
    """For indeterminate vectors: pointers that must be named as missing facts."""


class _DefinitionBase(_Strict):
    id: DefinitionId
    """Equals the file name without extension."""
    series: DefinitionId | None = None
    """Definitions of one series are successive versions of the same rule, each effective
    over its own dates; the one in force on the incident date is used. Defaults to ``id``."""
    version: str = Field(pattern=_VERSION)
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
    parameters: dict[DefinitionId, Any] = Field(default_factory=dict)
    """Parameters the criteria use, with their default values."""
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


class ProfileTerm(_Strict):
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


class ReviewTrigger(_Strict):
    """A rule that makes an incident require a critical-incident review."""

    id: DefinitionId
    """Stable id."""
    text: str
    """The rule in plain words."""
    criteria: Expression
    """When it applies; may use the profile's parameters and indicators."""
    citations: list[Citation] = Field(min_length=1)
    """Sources."""
    review: str
    """Who reviews and by when."""


class Disclosure(_Strict):
    """What the jurisdiction allows or requires to be made public, and when."""

    text: str
    """In plain words."""
    citations: list[Citation] = Field(min_length=1)
    """Sources."""


class ProfileFile(_Strict):
    """A jurisdiction profile: the jurisdiction's definitions, parameters and triggers."""

    kind: Literal["jurisdiction_profile"]
    """The kind of definition file (fixed for each kind)."""
    id: DefinitionId
    """Equals the file name, and the jurisdiction code (e.g. ``us_ky``) for a state."""
    version: str = Field(pattern=_VERSION)
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
    """Parameters for every term and indicator (e.g. ``lookback_months``)."""
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
    """Cases with the expected outcome of the first review trigger."""


class CrosswalkEntry(_Strict):
    """One mapping from a standard code to another system's code."""

    source: str
    """Code in the standard's list."""
    target: str | None
    """Code in the other system; ``null`` when there is no equivalent."""
    match: Literal["exact", "broader", "narrower", "related", "no_equivalent"]
    """``broader``: the target means more than the source (information is lost going there);
    ``narrower``: the target means less; ``no_equivalent``: nothing corresponds."""
    note: str | None = None
    """Why, for anything but an exact match."""


class CrosswalkFile(_Strict):
    """A mapping between a standard code list and another system's codes."""

    kind: Literal["crosswalk"]
    """The kind of definition file (fixed for each kind)."""
    id: DefinitionId
    """Equals the file name."""
    version: str = Field(pattern=_VERSION)
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
    """One entry for every code of the source list."""
