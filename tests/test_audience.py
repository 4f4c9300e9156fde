"""The audience filter, and the seeded-identifier test over every output that leaves the agency."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from npcs_review.audience import WITHHELD, for_audience, relative_span
from npcs_review.identifiers import contains_identifier
from npcs_review.io import load_case
from npcs_review.models import Age, Case
from npcs_review.render import summarize
from tests.conftest import EXAMPLES
from tests.seeding import seed_identifiers, string_pointers

CASES = sorted(EXAMPLES.glob("*.yaml"))
SHARED = ("partnership", "public")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_seeding_reaches_every_string_and_every_seed_is_an_identifier(path: Path) -> None:
    """The helper seeds each free-text, label, id and case-id string, and the detector sees each."""
    case = load_case(path)
    seeded = seed_identifiers(case)
    pointers = set(string_pointers(seeded.case))
    assert len(string_pointers(seeded.case)) == len(string_pointers(case))
    assert seeded.seeds
    assert set(seeded.seeds) <= pointers
    for pointer, seed in seeded.seeds.items():
        assert contains_identifier(seed, token="_lee_q" in seed) or pointer == "/case/case_id"


@pytest.mark.parametrize("audience", SHARED)
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_no_seeded_identifier_reaches_a_shared_summary(path: Path, audience: str) -> None:
    """Partnership and public summaries, HTML and Markdown, carry none of the seeds."""
    seeded = seed_identifiers(load_case(path))
    for fmt in ("html", "md"):
        text = summarize(seeded.case, audience=audience, format=fmt)
        assert seeded.leaks(text) == {}, fmt


def test_the_internal_summary_keeps_everything() -> None:
    """Inside the agency nothing is withheld (the seeds are there), so the test above can fail."""
    seeded = seed_identifiers(load_case(EXAMPLES / "fatality-open-case-prior-reports.yaml"))
    text = summarize(seeded.case, audience="internal", format="md")
    assert len(seeded.leaks(text)) > 50


def test_ids_that_look_like_names_are_replaced_everywhere_alike() -> None:
    """A person id spelled as a name becomes a neutral id, the same in every reference."""
    case = load_case(EXAMPLES / "fatality-open-case-prior-reports.yaml")
    text = case.model_dump_json(exclude_unset=True).replace('"mothers_partner"', '"marcus_lee"')
    renamed = Case.model_validate_json(text)
    assert renamed != case
    view = for_audience(renamed, "partnership")
    dumped = view.case.model_dump_json()
    assert "marcus_lee" not in dumped
    [partner] = [p for p in view.case.persons if p.relationship == "unmarried_partner_of_parent"]
    assert partner.id.startswith("withheld-")
    assert any(partner.id in m.alleged_responsible for m in view.case.maltreatments)


def test_partnership_dates_in_narrative_are_relative() -> None:
    """Dates written inside text ("June 2025", "March 4, 2025") are shown relative or removed."""
    case = load_case(EXAMPLES / "fatality-open-case-prior-reports.yaml")  # incident 2025-09-12
    text = (
        "The partner moved back by June 2025; a visit on March 4, 2025 and on 9/1/2025; "
        "a call on July 3 and one in 2024."
    )
    changed = case.model_copy(
        update={"incident": case.incident.model_copy(update={"summary": text})}
    )
    shown = for_audience(changed, "partnership").case.incident.summary
    assert shown == (
        "The partner moved back by [between 2 and 3 months before the incident]; a visit on "
        "[192 days before the incident] and on [11 days before the incident]; a call on "
        "[date removed] and one in 2024."
    )
    assert for_audience(changed, "internal").case.incident.summary == text


def test_relative_spans_say_how_precise_they_are() -> None:
    """An exact day in days; a month or a range as a range; an overlap as 'around'."""
    incident = (date(2019, 3, 14), date(2019, 3, 14))
    assert relative_span((date(2019, 3, 2), date(2019, 3, 2)), incident) == (
        "12 days before the incident"
    )
    assert relative_span((date(2017, 5, 1), date(2018, 5, 31)), incident) == (
        "between 9 and 22 months before the incident"
    )
    assert relative_span((date(2014, 1, 1), date(2018, 12, 31)), incident) == (
        "between 2 months and 5 years before the incident"
    )
    assert relative_span((date(2019, 3, 1), date(2019, 3, 31)), incident) == (
        "around the time of the incident"
    )


def test_partnership_ages_are_coarsened() -> None:
    """Ages in days become months; ages above 89 years are shown as 90 or older."""
    case = load_case(EXAMPLES / "fatality-open-case-prior-reports.yaml")
    persons = [
        p.model_copy(update={"age": Age(value=93, unit="years")}) if p.id == "mother" else p
        for p in case.persons
    ]
    changed = case.model_copy(
        update={
            "child": case.child.model_copy(update={"age": Age(value=17, unit="days")}),
            "persons": persons,
        }
    )
    view = for_audience(changed, "partnership")
    assert view.case.child.age == Age(value=0, unit="months")
    assert view.age(view.case.persons[0].age) == "90 years or older"
    text = summarize(changed, audience="partnership", format="md")
    assert "17 days" not in text
    assert "93 years" not in text
    assert "90 years or older" in text
    internal = summarize(changed, audience="internal", format="md")
    assert "17 days" in internal


def test_county_and_region_stay_in_the_agency() -> None:
    """A county FIPS code and a region code are removed for both shared audiences."""
    case = load_case(EXAMPLES / "fatality-open-case-prior-reports.yaml")
    placed = case.model_copy(
        update={"case": case.case.model_copy(update={"county": "42101", "region": "southeast"})}
    )
    seeded = seed_identifiers(placed)
    assert {"/case/county", "/case/region"} <= set(seeded.seeds)
    for audience in SHARED:
        view = for_audience(seeded.case, audience)
        assert view.case.case.county is None
        assert view.case.case.region is None
        assert seeded.leaks(summarize(seeded.case, audience=audience, format="md")) == {}


def test_withheld_text_is_marked() -> None:
    """A narrative with an identifier is replaced by the withheld marker, not dropped."""
    case = load_case(EXAMPLES / "fatality-open-case-prior-reports.yaml")
    leaky = case.model_copy(
        update={"incident": case.incident.model_copy(update={"summary": "Baby Marcus was found."})}
    )
    assert for_audience(leaky, "public").case.incident.summary == WITHHELD


_DRAWINGS = ("svg", "dot", "mermaid", "graphml", "json")
REVIEWED = [p for p in CASES if (c := load_case(p)).review is not None and c.review.links]


@pytest.mark.parametrize("audience", SHARED)
@pytest.mark.parametrize("path", REVIEWED, ids=lambda p: p.stem)
def test_no_seeded_identifier_reaches_a_shared_graph_export(path: Path, audience: str) -> None:
    """SVG (with its <title> tooltips), DOT, Mermaid, GraphML and JSON for the partnership and
    the public carry none of the seeds: person and team roles, level labels, owner roles, duty
    text, link mechanisms, actor roles, ids... Where the public may not see the graph, it is
    refused instead."""
    from npcs_review.render.graph import DRAWING_FORMATS  # noqa: PLC0415

    seeded = seed_identifiers(load_case(path))
    view = for_audience(seeded.case, audience)
    if audience == "public" and "review_findings" not in view.published():
        with pytest.raises(ValueError, match="does not publish review findings"):
            view.graph()
        return
    graph = view.graph()
    for fmt in _DRAWINGS:
        text = DRAWING_FORMATS.render(graph, fmt)
        assert seeded.leaks(text) == {}, fmt


def test_the_internal_graph_export_keeps_the_text() -> None:
    """The internal drawing is the review itself (the seeds are there), so the test above can
    fail; the public one drops the chronology, evidence and debrief notes."""
    from npcs_review.render.graph import DRAWING_FORMATS  # noqa: PLC0415

    seeded = seed_identifiers(load_case(EXAMPLES / "fatality-open-case-prior-reports.yaml"))
    internal = DRAWING_FORMATS.render(for_audience(seeded.case).graph(), "json")
    assert len(seeded.leaks(internal)) > 50
    public = for_audience(seeded.case, "public").graph()
    kinds = {d["kind"] for _, d in public.nodes(data=True)}
    assert not kinds & {"event", "evidence"}
    assert "debrief_notes" not in public.graph["review"]


@pytest.mark.parametrize("path", REVIEWED, ids=lambda p: p.stem)
def test_partnership_graph_export_shows_no_calendar_date(path: Path) -> None:
    """Dates on events, evidence and recommendations are relative in the partnership export."""
    from npcs_review.models._text import iter_text  # noqa: PLC0415
    from npcs_review.render.graph import DRAWING_FORMATS  # noqa: PLC0415

    case = load_case(path)
    days = {t.value for t in iter_text(case) if t.kind == "date" and len(t.value) == 10}
    graph = for_audience(case, "partnership").graph()
    for fmt in _DRAWINGS:
        text = DRAWING_FORMATS.render(graph, fmt)
        assert not {d for d in days if d in text}, fmt


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_lint_reports_carry_no_free_text(path: Path) -> None:
    """Lint reports (text, JSON, SARIF) name the kind of identifier, never a seeded text."""
    from npcs_review.lint import lint  # noqa: PLC0415
    from npcs_review.render.lint import LINT_FORMATS  # noqa: PLC0415

    seeded = seed_identifiers(load_case(path), kinds=("narrative", "label"))
    report = lint(seeded.case)
    assert any(f.code == "NPR-L401" for f in report.findings)
    for fmt in LINT_FORMATS.names():
        assert seeded.leaks(LINT_FORMATS.render(report, fmt)) == {}, fmt
