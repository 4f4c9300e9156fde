"""A visual timeline of the agency history and the incident, as standalone SVG."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from html import escape

from npcs_review.models._types import date_bounds

__all__ = ["timeline_svg"]

_WIDTH = 1000
_MARGIN = 40
_CHAR = 6.4  # approximate width of a 11px sans-serif character
_LINE = 13
_COLOURS = {
    "agency history": "#3b6ea8",
    "event": "#5a7d4f",
    "decision": "#b26b00",
    "incident": "#b00020",
}


def _wrap(text: str) -> list[str]:
    lines = textwrap.wrap(text, 24) or [""]
    return [*lines[:2], lines[2][:21] + "…"] if len(lines) > 3 else lines


def timeline_svg(events: Sequence[dict[str, str]]) -> str:
    """Draw events (``date``, ``label``, ``lane``, ``shown``) on a time axis.

    Agency history sits above the axis, the incident's own events and decisions below; labels
    are stacked in rows so that none overlap. A date known only to its month or year, or a
    bounded range, is drawn as a bar over the days it may be, never as its first day.
    Deterministic for the same events.
    """
    if not events:
        return ""
    bounds = [tuple(d.toordinal() for d in date_bounds(e["date"])) for e in events]
    first = min(b[0] for b in bounds)
    last = max(b[1] if b[1] > b[0] else b[0] for b in bounds)
    span = max(last - first, 1)
    # an imprecise or bounded date is a range: drawn as a bar, labelled at its middle
    days = [(b[0] + b[1]) // 2 for b in bounds]
    ranges = {id(e): b for e, b in zip(events, bounds, strict=True) if b[1] > b[0]}
    inner = _WIDTH - 2 * _MARGIN

    def x_of(day: int) -> float:
        return _MARGIN + (day - first) / span * inner

    placed: dict[str, list[tuple[float, float, int, dict[str, str], list[str], float]]] = {
        "above": [],
        "below": [],
    }
    rows_end: dict[str, list[float]] = {"above": [], "below": []}
    for event, day in sorted(zip(events, days, strict=True), key=lambda p: (p[1], p[0]["lane"])):
        side = "above" if event["lane"] == "agency history" else "below"
        lines = _wrap(f"{event['shown']}: {event['label']}")
        width = max(len(line) for line in lines) * _CHAR + 8
        x = x_of(day)
        left = min(max(x - width / 2, 4), _WIDTH - width - 4)
        row = next((i for i, end in enumerate(rows_end[side]) if end < left), None)
        if row is None:
            rows_end[side].append(0.0)
            row = len(rows_end[side]) - 1
        rows_end[side][row] = left + width + 6
        placed[side].append((x, left, row, event, lines, width))
    block = 3 * _LINE + 10
    top = max(len(rows_end["above"]), 1) * block + 20
    axis_y = top + 10
    height = axis_y + max(len(rows_end["below"]), 1) * block + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{_WIDTH}" '
        f'height="{height:.0f}" viewBox="0 0 {_WIDTH} {height:.0f}" role="img" '
        'aria-label="Timeline of agency history and the incident">',
        "<style>.timeline text{font:11px sans-serif;fill:#222}"
        ".timeline .axis{stroke:#555;stroke-width:1.5}</style>",
        f'<line class="axis" x1="{_MARGIN}" y1="{axis_y}" x2="{_WIDTH - _MARGIN}" y2="{axis_y}"/>',
        '<text x="4" y="14">agency history</text>',
        f'<text x="4" y="{height - 6:.0f}">the incident</text>',
    ]
    lines_out: list[str] = []  # connectors and markers first, so no line crosses a label
    labels_out: list[str] = []
    for side, items in placed.items():
        for x, left, row, event, lines, width in items:
            colour = _COLOURS.get(event["lane"], "#444")
            if side == "above":
                label_top = axis_y - 16 - (row + 1) * block + 8
            else:
                label_top = axis_y + 16 + row * block
            anchor_y = label_top + len(lines) * _LINE + 2 if side == "above" else label_top
            lines_out.append(
                f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{anchor_y:.1f}" '
                f'stroke="{colour}" stroke-dasharray="2,2"/>'
            )
            if id(event) in ranges and event["lane"] != "incident":
                start, end = ranges[id(event)]
                lines_out.append(
                    f'<line class="range" x1="{x_of(start):.1f}" y1="{axis_y}" '
                    f'x2="{x_of(end):.1f}" y2="{axis_y}" stroke="{colour}" stroke-width="8" '
                    'stroke-linecap="round" stroke-opacity="0.55"/>'
                )
            lines_out.append(
                f'<rect x="{x - 6:.1f}" y="{axis_y - 6}" width="12" height="12" '
                f'transform="rotate(45 {x:.1f} {axis_y})" fill="{colour}"/>'
                if event["lane"] == "incident"
                else f'<circle cx="{x:.1f}" cy="{axis_y}" r="5" fill="{colour}"/>'
            )
            labels_out.append(
                f'<rect class="label" x="{left:.1f}" y="{label_top:.1f}" '
                f'width="{width:.1f}" height="{len(lines) * _LINE + 4}" rx="3" '
                f'fill="#fff" stroke="{colour}"/>'
            )
            labels_out += [
                f'<text x="{left + 4:.1f}" y="{label_top + 12 + i * _LINE:.1f}">'
                f"{escape(line)}</text>"
                for i, line in enumerate(lines)
            ]
    out += lines_out + labels_out
    out.append("</svg>")
    return "\n".join(out)
