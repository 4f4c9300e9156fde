"""Labels never overflow their boxes: measured by the font table, and by a real browser.

Issue 13: the outcome label "Near fatality (2025-03-14)" was clipped. Labels are now wrapped by
measured width (``npcs_review.graph.labels.fit``) with the widest font of the stack; these tests
check that with the widest labels we can think of, in Python and in headless Chromium.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from npcs_review.graph import _glyphs
from npcs_review.graph.bridge import to_networkx
from npcs_review.graph.export import to_svg
from npcs_review.graph.labels import MARGIN, fit, text_width
from npcs_review.graph.layout import (
    BAND_FONT,
    BOX_FONT,
    LABEL_COLUMN,
    LABEL_X,
    OUTCOME_FONT,
    TEXT_PAD,
    acci_map_layout,
    text_room,
)
from npcs_review.io import load_case
from npcs_review.models import Review
from tests import fonts
from tests.conftest import EXAMPLES

WIDE = "W" * 40  # one word far wider than a box
STATEMENTS = [
    "MMMM WWWW MMMM WWWW MMMM WWWW MMMM WWWW MMMM WWWW MMMM",
    WIDE,
    f"Before {WIDE} and after",
    "Ĳ Œ Æ Ŵ ŵ Ŋ — “quoted” — … ‰ € ™ → ←",
    "児童虐待の重大事例 近死亡事例の検証 児童相談所の体制",
    "🚨🚨🚨 alert 🚨🚨🚨 alert 🚨🚨🚨",
    "A supervisor's caseload of 31 families (policy: 15) meant no home visit for 60 days",
    " ".join(["Caseworker"] * 30),  # longer than seven lines: ends in an ellipsis
]


def widest_review() -> nx.MultiDiGraph:
    """A review with the widest labels: wide letters, long words, other scripts, emoji."""
    levels = ["law_policy_funding", "agency_organization", "frontline_practice"]
    factors = [
        {"id": f"f{i}", "statement": text, "level": levels[i % 3], "factor_type": "condition"}
        for i, text in enumerate(STATEMENTS)
    ]
    barrier = {
        "id": "b1",
        "description": "WWWWWWWW MMMMMMMM WWWWWWWW MMMMMMMM",
        "barrier_type": "policy",
        "state": "breached",
        "level": "supervision_team",
    }
    event = {"id": "t1", "date": "2025-03-14", "description": "MMMMMMMM WWWWWWWW " * 3}
    links = [{"kind": "contributes_to", "source": f"f{i}", "target": "outcome"} for i in range(8)]
    links += [
        {"kind": "breaches", "source": "f0", "target": "b1"},
        {"kind": "holds", "source": "b1", "target": "t1"},
        {"kind": "precedes", "source": "t1", "target": "outcome"},
    ]
    review = Review.model_validate(
        {
            "type": "case_specific_review",
            "level_labels": {
                "law_policy_funding": "Legislature, Governor's Office and Appropriations",
                "agency_organization": "WWWWWWWWWWWWWWWWWWWWWWWWWWWW",
            },
            "factors": factors,
            "barriers": [barrier],
            "events": [event],
            "links": links,
        }
    )
    outcome = {"incident_type": "near_fatality", "date": "2025-03-14", "jurisdiction": "us_tn"}
    return to_networkx(review, outcome=outcome)


def example_graphs() -> list[tuple[str, nx.MultiDiGraph]]:
    graphs = [("widest", widest_review())]
    for path in sorted(EXAMPLES.glob("*.yaml")):
        case = load_case(path)
        if case.review is not None and case.review.links:
            graphs.append((path.stem, to_networkx(case)))
    return graphs


def test_glyph_table_matches_the_fonts() -> None:
    """The table holds the widest advance of DejaVu Sans and Liberation Sans, per character."""
    missing = [p for paths in fonts.FONT_FILES.values() for p in paths if not p.exists()]
    if missing:
        pytest.skip(f"fonts not installed here: {', '.join(str(p) for p in missing)}")
    for name, weight in (("REGULAR", "regular"), ("BOLD", "bold")):
        table = {
            first + i: width
            for first, widths in getattr(_glyphs, name)
            for i, width in enumerate(widths)
        }
        assert table == fonts.widest(weight), "regenerate with `python -m tests.fonts`"


def test_measuring_is_conservative() -> None:
    """Wide letters measure wider than narrow ones; unknown characters wider than any."""
    assert text_width("W", 12) > text_width("i", 12) > 0
    assert text_width("M", 13, bold=True) > text_width("M", 13)
    assert text_width("児", 12) > text_width("W", 12)
    # DejaVu Sans's W is 989/1000 em: at 12 px with the margin, 11.87 * 1.06
    assert text_width("W", 12) == pytest.approx(12 * 0.989 * (1 + MARGIN))


def test_fit_wraps_breaks_and_shortens() -> None:
    assert fit("", 100, size=12) == ("",)
    lines = fit(WIDE, 100, size=12)
    assert "".join(lines) == WIDE  # a long word is broken, nothing lost
    assert all(text_width(line, 12) <= 100 for line in lines)
    many = fit(" ".join(["Caseworker"] * 30), 180, size=12, max_lines=3)
    assert len(many) == 3
    assert many[-1].endswith("…")
    assert text_width(many[-1], 12) <= 180


def test_the_near_fatality_outcome_label_is_not_clipped() -> None:
    """Issue 13's example: the outcome label is wrapped inside the outcome box."""
    layout = acci_map_layout(widest_review())
    box = layout.box("outcome")
    assert " ".join(box.lines) == "Outcome: Near fatality (2025-03-14)"
    room = text_room("outcome", box.width)
    assert all(text_width(line, OUTCOME_FONT, bold=True) <= room for line in box.lines)


@pytest.mark.parametrize(("name", "graph"), example_graphs(), ids=lambda v: str(v)[:20])
def test_every_label_fits_by_measure(name: str, graph: nx.MultiDiGraph) -> None:
    """Every box line and band label fits its room, measured with the widest fonts."""
    layout = acci_map_layout(graph)
    for box in layout.boxes:
        size, bold = (OUTCOME_FONT, True) if box.kind == "outcome" else (BOX_FONT, False)
        for line in box.lines:
            assert text_width(line, size, bold=bold) <= text_room(box.kind, box.width), (
                name,
                line,
            )
    for band in layout.bands:
        for line in band.label_lines:
            assert text_width(line, BAND_FONT, bold=True) <= LABEL_COLUMN - LABEL_X - TEXT_PAD


BROWSER_CHECK = """
() => {
  const problems = [];
  for (const node of document.querySelectorAll('g.node')) {
    const rect = node.querySelector('rect.box').getBBox();
    const text = node.querySelector('text').getBBox();
    if (text.x < rect.x - 0.5 || text.x + text.width > rect.x + rect.width + 0.5 ||
        text.y < rect.y - 0.5 || text.y + text.height > rect.y + rect.height + 0.5) {
      const at = b => [b.x, b.y, b.width, b.height].map(v => v.toFixed(1)).join(' ');
      problems.push(node.dataset.id + ': text ' + at(text) + ' outside box ' + at(rect));
    }
  }
  for (const label of document.querySelectorAll('text.band-label')) {
    const box = label.getBBox();
    if (box.x + box.width > COLUMN) problems.push('band ' + label.dataset.band);
  }
  const legend = [...document.querySelectorAll('g.legend text')].map(t => t.getBBox());
  for (let i = 1; i < legend.length; i++) {
    const a = legend[i - 1], b = legend[i];
    if (Math.abs(a.y - b.y) < 1 && a.x + a.width > b.x - 32) problems.push('legend ' + i);
  }
  return problems;
}
"""


def test_every_label_fits_in_chromium(tmp_path: Path) -> None:
    """Headless Chromium, with the fonts it finds, measures every label inside its box."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if chromium is None:
        pytest.skip("no Chromium: `apt-get install chromium` enables this test (.ci/run does)")
    problems: dict[str, Any] = {}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            for name, graph in example_graphs():
                path = tmp_path / f"{name}.svg"
                path.write_text(to_svg(graph), encoding="utf-8")
                page.goto(path.as_uri())
                found = page.evaluate(BROWSER_CHECK.replace("COLUMN", str(LABEL_COLUMN)))
                if found:
                    problems[name] = found
        finally:
            browser.close()
    assert problems == {}
