"""The audience filter: what of a case each audience may see. Every shared output passes here.

``for_audience(case, audience)`` returns an :class:`AudienceView`: the case already filtered (a
valid :class:`~npcs_review.models.Case`) and the way to show its dates and ages. Summaries, graph
exports and any other shared output read the view, never the raw case, so a field added to the
model is filtered the day it is added (the filter walks the model's text marks, see
:mod:`npcs_review.models._text`).

Audiences:

- ``internal`` (default): the agency's own review; everything, unchanged.
- ``partnership``: no direct identifiers (HIPAA Safe Harbor, 45 CFR 164.514(b)(2), as the
  partnership applies it). The case id, county, region and jurisdiction extensions are
  removed; every text, label and id that the identifier detector flags is withheld (ids are
  replaced by neutral ones, the same everywhere); dates, in fields and inside narrative
  text, are shown relative to the incident (the incident itself by year and month); ages in
  days or weeks are shown in months, and ages above 89 years as "90 years or older".
- ``public``: what CAPTA asks states to allow to be disclosed for a fatality or near fatality
  (42 U.S.C. 5106a(b)(2)(B)(x); CWPM 2.1A.4 Q8), plus what the jurisdiction's own disclosure
  rule publishes; identifiers withheld as for the partnership.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

import attrs

from npcs_review.identifiers import contains_identifier
from npcs_review.models import MISSING, Age, Case, date_bounds
from npcs_review.models._text import TextValue, map_text

__all__ = [
    "AUDIENCES",
    "WITHHELD",
    "Audience",
    "AudienceView",
    "check_audience",
    "for_audience",
    "relative_span",
]

Audience = Literal["internal", "partnership", "public"]
AUDIENCES: tuple[str, ...] = ("internal", "partnership", "public")
#: What stands in for a narrative text withheld because it may hold an identifier.
WITHHELD = "[withheld: the text may contain an identifier]"
_WITHHELD_LABEL = "[withheld]"
_DATE_REMOVED = "[date removed]"
_ALL_PARTS = frozenset(
    {"determinations", "review", "review_findings", "recommendations", "agency_response"}
)
#: The review's own fields a public graph export keeps (what a published review states).
_PUBLIC_REVIEW_FIELDS = frozenset(
    {"type", "conducted_by", "conducting_body", "trigger", "report", "level_labels", "method"}
)

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTH = (
    r"(?P<month>(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
    r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?)"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
# Dates as real reports write them; the first that matches at a place wins.
_DATE_FORMS = (
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"),  # June 12, 2019
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"),  # 12 June 2019
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<nmonth>[01]?\d)-(?P<day>[0-3]?\d)\b"),
    re.compile(r"\b(?P<nmonth>[01]?\d)[/.-](?P<day>[0-3]?\d)[/.-](?P<year>(?:19|20)?\d{2})\b"),
    re.compile(rf"\b(?:(?:early|mid|late)[- ])?{_MONTH},?\s+(?:of\s+)?{_YEAR}\b"),  # June 2025
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<nmonth>[01]\d)\b"),  # 2025-06
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!,?\s*(?:19|20)\d{{2}})"),  # June 12 (no year)
)


def check_audience(audience: str) -> Audience:
    """Return ``audience`` if it is one of :data:`AUDIENCES`.

    Raises:
        ValueError: naming the audiences there are.
    """
    if audience not in AUDIENCES:
        msg = f"unknown audience {audience!r}; use one of: {', '.join(AUDIENCES)}"
        raise ValueError(msg)
    return audience  # type: ignore[return-value]


def _amount(days: int) -> tuple[int, str]:
    """A distance in its natural unit: days within two months, months within two years."""
    if days < 61:
        return days, "day"
    if days < 731:
        return days * 12 // 365, "month"
    return days // 365, "year"


def _words(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def relative_span(span: tuple[date, date], incident: tuple[date, date]) -> str:
    """Say where ``span`` lies relative to the incident, as a range when either is imprecise.

    An exact day in days ("12 days before the incident"); a month, a year or a bounded range as
    the range it is, each end in its natural unit ("between 9 and 22 months before the
    incident", "between 2 months and 5 years before"); "around the time of the incident" when
    the span overlaps the incident.
    """
    early = (span[0] - incident[1]).days  # nearest and farthest distance (negative: before)
    late = (span[1] - incident[0]).days
    if early <= 0 <= late:
        if span[0] == span[1] == incident[0] == incident[1]:
            return "on the incident day"
        return "around the time of the incident"
    lo, hi = (-late, -early) if late < 0 else (early, late)
    side = "before" if late < 0 else "after"
    if lo == hi:
        return f"{_words(lo, 'day')} {side} the incident"
    (a, unit_a), (b, unit_b) = _amount(lo), _amount(hi)
    if (a, unit_a) == (b, unit_b):
        return f"about {_words(a, unit_a)} {side} the incident"
    if unit_a == unit_b:
        return f"between {a} and {_words(b, unit_b)} {side} the incident"
    return f"between {_words(a, unit_a)} and {_words(b, unit_b)} {side} the incident"


@attrs.frozen
class AudienceView:
    """A case as one audience may see it, and how to show its dates and ages."""

    audience: Audience
    case: Case
    """The filtered case: read this, never the original."""
    incident: tuple[date, date] | None
    """The earliest and latest day of the incident, when its date is known."""

    @property
    def shared(self) -> bool:
        """Whether the output leaves the agency (partnership or public)."""
        return self.audience != "internal"

    @property
    def relative(self) -> bool:
        """Whether dates are shown relative to the incident."""
        return self.audience == "partnership"

    def date(self, value: object, *, missing: str = "not recorded") -> str:
        """A date as this audience sees it; a partial or bounded date as the range it is."""
        if value is None:
            return missing
        if isinstance(value, str) and value in MISSING:
            return value.replace("_", " ")
        text = str(value)
        if not self.relative:
            return date_text(text)
        if self.incident is None:
            return "date withheld (the incident date is unknown)"
        return relative_span(date_bounds(text), self.incident)

    def incident_date(self, value: object) -> str:
        """The incident's own date: by year and month for the partnership."""
        if self.relative and isinstance(value, str) and value not in MISSING:
            first = value.split("/")[0]
            return date_text(first[:7])
        return self.date(value)

    def published(self) -> frozenset[str]:
        """The parts of a review this audience may see beyond the case's core facts.

        Inside the agency and for the partnership: all of them. For the public: what the
        jurisdiction's disclosure rule publishes (its profile's ``disclosure.publishes``:
        determinations, review, review_findings, recommendations, agency_response), else none.
        """
        if self.audience != "public":
            return _ALL_PARTS
        from npcs_review.registry import default_registry  # noqa: PLC0415

        registry = default_registry()
        if self.case.case.jurisdiction not in registry.profiles:
            return frozenset()
        disclosure = registry.profile(self.case.case.jurisdiction).disclosure
        return frozenset(disclosure.publishes) if disclosure else frozenset()

    def graph(self) -> Any:  # networkx is untyped
        """The review graph of the filtered case, as this audience may see it.

        Dates are shown relative to the incident for the partnership. The public sees only what
        a published review shows: factors, barriers, findings and recommendations and their
        links (no chronology, evidence, debrief notes or team), and only where the
        jurisdiction publishes its reviews' findings.

        Raises:
            ValueError: if the case has no review, or the public may not see its graph.
        """
        from npcs_review.graph.bridge import to_networkx  # noqa: PLC0415

        if self.audience == "public" and "review_findings" not in self.published():
            msg = (
                "the public audience does not include the review's factor graph: "
                f"{self.case.case.jurisdiction}'s disclosure rule does not publish review "
                "findings (use --audience partnership or internal)"
            )
            raise ValueError(msg)
        graph = to_networkx(self.case)
        review = graph.graph["review"]
        if self.audience == "public":
            graph.remove_nodes_from(
                [n for n, d in graph.nodes(data=True) if d.get("kind") in ("event", "evidence")]
            )
            for _, _, data in graph.edges(data=True):
                data.pop("evidence", None)
            for key in [k for k in review if k not in _PUBLIC_REVIEW_FIELDS]:
                del review[key]
            graph.graph["review_lists"] = [
                x for x in graph.graph.get("review_lists", ()) if x not in ("events", "evidence")
            ]
        if self.relative:
            for _, data in graph.nodes(data=True):
                for key in ("date", "available_at", "due_date"):
                    if key in data:
                        show = self.incident_date if data.get("kind") == "outcome" else self.date
                        data[key] = show(data[key])
            for key in ("started", "completed"):
                if key in review:
                    review[key] = self.date(review[key])
            if "published" in review.get("report", {}):
                review["report"]["published"] = self.date(review["report"]["published"])
        return graph

    def age(self, age: object, *, missing: str = "age not recorded") -> str:
        """An age in words ("4 months", "90 years or older"), or why it is not known."""
        if age is None:
            return missing
        if not isinstance(age, Age):
            return {"unknown": "age unknown", "not_collected": "age not collected"}.get(
                str(age), "age not applicable"
            )
        if self.shared and age.unit == "years" and age.value >= 90:
            return "90 years or older"
        unit = age.unit[:-1] if age.value == 1 else age.unit
        return f"{age.value} {unit}"


def date_text(value: str) -> str:
    """A partial or bounded date in words: ``2019`` → "2019", ``2018-07/2019-03`` → a range."""
    if "/" in value:
        start, end = value.split("/", 1)
        return f"between {date_text(start)} and {date_text(end)}"
    parts = value.split("-")
    if len(parts) == 2:
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return value


def _coarse_age(age: Age) -> Age:
    """Ages in days or weeks as whole months; above 89 years as 90 (HIPAA Safe Harbor)."""
    if age.unit in ("days", "weeks"):
        days = age.value * (7 if age.unit == "weeks" else 1)
        return Age(value=days * 12 // 365, unit="months")
    if age.unit == "years" and age.value > 89:
        return Age(value=90, unit="years")
    return age


def _relative_dates_in(text: str, incident: tuple[date, date] | None) -> str:
    """Replace each date written inside ``text`` by where it lies relative to the incident."""
    for form in _DATE_FORMS:
        text = form.sub(lambda m: _relative_match(m, incident), text)
    return text


def _relative_match(m: re.Match[str], incident: tuple[date, date] | None) -> str:
    found = m.groupdict()
    if incident is None or found.get("year") is None:
        return _DATE_REMOVED
    year = int(found["year"])
    year += 2000 if year < 100 else 0
    if found.get("month"):
        month = next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(found["month"][:3]))
    else:
        month = int(found["nmonth"])
    if not 1 <= month <= 12:
        return _DATE_REMOVED
    try:
        span = date_bounds(
            f"{year:04d}-{month:02d}" + (f"-{int(found['day']):02d}" if found.get("day") else "")
        )
    except ValueError:
        return _DATE_REMOVED
    return f"[{relative_span(span, incident)}]"


def for_audience(case: Case, audience: str = "internal") -> AudienceView:
    """Filter ``case`` for ``audience`` (see the module docstring).

    Raises:
        ValueError: for an unknown audience.
    """
    chosen = check_audience(audience)
    value = case.incident.date
    incident = None if value in MISSING else date_bounds(str(value))
    if chosen == "internal":
        return AudienceView(chosen, case, incident)
    tokens: dict[str, str] = {}

    def replace(item: TextValue) -> str:
        if item.kind == "confidential":
            return "withheld"
        if item.kind == "token":
            if not contains_identifier(item.value, token=True):
                return item.value
            return tokens.setdefault(item.value, f"withheld-{len(tokens) + 1}")
        if item.kind in ("narrative", "label"):
            if contains_identifier(item.value):
                return WITHHELD if item.kind == "narrative" else _WITHHELD_LABEL
            if chosen == "partnership":
                return _relative_dates_in(item.value, incident)
        return item.value

    info = case.case.model_copy(update={"county": None, "region": None})
    bare = case.model_copy(update={"extensions": {}, "case": info})
    filtered = map_text(bare, replace)
    if chosen == "partnership":
        filtered = _coarsen_ages(filtered)
    return AudienceView(chosen, filtered, incident)


def _coarsen_ages(case: Case) -> Case:
    child = case.child
    if isinstance(child.age, Age):
        child = child.model_copy(update={"age": _coarse_age(child.age)})
    persons = [
        p.model_copy(update={"age": _coarse_age(p.age)}) if isinstance(p.age, Age) else p
        for p in case.persons
    ]
    return case.model_copy(update={"child": child, "persons": persons})
