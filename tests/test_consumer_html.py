"""The HTML summary and the SVG pictures in the tools that judge them.

The W3C Nu HTML checker (vnu-jar, Java) validates every example's summary for every audience
and every AcciMap SVG export; axe-core checks accessibility in Chromium (the system browser,
driven by Playwright) at a desktop and a phone width, where tables must scroll inside their
own box and the AcciMap must open full size. Tests skip, saying how to install, where a tool
is missing (tests/tools.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from npcs_review.cli import app
from npcs_review.io import load_case
from npcs_review.render import summarize
from tests.conftest import EXAMPLES
from tests.tools import chromium, node_package, program, run

AUDIENCES = ("internal", "partnership", "public")
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
runner = CliRunner()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every example's HTML summary for every audience, written once."""
    folder = tmp_path_factory.mktemp("html")
    out = {}
    for path in EXAMPLE_FILES:
        case = load_case(path)
        for audience in AUDIENCES:
            page = folder / f"{path.stem}.{audience}.html"
            page.write_text(summarize(case, audience=audience), encoding="utf-8")
            out[path.stem, audience] = page
    return out


def _svg_exports(folder: Path) -> list[Path]:
    """`graph draw` (AcciMap SVG) of every example that has a review graph."""
    written = []
    for path in EXAMPLE_FILES:
        review = load_case(path).review
        if review is None or not review.factors:
            continue
        target = folder / f"{path.stem}.svg"
        result = runner.invoke(app, ["graph", "draw", str(path), "-o", str(target)])
        assert result.exit_code == 0, result.output
        written.append(target)
    assert written
    return written


def test_nu_html_checker_finds_nothing(pages: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    """No error or warning from the W3C Nu checker on any summary or AcciMap SVG."""
    java = program("java", "apt-get install default-jre-headless")
    vnu = node_package("vnu-jar/build/dist/vnu.jar")
    svgs = _svg_exports(tmp_path)
    done = run([java, "-jar", vnu, "--format", "json", "--also-check-svg", *pages.values(), *svgs])
    messages = json.loads(done.stderr)["messages"]
    assert messages == [], messages[:5]


def test_nu_html_checker_is_real(tmp_path: Path) -> None:
    """The harness catches what the summaries used to have: an XML declaration inline."""
    java = program("java", "apt-get install default-jre-headless")
    vnu = node_package("vnu-jar/build/dist/vnu.jar")
    page = tmp_path / "old.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>'
        '<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'
        "</body></html>",
        encoding="utf-8",
    )
    done = run([java, "-jar", vnu, "--format", "json", page])
    messages = json.loads(done.stderr)["messages"]
    assert any("XML processing instruction" in m["message"] for m in messages)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless system Chromium through Playwright (no browser download)."""
    executable = chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        try:
            yield launched
        finally:
            launched.close()


AXE = "async () => (await axe.run(document, {resultTypes: ['violations']})).violations" + (
    ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
)


@pytest.mark.parametrize("width", [1200, 375])
def test_axe_finds_no_violation_and_nothing_overflows(
    browser: Any, pages: dict[tuple[str, str], Path], width: int
) -> None:
    """axe-core reports no accessibility violation; on a phone the page never scrolls sideways
    (wide tables scroll inside their own box, which the keyboard can reach)."""
    axe = node_package("axe-core/axe.min.js")
    page = browser.new_page(viewport={"width": width, "height": 800})
    try:
        for stem in [p.stem for p in EXAMPLE_FILES]:
            page.goto(pages[stem, "internal"].as_uri())
            page.add_script_tag(path=str(axe))
            assert page.evaluate(AXE) == [], stem
            sizes = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth,"
                " [...document.querySelectorAll('table')].filter(t =>"
                " !t.parentElement.classList.contains('table-scroll')).length]"
            )
            assert sizes[0] <= sizes[1], (stem, sizes)
            assert sizes[2] == 0, stem
    finally:
        page.close()


def test_accimap_opens_full_size_on_a_phone(
    browser: Any, pages: dict[tuple[str, str], Path]
) -> None:
    """On a 375 px screen the AcciMap shrinks to fit; its link shows it at its own size in a
    scrollable full-screen view, and the close link brings the page back."""
    page = browser.new_page(viewport={"width": 375, "height": 800})
    try:
        page.goto(pages["fatality-open-case-prior-reports", "internal"].as_uri())
        svg = page.locator("#factor-graph-figure svg")
        natural = float(svg.get_attribute("width") or 0)
        fitted = svg.bounding_box()
        assert fitted is not None
        assert fitted["width"] < 375 < natural
        page.get_by_role("link", name="Open the AcciMap full size").click()
        full = svg.bounding_box()
        figure = page.locator("#factor-graph-figure").bounding_box()
        assert full is not None
        assert figure is not None
        assert abs(full["width"] - natural) < 1
        assert (figure["x"], figure["y"], figure["width"]) == (0, 0, 375)
        page.get_by_role("link", name="Close the full-size view").click()
        back = svg.bounding_box()
        assert back is not None
        assert back["width"] == fitted["width"]
    finally:
        page.close()


def test_markdown_summary_is_not_sent_to_a_browser(tmp_path: Path) -> None:
    """`summary --format md -o FILE` says to open it in a Markdown viewer, not a browser."""
    target = tmp_path / "summary.md"
    result = runner.invoke(
        app, ["summary", str(EXAMPLE_FILES[0]), "--format", "md", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "browser" not in result.output
    assert "Markdown viewer" in result.output
    html = runner.invoke(app, ["summary", str(EXAMPLE_FILES[0]), "-o", str(tmp_path / "s.html")])
    assert "open it in a browser" in html.output
