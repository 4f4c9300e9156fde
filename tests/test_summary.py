"""The case summary: content by audience, Markdown and HTML, and a real-browser check."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

from npcs_review.audience import for_audience
from npcs_review.io import load_case
from npcs_review.models import Case
from npcs_review.models._text import TextValue, map_text
from npcs_review.render import summarize
from npcs_review.render.summary import build_summary
from npcs_review.render.timeline import timeline_svg
from tests.conftest import EXAMPLES

REVIEWED = EXAMPLES / "fatality-open-case-prior-reports.yaml"


def test_internal_summary_has_every_section() -> None:
    """The internal summary shows the case id and every part a review team needs."""
    summary = build_summary(load_case(REVIEWED))
    keys = [s.key for s in summary.sections]
    for key in (
        "circumstances",
        "classification-0",
        "classification-1",
        "household",
        "history",
        "chronology",
        "factors",
        "findings",
        "recommendations",
        "lint",
        "completeness",
    ):
        assert key in keys
    assert ("Case id", "SYN-PA-2025-0219") in summary.facts


def test_partnership_summary_has_no_direct_identifiers() -> None:
    """No case id; dates relative to the incident; the incident only by year and month."""
    case = load_case(REVIEWED)
    text = summarize(case, audience="partnership", format="md")
    assert case.case.case_id not in text
    assert "2025-09-12" not in text
    assert "Fatality, September 2025" in text
    assert re.search(r"\d+ days before the incident", text)
    assert re.search(r"\d+ months before the incident", text)


def test_partnership_withholds_text_that_looks_identifying() -> None:
    """Narrative text that trips the identifier patterns is withheld outside the agency."""
    case = load_case(REVIEWED)
    leaky = case.model_copy(
        update={
            "incident": case.incident.model_copy(
                update={"summary": "Mrs. Example called from 555-123-4567."}
            )
        }
    )
    internal = summarize(leaky, audience="internal", format="md")
    partnership = summarize(leaky, audience="partnership", format="md")
    assert "555-123-4567" in internal
    assert "555-123-4567" not in partnership
    assert "[withheld" in partnership


def test_public_summary_is_limited_to_the_disclosure_minimum() -> None:
    """Cause and circumstances, age and sex, prior reports with results, services: no more,
    where the jurisdiction's disclosure rule publishes nothing beyond the federal minimum."""
    case = load_case(REVIEWED)
    bare = case.model_copy(update={"case": case.case.model_copy(update={"jurisdiction": "us_ca"})})
    summary = build_summary(bare, audience="public")
    keys = {s.key for s in summary.sections}
    assert keys == {"overview", "circumstances", "allegations", "history", "completeness"}
    text = summarize(bare, audience="public", format="md")
    assert case.case.case_id not in text
    assert "Safety plan" not in text  # not a disclosable history event
    assert "Recommendation" not in text
    assert "Investigation" in text


def test_public_summary_includes_what_the_jurisdiction_publishes() -> None:
    """Pennsylvania posts review-team reports: the review, its findings and recommendations."""
    case = load_case(REVIEWED)
    summary = build_summary(case, audience="public")
    keys = {s.key for s in summary.sections}
    assert {"review", "findings", "recommendations"} <= keys
    assert not {"chronology", "factors", "household", "lint", "classification-0"} & keys
    assert "factor_graph" not in summary.figures


def test_markdown_has_tables_and_a_mermaid_diagram() -> None:
    """Markdown renders the factor graph as Mermaid and the recommendations as a table."""
    text = summarize(load_case(REVIEWED), format="md")
    assert "```mermaid\nflowchart" in text
    assert "| Recommendation | Strength | Owner | Due | Status | Measure |" in text


def test_html_is_self_contained_and_deterministic() -> None:
    """One file, no network references, inline SVG figures; same input, same bytes."""
    case = load_case(REVIEWED)
    html = summarize(case)
    assert html == summarize(load_case(REVIEWED))
    assert "<script" not in html
    assert not re.search(r'(src|href)="https?://', html)
    assert html.count("<svg") >= 2
    assert "@media print" in html


def test_timeline_labels_never_overlap() -> None:
    """Timeline label boxes are placed in rows so that none overlap."""
    events = [
        {
            "date": f"2025-01-{d:02d}",
            "label": f"Event number {d} with a long label",
            "lane": "agency history" if d % 2 else "event",
            "shown": f"2025-01-{d:02d}",
        }
        for d in range(1, 29)
    ]
    root = ElementTree.fromstring(timeline_svg(events))
    boxes = [
        (
            float(r.get("x", 0)),
            float(r.get("y", 0)),
            float(r.get("width", 0)),
            float(r.get("height", 0)),
        )
        for r in root.iter("{http://www.w3.org/2000/svg}rect")
        if r.get("class") == "label"
    ]
    assert len(boxes) == 28
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a[0] + a[2] <= b[0]
                or b[0] + b[2] <= a[0]
                or a[1] + a[3] <= b[1]
                or b[1] + b[3] <= a[1]
            )
            assert apart, (a, b)


def test_html_renders_in_a_real_browser(tmp_path: Path) -> None:
    """Headless Chromium loads the page with no errors, shows both figures, prints to PDF."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if chromium is None:
        pytest.skip(
            "no Chromium: `apt-get install chromium` enables this test (.ci/run installs it)"
        )
    page_file = tmp_path / "summary.html"
    page_file.write_text(summarize(load_case(REVIEWED)), encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "request",
                lambda r: (
                    errors.append(f"network: {r.url}")
                    if not r.url.startswith(("file:", "data:"))
                    else None
                ),
            )
            page.goto(page_file.as_uri())
            assert errors == []
            for selector in ("#timeline-figure svg", "#factor-graph-figure svg"):
                box = page.locator(selector).bounding_box()
                assert box is not None
                assert box["width"] > 300
                assert box["height"] > 150
            assert page.locator("#factor-graph-figure rect.box").count() > 20
            pdf = tmp_path / "summary.pdf"
            page.pdf(path=str(pdf))
            assert pdf.read_bytes()[:5] == b"%PDF-"
            assert pdf.stat().st_size > 20_000
        finally:
            browser.close()


_PAYLOADS = (
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    "[click](javascript:alert(3))",
    "<a href='javascript:alert(4)'>x</a>",
)


def _injected() -> Case:
    counter = iter(range(100_000))

    def inject(item: TextValue) -> str:
        if item.kind not in ("narrative", "label"):
            return item.value
        payload = _PAYLOADS[next(counter) % len(_PAYLOADS)]
        room = 180 if item.kind == "label" else 19_000
        return f"{item.value[:room]} {payload}"

    return map_text(load_case(REVIEWED), inject)


def test_markdown_escapes_html_and_links_in_every_text() -> None:
    """A script, an onerror image or a javascript: link in any text stays text in Markdown,
    even when the Markdown renderer lets HTML through (markdown-it with html enabled)."""
    from markdown_it import MarkdownIt  # noqa: PLC0415

    case = _injected()
    renderer = MarkdownIt("commonmark", {"html": True}).enable("table")
    for audience in ("internal", "partnership"):
        text = summarize(case, audience=audience, format="md")
        assert "<script" not in text
        assert "<img" not in text
        page = renderer.render(text)
        assert "<script" not in page
        assert "<img" not in page
        assert "<a href" not in page
        assert 'href="javascript' not in page
    internal = renderer.render(summarize(case, audience="internal", format="md"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in internal  # shown as text, not dropped


def test_mermaid_labels_escape_html() -> None:
    """The Mermaid diagram's labels carry no raw angle brackets or quotes from the case."""
    from npcs_review.graph.export import to_mermaid  # noqa: PLC0415

    case = _injected()
    graph = for_audience(case, "internal").graph()
    diagram = to_mermaid(graph)
    assert "<script" not in diagram
    assert "<img" not in diagram
    assert 'onerror="' not in diagram


def test_html_summary_escapes_every_text() -> None:
    """The HTML summary (and its inline SVG) carries the payloads only as escaped text."""
    html = summarize(_injected(), audience="internal")
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
