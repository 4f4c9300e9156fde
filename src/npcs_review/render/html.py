"""The case summary as one self-contained, print-friendly HTML page (no network)."""

from __future__ import annotations

from html import escape

from npcs_review.render.summary import Summary
from npcs_review.render.timeline import timeline_svg

__all__ = ["render_html"]

_CSS = """
:root{--ink:#1d1d1f;--muted:#5b5b66;--line:#d9d9e0;--accent:#2f5d8a;--warn:#9a5b00}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
 margin:0;background:#f6f6f8}
main{max-width:1100px;margin:0 auto;padding:24px 32px 48px;background:#fff}
h1{font-size:26px;margin:8px 0 4px}
h2{font-size:19px;margin:28px 0 8px;padding-bottom:4px;border-bottom:2px solid var(--line);
 color:var(--accent)}
.banner{border-left:4px solid var(--warn);background:#fff7e8;padding:8px 12px;margin:12px 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:12px 0}
dl.facts dt{font-weight:600;color:var(--muted)}dl.facts dd{margin:0}
table{border-collapse:collapse;width:100%;margin:8px 0 12px;font-size:13.5px}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef2f7}
tr:nth-child(even) td{background:#fafafc}
.table-scroll{overflow-x:auto;max-width:100%;margin:8px 0 12px}
.table-scroll table{margin:0}
figure{margin:12px 0;overflow-x:auto}
figure svg{max-width:100%;height:auto}
figcaption{font-size:13px;color:var(--muted)}
.full-size{font-size:13px;margin:4px 0}.full-size .close{display:none}
figure:target{position:fixed;inset:0;z-index:10;margin:0;padding:12px;background:#fff;
 overflow:auto}
figure:target svg{max-width:none}
figure:target .full-size .open{display:none}figure:target .full-size .close{display:inline}
@media (max-width:600px){main{padding:12px 14px 32px}dl.facts{grid-template-columns:1fr}
 dl.facts dd{margin-bottom:6px}}
.outcome-meets{color:#1b6e2a;font-weight:600}.outcome-undecided{color:var(--warn);font-weight:600}
footer{margin-top:32px;font-size:12px;color:var(--muted)}
@media print{
 body{background:#fff;font-size:11pt}main{max-width:none;padding:0}
 h2{break-after:avoid}table,figure{break-inside:avoid}.full-size{display:none}
 section#overview{break-after:page}
 tr{break-inside:avoid}a{color:inherit;text-decoration:none}
}
@page{margin:16mm 14mm}
"""


def _cell(text: str) -> str:
    css = {"Meets": "outcome-meets", "Undecided": "outcome-undecided"}.get(text)
    return f'<td class="{css}">{escape(text)}</td>' if css else f"<td>{escape(text)}</td>"


def _inline(svg: str) -> str:
    """An SVG document as HTML embeds it: without the XML declaration (invalid in HTML)."""
    if svg.startswith("<?xml"):
        svg = svg[svg.index("?>") + 2 :].lstrip()
    return svg


def _table(title: str, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> list[str]:
    """A table that scrolls inside its own box on a narrow screen (keyboard-focusable)."""
    return [
        f'<div class="table-scroll" role="region" tabindex="0" aria-label="{escape(title)}">'
        "<table><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr></thead>"
        "<tbody>",
        *["<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in rows],
        "</tbody></table></div>",
    ]


def render_html(summary: Summary) -> str:
    """Render the summary as a standalone HTML page with inline SVG pictures."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Case summary: {escape(summary.title)}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        f"<h1>Case summary: {escape(summary.title)}</h1>",
        f'<p class="banner" data-audience="{escape(summary.audience)}">'
        f"{escape(summary.banner)}</p>",
        '<dl class="facts">',
        *[f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in summary.facts],
        "</dl>",
    ]
    for section in summary.sections:
        parts.append(f'<section id="{escape(section.key)}"><h2>{escape(section.title)}</h2>')
        parts += [f"<p>{escape(p)}</p>" for p in section.paragraphs]
        if section.figure == "timeline" and summary.figures.get("timeline"):
            parts.append(
                '<figure id="timeline-figure">'
                + _inline(timeline_svg(summary.figures["timeline"]))
                + "<figcaption>Timeline: agency history above the line, the "
                "incident's events and decisions below.</figcaption></figure>"
            )
        if section.figure == "factor_graph" and "factor_graph" in summary.figures:
            from npcs_review.graph.export import to_svg  # noqa: PLC0415

            parts.append(
                '<figure id="factor-graph-figure"><p class="full-size">'
                '<a class="open" href="#factor-graph-figure">Open the AcciMap full size</a>'
                f'<a class="close" href="#{escape(section.key)}">Close the full-size view</a>'
                "</p>"
                + _inline(to_svg(summary.figures["factor_graph"]))
                + "<figcaption>Systemic factors by level (AcciMap): arrows show what "
                "contributed to what.</figcaption></figure>"
            )
        for i, (header, rows) in enumerate(section.tables):
            name = section.title if len(section.tables) == 1 else f"{section.title} ({i + 1})"
            parts += _table(name, header, rows)
        parts.append("</section>")
    parts.append(
        "<footer>Made with npcs_review from a synthetic or agency case file. "
        "Definitions are the partnership's proposed standard (0.x) and reference "
        "encodings of federal and state sources.</footer>"
    )
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"
