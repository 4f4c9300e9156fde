"""The partnership report on a generated pool: every measure, every format, disclosure control
checked against the published output, identifiers never shown, the command line, and Chromium."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from npcs_review.cli import app
from npcs_review.codelists import codelists
from npcs_review.measures.definition import load_measures
from npcs_review.measures.disclosure import ALL, Cell, Cube, audit
from npcs_review.measures.report import PartnershipReport, ReportError, build_report
from npcs_review.pool.database import pool_add
from npcs_review.render.partnership import PARTNERSHIP_FORMATS
from pool_data import generate_pool
from tests.conftest import EXAMPLES
from tests.seeding import _free_text_seed
from tests.sharing import cases_of, submit

POPULATION = EXAMPLES / "partnership" / "population.csv"
#: Free-text and identifying columns of the pool, seeded with identifiers.
SEEDED_COLUMNS = {
    "incidents": ("incident_summary", "county", "region"),
    "systemic_factors": ("factor_statement",),
    "recommendations": ("recommendation_text", "recommendation_measure"),
}


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A generated pool of 1,500 incidents whose free text holds identifiers; returns the file
    and every identifier that must never reach the report (seeds, pseudonyms, submission ids)."""
    path = tmp_path_factory.mktemp("pool") / "partnership.duckdb"
    generate_pool(path, 1500, seed=3)
    con = duckdb.connect(str(path))
    seeds: list[str] = []
    try:
        n = 0
        for table, columns in SEEDED_COLUMNS.items():
            for column in columns:
                rows = con.execute(f'SELECT rowid FROM "{table}" ORDER BY rowid').fetchall()
                for (rowid,) in rows[:40]:
                    seed = _free_text_seed(n)
                    n += 1
                    seeds.append(seed)
                    con.execute(
                        f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?', [seed, rowid]
                    )
        seeds += [r[0] for r in con.execute("SELECT case_pseudonym FROM incidents").fetchall()]
        seeds += [r[0] for r in con.execute("SELECT submission_id FROM submissions").fetchall()]
    finally:
        con.close()
    return path, seeds


@pytest.fixture(scope="module")
def report(pool: tuple[Path, list[str]]) -> PartnershipReport:
    """The report on the pool, with the shipped population table."""
    return build_report(pool[0], population=POPULATION)


def test_every_measure_is_reported_for_every_jurisdiction(report: PartnershipReport) -> None:
    """All packaged measures, all jurisdictions and years of the pool, and tables with rows."""
    assert [r.measure.id for r in report.results] == list(load_measures())
    assert report.jurisdictions == ("us_az", "us_ga", "us_ky", "us_pa", "us_tn", "us_tx", "us_wa")
    assert report.period == (2022, 2025)
    for result in report.results:
        assert result.tables
        assert all(t.rows for t in result.tables), result.measure.id
    rate = report.results[0]
    assert {t.facet for t in rate.tables} == {"partnership", "jurisdiction"}
    year_rows = [r for t in rate.tables if t.dims == ("year",) for r in t.rows]
    assert all(r.value is not None and r.low is not None for r in year_rows)


def test_no_identifier_reaches_any_format(
    report: PartnershipReport, pool: tuple[Path, list[str]]
) -> None:
    """Seeded names, phone numbers, addresses in free text, the case pseudonyms and the
    submission ids never appear in the HTML, Markdown, CSV or Parquet output."""
    _, seeds = pool
    assert len(seeds) > 1500
    for name in PARTNERSHIP_FORMATS.names():
        output = PARTNERSHIP_FORMATS.render_bytes(report, name)
        text = output.decode("utf-8", errors="replace")
        leaked = [s for s in seeds if s in text or s.encode() in output]
        assert leaked == [], (name, leaked[:3])


def _true_counts(path: Path) -> dict[tuple[str, ...], int]:
    """Near fatalities under the partnership standard per (year, jurisdiction, age, sex, race),
    counted straight from the pool with SQL (independently of the engine)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            """
            SELECT i.incident_year, i.jurisdiction, c.child_age_band, c.child_sex,
                   c.child_race_ethnicity, count(*)
            FROM classifications k
            JOIN incidents i USING (submission_id, jurisdiction, case_pseudonym)
            JOIN children c USING (submission_id, jurisdiction, case_pseudonym)
            WHERE k.definition_id = 'npcs_near_fatality' AND k.outcome = 'meets'
            GROUP BY ALL
            """
        ).fetchall()
    finally:
        con.close()
    return {(str(y), j, a, s, r): n for y, j, a, s, r, n in rows}


def test_published_tables_protect_every_suppressed_cell(
    report: PartnershipReport, pool: tuple[Path, list[str]]
) -> None:
    """An attacker holding every published table of the near-fatality measure (partnership
    standard) and its margins cannot narrow any suppressed cell below its threshold: the
    feasible intervals are recomputed by linear programming from the report's own output."""
    counts = _true_counts(pool[0])
    dims = ("year", "jurisdiction", "age_group", "sex", "race_ethnicity")
    levels = tuple(tuple(sorted({k[i] for k in counts})) for i in range(len(dims)))
    array = np.zeros(tuple(len(lv) for lv in levels), dtype=np.int64)
    limits = np.zeros_like(array)
    for key, n in counts.items():
        at = tuple(levels[i].index(v) for i, v in enumerate(key))
        array[at] = n
        limits[at] = report.thresholds[key[1]]
    result = next(r for r in report.results if r.measure.id == "near_fatality_rate")
    tables = [t for t in result.tables if t.facet == "partnership"]
    cube = Cube(dims, levels, array, limits, tuple(t.dims for t in tables))
    known: set[Cell] = set()
    suppressed: set[Cell] = set()
    for table in tables:
        for row in table.rows:
            shown = dict(row.cell)
            place: Cell = tuple(
                ALL if shown.get(d) is None else levels[i].index(str(shown[d]))
                for i, d in enumerate(dims)
            )
            if row.suppressed:
                suppressed.add(place)
            else:
                assert row.count == cube.value(place)  # what is shown is true
                known.add(place)
    assert suppressed, "the scenario should suppress cells (small jurisdictions and groups)"
    intervals = audit(cube, known=known, cells=sorted(suppressed))
    for cell, (lo, hi) in intervals.items():
        assert hi - lo >= cube.threshold(cell), (cube.label(cell), lo, hi)
        if 0 < cube.value(cell) < cube.threshold(cell):
            assert lo <= cube.value(cell) <= hi


def test_a_statistic_is_never_shown_beside_a_suppressed_count(report: PartnershipReport) -> None:
    """Rates, shares and ratios of a suppressed count are withheld too, and so are the
    intervals (each would give the count away)."""
    found = 0
    for result in report.results:
        for table in result.tables:
            for row in table.rows:
                if row.suppressed in ("primary", "complementary"):
                    found += 1
                    assert row.count is None
                    assert (row.value, row.low, row.high) == (None, None, None)
    assert found > 0


def test_csv_and_parquet_carry_a_flag_in_every_row(report: PartnershipReport) -> None:
    """One row per cell, each with its suppression flag and reason; Parquet has the same rows
    with typed columns."""
    text = PARTNERSHIP_FORMATS.render(report, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    assert {r["suppressed"] for r in rows} == {"True", "False"}
    for r in rows:
        if r["suppressed"] == "True":
            assert r["suppression"] in {"primary", "complementary", "derived"}
            assert r["value"] == ""
    table = pq.read_table(io.BytesIO(PARTNERSHIP_FORMATS.render_bytes(report, "parquet")))
    assert table.num_rows == len(rows)
    assert str(table.schema.field("count").type) == "int64"
    assert str(table.schema.field("suppressed").type) == "bool"


def test_outputs_are_deterministic(pool: tuple[Path, list[str]], report: PartnershipReport) -> None:
    """The same pool gives byte-identical HTML and Parquet."""
    again = build_report(pool[0], population=POPULATION)
    for name in ("html", "parquet"):
        assert PARTNERSHIP_FORMATS.render_bytes(again, name) == PARTNERSHIP_FORMATS.render_bytes(
            report, name
        )


def test_html_is_self_contained_with_charts_and_methods(report: PartnershipReport) -> None:
    """No script, no remote resource, inline SVG charts, and a methods section stating the
    thresholds and every rule."""
    html = PARTNERSHIP_FORMATS.render(report, "html")
    assert "<script" not in html
    assert not re.search(r'(src|href)="https?://', html.split('id="methods"')[0])
    assert html.count('class="chart trend"') >= 3
    assert html.count('class="chart bars"') >= 3
    methods = html.split('id="methods"')[1]
    for words in ("Primary suppression", "Complementary suppression", "Audit", "unstable"):
        assert words in methods
    for jurisdiction, limit in report.thresholds.items():
        assert f"{_name(jurisdiction)} {limit}" in methods
    for result in report.results:
        assert f"{result.measure.id} {result.measure.version}" in methods


def _name(code: str) -> str:
    return next(v.label for v in codelists()["jurisdiction"].values if v.code == code)


def test_markdown_has_every_section(report: PartnershipReport) -> None:
    """Markdown: a heading per measure, pipe tables, S for suppressed cells, the methods."""
    text = PARTNERSHIP_FORMATS.render(report, "md")
    for result in report.results:
        assert f"### {result.measure.title}" in text
    assert "| S |" in text or "| S " in text
    assert "## Methods" in text


def test_without_population_rates_say_they_need_it(pool: tuple[Path, list[str]]) -> None:
    """A rate measure without denominators says so and shows counts only."""
    plain = build_report(pool[0], period="2025", jurisdictions=["us_tx", "us_ga"])
    rate = plain.results[0]
    assert any("population" in n for n in rate.notes)
    rows = [r for t in rate.tables for r in t.rows]
    assert all(r.value is None for r in rows)
    assert any(r.count for r in rows)
    assert plain.period == (2025, 2025)
    assert plain.jurisdictions == ("us_tx", "us_ga")
    shown = {dict(r.cell).get("jurisdiction") for t in rate.tables for r in t.rows}
    assert shown <= {"us_tx", "us_ga", None}


def test_a_missing_population_cell_is_named(pool: tuple[Path, list[str]], tmp_path: Path) -> None:
    """A population table without one jurisdiction: its cells say so instead of guessing."""
    partial = tmp_path / "population.csv"
    lines = POPULATION.read_text(encoding="utf-8").splitlines()
    partial.write_text(
        "\n".join(line for line in lines if not line.startswith("us_tx")) + "\n", encoding="utf-8"
    )
    built = build_report(pool[0], population=partial, period="2025")
    rate = built.results[0]
    ky = [
        r
        for t in rate.tables
        if t.dims == ("year", "jurisdiction")
        for r in t.rows
        if dict(r.cell)["jurisdiction"] == "us_tx" and not r.suppressed
    ]
    assert ky
    assert all(r.value is None and r.note for r in ky)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"period": "last year"}, "--period takes a year"),
        ({"period": "2025-2022"}, "first year is after the last"),
        ({"jurisdictions": ["us_zz"]}, "no current submission from us_zz"),
    ],
)
def test_bad_options_are_refused_plainly(
    pool: tuple[Path, list[str]], options: dict[str, Any], message: str
) -> None:
    """A bad period or an unknown jurisdiction: a ReportError naming the fix."""
    with pytest.raises(ReportError, match=message) as caught:
        build_report(pool[0], **options)
    assert caught.value.problems[0].code == "NPR-R004"


def test_a_file_that_is_not_a_pool_is_refused(tmp_path: Path) -> None:
    """Not a database, or a database without the pool's tables: NPR-R003 with the fix."""
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    with pytest.raises(ReportError, match="not a partnership pool") as caught:
        build_report(other)
    assert caught.value.problems[0].code == "NPR-R003"
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(ReportError, match="cannot be opened"):
        build_report(text)


runner = CliRunner()


def test_cli_writes_every_format(pool: tuple[Path, list[str]], tmp_path: Path) -> None:
    """`npcs-review report` writes HTML, Markdown, CSV and Parquet files and says so."""
    for name in ("html", "md", "csv", "parquet"):
        out = tmp_path / f"report.{name}"
        done = runner.invoke(
            app,
            [
                "report",
                "--db",
                str(pool[0]),
                "--population",
                str(POPULATION),
                "--period",
                "2024-2025",
                "-f",
                name,
                "-o",
                str(out),
            ],
        )
        assert done.exit_code == 0, done.output
        assert f"wrote {out}" in done.output
        assert out.stat().st_size > 1000


def test_cli_errors_are_plain(pool: tuple[Path, list[str]], tmp_path: Path) -> None:
    """Usage errors exit 2, bad input 1, with the place and the fix and no traceback."""
    done = runner.invoke(app, ["report"])
    assert done.exit_code == 2
    assert "--db" in done.output
    bad = tmp_path / "population.csv"
    bad.write_text("jurisdiction,year,population\nus_ky,2025,lots\n", encoding="utf-8")
    done = runner.invoke(app, ["report", "--db", str(pool[0]), "--population", str(bad)])
    assert done.exit_code == 1
    assert f"{bad}:2 at /population" in done.output
    assert "Traceback" not in done.output
    done = runner.invoke(app, ["report", "--db", str(pool[0]), "-o", str(pool[0])])
    assert done.exit_code == 2
    assert "is an input" in done.output
    done = runner.invoke(app, ["report", "--db", str(tmp_path / "none.duckdb")])
    assert done.exit_code == 1
    assert "pool add" in done.output


def test_report_renders_in_a_real_browser(report: PartnershipReport, tmp_path: Path) -> None:
    """Headless Chromium loads the page with no errors and no network request, shows the
    charts at a readable size with suppressed cells marked, and prints it to PDF."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if chromium is None:
        pytest.skip("no Chromium: `apt-get install chromium` enables this test (.ci/run does)")
    page_file = tmp_path / "report.html"
    page_file.write_text(PARTNERSHIP_FORMATS.render(report, "html"), encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "request",
                lambda r: (
                    errors.append(r.url) if not r.url.startswith(("file:", "data:")) else None
                ),
            )
            page.goto(page_file.as_uri())
            assert errors == []
            trend = page.locator("svg.trend").first.bounding_box()
            assert trend is not None
            assert trend["width"] > 400
            assert trend["height"] > 150
            assert page.locator("svg.trend polygon.band").count() > 5
            assert page.locator("svg.bars rect.bar").count() > 20
            assert page.locator('td[data-suppressed="yes"]').count() > 0
            assert page.locator("#methods li").count() >= 7
            pdf = tmp_path / "report.pdf"
            page.pdf(path=str(pdf))
            assert pdf.read_bytes()[:5] == b"%PDF-"
        finally:
            browser.close()


def test_report_on_a_pool_built_by_share_and_pool_add(tmp_path: Path) -> None:
    """The way members build the pool (share each jurisdiction's cases under its agreement,
    then pool add): the report reads it, takes each jurisdiction's threshold from its
    agreement, and counts what SQL counts."""
    db = tmp_path / "partnership.duckdb"
    for jurisdiction, agreement in (("us_pa", "example_us_pa"), ("us_tn", "partnership_default")):
        folder = tmp_path / jurisdiction
        submit(folder, cases_of(jurisdiction, 40, seed=11), agreement=agreement, period="2025")
        pool_add(folder, db)
    built = build_report(db)
    assert built.thresholds == {"us_pa": 16, "us_tn": 11}
    con = duckdb.connect(str(db), read_only=True)
    try:
        (fatalities,) = con.execute(
            "SELECT count(*) FROM classifications WHERE classification_scheme = 'national' "
            "AND definition_id = 'npcs_maltreatment_fatality' AND outcome = 'meets'"
        ).fetchone() or (0,)
    finally:
        con.close()
    rate = built.results[0]
    (overall,) = [
        r
        for t in rate.tables
        if t.facet == "partnership" and t.dims == ("year",)
        for r in t.rows
        if dict(r.cell)["year"] is None
    ]
    assert overall.count == fatalities
    assert overall.count is not None
    assert overall.count > 0
