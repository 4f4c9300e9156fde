"""The standardized case summary: what a review team brings to a meeting.

``build_summary(case, audience=…)`` assembles the content once, already filtered for its
audience; :mod:`npcs_review.render.markdown` and :mod:`npcs_review.render.html` only lay it out.

Audiences:

- ``internal`` (default): the agency's own review; everything, including the case id.
- ``partnership``: shared with the partnership; no direct identifiers — no case id, dates shown
  relative to the incident (the incident by year and month), narrative text that looks like it
  holds an identifier withheld.
- ``public``: what CAPTA asks states to allow to be disclosed for a fatality or near fatality
  (CWPM 2.1A.4 Q8 as implemented by states): cause and circumstances, the child's age and sex,
  prior reports and investigations with their results, and services provided. Nothing else.
"""

from __future__ import annotations

from typing import Any

import attrs

from npcs_review.audience import AUDIENCES, Audience, AudienceView, for_audience
from npcs_review.codelists import codelist
from npcs_review.models import MISSING, Case
from npcs_review.models._types import code_text as _label

__all__ = ["AUDIENCES", "Audience", "Section", "Summary", "build_summary"]

_BANNER = {
    "internal": "Internal review — contains the agency's case id. Do not share outside the agency.",
    "partnership": "Partnership share — no direct identifiers; dates are shown relative to the "
    "incident.",
    "public": "Public disclosure — limited to what federal law asks states to allow to be "
    "disclosed: cause and circumstances, age and sex, prior reports and "
    "investigations with their results, and services provided (CAPTA "
    "§106(b)(2)(B)(x); CWPM 2.1A.4).",
}


@attrs.frozen
class Section:
    """One part of the summary: a heading, paragraphs, and tables (header row + rows)."""

    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]], ...] = ()
    figure: str | None = None
    """``timeline`` or ``factor_graph``: the renderer draws it from ``Summary.figures``."""


@attrs.frozen
class Summary:
    """The content of a case summary for one audience."""

    title: str
    audience: str
    banner: str
    facts: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    figures: dict[str, Any]
    """Data for the renderers' pictures (timeline events; the factor graph)."""


def _public_history() -> frozenset[str]:
    """History events a public disclosure shows (attribute ``public_disclosure``)."""
    return frozenset(
        v.code
        for v in codelist("history_event_type").values
        if v.attributes.get("public_disclosure")
    )


def build_summary(case: Case, *, audience: str = "internal") -> Summary:
    """Assemble the summary of ``case`` for ``audience``.

    Raises:
        ValueError: for an unknown audience.
    """
    dates = for_audience(case, audience)
    original, case = case, dates.case
    inc = case.incident
    kind = _label("incident_type", inc.type)
    where = _label("jurisdiction", case.case.jurisdiction)
    facts: list[tuple[str, str]] = []
    if audience == "internal":
        facts.append(("Case id", case.case.case_id))
    facts += [
        ("Jurisdiction", where),
        ("Incident", f"{kind}, {dates.incident_date(inc.date)}"),
        ("Cause", _label("cause_category", inc.cause_category)),
    ]
    if inc.type == "fatality":
        facts.append(("Manner of death", _label("manner_of_death", inc.manner_of_death)))
    facts.append(("Child", f"{dates.age(case.child.age)}, {_label('sex', case.child.sex).lower()}"))
    sections: list[Section] = []
    figures: dict[str, Any] = {}
    circumstances = inc.summary
    if circumstances:
        sections.append(Section("circumstances", "Circumstances", (circumstances,)))
    if audience != "public":
        sections += _classification(original, relative=dates.relative)
        sections.append(_household(case, dates))
    sections.append(_history(case, dates, audience))
    figures["timeline"] = _timeline_events(case, dates, audience)
    if audience != "public" and case.review is not None:
        sections += _review(case, dates, audience)
        if case.review.links:
            from npcs_review.graph.limits import size_problem  # noqa: PLC0415

            graph = _graph_for(case, dates, audience)
            too_large = size_problem(graph)
            if too_large is None:
                figures["factor_graph"] = graph
            else:  # the table of factors stays; the map would be refused
                sections = [_with_note(s, too_large.message) for s in sections]
    if audience == "public" and case.maltreatments:
        rows = tuple(
            (_label("maltreatment_type", m.type), _label("finding", m.finding))
            for m in case.maltreatments
        )
        sections.append(
            Section(
                "findings",
                "Findings on the allegations",
                tables=((("Maltreatment", "Finding"), rows),),
            )
        )
    if audience == "internal":
        sections.append(_lint(case))
    sections.append(_completeness(original))
    title = f"{kind} — {where}"
    return Summary(title, audience, _BANNER[audience], tuple(facts), tuple(sections), figures)


def _classification(case: Case, *, relative: bool) -> list[Section]:
    from npcs_review.engine.classify import classify  # noqa: PLC0415
    from npcs_review.engine.scope import default_scope  # noqa: PLC0415
    from npcs_review.registry import default_registry  # noqa: PLC0415

    registry = default_registry()
    runs = [
        (
            f"{registry.profile(p).title} profile"
            if p
            else "Partnership standard and federal definitions",
            classify(case, profile=p, registry=registry),
        )
        for p in default_scope(case, registry)
    ]
    words = {"meets": "Meets", "does_not_meet": "Does not meet", "indeterminate": "Undecided"}
    sections = []
    for n, (scope, result) in enumerate(runs):
        rows: list[tuple[str, ...]] = [
            (d.term.replace("_", " "), words[d.outcome], d.title, d.reason)
            for d in result.decisions
        ]
        rows += [
            (
                "review trigger",
                words[t.outcome],
                t.text,
                t.review if t.outcome == "meets" else ", ".join(t.missing_facts) or "—",
            )
            for t in result.triggers
        ]
        day = "the incident date" if relative else result.effective_on
        when = (
            f"Definitions in force on {day}."
            if result.effective_on
            else "The incident date is unknown: current definitions."
        )
        sections.append(
            Section(
                f"classification-{n}",
                f"Classification: {scope}",
                (when,),
                ((("Term", "Outcome", "Definition", "Reason"), tuple(rows)),),
            )
        )
    return sections


def _household(case: Case, dates: AudienceView) -> Section:
    child = case.child
    race = (
        ", ".join(_label("race", r) for r in child.race)
        if isinstance(child.race, list)
        else _label("race", child.race)
    )
    paragraphs = (
        f"The child was {dates.age(child.age)} old ({_label('sex', child.sex).lower()}); race: "
        f"{race or 'none recorded'}; Hispanic or Latino: {child.hispanic.replace('_', ' ')}; "
        f"in foster care: {(child.in_foster_care or 'not recorded').replace('_', ' ')}.",
    )
    rows = tuple(
        (
            p.id,
            _label("relationship", p.relationship)
            + (f" ({_label('parent_type', p.parent_type).lower()})" if p.parent_type else ""),
            p.caregiver.replace("_", " "),
            (p.household_member or "not recorded").replace("_", " "),
            dates.age(p.age, missing="—"),
        )
        for p in case.persons
    )
    return Section(
        "household",
        "Child and household",
        paragraphs,
        ((("Role id", "Relationship", "Caregiver", "In the household", "Age"), rows),)
        if rows
        else (),
    )


def _history(case: Case, dates: AudienceView, audience: str) -> Section:
    rows = []
    for h in case.history:
        if audience == "public" and h.type not in _public_history():
            continue
        subjects = "" if audience == "public" else ", ".join(h.subjects)
        rows.append(
            (
                dates.date(h.date),
                dates.date(h.end_date) if h.end_date else "",
                _label("history_event_type", h.type),
                subjects,
                _label("finding", h.finding) if h.finding else "",
            )
        )
    header = ("Date", "Until", "Event", "Concerning", "Finding")
    title = (
        "Prior reports, investigations and services" if audience == "public" else "Agency history"
    )
    paragraphs = () if rows else ("No prior agency involvement is recorded.",)
    return Section(
        "history", title, paragraphs, ((header, tuple(rows)),) if rows else (), figure="timeline"
    )


def _timeline_events(case: Case, dates: AudienceView, audience: str) -> list[dict[str, str]]:
    events = []
    for h in case.history:
        if audience == "public" and h.type not in _public_history():
            continue
        if h.date not in MISSING:
            events.append(
                {
                    "date": str(h.date),
                    "label": _label("history_event_type", h.type),
                    "lane": "agency history",
                    "shown": dates.date(h.date),
                }
            )
    if audience != "public" and case.review is not None:
        for e in case.review.events:
            if e.date not in MISSING:
                events.append(
                    {
                        "date": str(e.date),
                        "label": e.description,
                        "lane": "decision" if e.is_decision else "event",
                        "shown": dates.date(e.date),
                    }
                )
    if case.incident.date not in MISSING:
        events.append(
            {
                "date": str(case.incident.date),
                "label": _label("incident_type", case.incident.type),
                "lane": "incident",
                "shown": dates.incident_date(case.incident.date),
            }
        )
    return sorted(events, key=lambda e: (e["date"], e["lane"], e["label"]))


def _with_note(section: Section, why: str) -> Section:
    """The factors section, saying why the factor graph is not drawn."""
    if section.figure != "factor_graph":
        return section
    note = f"The factor graph is not drawn: {why}."
    return attrs.evolve(section, paragraphs=(*section.paragraphs, note), figure=None)


def _graph_for(case: Case, dates: AudienceView, audience: str) -> Any:
    """The factor graph for the figures, with dates and text shown as the audience may see."""
    return dates.graph()


def _review(case: Case, dates: AudienceView, audience: str) -> list[Section]:
    review = case.review
    assert review is not None
    levels = codelist("system_level")
    names = {code: review.level_labels.get(code, levels.label(code)) for code in levels.codes}
    out = []
    meta = [
        f"{_label('review_type', review.type)}"
        + (f" using {_label('review_method', review.method)}" if review.method else "")
        + f", {dates.date(review.started)} to {dates.date(review.completed)}."
    ]
    if review.team:
        meta.append("Team (by role): " + "; ".join(m.role for m in review.team) + ".")
    out.append(Section("review", "The review", tuple(meta)))
    if review.events:
        rows = tuple(
            (
                dates.date(e.date),
                "decision" if e.is_decision else "event",
                e.description,
                e.local_rationality or "",
            )
            for e in review.events
        )
        out.append(
            Section(
                "chronology",
                "Chronology of the incident",
                (),
                ((("Date", "Kind", "What happened", "What made sense at the time"), rows),),
            )
        )
    if review.factors or review.barriers:
        by_level: list[tuple[str, ...]] = []
        for code in reversed([v.code for v in levels.values]):
            for f in review.factors:
                if f.level == code:
                    by_level.append(
                        (
                            names[code],
                            f.statement,
                            _label("factor_type", f.factor_type),
                            ", ".join(
                                _label("work_system_element", w) for w in f.work_system_elements
                            ),
                        )
                    )
            for b in review.barriers:
                if b.level == code:
                    by_level.append(
                        (
                            names[code],
                            b.description,
                            f"barrier ({_label('barrier_state', b.state).lower()})",
                            _label("barrier_type", b.barrier_type),
                        )
                    )
        out.append(
            Section(
                "factors",
                "Systemic factors by level",
                (),
                ((("Level", "Factor or barrier", "Type", "Work system"), tuple(by_level)),),
                figure="factor_graph",
            )
        )
    if review.findings:
        out.append(Section("findings", "Findings", tuple(f.text for f in review.findings)))
    if review.recommendations:
        recommendation_rows: tuple[tuple[str, ...], ...] = tuple(
            (
                r.text,
                _label("action_strength", r.action_strength),
                r.owner_role or "—",
                dates.date(r.due_date) if r.due_date else "—",
                _label("recommendation_status", r.status),
                r.measure or "",
            )
            for r in review.recommendations
        )
        out.append(
            Section(
                "recommendations",
                "Recommendations",
                (),
                (
                    (
                        ("Recommendation", "Strength", "Owner", "Due", "Status", "Measure"),
                        recommendation_rows,
                    ),
                ),
            )
        )
    return out


def _lint(case: Case) -> Section:
    from npcs_review.lint import lint  # noqa: PLC0415

    report = lint(case)
    rows = tuple(
        (f.severity, f"{f.code} {f.slug}", f.pointer or "/", f.message) for f in report.findings
    )
    c = report.counts
    return Section(
        "lint",
        "Review quality checks",
        (f"{c['error']} error(s), {c['warning']} warning(s), {c['info']} note(s).",),
        ((("Severity", "Rule", "Where", "Finding"), rows),) if rows else (),
    )


def _completeness(case: Case) -> Section:
    from npcs_review.lint.rules import completeness  # noqa: PLC0415

    known, total, unknown = completeness(case)
    text = f"{known} of {total} core facts are recorded."
    if unknown:
        text += " Unknown or not collected: " + ", ".join(unknown) + "."
    return Section("completeness", "Data completeness", (text,))
