"""The core data set for one critical incident: the case file model.

One case file describes one incident. People are recorded by role, never by name. Every
coded field takes a value from its code list (``definitions/codelists``) or a missingness
token, so that "unknown", "not collected" and "not applicable" stay distinct from "no".
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, JsonValue, StringConstraints

from npcs_review.models._base import (
    CONFIDENTIAL,
    GEOGRAPHY,
    LABEL,
    OPAQUE,
    TOKEN,
    Label,
    Model,
    Text,
)
from npcs_review.models._types import Answer, Coded, Id, Maybe, PartialDate
from npcs_review.models.review import Review

__all__ = [
    "SCHEMA_VERSION",
    "Age",
    "Case",
    "CaseInfo",
    "Child",
    "Determination",
    "HistoryEvent",
    "Incident",
    "Maltreatment",
    "Medical",
    "Person",
    "PhysicianCertification",
]

#: Version of the case-file schema that this model reads and writes.
SCHEMA_VERSION = "0.3"

NamespaceKey = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$", max_length=64),
    TOKEN,
]


class Age(Model):
    """An age with its unit; give infants' ages in months (or days or weeks)."""

    value: Annotated[int, Field(ge=0, le=1200)]
    """The number of units."""
    unit: Literal["days", "weeks", "months", "years"]
    """The unit of the age."""

    def in_days(self) -> tuple[float, float]:
        """Return the lowest and highest age in days this value stands for."""
        per = {"days": 1.0, "weeks": 7.0, "months": 30.4375, "years": 365.25}[self.unit]
        return self.value * per, (self.value + 1) * per


class CaseInfo(Model):
    """Who owns the case."""

    case_id: Annotated[
        str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"), CONFIDENTIAL
    ]
    """The agency's own case id. Confidential: removed from partnership and public outputs."""
    jurisdiction: Annotated[str, Coded("jurisdiction")]
    """The state or territory whose agency owns the case (code list ``jurisdiction``)."""
    county: Annotated[str, StringConstraints(pattern=r"^\d{5}$"), GEOGRAPHY] | None = None
    """The county of the incident as its 5-digit FIPS code (state and county digits). A place
    smaller than a state: it leaves the agency only as a sharing agreement allows."""
    region: (
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"), GEOGRAPHY]
        | None
    ) = None
    """The jurisdiction's own region (circuit, district) code, as its agency names it."""
    agency: Annotated[str, StringConstraints(min_length=1, max_length=20_000), LABEL] | None = None
    """The agency's name or level (state, county, tribal), if useful to the reader."""


class Child(Model):
    """The child the incident happened to, at the time of the incident."""

    age: Maybe[Age]
    """Age at the incident; months, weeks or days for infants."""
    sex: Annotated[str, Coded("sex")]
    """Sex (code list ``sex``)."""
    race: Maybe[list[Annotated[str, Coded("race")]]]
    """Every race category that applies (multi-select, code list ``race``)."""
    hispanic: Answer
    """Hispanic or Latino ethnicity, asked separately from race."""
    in_foster_care: Answer | None = None
    """Whether the child was in foster care at the time of the incident."""


class Person(Model):
    """Someone in the child's life, recorded by role: never a name."""

    id: Id
    """Local id used by maltreatments and history events (e.g. ``mother``, ``p1``)."""
    relationship: Annotated[str, Coded("relationship")]
    """Relationship to the child (code list ``relationship``)."""
    parent_type: Annotated[str, Coded("parent_type")] | None = None
    """For a parent: biological, step or adoptive."""
    caregiver: Answer
    """Whether the person was a caregiver of the child at the time of the incident."""
    household_member: Answer | None = None
    """Whether the person lived in the child's household."""
    age: Maybe[Age] | None = None
    """Age at the incident."""
    sex: Annotated[str, Coded("sex")] | None = None
    """Sex (code list ``sex``)."""
    note: Text | None = None
    """What a report says about this person's part (e.g. "arrived after the child was found"),
    with roles, never names."""


class PhysicianCertification(Model):
    """A certification of the child's condition (CAPTA 42 U.S.C. 5106a(b)(4)(A))."""

    certified: Answer
    """Whether a clinician certified the child's condition."""
    condition: Annotated[str, Coded("physical_condition")] | None = None
    """The condition certified (code list ``physical_condition``)."""
    certifier_role: Annotated[str, Coded("certifier_role")] | None = None
    """Who certified it (code list ``certifier_role``)."""
    date: Maybe[PartialDate] | None = None
    """When it was certified."""


class Medical(Model):
    """Medical facts about the child's injuries and care."""

    physician_certification: PhysicianCertification | None = None
    """The certification of the child's condition, if any was sought."""
    critical_care_hours: Maybe[Annotated[float, Field(ge=0, le=100_000)]] | None = None
    """Hours in a critical care unit as a direct result of the incident."""
    life_saving_procedures: Maybe[list[Annotated[str, Coded("life_saving_procedure")]]] | None = (
        None
    )
    """Procedures performed to keep the child alive; an empty list means none."""
    admission_date: Maybe[PartialDate] | None = None
    """When the child was admitted to hospital, where it differs from the incident date (for
    example an injury found days after it happened)."""


class Incident(Model):
    """What happened: type, dates, cause and manner, medical facts."""

    type: Annotated[str, Coded("incident_type")]
    """The type the agency reported (code list ``incident_type``); not a classification."""
    date: Maybe[PartialDate]
    """The date of the incident, with its precision."""
    date_of_death: Maybe[PartialDate] | None = None
    """For a fatality, the date of death."""
    cause_category: Annotated[str, Coded("cause_category")] | None = None
    """Mechanism of death or injury (code list ``cause_category``)."""
    manner_of_death: Annotated[str, Coded("manner_of_death")] | None = None
    """Manner of death on the death certificate (code list ``manner_of_death``)."""
    medical: Medical | None = None
    """Medical facts."""
    summary: Text | None = None
    """Circumstances in neutral words, written with roles, never names."""


class Maltreatment(Model):
    """One alleged maltreatment, its finding and its causal role."""

    id: Id
    """Local id."""
    type: Annotated[str, Coded("maltreatment_type")]
    """Maltreatment type (code list ``maltreatment_type``)."""
    finding: Annotated[str, Coded("finding")]
    """The finding or disposition level (code list ``finding``)."""
    alleged_responsible: list[Id] = Field(default_factory=list)
    """Ids of the persons alleged to be responsible."""
    causal_role: Annotated[str, Coded("causal_role")]
    """How this maltreatment relates to the death or injury (code list ``causal_role``), as the
    agency that investigated it concluded. Other authorities' conclusions, which may differ, go
    in their own determinations (``/determinations/*/causal_role``)."""
    note: Text | None = None
    """What the allegation was about, as the report gives it, with roles, never names."""


class Determination(Model):
    """A determination by one authority; kept beside the others, never overwriting them."""

    id: Id
    """Local id."""
    authority: Annotated[str, Coded("authority")]
    """Who determined it (code list ``authority``)."""
    type: Annotated[str, Coded("determination_type")] | None = None
    """What kind of determination it is: a manner of death, a finding on maltreatment, a criminal
    charge, an arrest, a conviction, an external body's finding, the agency's response to one…
    (code list ``determination_type``)."""
    body: Label | None = None
    """The body's own name where the code does not say it (e.g. "Office of the Child
    Advocate", "county sheriff's office")."""
    date: Maybe[PartialDate] | None = None
    """When it was determined (charged, arrested, convicted, published, answered)."""
    evidence_standard: Annotated[str, Coded("evidence_standard")] | None = None
    """Standard of proof applied (code list ``evidence_standard``)."""
    manner_of_death: Annotated[str, Coded("manner_of_death")] | None = None
    """Manner of death, where this authority rules on it."""
    finding: Annotated[str, Coded("finding")] | None = None
    """Finding on maltreatment, where this authority makes one."""
    causal_role: Annotated[str, Coded("causal_role")] | None = None
    """This authority's own causal conclusion: whether the maltreatment it concerns (the
    ``maltreatments`` listed; maltreatment in general when none are listed) caused or contributed
    to the death or injury. A child death review team, the medical examiner and CPS may
    conclude differently; each conclusion stays with its authority."""
    maltreatment_death: Answer | None = None
    """Whether this authority determined that the child died as a result of maltreatment. For
    the state child welfare agency this is the NCANDS Child File field MalDeath (element 34):
    ``yes``, ``no`` or ``unknown``; it is a determination of its own, independent of the
    dispositions of the allegations."""
    maltreatments: list[Id] = Field(default_factory=list)
    """Ids of the maltreatments this determination concerns."""
    persons: list[Id] = Field(default_factory=list)
    """Ids of the persons it concerns (the person charged, arrested or convicted)."""
    charge: Label | None = None
    """For a charge, arrest or conviction: the offense, as the authority worded it (e.g.
    "aggravated manslaughter of a child")."""
    responds_to: Id | None = None
    """For a response: the id of the determination it answers (e.g. the agency's response to an
    oversight office's finding)."""
    position: Annotated[str, Coded("response_position")] | None = None
    """For a response: whether it accepts, partly accepts or disputes the finding it answers
    (code list ``response_position``)."""
    note: Text | None = None
    """What the authority stated, in its own terms (it is attributed to the authority, so lint
    does not read it as the team's language)."""


class HistoryEvent(Model):
    """One dated event of agency history, for the child or someone in the household."""

    id: Id
    """Local id."""
    type: Annotated[str, Coded("history_event_type")]
    """Kind of event (code list ``history_event_type``)."""
    date: Maybe[PartialDate]
    """When it happened or started; a bounded range (``2018-07/2019-03``) when the report gives
    only bounds ("opened after June 2018"); for a ``count``, the span the count covers."""
    end_date: Maybe[PartialDate] | None = None
    """When it ended (open cases, services, placements); absent while still open."""
    count: Annotated[int, Field(ge=2, le=10_000)] | None = None
    """This entry stands for this many events of its type over the span in ``date``, whose
    separate dates the source does not give ("five reports 2014 to 2018"). Indicators count them
    all; a window that cuts the span makes the count indeterminate, never a guess."""
    subjects: Annotated[list[Id], Field(min_length=1)]
    """Who it concerned: ``child`` for the child, or person ids."""
    finding: Annotated[str, Coded("finding")] | None = None
    """The finding, for reports, investigations and assessments."""
    maltreatment_types: list[Annotated[str, Coded("maltreatment_type")]] = Field(
        default_factory=list
    )
    """Maltreatment types alleged."""
    related_to: Id | None = None
    """Id of the event this one follows from (e.g. the report an investigation answers)."""
    note: Text | None = None
    """Neutral description, with roles, never names."""


class Case(Model):
    """One critical incident: the core data set, and its review when there is one."""

    schema_version: Literal["0.3"]
    """The case-file schema version this document follows."""
    case: CaseInfo
    """Who owns the case: the agency's case id and the jurisdiction."""
    child: Child
    """The child."""
    persons: list[Person] = Field(default_factory=list)
    """The people around the child, by role."""
    incident: Incident
    """The incident."""
    maltreatments: list[Maltreatment] = Field(default_factory=list)
    """Alleged maltreatments, with findings and causal roles."""
    determinations: list[Determination] = Field(default_factory=list)
    """Determinations by each authority, side by side."""
    history: list[HistoryEvent] = Field(default_factory=list)
    """The agency-history timeline, for the child and the household."""
    review: Review | None = None
    """The review, once there is one."""
    extensions: dict[NamespaceKey, dict[Annotated[str, OPAQUE], JsonValue]] = Field(
        default_factory=dict
    )
    """Jurisdiction-specific fields under a namespace (e.g. ``us_ky``); kept unchanged."""
