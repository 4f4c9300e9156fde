"""The partnership report as HTML, Markdown, CSV and Parquet.

HTML is one printable page with inline SVG and no network; CSV and Parquet have one row per
published cell, each with its suppression flag.

Cells are shown the same way everywhere: a suppressed count or statistic is ``S`` (never its
value), a statistic from fewer events than the measure's stable minimum carries ``†``, and a
margin's level is "All".
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING, Any

from npcs_review.render.formats import Format, FormatTable

if TYPE_CHECKING:  # the format table stays light to import; the renderers import these
    from npcs_review.measures.compute import MeasureResult, ResultRow, ResultTable
    from npcs_review.measures.report import PartnershipReport

__all__ = [
    "PARTNERSHIP_FORMATS",
    "report_csv",
    "report_html",
    "report_markdown",
    "report_parquet",
]

_DASH = "\u2013"  # en dash, between the ends of a range
_TIMES = "\u00d7"  # multiplication sign

_SECTIONS = {
    "incidents": "Fatalities, near fatalities and serious injuries",
    "involvement": "Agency involvement and review triggers",
    "reviews": "Reviews",
    "disparity": "Racial and ethnic disparity",
    "learning": "Systemic learning: what recurs across reviews",
    "actions": "Recommendations and actions",
}
_STATISTIC_WORDS = {
    "count": "count of events",
    "rate": "events per child population",
    "proportion": "share of a wider set of events",
    "disproportionality_index": "share of events over share of children",
    "disparity_index": "rate over the reference group's rate",
    "relative_rate_index": "share at this stage over the reference group's share",
    "co_occurrence": "reviews in which both occur",
}
_METHOD_WORDS = {
    "garwood_poisson": "exact Poisson (Garwood 1936)",
    "clopper_pearson": "exact binomial (Clopper-Pearson 1934)",
    "exact_conditional_rate_ratio": "exact conditional rate ratio (binomial, given both counts)",
    "katz_log": "Katz log method (1978)",
    "none": "none",
}


# ------------------------------------------------------------------------ labels


def _label(dim: str, code: str | None) -> str:
    if code is None:
        return "All"
    from npcs_review.codelists import codelists  # noqa: PLC0415
    from npcs_review.measures.sources import DIMENSIONS  # noqa: PLC0415

    spec = DIMENSIONS.get(dim)
    if spec is not None:
        if code in spec.labels:
            return spec.labels[code]
        if spec.codelist:
            found = codelists().get(spec.codelist)
            if found is not None:
                for value in found.values:
                    if value.code == code:
                        return value.label
    if code == "not_recorded":
        return "Not recorded"
    if code == "under_1":
        return "Under 1"
    if code.endswith("_plus") and code[:-5].isdigit():
        return f"{code[:-5]} and over"
    parts = code.split("_")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return f"{parts[0]}{_DASH}{parts[1]}"
    return code.replace("_", " ").capitalize()


def _dim_title(dim: str) -> str:
    from npcs_review.measures.sources import DIMENSIONS  # noqa: PLC0415

    if dim == "with":
        return "Found with"
    spec = DIMENSIONS.get(dim)
    return spec.title if spec else dim.replace("_", " ").capitalize()


def _number(value: float | None, per: int = 1) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    if per == 1 and value < 100:
        return f"{value:.2f}"
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.1f}"


def _count(value: float | int | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _interval(row: ResultRow, per: int) -> str:
    if row.low is None and row.high is None:
        return ""
    high = _number(row.high, per) if row.high is not None else "∞"
    return f"{_number(row.low, per)}{_DASH}{high}"


def _shown(m: MeasureResult, row: ResultRow) -> tuple[str, str]:
    """(main text, small text) of a cell."""
    per = m.measure.per
    if row.suppressed is not None and (row.count is None or row.value is None):
        return "S", ""
    mark = "†" if row.unstable else ""
    if m.measure.statistic in ("count", "co_occurrence") or row.value is None:
        small = row.note or ""
        return _count(row.count), small
    main = _number(row.value, per) + mark
    parts = [_interval(row, per)]
    if row.count is not None:
        parts.append(f"n={row.count:,}")
    if row.change is not None:
        parts.append(f"{row.change:+.2f} vs prior year")
    return main, " · ".join(p for p in parts if p)


def _cell_flags(row: ResultRow) -> str:
    if row.suppressed:
        return f"suppressed ({row.suppressed})"
    if row.unstable:
        return "unstable"
    return ""


# ------------------------------------------------------------------------ tables


def _pivot(table: ResultTable) -> tuple[str | None, str | None]:
    """(row dimension, column dimension) for a two-way table; years go across."""
    if len(table.dims) != 2:
        return (table.dims[0] if table.dims else None), None
    a, b = table.dims
    if a == "year":
        return b, a
    if table.dims == ("element", "with"):
        return a, None
    return a, b


def _grid(table: ResultTable) -> tuple[list[str], list[tuple[str, list[ResultRow | None]]]]:
    """Column heads and rows of a table as shown."""
    row_dim, col_dim = _pivot(table)
    if col_dim is None:
        heads = [*(_dim_title(d) for d in table.dims)]
        return heads, [
            (" / ".join(_label(d, v) for d, v in r.cell) or "All", [r]) for r in table.rows
        ]
    cols = list(dict.fromkeys(dict(r.cell)[col_dim] for r in table.rows))
    rows: dict[str | None, dict[str | None, ResultRow]] = {}
    for r in table.rows:
        cell = dict(r.cell)
        rows.setdefault(cell[row_dim or ""], {})[cell[col_dim]] = r
    heads = [_dim_title(row_dim or ""), *(_label(col_dim, c) for c in cols)]
    return heads, [
        (_label(row_dim or "", key), [by.get(c) for c in cols]) for key, by in rows.items()
    ]


Grid = tuple[list[str], list[tuple[str, list["ResultRow | None"]]]]


def _facet_grid(result: MeasureResult, tables: list[ResultTable]) -> Grid:
    """One-way tables of every facet value in one grid: a row per value, a column per level."""
    facet = result.measure.facet or ""
    dim = tables[0].dims[0]
    cols = list(dict.fromkeys(dict(r.cell)[dim] for t in tables for r in t.rows))
    rows = []
    for t in tables:
        by = {dict(r.cell)[dim]: r for r in t.rows}
        rows.append((_label(facet, t.facet), [by.get(c) for c in cols]))
    return [_dim_title(facet), *(_label(dim, c) for c in cols)], rows


def _views(result: MeasureResult) -> list[tuple[str, Grid, bool]]:
    """(title, grid, one value column) for every table as shown.

    One-way tables of a faceted measure are combined, one row per facet value.
    """
    out: list[tuple[str, Grid, bool]] = []
    done: set[tuple[str, ...]] = set()
    for table in result.tables:
        if result.measure.facet and len(table.dims) == 1:
            if table.dims in done:
                continue
            done.add(table.dims)
            same = [t for t in result.tables if t.dims == table.dims]
            facet, dim = _dim_title(result.measure.facet), _dim_title(table.dims[0])
            title = f"By {facet.lower()} and {dim.lower()}"
            out.append((title, _facet_grid(result, same), False))
            continue
        heads, rows = _grid(table)
        single = bool(rows) and len(heads) == len(table.dims) and len(rows[0][1]) == 1
        out.append((_table_title(result, table), (heads, rows), single))
    return out


def _table_html(result: MeasureResult, grid: Grid, single: bool) -> str:
    heads, rows = grid
    parts = ['<div class="table-wrap"><table class="measure"><thead><tr>']
    if single:
        parts.append(
            f"<th>{escape(' / '.join(heads) or 'All')}</th><th>{escape(result.measure.unit)}</th>"
        )
    else:
        parts.extend(f"<th>{escape(h)}</th>" for h in heads)
    parts.append("</tr></thead><tbody>")
    for label, cells in rows:
        parts.append(f'<tr><th scope="row">{escape(label)}</th>')
        for row in cells:
            if row is None:
                parts.append("<td></td>")
                continue
            main, small = _shown(result, row)
            flag = _cell_flags(row)
            css = "supp" if main == "S" else ("unstable" if row.unstable else "")
            title = f' title="{escape(flag)}"' if flag else ""
            extra = f'<span class="small">{escape(small)}</span>' if small else ""
            parts.append(
                f'<td class="{css}" data-suppressed="{"yes" if main == "S" else "no"}"{title}>'
                f"{escape(main)}{extra}</td>"
            )
        parts.append("</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)


def _table_title(result: MeasureResult, table: ResultTable) -> str:
    dims = [_dim_title(d) for d in table.dims]
    facet = f" — {_label(result.measure.facet or '', table.facet)}" if table.facet else ""
    return (" by " + " and ".join(dims) if dims else "Overall") + facet


# ------------------------------------------------------------------------ charts


def _trend(result: MeasureResult) -> str:
    from npcs_review.render.charts import Point, trend_svg  # noqa: PLC0415

    series = []
    for table in result.tables:
        if table.dims != ("year",):
            continue
        points = [
            Point(
                str(dict(r.cell)["year"]),
                r.value,
                r.low,
                r.high,
                r.suppressed is not None,
            )
            for r in table.rows
            if dict(r.cell)["year"] is not None
        ]
        name = _label(result.measure.facet or "", table.facet) if table.facet else "All"
        series.append((name, points))
    if not series or all(p.value is None and not p.suppressed for _, ps in series for p in ps):
        return ""
    m = result.measure
    return _figure(
        trend_svg(series, unit=m.unit, title=f"{m.title}: trend with 95% intervals"),
        f"{m.title} by year, with 95% confidence bands; S marks a suppressed year.",
        "trend",
    )


def _bars(result: MeasureResult, dim: str, *, last_year: str | None = None) -> str:
    from npcs_review.render.charts import Bar, bars_svg  # noqa: PLC0415

    bars = []
    for table in result.tables:
        if dim not in table.dims or len(table.dims) > 2:
            continue
        if len(table.dims) == 2 and "year" not in table.dims:
            continue
        for r in table.rows:
            cell = dict(r.cell)
            if cell[dim] is None or ("year" in cell and cell["year"] != last_year):
                continue
            name = _label(result.measure.facet or "", table.facet) if table.facet else "All"
            bars.append(
                Bar(
                    _label(dim, cell[dim]),
                    name,
                    r.value,
                    r.low,
                    r.high,
                    r.suppressed is not None and r.value is None,
                )
            )
    if not bars:
        return ""
    m = result.measure
    when = f", {last_year}" if last_year else ""
    return _figure(
        bars_svg(bars, unit=m.unit, title=f"{m.title} by {_dim_title(dim).lower()}{when}"),
        f"{m.title} by {_dim_title(dim).lower()}{when}; lines show 95% intervals; hatched "
        "bars are suppressed cells.",
        "bars",
    )


def _figure(svg: str, caption: str, kind: str) -> str:
    if not svg:
        return ""
    return f'<figure class="{kind}">{svg}<figcaption>{escape(caption)}</figcaption></figure>'


def _charts(result: MeasureResult, report: PartnershipReport) -> str:
    m = result.measure
    if m.statistic == "co_occurrence":
        return ""
    parts = [_trend(result)]
    dims = {d for t in result.tables for d in t.dims}
    year = str(report.period[1]) if "year" in dims else None
    if "jurisdiction" in dims and m.statistic != "count" and m.section != "learning":
        parts.append(_bars(result, "jurisdiction", last_year=year))
    if m.group and m.group in dims:
        parts.append(_bars(result, m.group))
    if m.facet in ("level", "element", "factor_type"):
        parts.append(_recurring(result))
    return "".join(p for p in parts if p)


def _recurring(result: MeasureResult) -> str:
    from npcs_review.render.charts import Bar, bars_svg  # noqa: PLC0415

    m = result.measure
    bars = []
    for table in result.tables:
        for r in table.rows:
            if all(v is None for _, v in r.cell):  # the overall share of reviews
                bars.append(
                    Bar(
                        _label(m.facet or "", table.facet),
                        "All",
                        r.value,
                        r.low,
                        r.high,
                        r.suppressed is not None and r.value is None,
                    )
                )
    bars.sort(key=lambda b: -(b.value or 0))
    return _figure(
        bars_svg(bars, unit=m.unit, title=f"{m.title}: share of reviews"),
        f"{m.title}: percentage of reviews that found it, all jurisdictions, with 95% intervals.",
        "recurring",
    )


# ------------------------------------------------------------------------ HTML

_CSS = """
:root{--ink:#1d1d1f;--muted:#5b5b66;--line:#d9d9e0;--accent:#2f5d8a;--warn:#9a5b00}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
 margin:0;background:#f6f6f8}
main{max-width:1100px;margin:0 auto;padding:24px 32px 48px;background:#fff}
h1{font-size:24px;margin:8px 0 4px}
h2{font-size:19px;margin:32px 0 8px;padding-bottom:4px;border-bottom:2px solid var(--line);
 color:var(--accent)}
h3{font-size:16px;margin:22px 0 4px}h4{font-size:13.5px;margin:14px 0 4px;color:var(--muted)}
.banner{border-left:4px solid var(--warn);background:#fff7e8;padding:8px 12px;margin:12px 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:12px 0}
dl.facts dt{font-weight:600;color:var(--muted)}dl.facts dd{margin:0}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;margin:6px 0 12px;font-size:12.5px}
th,td{border:1px solid var(--line);padding:3px 7px;text-align:right;vertical-align:top}
th{background:#eef2f7;text-align:left}tbody th{background:#fafafc;font-weight:500}
td .small{display:block;font-size:10.5px;color:var(--muted);white-space:nowrap}
td.supp{background:#f1f1f4;color:var(--muted);text-align:center;font-weight:600}
td.unstable{color:#6b4a00}
figure{margin:10px 0;overflow-x:auto}figure svg{max-width:100%;height:auto}
figcaption{font-size:12px;color:var(--muted)}
.note{font-size:12.5px;color:var(--muted)}
.legend{font-size:12.5px;background:#fafafc;border:1px solid var(--line);padding:6px 10px}
footer{margin-top:32px;font-size:12px;color:var(--muted)}
@media print{
 body{background:#fff;font-size:10pt}main{max-width:none;padding:0}
 h2{break-after:avoid}h3{break-after:avoid}table,figure{break-inside:avoid}
 tr{break-inside:avoid}a{color:inherit;text-decoration:none}
}
@page{margin:14mm 12mm}
"""


def _period(report: PartnershipReport) -> str:
    a, b = report.period
    return str(a) if a == b else f"{a}{_DASH}{b}"


def _facts(report: PartnershipReport) -> list[tuple[str, str]]:
    names = ", ".join(_label("jurisdiction", j) for j in report.jurisdictions)
    submissions = sum(len(p) for j, p, _ in report.facts.submissions if j in report.jurisdictions)
    return [
        ("Incident years", _period(report)),
        ("Jurisdictions", names),
        ("Current submissions", f"{submissions} (pooled database, {report.backend})"),
        ("Definitions set", report.definitions_version),
        ("Population denominators", report.population or "not given: rates are not computed"),
    ]


def _measure_html(result: MeasureResult, report: PartnershipReport) -> str:
    m = result.measure
    parts = [
        f'<section class="measure" id="m-{escape(m.id)}"><h3>{escape(m.title)}</h3>',
        f"<p>{escape(m.description)}</p>",
    ]
    parts += [f'<p class="note">{escape(n)}</p>' for n in result.notes]
    parts.append(_charts(result, report))
    for title, grid, single in _views(result):
        parts.append(f"<h4>{escape(title)}</h4>")
        parts.append(_table_html(result, grid, single))
    parts.append("</section>")
    return "".join(parts)


def _methods_rows(report: PartnershipReport) -> list[list[str]]:
    rows = []
    for r in report.results:
        m = r.measure
        suppressed = sum(s for _, s, _, _ in r.audit)
        margins = [w for _, _, n, w in r.audit if n]
        rows.append(
            [
                f"{m.title} ({m.id} {m.version})",
                _STATISTIC_WORDS[m.statistic] + (f", {_TIMES}{m.per:,}" if m.per != 1 else ""),
                _METHOD_WORDS[m.interval.method]
                + (f", {m.interval.level:.0%}" if m.interval.method != "none" else ""),
                f"under {m.min_stable_count}",
                f"{suppressed}"
                + (
                    f" (narrowest interval exceeds its threshold by {min(margins):.1f})"
                    if margins
                    else ""
                ),
            ]
        )
    return rows


def _methods_html(report: PartnershipReport) -> str:
    thresholds = ", ".join(
        f"{_label('jurisdiction', j)} {t}" for j, t in sorted(report.thresholds.items())
    )
    rules = _rules(report)
    parts = [
        '<section id="methods"><h2>Methods</h2>',
        "<h3>Disclosure control</h3><ul>",
        *[f"<li>{escape(rule)}</li>" for rule in rules],
        "</ul>",
        "<p>Thresholds applied (the smallest count that may be published): "
        f"{escape(thresholds)}.</p>",
        "<h3>Measures, versions and intervals</h3>",
        '<div class="table-wrap"><table><thead><tr><th>Measure</th><th>Statistic</th>'
        "<th>Interval</th><th>Unstable when events are</th><th>Cells suppressed</th></tr>"
        "</thead><tbody>",
    ]
    for row in _methods_rows(report):
        parts.append(
            "<tr>" + "".join(f'<td style="text-align:left">{escape(c)}</td>' for c in row) + "</tr>"
        )
    parts.append("</tbody></table></div><h3>Sources and notes</h3>")
    for r in report.results:
        m = r.measure
        parts.append(f"<h4>{escape(m.title)}</h4><ul>")
        for c in m.citations:
            text = c.document + (f", {c.section}" if c.section else "")
            link = f' <a href="{escape(c.url)}">{escape(c.url)}</a>' if c.url else ""
            checked = "" if c.verified == "primary" else f" (checked in a {c.verified} copy)"
            parts.append(f"<li>{escape(text)}{checked}.{link}</li>")
        parts += [f"<li>{escape(n)}</li>" for n in m.notes]
        parts.append("</ul>")
    parts.append("</section>")
    return "".join(parts)


def _rules(report: PartnershipReport) -> list[str]:
    return [
        "Primary suppression: a published count of 1 or more below its threshold is suppressed. "
        "A cell's threshold is the strictest (largest) threshold of the jurisdictions whose "
        "events it counts; each jurisdiction's threshold is the largest of the sharing "
        "agreements its current submissions were made under; where an agreement cannot be "
        "found, the partnership default's applies: "
        f"{report.default_threshold} (counts 1-{report.default_threshold - 1} suppressed).",
        "Zero counts are published: a zero discloses no child.",
        "Complementary suppression: every table is published with its margins (totals over each "
        "dimension), and no suppressed cell is the only unknown in a total: further cells are "
        "suppressed, the smallest that give enough room first. Counts never shown but derivable "
        "(for example incidents without prior involvement, once the total and those with it are "
        "shown) are protected the same way. A number shown in two tables is suppressed in both.",
        "Audit: for every suppressed cell, the interval of values consistent with everything "
        "published (minimum and maximum by linear programming, SciPy's HiGHS solver, with every "
        "published cell as a constraint and non-negative counts) is at least as wide as the "
        "cell's threshold; tables are audited jointly with their margins and with the other "
        "tables of the same measure.",
        "A rate, share or ratio is published only when every count it is computed from is "
        "published (a rate with a public population gives its count away). S marks a "
        "suppressed cell; S also stands for a statistic withheld for that reason.",
        "Statistics from fewer events than the measure's stable minimum (20 for rates, as NCHS "
        "and CDC WONDER use) are flagged unstable (†) and still shown.",
        "Pairs of co-occurring factors are not sums of one another: they get primary suppression "
        "only. Relations between different measures (for example counts under the partnership "
        "standard and under a jurisdiction's own definition) are not audited jointly.",
    ]


def report_html(report: PartnershipReport) -> str:
    """The report as one self-contained, printable HTML page with inline SVG charts."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(report.title)} ({_period(report)})</title>",
        f"<style>{_CSS}</style></head><body><main>",
        f"<h1>{escape(report.title)}</h1>",
        '<p class="banner">Published under the partnership\'s disclosure control: small counts '
        "are suppressed (S), unstable statistics are marked †. Methods, thresholds and sources "
        'are at the end (<a href="#methods">Methods</a>).</p>',
        '<dl class="facts">',
        *[f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in _facts(report)],
        "</dl>",
        '<p class="legend">How to read the tables: each cell shows the statistic, its 95% '
        "confidence interval and the number of events (n); S = suppressed; † = fewer events than "
        "the measure's stable minimum; All = the total over that dimension.</p>",
    ]
    for key, title in _SECTIONS.items():
        results = [r for r in report.results if r.measure.section == key]
        if not results:
            continue
        parts.append(f'<section id="{key}"><h2>{escape(title)}</h2>')
        parts += [_measure_html(r, report) for r in results]
        parts.append("</section>")
    parts.append(_methods_html(report))
    parts.append(
        "<footer>Made with npcs_review from the partnership's pooled database. Definitions are "
        "the partnership's proposed standard (0.x) and jurisdictions' own, as encoded.</footer>"
    )
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


# ------------------------------------------------------------------------ Markdown


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or " "


def report_markdown(report: PartnershipReport) -> str:
    """The report as GitHub-flavoured Markdown (tables; no charts)."""
    lines = [f"# {report.title}", ""]
    lines += [f"- **{k}:** {v}" for k, v in _facts(report)]
    lines += [
        "",
        "> Small counts are suppressed (S); † marks a statistic from fewer events than the "
        "measure's stable minimum; All is the total over a dimension. Methods at the end.",
        "",
    ]
    for key, title in _SECTIONS.items():
        results = [r for r in report.results if r.measure.section == key]
        if not results:
            continue
        lines += [f"## {title}", ""]
        for r in results:
            m = r.measure
            lines += [f"### {m.title}", "", m.description, ""]
            lines += [f"_{n}_" for n in r.notes] + ([""] if r.notes else [])
            for name, (heads, rows), single in _views(r):
                lines += [f"**{name}** ({m.unit})", ""]
                shown_heads = [" / ".join(heads) or "All", m.unit] if single else heads
                lines.append("| " + " | ".join(_md(h) for h in shown_heads) + " |")
                lines.append("|" + "---|" * len(shown_heads))
                for label, cells in rows:
                    shown = []
                    for row in cells:
                        if row is None:
                            shown.append(" ")
                            continue
                        main, small = _shown(r, row)
                        shown.append(f"{main} ({small})" if small else main)
                    lines.append("| " + " | ".join(_md(c) for c in [label, *shown]) + " |")
                lines.append("")
    lines += ["## Methods", "", "### Disclosure control", ""]
    lines += [f"- {rule}" for rule in _rules(report)]
    thresholds = ", ".join(
        f"{_label('jurisdiction', j)} {t}" for j, t in sorted(report.thresholds.items())
    )
    lines += ["", f"Thresholds applied: {thresholds}.", "", "### Measures", ""]
    lines.append("| Measure | Statistic | Interval | Unstable when events are | Cells suppressed |")
    lines.append("|---|---|---|---|---|")
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in _methods_rows(report)]
    lines += ["", "### Sources", ""]
    for r in report.results:
        for c in r.measure.citations:
            url = f" <{c.url}>" if c.url else ""
            lines.append(
                f"- {r.measure.id}: {c.document}" + (f", {c.section}" if c.section else "") + url
            )
    return "\n".join(lines).rstrip() + "\n"


# ------------------------------------------------------------------------ tables


def _plain(rows: Iterable[dict[str, Any]]) -> list[list[Any]]:
    from npcs_review.measures.report import ROW_COLUMNS  # noqa: PLC0415

    return [[r[c] for c in ROW_COLUMNS] for r in rows]


def report_csv(report: PartnershipReport) -> str:
    """One row per published cell (``ROW_COLUMNS``).

    A suppressed cell has empty numbers, ``suppressed`` true and its reason.
    """
    import csv  # noqa: PLC0415

    from npcs_review.measures.report import ROW_COLUMNS, report_rows  # noqa: PLC0415

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ROW_COLUMNS)
    for row in _plain(report_rows(report)):
        writer.writerow(
            ["" if v is None else (f"{v:.12g}" if isinstance(v, float) else v) for v in row]
        )
    return out.getvalue()


def report_parquet(report: PartnershipReport) -> bytes:
    """The CSV's rows as a Parquet file (typed columns; numbers as doubles)."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    from npcs_review.measures.report import ROW_COLUMNS, report_rows  # noqa: PLC0415

    rows = report_rows(report)
    types = {
        "count": pa.int64(),
        "denominator": pa.float64(),
        "value": pa.float64(),
        "low": pa.float64(),
        "high": pa.float64(),
        "change": pa.float64(),
        "change_ratio": pa.float64(),
        "change_low": pa.float64(),
        "change_high": pa.float64(),
        "suppressed": pa.bool_(),
        "unstable": pa.bool_(),
    }
    table = pa.table(
        {c: pa.array([r[c] for r in rows], types.get(c, pa.string())) for c in ROW_COLUMNS}
    )
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


PARTNERSHIP_FORMATS: FormatTable[PartnershipReport] = FormatTable(
    "partnership report",
    Format("html", report_html, "text/html", ".html", hint="open it in a browser or print it"),
    Format("md", report_markdown, "text/markdown", ".md", hint="open it in a Markdown viewer"),
    Format("csv", report_csv, "text/csv", ".csv", hint="one row per published cell"),
    Format(
        "parquet",
        report_parquet,
        "application/vnd.apache.parquet",
        ".parquet",
        hint="one row per published cell",
        binary=True,
    ),
)
