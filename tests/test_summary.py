"""The case summary: content by audience, Markdown and HTML, and a real-browser check."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

from npcs_review.io import load_case
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
    """Cause and circumstances, age and sex, prior reports with results, services: no more."""
    case = load_case(REVIEWED)
    summary = build_summary(case, audience="public")
    keys = {s.key for s in summary.sections}
    assert keys <= {"circumstances", "history", "findings", "completeness"}
    text = summarize(case, audience="public", format="md")
    assert case.case.case_id not in text
    assert "Safety plan" not in text  # not a disclosable history event
    assert "Recommendation" not in text
    assert "Investigation" in text


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
