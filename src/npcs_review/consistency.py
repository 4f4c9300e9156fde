"""Consistency checks beyond types: dates in order, ages, references, required-by rules.

Each check returns :class:`~npcs_review.errors.Problem` values located by JSON pointer; the
loader adds the file, line and column.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from npcs_review.errors import Problem
from npcs_review.models import LINK_KINDS, MISSING, NODE_FIELDS, OUTCOME_ID, Age, Case
from npcs_review.models._types import date_bounds, is_missing

__all__ = ["check_case"]

#: CAPTA lets states raise the age ceiling to under 24 for trafficking victims
#: (42 U.S.C. 5106g(b)); no definition here reaches further.
MAX_CHILD_AGE_YEARS = 24
#: Reports about an expected child (prenatal substance exposure) can precede birth.
_PRENATAL = timedelta(days=300)


def _bounds(value: object) -> tuple[date, date] | None:
    if value is None or value in MISSING:
        return None
    return date_bounds(str(value))


def _after(a: tuple[date, date] | None, b: tuple[date, date] | None) -> bool:
    """True when ``a`` is certainly later than ``b`` (for partial dates: no overlap)."""
    return a is not None and b is not None and a[0] > b[1]


def check_case(case: Case) -> list[Problem]:
    """Return every consistency problem in ``case``, in document order."""
    problems = [*_ids(case), *_references(case), *_dates(case), *_ages(case), *_required(case)]
    if case.review is not None:
        problems += _review_graph(case)
    return problems


def _review_graph(case: Case) -> Iterator[Problem]:
    review = case.review
    assert review is not None
    nodes: dict[str, tuple[str, str]] = {OUTCOME_ID: ("outcome", "/incident")}
    for kind, name in NODE_FIELDS.items():
        for i, item in enumerate(getattr(review, name)):
            ptr = f"/review/{name}/{i}"
            if item.id in nodes:
                reserved = " (reserved for the incident)" if item.id == OUTCOME_ID else ""
                yield Problem(
                    "NPR-C203",
                    f"id {item.id!r} is already used at {nodes[item.id][1]}{reserved}",
                    f"{ptr}/id",
                    found=item.id,
                )
            else:
                nodes[item.id] = (kind, ptr)
    for i, link in enumerate(review.links):
        ptr = f"/review/links/{i}"
        kinds = LINK_KINDS[link.kind]
        for end, ref, allowed in (
            ("source", link.source, kinds[0]),
            ("target", link.target, kinds[1]),
        ):
            found = nodes.get(ref)
            if found is None:
                yield _dangling(ref, set(nodes), f"{ptr}/{end}", "node of the review graph")
            elif found[0] not in allowed:
                yield Problem(
                    "NPR-C206",
                    f"a {link.kind} link cannot {'start at' if end == 'source' else 'point to'} "
                    f"a {found[0]} ({ref}); it joins {' or '.join(sorted(kinds[0]))} to "
                    f"{' or '.join(sorted(kinds[1]))}",
                    f"{ptr}/{end}",
                    found=ref,
                )
        for j, ref in enumerate(link.evidence):
            if nodes.get(ref, ("",))[0] != "evidence":
                yield _dangling(
                    ref,
                    {k for k, v in nodes.items() if v[0] == "evidence"},
                    f"{ptr}/evidence/{j}",
                    "evidence item",
                )
    for i, rec in enumerate(review.recommendations):
        if rec.status == "declined" and rec.status_reason is None:
            yield Problem(
                "NPR-C205",
                "a declined recommendation needs its reason (status_reason)",
                f"/review/recommendations/{i}/status_reason",
            )


def _ids(case: Case) -> Iterator[Problem]:
    seen: dict[str, tuple[str, int]] = {"child": ("child", -1)}
    for name, ids in (
        ("persons", [p.id for p in case.persons]),
        ("maltreatments", [m.id for m in case.maltreatments]),
        ("determinations", [d.id for d in case.determinations]),
        ("history", [h.id for h in case.history]),
    ):
        for i, item_id in enumerate(ids):
            first = seen.setdefault(item_id, (name, i))
            if first != (name, i):
                where = "/child" if first[1] < 0 else f"/{first[0]}/{first[1]}/id"
                yield Problem(
                    "NPR-C203",
                    f"id {item_id!r} is already used at {where}; give each person, "
                    "maltreatment, determination and history event its own id",
                    f"/{name}/{i}/id",
                    found=item_id,
                )


def _dangling(ref: str, pool: set[str], ptr: str, what: str) -> Problem:
    known = ", ".join(sorted(pool)) or "none are defined"
    return Problem(
        "NPR-C202",
        f"{ref!r} is not the id of any {what} (known: {known})",
        ptr,
        expected=f"the id of a {what}",
        found=ref,
    )


def _references(case: Case) -> Iterator[Problem]:
    persons = {p.id for p in case.persons}
    maltreatments = {m.id for m in case.maltreatments}
    events = {h.id for h in case.history}
    subjects = persons | {"child"}
    for i, m in enumerate(case.maltreatments):
        for j, ref in enumerate(m.alleged_responsible):
            if ref not in persons:
                yield _dangling(
                    ref, persons, f"/maltreatments/{i}/alleged_responsible/{j}", "person"
                )
    determinations = {d.id for d in case.determinations}
    for i, d in enumerate(case.determinations):
        for j, ref in enumerate(d.maltreatments):
            if ref not in maltreatments:
                yield _dangling(
                    ref, maltreatments, f"/determinations/{i}/maltreatments/{j}", "maltreatment"
                )
        for j, ref in enumerate(d.persons):
            if ref not in persons:
                yield _dangling(ref, persons, f"/determinations/{i}/persons/{j}", "person")
        if d.responds_to is not None and d.responds_to not in determinations - {d.id}:
            yield _dangling(
                d.responds_to,
                determinations - {d.id},
                f"/determinations/{i}/responds_to",
                "other determination",
            )
    for i, h in enumerate(case.history):
        for j, ref in enumerate(h.subjects):
            if ref not in subjects:
                yield _dangling(ref, persons, f"/history/{i}/subjects/{j}", "person (or 'child')")
        if h.related_to is not None and h.related_to not in events:
            yield _dangling(h.related_to, events, f"/history/{i}/related_to", "history event")


def _dates(case: Case) -> Iterator[Problem]:
    incident = _bounds(case.incident.date)
    death = _bounds(case.incident.date_of_death)
    if _after(incident, death):
        yield Problem(
            "NPR-C201",
            f"the date of death ({case.incident.date_of_death}) is before the incident "
            f"({case.incident.date}); check both dates",
            "/incident/date_of_death",
        )
    medical = case.incident.medical
    if medical and medical.physician_certification:
        certified = _bounds(medical.physician_certification.date)
        if _after(incident, certified):
            yield Problem(
                "NPR-C201",
                "the physician certification is dated before the incident",
                "/incident/medical/physician_certification/date",
            )
    if medical and _after(incident, _bounds(medical.admission_date)):
        yield Problem(
            "NPR-C201",
            "the hospital admission is dated before the incident",
            "/incident/medical/admission_date",
        )
    spans = [(_bounds(h.date), _bounds(h.end_date)) for h in case.history]
    index = {h.id: n for n, h in enumerate(case.history)}
    for i, h in enumerate(case.history):
        start, end = spans[i]
        if end is not None and _after(start, end):
            yield Problem(
                "NPR-C201",
                f"the event ends ({h.end_date}) before it starts ({h.date})",
                f"/history/{i}/end_date",
            )
        origin = index.get(h.related_to) if h.related_to else None
        if origin is not None and _after(spans[origin][0], start):
            other = case.history[origin]
            yield Problem(
                "NPR-C201",
                f"this {h.type} ({h.date}) is dated before the {other.type} it follows "
                f"from ({other.id}, {other.date})",
                f"/history/{i}/date",
            )
    review = case.review
    if review is None:
        return
    started, completed = _bounds(review.started), _bounds(review.completed)
    if _after(started, completed):
        yield Problem("NPR-C201", "the review is completed before it started", "/review/completed")
    if _after(incident, started):
        yield Problem("NPR-C201", "the review started before the incident", "/review/started")
    if completed is None:
        return
    late = [
        (ptr, value)
        for ptr, value, span in (
            ("/incident/date", case.incident.date, incident),
            ("/incident/date_of_death", case.incident.date_of_death, death),
        )
        if _after(span, completed)
    ]
    cert = case.incident.medical.physician_certification if case.incident.medical else None
    if cert is not None and _after(_bounds(cert.date), completed):
        late.append(("/incident/medical/physician_certification/date", cert.date))
    # determinations may follow the review: charges, convictions, an oversight office's finding
    # and the agency's response to it are often dated after the review's report
    for i, h in enumerate(case.history):
        if _after(spans[i][0], completed):
            late.append((f"/history/{i}/date", h.date))
        if _after(spans[i][1], completed):
            late.append((f"/history/{i}/end_date", h.end_date))
    for ptr, value in late:
        yield Problem(
            "NPR-C201",
            f"{value} is after the review was completed ({review.completed}); a review "
            "cannot record what had not happened yet",
            ptr,
        )


def _age_days(age: object) -> tuple[float, float] | None:
    return age.in_days() if isinstance(age, Age) else None


def _ages(case: Case) -> Iterator[Problem]:
    age = case.child.age
    if isinstance(age, Age):
        if age.unit == "years" and age.value > MAX_CHILD_AGE_YEARS:
            yield Problem(
                "NPR-C204",
                f"a child aged {age.value} years is older than any definition of a child here "
                f"(at most {MAX_CHILD_AGE_YEARS}); check the age and its unit",
                "/child/age/value",
            )
        elif age.unit == "years" and age.value == 0:
            yield Problem(
                "NPR-C204",
                "give an infant's age in months, weeks or days, not 0 years",
                "/child/age",
                severity="warning",
            )
    child_days = _age_days(age)
    incident = _bounds(case.incident.date)
    if child_days and incident:
        earliest_birth = incident[0] - timedelta(days=child_days[1]) - _PRENATAL
        for i, h in enumerate(case.history):
            when = _bounds(h.date)
            if "child" in h.subjects and when and when[1] < earliest_birth:
                yield Problem(
                    "NPR-C204",
                    f"this event ({h.date}) concerns the child but is dated long before the "
                    f"child was born (the child was {age_text(age)} at the incident); check the "
                    "date, or whether the event concerns a sibling",
                    f"/history/{i}/date",
                )
    for i, p in enumerate(case.persons):
        days = _age_days(p.age)
        if p.relationship != "parent" or not days:
            continue
        if days[1] < 10 * 365.25:
            yield Problem(
                "NPR-C204",
                "a parent younger than 10 is unlikely; check the age and its unit",
                f"/persons/{i}/age",
                severity="warning",
            )
        elif child_days and p.parent_type == "biological" and days[1] <= child_days[0] + 3650:
            yield Problem(
                "NPR-C204",
                f"a biological parent aged {age_text(p.age)} with a child aged "
                f"{age_text(age)} is unlikely; check both ages and their units",
                f"/persons/{i}/age",
                severity="warning",
            )


def age_text(age: object) -> str:
    """Render an age for a message (``4 months``) or the missingness token."""
    if isinstance(age, Age):
        unit = age.unit[:-1] if age.value == 1 else age.unit
        return f"{age.value} {unit}"
    return str(age).replace("_", " ")


def _required(case: Case) -> Iterator[Problem]:
    inc = case.incident
    if inc.type == "fatality" and inc.date_of_death is None:
        yield Problem(
            "NPR-C205",
            "a fatality needs a date of death: give it, or write 'unknown'",
            "/incident/date_of_death",
            expected="a date or a missingness token",
        )
    if inc.type not in ("fatality", "unknown", "not_collected") and not is_missing(
        inc.date_of_death
    ):
        yield Problem(
            "NPR-C206",
            f"a date of death is given but the incident type is {inc.type!r}; if the child "
            "died, the type is 'fatality'",
            "/incident/date_of_death",
        )
    if inc.type not in ("fatality", "unknown", "not_collected") and not is_missing(
        inc.manner_of_death
    ):
        yield Problem(
            "NPR-C206",
            f"a manner of death is given but the incident type is {inc.type!r}",
            "/incident/manner_of_death",
        )
    for i, d in enumerate(case.determinations):
        alive = inc.type not in ("fatality", "unknown", "not_collected")
        if d.maltreatment_death == "yes" and alive:
            yield Problem(
                "NPR-C206",
                f"this determination says the child died of maltreatment, but the incident type "
                f"is {inc.type!r}; if the child died, the type is 'fatality'",
                f"/determinations/{i}/maltreatment_death",
            )
    for i, p in enumerate(case.persons):
        if p.parent_type is not None and p.relationship != "parent":
            yield Problem(
                "NPR-C206",
                f"parent_type is given but the relationship is {p.relationship!r}; "
                "use relationship 'parent' or remove parent_type",
                f"/persons/{i}/parent_type",
            )
    cert = inc.medical.physician_certification if inc.medical else None
    if cert is not None and cert.certified == "yes" and cert.condition is None:
        yield Problem(
            "NPR-C205",
            "the condition was certified but the certified condition is missing; give it "
            "(for example 'critical') or write 'unknown'",
            "/incident/medical/physician_certification/condition",
            severity="warning",
        )
