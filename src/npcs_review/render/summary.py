"""The standardized case summary: what a review team brings to a meeting.

``build_summary(case, audience=…)`` assembles the content once from the case as the audience may
see it (:func:`npcs_review.audience.for_audience`); :mod:`npcs_review.render.markdown` and
:mod:`npcs_review.render.html` only lay it out.

A one-page overview comes first (classification, key facts, the most-connected systemic factors,
recommendations by strength and status), then the detail: circumstances, every determination
side by side, the allegations with their findings and causal roles, the agency's response to
findings, the household, the agency history, the review and its factor graph. A section with
nothing in it says "None recorded." instead of disappearing.

Audiences (see :mod:`npcs_review.audience`):

- ``internal`` (default): the agency's own review; everything, including the case id.
- ``partnership``: no direct identifiers; dates relative to the incident.
- ``public``: what CAPTA asks states to allow to be disclosed for a fatality or near fatality
  (CWPM 2.1A.4 Q8 as implemented by states): cause and circumstances, the child's age and sex,
  prior reports and investigations with their results, and services provided; plus what the
  jurisdiction's own disclosure rule publishes (its profile's ``disclosure.publishes``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs

from npcs_review.audience import AUDIENCES, Audience, AudienceView, for_audience
from npcs_review.codelists import codelist
from npcs_review.models import MISSING, Case, Determination
from npcs_review.models._types import code_text as _label

__all__ = ["AUDIENCES", "Audience", "Section", "Summary", "build_summary"]

_BANNER = {
    "internal": "Internal review — contains the agency's case id. Do not share outside the agency.",
    "partnership": "Partnership share — no direct identifiers; dates are shown relative to the "
    "incident.",
    "public": "Public disclosure — what federal law asks states to allow to be disclosed "
    "(cause and circumstances, age and sex, prior reports and investigations with their "
    "results, and services provided: CAPTA §106(b)(2)(B)(x); CWPM 2.1A.4)",
}
_NONE = "None recorded."
Table = tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]
#: Links that say how a factor is connected to the rest of the review.
_CONNECTING = ("contributes_to", "breaches", "holds", "addresses", "supports")


@attrs.frozen
class Section:
    """One part of the summary: a heading, paragraphs, and tables (header row + rows)."""

    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
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


def _section(
    key: str,
    title: str,
    paragraphs: tuple[str, ...] = (),
    table: Table | None = None,
    figure: str | None = None,
) -> Section:
    """A section; "None recorded." when it has neither text nor rows."""
    tables = (table,) if table is not None and table[1] else ()
    if not paragraphs and not tables:
        paragraphs = (_NONE,)
    return Section(key, title, paragraphs, tables, figure)


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
    view = for_audience(case, audience)
    original, case = case, view.case
    public = audience == "public"
    published = view.published()
    kind = _label("incident_type", case.incident.type)
    where = _label("jurisdiction", case.case.jurisdiction)
    runs = [] if public else _classifications(original)
    sections = [_overview(case, view, runs, published)]
    if case.incident.summary:
        sections.append(_section("circumstances", "Circumstances", (case.incident.summary,)))
    if "determinations" in published:
        sections.append(_determinations(case, view))
    sections.append(_allegations(case, public=public))
    if "agency_response" in published:
        sections.append(_responses(case, view))
    sections += [_classification_section(n, scope, r, view) for n, (scope, r) in enumerate(runs)]
    if not public:
        sections.append(_household(case, view))
    sections.append(_history(case, view, public=public))
    figures: dict[str, Any] = {"timeline": _timeline_events(case, view, public=public)}
    if case.review is not None:
        sections += _review(case, view, published, full=not public)
        if case.review.links and not public:
            from npcs_review.graph.limits import size_problem  # noqa: PLC0415

            graph = view.graph()
            too_large = size_problem(graph)
            if too_large is None:
                figures["factor_graph"] = graph
            else:  # the table of factors stays; the map would be refused
                sections = [_with_note(s, too_large.message) for s in sections]
    if audience == "internal":
        sections.append(_lint(case))
    sections.append(_completeness(original))
    title = f"{kind} — {where}"
    banner = _BANNER[audience]
    if public:
        banner += f" and what {where}'s disclosure rule publishes." if published else "."
    return Summary(title, audience, banner, _facts(case, view), tuple(sections), figures)


def _facts(case: Case, view: AudienceView) -> tuple[tuple[str, str], ...]:
    inc = case.incident
    facts: list[tuple[str, str]] = []
    if view.audience == "internal":
        facts.append(("Case id", case.case.case_id))
    facts += [
        ("Jurisdiction", _label("jurisdiction", case.case.jurisdiction)),
        ("Incident", f"{_label('incident_type', inc.type)}, {view.incident_date(inc.date)}"),
    ]
    if inc.type == "fatality" or inc.date_of_death is not None:
        facts.append(("Date of death", view.date(inc.date_of_death)))
    facts.append(("Cause", _label("cause_category", inc.cause_category)))
    if inc.type == "fatality":
        facts.append(("Manner of death", _label("manner_of_death", inc.manner_of_death)))
    child = case.child
    facts.append(("Child", f"{view.age(child.age)}, {_label('sex', child.sex).lower()}"))
    return tuple(facts)


# --- overview -----------------------------------------------------------------------------

_WORDS = {"meets": "Meets", "does_not_meet": "Does not meet", "indeterminate": "Undecided"}


def _classifications(case: Case) -> list[tuple[str, Any]]:
    from npcs_review.engine.classify import classify  # noqa: PLC0415
    from npcs_review.engine.scope import default_scope  # noqa: PLC0415
    from npcs_review.registry import default_registry  # noqa: PLC0415

    registry = default_registry()
    return [
        (
            f"{registry.profile(p).title} profile"
            if p
            else "Partnership standard and federal definitions",
            classify(case, profile=p, registry=registry),
        )
        for p in default_scope(case, registry)
    ]


def _overview(
    case: Case, view: AudienceView, runs: list[tuple[str, Any]], published: frozenset[str]
) -> Section:
    paragraphs: list[str] = []
    for scope, result in runs:
        met = [d.title for d in result.decisions if d.outcome == "meets"]
        open_ = [d.title for d in result.decisions if d.outcome == "indeterminate"]
        due = [t.text.rstrip(". ") for t in result.triggers if t.outcome == "meets"]
        line = f"{scope}: " + (f"meets {'; '.join(met)}" if met else "meets no definition")
        if open_:
            line += f"; undecided: {'; '.join(open_)}"
        if due:
            line += f". Review required: {'; '.join(due)}"
        paragraphs.append(line + ".")
    if len(runs) == 1:
        where = _label("jurisdiction", case.case.jurisdiction)
        paragraphs.append(
            f"No {where} profile is encoded: the case is classified under the partnership "
            "standard and federal definitions only."
        )
    rows: list[tuple[str, ...]] = []
    inc = case.incident
    if inc.medical is not None and inc.medical.admission_date is not None:
        rows.append(("Hospital admission", view.date(inc.medical.admission_date)))
    rows.append(("Agency history", _history_line(case, view)))
    if "determinations" in published:
        for d in case.determinations:
            rows.append((_authority(d), _outcome(d, view)))
    review = case.review
    if review is not None and "review" in published:
        rows.append(("Review", _review_line(review, view)))
    tables: list[Table] = [(("Key fact", "Detail"), tuple(rows))]
    if review is not None and view.audience != "public":
        top = _most_connected(case)
        if top:
            tables.append((("Most-connected systemic factors", "Level", "Links"), tuple(top)))
    if review is not None and "recommendations" in published and review.recommendations:
        tables.append(_recommendation_mix(case))
    return Section("overview", "At a glance", tuple(paragraphs), tuple(tables))


def _history_line(case: Case, view: AudienceView) -> str:
    shown = [h for h in case.history if view.audience != "public" or h.type in _public_history()]
    if not shown:
        return "no prior agency involvement recorded"
    counts: Counter[str] = Counter()
    for h in shown:
        counts[_label("history_event_type", h.type)] += h.count or 1
    return "; ".join(f"{label}: {n}" for label, n in counts.items())


def _most_connected(case: Case) -> list[tuple[str, ...]]:
    """The three factors with the most causal, barrier, finding and recommendation links."""
    review = case.review
    assert review is not None
    degree: Counter[str] = Counter()
    for link in review.links:
        if link.kind in _CONNECTING:
            degree[link.source] += 1
            degree[link.target] += 1
    names = _level_names(case)
    factors = sorted(
        (f for f in review.factors if degree[f.id]), key=lambda f: (-degree[f.id], f.id)
    )
    return [(f.statement, names[f.level], str(degree[f.id])) for f in factors[:3]]


def _recommendation_mix(case: Case) -> Table:
    """Recommendations counted by strength (rows) and status (columns)."""
    review = case.review
    assert review is not None
    statuses = [v.code for v in codelist("recommendation_status").values]
    strengths = [v.code for v in reversed(codelist("action_strength").values)]
    counts: Counter[tuple[str, str]] = Counter(
        (r.ranked_strength() or "", r.status) for r in review.recommendations
    )
    used = [s for s in statuses if any(k[1] == s for k in counts)]
    rows = []
    for strength in [*strengths, ""]:
        if any(k[0] == strength for k in counts):
            label = _label("action_strength", strength) if strength else "Strength not recorded"
            rows.append((label, *(str(counts[strength, s]) for s in used)))
    header = ("Recommendations", *(_label("recommendation_status", s) for s in used))
    return header, tuple(rows)


# --- determinations, allegations, responses -----------------------------------------------


def _authority(d: Determination) -> str:
    return d.body or _label("authority", d.authority)


def _outcome(d: Determination, view: AudienceView) -> str:
    """What this determination concluded, in words, with its date."""
    parts: list[str] = []
    if d.type is not None:
        parts.append(_label("determination_type", d.type))
    if d.charge:
        parts.append(d.charge)
    if d.manner_of_death is not None:
        parts.append(f"manner of death: {_label('manner_of_death', d.manner_of_death).lower()}")
    if d.finding is not None:
        parts.append(f"finding: {_label('finding', d.finding).lower()}")
    if d.maltreatment_death is not None:
        parts.append(f"death from maltreatment: {d.maltreatment_death.replace('_', ' ')}")
    if d.causal_role is not None:
        parts.append(f"causal conclusion: {_label('causal_role', d.causal_role).lower()}")
    if d.position is not None:
        parts.append(_label("response_position", d.position).lower())
    when = view.date(d.date, missing="") if d.date is not None else ""
    text = "; ".join(parts) or d.note or "determination recorded without detail"
    return f"{text} ({when})" if when else text


def _determinations(case: Case, view: AudienceView) -> Section:
    names = {d.id: _authority(d) for d in case.determinations}
    persons = _person_names(case)
    rows = tuple(
        (
            _authority(d),
            _label("determination_type", d.type) if d.type else "—",
            view.date(d.date, missing="date not recorded"),
            "; ".join(
                x
                for x in (
                    d.charge or "",
                    _label("manner_of_death", d.manner_of_death) if d.manner_of_death else "",
                    _label("finding", d.finding) if d.finding else "",
                    f"maltreatment death: {d.maltreatment_death.replace('_', ' ')}"
                    if d.maltreatment_death
                    else "",
                    f"{_label('response_position', d.position)} ({names.get(d.responds_to, '')})"
                    if d.position and d.responds_to
                    else "",
                )
                if x
            )
            or "—",
            _label("causal_role", d.causal_role) if d.causal_role else "not stated",
            ", ".join(persons.get(p, p) for p in d.persons) or "—",
            d.note or "",
        )
        for d in case.determinations
    )
    header = (
        "Authority",
        "Determination",
        "Date",
        "Outcome",
        "Causal conclusion",
        "Concerning",
        "Note",
    )
    return _section("determinations", "Determinations by each authority", (), (header, rows))


def _person_names(case: Case) -> dict[str, str]:
    """Persons by id as a reader should see them: their role id and relationship to the child."""
    out = {"child": "the child"}
    for p in case.persons:
        out[p.id] = f"{p.id} ({_label('relationship', p.relationship).lower()})"
    return out


def _allegations(case: Case, *, public: bool) -> Section:
    persons = _person_names(case)
    rows = tuple(
        (
            _label("maltreatment_type", m.type),
            _label("finding", m.finding),
            _label("causal_role", m.causal_role),
            *(
                ()
                if public
                else (
                    ", ".join(persons.get(p, p) for p in m.alleged_responsible) or "—",
                    m.note or "",
                )
            ),
        )
        for m in case.maltreatments
    )
    header = ("Allegation", "Finding", "Causal role") + (
        () if public else ("Alleged responsible", "Note")
    )
    return _section("allegations", "Allegations, findings and causal roles", (), (header, rows))


def _responses(case: Case, view: AudienceView) -> Section:
    """Each response to a finding: who, when, its position, whose finding, what it said."""
    names = {d.id: d for d in case.determinations}
    paragraphs = []
    for d in case.determinations:
        if d.type != "agency_response" and d.responds_to is None:
            continue
        when = f" ({view.date(d.date)})" if d.date is not None else ""
        stance = (
            _label("response_position", d.position).lower()
            if d.position
            else "responds to the finding"
        )
        answered = names.get(d.responds_to or "")
        whose = ""
        if answered is not None:
            whose = f" of {_authority(answered)}" + (
                f" ({view.date(answered.date)})" if answered.date is not None else ""
            )
        line = f"{_authority(d)}{when} {stance}{whose}."
        paragraphs.append(line + (f" {d.note}" if d.note else ""))
    return _section("agency-response", "The agency's response to findings", tuple(paragraphs))


# --- classification, household, history ----------------------------------------------------


def _classification_section(n: int, scope: str, result: Any, view: AudienceView) -> Section:
    rows: list[tuple[str, ...]] = [
        (d.term.replace("_", " "), _WORDS[d.outcome], d.title, d.reason) for d in result.decisions
    ]
    rows += [
        (
            "review trigger",
            _WORDS[t.outcome],
            t.text,
            t.review if t.outcome == "meets" else ", ".join(t.missing_facts) or "—",
        )
        for t in result.triggers
    ]
    day = "the incident date" if view.relative else result.effective_on
    when = (
        f"Definitions in force on {day}."
        if result.effective_on
        else "The incident date is unknown: current definitions."
    )
    return Section(
        f"classification-{n}",
        f"Classification: {scope}",
        (when,),
        ((("Term", "Outcome", "Definition", "Reason"), tuple(rows)),),
    )


def _household(case: Case, view: AudienceView) -> Section:
    child = case.child
    race = (
        ", ".join(_label("race", r) for r in child.race)
        if isinstance(child.race, list)
        else _label("race", child.race)
    )
    age = view.age(child.age)
    paragraphs: tuple[str, ...] = (
        f"The child: {age}; {_label('sex', child.sex).lower()}; race: {race or 'none recorded'}; "
        f"Hispanic or Latino: {child.hispanic.replace('_', ' ')}; in foster care: "
        f"{(child.in_foster_care or 'not recorded').replace('_', ' ')}.",
    )
    rows = tuple(
        (
            p.id,
            _label("relationship", p.relationship)
            + (f" ({_label('parent_type', p.parent_type).lower()})" if p.parent_type else ""),
            p.caregiver.replace("_", " "),
            (p.household_member or "not recorded").replace("_", " "),
            view.age(p.age, missing="not recorded"),
            p.note or "",
        )
        for p in case.persons
    )
    header = ("Role id", "Relationship", "Caregiver", "In the household", "Age", "Note")
    if not rows:
        paragraphs += ("No other person is recorded.",)
    return Section(
        "household", "Child and household", paragraphs, ((header, rows),) if rows else ()
    )


def _history(case: Case, view: AudienceView, *, public: bool) -> Section:
    rows = []
    for h in case.history:
        if public and h.type not in _public_history():
            continue
        label = _label("history_event_type", h.type)
        rows.append(
            (
                view.date(h.date),
                view.date(h.end_date) if h.end_date else "",
                f"{h.count} \u00d7 {label}" if h.count else label,
                "" if public else ", ".join(h.subjects),
                _label("finding", h.finding) if h.finding else "",
                "" if public else (h.note or ""),
            )
        )
    header = ("Date", "Until", "Event", "Concerning", "Finding", "Note")
    title = "Prior reports, investigations and services" if public else "Agency history"
    paragraphs = () if rows else ("No prior agency involvement is recorded.",)
    return Section(
        "history", title, paragraphs, ((header, tuple(rows)),) if rows else (), figure="timeline"
    )


def _timeline_events(case: Case, view: AudienceView, *, public: bool) -> list[dict[str, str]]:
    events = []
    for h in case.history:
        if public and h.type not in _public_history():
            continue
        if h.date not in MISSING:
            label = _label("history_event_type", h.type)
            events.append(
                {
                    "date": str(h.date),
                    "label": f"{h.count} \u00d7 {label}" if h.count else label,
                    "lane": "agency history",
                    "shown": view.date(h.date),
                }
            )
    if not public and case.review is not None:
        for e in case.review.events:
            if e.date not in MISSING:
                events.append(
                    {
                        "date": str(e.date),
                        "label": e.description,
                        "lane": "decision" if e.is_decision else "event",
                        "shown": view.date(e.date),
                    }
                )
    if case.incident.date not in MISSING:
        events.append(
            {
                "date": str(case.incident.date),
                "label": _label("incident_type", case.incident.type),
                "lane": "incident",
                "shown": view.incident_date(case.incident.date),
            }
        )
    return sorted(events, key=lambda e: (e["date"], e["lane"], e["label"]))


def _with_note(section: Section, why: str) -> Section:
    """The factors section, saying why the factor graph is not drawn."""
    if section.figure != "factor_graph":
        return section
    note = f"The factor graph is not drawn: {why}."
    return attrs.evolve(section, paragraphs=(*section.paragraphs, note), figure=None)


# --- the review ---------------------------------------------------------------------------


def _level_names(case: Case) -> dict[str, str]:
    levels = codelist("system_level")
    labels = case.review.level_labels if case.review is not None else {}
    return {code: labels.get(code, levels.label(code)) for code in levels.codes}


def _review_line(review: Any, view: AudienceView) -> str:
    """One line: what kind of review, by whom, under which rule, its report."""
    parts = [_label("review_type", review.type)]
    if review.conducting_body or review.conducted_by:
        parts.append(
            "by " + (review.conducting_body or _label("review_body", review.conducted_by).lower())
        )
    if review.trigger is not None and review.trigger.rule:
        parts.append(f"under {review.trigger.rule}")
    if review.report is not None:
        if review.report.number:
            parts.append(f"report {review.report.number}")
        if review.report.published is not None:
            parts.append(f"published {view.date(review.report.published)}")
    return ", ".join(parts)


def _review(
    case: Case, view: AudienceView, published: frozenset[str], *, full: bool
) -> list[Section]:
    review = case.review
    assert review is not None
    out = []
    if "review" in published:
        meta = [_review_line(review, view) + "."]
        if review.method:
            meta.append(f"Method: {_label('review_method', review.method)}.")
        if review.started is not None or review.completed is not None:
            meta.append(
                f"Started: {view.date(review.started)}; completed: {view.date(review.completed)}."
            )
        if review.trigger is not None and review.trigger.text:
            meta.append(f"Why it was held: {review.trigger.text}")
        if review.report is not None and review.report.citation:
            meta.append(f"Report: {review.report.citation}")
        if full:
            meta.append(
                "Team (by role): " + "; ".join(m.role for m in review.team) + "."
                if review.team
                else "Team: none recorded."
            )
        out.append(_section("review", "The review", tuple(meta)))
    if full:
        out += [_chronology(case, view), _factors(case)]
    if "review_findings" in published:
        out.append(
            _section(
                "findings",
                "Findings",
                tuple(
                    f.text + (f" (according to {f.attributed_to})" if f.attributed_to else "")
                    for f in review.findings
                ),
            )
        )
    if "recommendations" in published:
        out.append(_recommendations(case, view))
    return out


def _chronology(case: Case, view: AudienceView) -> Section:
    review = case.review
    assert review is not None
    rows = tuple(
        (
            view.date(e.date),
            "decision" if e.is_decision else "event",
            e.description,
            e.local_rationality or "",
        )
        for e in review.events
    )
    header = ("Date", "Kind", "What happened", "What made sense at the time")
    return _section("chronology", "Chronology of the incident", (), (header, rows))


def _factors(case: Case) -> Section:
    review = case.review
    assert review is not None
    names = _level_names(case)
    rows: list[tuple[str, ...]] = []
    for code in reversed([v.code for v in codelist("system_level").values]):
        rows += [
            (
                names[code],
                f.statement,
                _label("factor_type", f.factor_type),
                ", ".join(_label("work_system_element", w) for w in f.work_system_elements),
            )
            for f in review.factors
            if f.level == code
        ]
        rows += [
            (
                names[code],
                b.description,
                f"barrier ({_label('barrier_state', b.state).lower()})",
                _label("barrier_type", b.barrier_type),
            )
            for b in review.barriers
            if b.level == code
        ]
    header = ("Level", "Factor or barrier", "Type", "Work system")
    return _section(
        "factors", "Systemic factors by level", (), (header, tuple(rows)), figure="factor_graph"
    )


def _recommendations(case: Case, view: AudienceView) -> Section:
    review = case.review
    assert review is not None
    rows = tuple(
        (
            r.text,
            _label("action_strength", r.ranked_strength())
            if r.ranked_strength()
            else "not recorded",
            r.owner_role or "not recorded",
            view.date(r.due_date) if r.due_date else "not recorded",
            _label("recommendation_status", r.status),
            r.measure or "not recorded",
        )
        for r in review.recommendations
    )
    header = ("Recommendation", "Strength", "Owner", "Due", "Status", "Measure")
    return _section("recommendations", "Recommendations", (), (header, rows))


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
