"""The review of an incident: team, method and the systemic factor graph.

Safety-science reviews ask what in the system made events make sense at the time. The graph's
nodes are the outcome (the incident itself, id ``outcome``), timeline events, factors, barriers,
findings, recommendations and evidence; its links are typed (``contributes_to``, ``precedes``,
``breaches``, ``holds``, ``addresses``, ``supports``, ``evidenced_by``). Levels, work-system
elements, the action hierarchy and factor types are code lists in ``definitions/codelists``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal, NamedTuple

from pydantic import Field, StringConstraints

from npcs_review.codelists import codelist
from npcs_review.models._base import TOKEN, Label, Model, Text
from npcs_review.models._types import MISSING, Coded, Id, Maybe, PartialDate

__all__ = [
    "LINK_KINDS",
    "NODE_FIELDS",
    "OUTCOME_ID",
    "Barrier",
    "Event",
    "Evidence",
    "Factor",
    "Finding",
    "Link",
    "LinkRule",
    "Recommendation",
    "Review",
    "ReviewReport",
    "ReviewTrigger",
    "TeamMember",
]

#: The id of the outcome node: the incident the case file describes.
OUTCOME_ID = "outcome"

#: Each kind of node of the review graph and the review field that lists its nodes.
NODE_FIELDS: dict[str, str] = {
    "event": "events",
    "factor": "factors",
    "barrier": "barriers",
    "finding": "findings",
    "recommendation": "recommendations",
    "evidence": "evidence",
}


class LinkRule(NamedTuple):
    """What a kind of link may join, and whether it is causal."""

    sources: frozenset[str]
    """The kinds of node it may start at."""
    targets: frozenset[str]
    """The kinds of node it may point to."""
    causal: bool
    """Whether the analyses follow it towards the outcome (a cause, or a barrier's part)."""


_CAUSES = frozenset({"factor", "event", "barrier"})

#: Every kind of link of the review graph, with what it may join: the one place link kinds are
#: named (the ``Link.kind`` values, the consistency check and the analyses read it).
LINK_KINDS: dict[str, LinkRule] = {
    "contributes_to": LinkRule(_CAUSES, _CAUSES | {"outcome"}, causal=True),
    "precedes": LinkRule(frozenset({"event"}), frozenset({"event", "outcome"}), causal=False),
    "breaches": LinkRule(frozenset({"factor", "event"}), frozenset({"barrier"}), causal=True),
    "holds": LinkRule(frozenset({"barrier"}), frozenset({"event", "outcome", "factor"}), True),
    "addresses": LinkRule(frozenset({"recommendation"}), frozenset({"factor", "barrier"}), False),
    "supports": LinkRule(frozenset({"finding"}), frozenset({"factor", "barrier"}), causal=False),
    "evidenced_by": LinkRule(_CAUSES | {"finding"}, frozenset({"evidence"}), causal=False),
}
if TYPE_CHECKING:
    LinkKind = str
else:
    LinkKind = Literal[tuple(LINK_KINDS)]  # the schema's enum, in the table's order

Role = Label


class TeamMember(Model):
    """A member of the review team, by role: never a name."""

    role: Role
    """E.g. "facilitator", "CPS supervisor (not involved in the case)", "pediatrician"."""
    agency_type: Role | None = None
    """The kind of agency the member comes from (e.g. "hospital", "law enforcement")."""


class Event(Model):
    """A point on the incident's timeline or a decision, with its local rationality."""

    id: Id
    """Local id."""
    date: Maybe[PartialDate]
    """When it happened."""
    description: Text
    """What happened, in neutral words, with roles."""
    is_decision: bool = False
    """Whether this is a decision someone made."""
    actor_roles: list[Role] = Field(default_factory=list)
    """Who was involved, by role."""
    level: Annotated[str, Coded("system_level")] | None = None
    """The system level of the people acting (code list ``system_level``)."""
    local_rationality: Text | None = None
    """What made sense to the people involved at the time, and why (from the debrief)."""


class Factor(Model):
    """A condition, decision, omission or variability that shaped the outcome."""

    id: Id
    """Local id."""
    statement: Text
    """The factor as a mechanism: what, and how it influenced what followed."""
    level: Annotated[str, Coded("system_level")]
    """The system level it sits at (code list ``system_level``)."""
    work_system_elements: list[Annotated[str, Coded("work_system_element")]] = Field(
        default_factory=list
    )
    """SEIPS work-system elements it touches (code list ``work_system_element``)."""
    factor_type: Annotated[str, Coded("factor_type")]
    """Condition, decision, omission, variability or protective (code list ``factor_type``)."""
    latent: bool | None = None
    """Latent (a condition lying in wait) or active; by default latent at supervision and above."""
    confidence: Annotated[str, Coded("confidence")] | None = None
    """How confident the team is (code list ``confidence``)."""
    taxonomy_codes: dict[
        Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]*$"), TOKEN],
        Annotated[str, StringConstraints(min_length=1, max_length=100), TOKEN],
    ] = Field(default_factory=dict)
    """Codes in other taxonomies (e.g. a jurisdiction's review-tool items), by taxonomy id."""
    duty: Text | None = None
    """For an omission: the policy, standard or expectation in force at the time that called
    for the action (RCA² rule of causation 5)."""
    no_action_rationale: Text | None = None
    """Why the team recommends no action on this factor, when it decided so."""


class Barrier(Model):
    """A defence that was expected to stop harm, and whether it held."""

    id: Id
    """Local id."""
    description: Text
    """The defence, in neutral words."""
    barrier_type: Annotated[str, Coded("barrier_type")]
    """Kind of defence (code list ``barrier_type``)."""
    state: Annotated[str, Coded("barrier_state")]
    """Held, partially held, breached or absent (code list ``barrier_state``)."""
    level: Annotated[str, Coded("system_level")]
    """The system level it belongs to (code list ``system_level``)."""


class Finding(Model):
    """A conclusion of the review team, or of another body the review reports."""

    id: Id
    """Local id."""
    text: Text
    """The finding, in neutral, mechanism-based words."""
    attributed_to: Label | None = None
    """Who stated it, when not the team (e.g. "Office of the Child Advocate", "police
    report"): its words are theirs, so lint does not read them as the team's language."""


class Recommendation(Model):
    """An action the team recommends, with its strength, owner, date, measure and status."""

    id: Id
    """Local id."""
    text: Text
    """What should change."""
    action_strength: Annotated[str, Coded("action_strength")] | None = None
    """Stronger, intermediate or weaker on the RCA² hierarchy (code list ``action_strength``);
    absent when the report does not say (then its ``action_type`` ranks it, if given)."""
    action_type: Annotated[str, Coded("action_type")] | None = None
    """The kind of action (code list ``action_type``)."""
    owner_role: Role | None = None
    """Who is responsible, by role."""
    due_date: Maybe[PartialDate] | None = None
    """When it is due."""
    measure: Text | None = None
    """How its effect will be measured."""
    status: Annotated[str, Coded("recommendation_status")] = "proposed"
    """proposed → accepted → implemented → verified, or declined (code list
    ``recommendation_status``)."""
    status_reason: Text | None = None
    """Why, when declined."""

    def ranked_strength(self) -> str | None:
        """Its strength on the action hierarchy: recorded, else its action type's, else None."""
        if self.action_strength is not None and self.action_strength not in MISSING:
            return self.action_strength
        if self.action_type is None or self.action_type in MISSING:
            return None
        value = codelist("action_type").get(self.action_type)
        strength = None if value is None else value.attributes.get("strength")
        return strength if isinstance(strength, str) else None


class ReviewTrigger(Model):
    """Why the review was held: the rule that required or allowed it."""

    id: Id | None = None
    """The id of the review trigger in the jurisdiction's profile, if it is encoded there
    (e.g. ``critical_incident_rapid_response``)."""
    rule: Label | None = None
    """The statute, rule or policy cited (e.g. "F.S. 39.2015(2)")."""
    text: Text | None = None
    """What the rule requires, in the report's words."""


class ReviewReport(Model):
    """The review's published or internal report."""

    number: Label | None = None
    """The report's own number, if it has one."""
    title: Label | None = None
    """Its title."""
    citation: Text | None = None
    """How to cite it (body, title, date, where it is published)."""
    published: Maybe[PartialDate] | None = None
    """When it was published or issued."""


class Evidence(Model):
    """A source the review relied on, and when it became available."""

    id: Id
    """Local id."""
    source_type: Annotated[str, Coded("evidence_source")]
    """Where it comes from (code list ``evidence_source``)."""
    description: Text
    """What it is, without identifiers."""
    available_at: Maybe[PartialDate]
    """When it existed or could have been known (for hindsight checks)."""


class Link(Model):
    """A typed, directed link between two nodes of the review graph."""

    kind: LinkKind
    """What the link means."""
    source: Id
    """Id of the node it starts from."""
    target: Id
    """Id of the node it points to (``outcome`` for the incident)."""
    mechanism: Text | None = None
    """For contributes_to: how the source influenced the target (RCA² rule of causation 1)."""
    polarity: Literal["increases_risk", "protective"] | None = None
    """For contributes_to: whether the source made the target more likely (the default) or
    less likely (a protective influence, which analyses do not count as a cause)."""
    strength: Annotated[str, Coded("link_strength")] | None = None
    """For contributes_to: weak, moderate or strong (code list ``link_strength``)."""
    confidence: Annotated[str, Coded("confidence")] | None = None
    """How confident the team is in the link (code list ``confidence``)."""
    evidence: list[Id] = Field(default_factory=list)
    """Ids of evidence items that support the link."""


class Review(Model):
    """The review of the incident and its systemic factor graph."""

    type: Annotated[str, Coded("review_type")]
    """Kind of review (code list ``review_type``)."""
    conducted_by: Annotated[str, Coded("review_body")] | None = None
    """The kind of body that conducted it: the agency's internal team, a rapid response team,
    an external oversight office such as a child advocate… (code list ``review_body``)."""
    conducting_body: Label | None = None
    """That body's name (e.g. "Office of the Child Advocate")."""
    trigger: ReviewTrigger | None = None
    """The rule under which it was conducted."""
    report: ReviewReport | None = None
    """Its report: number, citation, publication date."""
    started: Maybe[PartialDate] | None = None
    """When the review started."""
    completed: Maybe[PartialDate] | None = None
    """When the review was completed. The incident, agency history and certification cannot be
    dated after it; determinations (charges, convictions, an oversight finding and the agency's
    response) may follow it, and recommendations may fall due later."""
    method: Annotated[str, Coded("review_method")] | None = None
    """The analysis method (code list ``review_method``)."""
    team: list[TeamMember] = Field(default_factory=list)
    """The team, by role."""
    debrief_notes: Text | None = None
    """Notes from the debriefs; quoted interview text goes in double quotes."""
    level_labels: dict[Annotated[str, Coded("system_level")], Role] = Field(default_factory=dict)
    """The jurisdiction's own names for the system levels, by level code."""
    events: list[Event] = Field(default_factory=list)
    """The timeline of the incident and the decisions before it."""
    factors: list[Factor] = Field(default_factory=list)
    """Systemic factors."""
    barriers: list[Barrier] = Field(default_factory=list)
    """Defences and whether they held."""
    findings: list[Finding] = Field(default_factory=list)
    """The team's conclusions."""
    recommendations: list[Recommendation] = Field(default_factory=list)
    """Recommended actions."""
    evidence: list[Evidence] = Field(default_factory=list)
    """Sources relied on."""
    links: list[Link] = Field(default_factory=list)
    """The graph's links."""
