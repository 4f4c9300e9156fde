"""Small, dependency-free SVG charts for the partnership report (inline, printable).

- :func:`trend_svg`: one line per series over the years, each with its confidence band;
  a suppressed year is a gap with a hollow marker and an ``S`` label.
- :func:`bars_svg`: horizontal bars per category (for example per jurisdiction), one bar per
  series, with interval whiskers; a suppressed cell is an outlined, hatched bar labelled
  ``suppressed``.

Deterministic: the same data give the same bytes. Colours are distinguishable in grey print
(different dash patterns and hatching as well).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import attrs

__all__ = ["Bar", "Point", "bars_svg", "trend_svg"]

_PALETTE = ("#2f5d8a", "#b26b00", "#5a7d4f", "#8a3b6e")
_DASH = ("", "6 3", "2 2", "8 2 2 2")
_FONT = 'font-family="system-ui,-apple-system,Segoe UI,Roboto,sans-serif"'


@attrs.frozen
class Point:
    """One value of a trend (``value`` ``None`` when suppressed or missing)."""

    x: str
    value: float | None
    low: float | None = None
    high: float | None = None
    suppressed: bool = False


@attrs.frozen
class Bar:
    """One bar: a category, its value and interval, or suppressed."""

    category: str
    series: str
    value: float | None
    low: float | None = None
    high: float | None = None
    suppressed: bool = False


def _nice(top: float) -> float:
    if top <= 0:
        return 1.0
    step = 10.0 ** math.floor(math.log10(top))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * step >= top:
            return float(m * step)
    return float(10 * step)


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value < 100 else f"{value:,.0f}"


def _legend(series: Sequence[str], x: float, y: float) -> list[str]:
    out = []
    for i, name in enumerate(series):
        colour, dash = _PALETTE[i % len(_PALETTE)], _DASH[i % len(_DASH)]
        cx = x + sum(40 + 6.8 * len(n) for n in series[:i])
        out.append(
            f'<line x1="{cx:.1f}" y1="{y:.1f}" x2="{cx + 22:.1f}" y2="{y:.1f}" stroke="{colour}" '
            f'stroke-width="3" stroke-dasharray="{dash}"/>'
            f'<text x="{cx + 28:.1f}" y="{y + 4:.1f}" font-size="12" {_FONT}>{escape(name)}</text>'
        )
    return out


def trend_svg(
    series: Sequence[tuple[str, Sequence[Point]]], *, unit: str, title: str, width: int = 640
) -> str:
    """A line per series over the x values, with its interval band."""
    xs = list(dict.fromkeys(p.x for _, points in series for p in points))
    if not xs:
        return ""
    height, left, right, top, bottom = 260, 56, 16, 34, 48
    values = [
        v
        for _, points in series
        for p in points
        for v in (p.value, p.high)
        if v is not None and math.isfinite(v)
    ]
    ymax = _nice(max(values, default=1.0))
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(x: str) -> float:
        return left + (xs.index(x) + 0.5) * plot_w / len(xs)

    def y_of(v: float) -> float:
        return top + plot_h * (1 - min(v, ymax) / ymax)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart trend" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(5):
        v = ymax * i / 4
        y = y_of(v)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e3e3ea"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" {_FONT}>'
            f"{_num(v)}</text>"
        )
    for x in xs:
        out.append(
            f'<text x="{x_of(x):.1f}" y="{height - bottom + 16}" font-size="11" '
            f'text-anchor="middle" {_FONT}>{escape(x)}</text>'
        )
    out.append(
        f'<text x="{left}" y="16" font-size="12" fill="#5b5b66" {_FONT}>{escape(unit)}</text>'
    )
    for i, (_name, points) in enumerate(series):
        colour, dash = _PALETTE[i % len(_PALETTE)], _DASH[i % len(_DASH)]
        # the band: one polygon per run of consecutive points with an interval
        run: list[Point] = []
        for p in [*points, Point("", None)]:
            if p.value is not None and p.low is not None and p.high is not None:
                run.append(p)
                continue
            if run:
                upper = " ".join(f"{x_of(q.x):.1f},{y_of(q.high or 0):.1f}" for q in run)
                lower = " ".join(f"{x_of(q.x):.1f},{y_of(q.low or 0):.1f}" for q in reversed(run))
                out.append(
                    f'<polygon class="band" points="{upper} {lower}" fill="{colour}" '
                    'fill-opacity="0.15" stroke="none"/>'
                )
            run = []
        segment: list[str] = []
        for p in [*points, Point("", None)]:
            if p.value is not None:
                segment.append(f"{x_of(p.x):.1f},{y_of(p.value):.1f}")
                continue
            if len(segment) > 1:
                out.append(
                    f'<polyline class="line" points="{" ".join(segment)}" fill="none" '
                    f'stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/>'
                )
            segment = []
        for p in points:
            if p.value is not None:
                out.append(
                    f'<circle cx="{x_of(p.x):.1f}" cy="{y_of(p.value):.1f}" r="3.5" '
                    f'fill="{colour}"><title>{escape(p.x)}: {_num(p.value)}</title></circle>'
                )
            elif p.suppressed:
                y = top + plot_h - 8 - 12 * i
                out.append(
                    f'<g class="suppressed"><circle cx="{x_of(p.x):.1f}" cy="{y:.1f}" r="5" '
                    f'fill="#fff" stroke="{colour}" stroke-width="1.5"/><text '
                    f'x="{x_of(p.x):.1f}" y="{y + 3.5:.1f}" font-size="8" text-anchor="middle" '
                    f"{_FONT}>S</text><title>{escape(p.x)}: suppressed</title></g>"
                )
    out += _legend([name for name, _ in series], left, height - 12)
    out.append("</svg>")
    return "".join(out)


def bars_svg(bars: Sequence[Bar], *, unit: str, title: str, width: int = 640) -> str:
    """Horizontal bars by category (one per series), with whiskers; suppressed ones marked."""
    categories = list(dict.fromkeys(b.category for b in bars))
    series = list(dict.fromkeys(b.series for b in bars))
    if not categories:
        return ""
    longest = max(len(c) for c in categories)
    bar_h, gap, right, top = 13, 10, 70, 26
    left = min(max(90, int(longest * 6.8) + 16), width // 2)
    group_h = bar_h * len(series) + gap
    height = top + group_h * len(categories) + 34
    values = [v for b in bars for v in (b.value, b.high) if v is not None and math.isfinite(v)]
    xmax = _nice(max(values, default=1.0))
    plot_w = width - left - right

    def x_of(v: float) -> float:
        return left + plot_w * min(v, xmax) / xmax

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#9a9aa5" '
        'stroke-width="2"/></pattern></defs>',
        f'<text x="{left}" y="14" font-size="12" fill="#5b5b66" {_FONT}>{escape(unit)}</text>',
    ]
    for i in range(5):
        x = x_of(xmax * i / 4)
        out.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 30}" stroke="#e3e3ea"/>'
            f'<text x="{x:.1f}" y="{height - 18}" font-size="10" text-anchor="middle" {_FONT}>'
            f"{_num(xmax * i / 4)}</text>"
        )
    by = {(b.category, b.series): b for b in bars}
    for c, category in enumerate(categories):
        y0 = top + c * group_h
        out.append(
            f'<text x="{left - 8}" y="{y0 + group_h / 2:.1f}" font-size="12" text-anchor="end" '
            f"{_FONT}>{escape(category)}</text>"
        )
        for s, name in enumerate(series):
            b = by.get((category, name))
            if b is None:
                continue
            y = y0 + s * bar_h
            colour = _PALETTE[s % len(_PALETTE)]
            if b.suppressed or b.value is None:
                label = "suppressed" if b.suppressed else "not available"
                out.append(
                    f'<g class="{"suppressed" if b.suppressed else "missing"}"><rect x="{left}" '
                    f'y="{y:.1f}" width="60" height="{bar_h - 2}" fill="url(#hatch)" '
                    f'stroke="{colour}"/><text x="{left + 66}" y="{y + bar_h - 4:.1f}" '
                    f'font-size="10" fill="#5b5b66" {_FONT}>{label}</text>'
                    f"<title>{escape(category)}, {escape(name)}: {label}</title></g>"
                )
                continue
            out.append(
                f'<rect class="bar" x="{left}" y="{y:.1f}" '
                f'width="{max(x_of(b.value) - left, 0.5):.1f}" '
                f'height="{bar_h - 2}" fill="{colour}"><title>{escape(category)}, {escape(name)}: '
                f"{_num(b.value)}</title></rect>"
            )
            if b.low is not None and b.high is not None:
                ym = y + (bar_h - 2) / 2
                out.append(
                    f'<line class="whisker" x1="{x_of(b.low):.1f}" y1="{ym:.1f}" '
                    f'x2="{x_of(b.high):.1f}" y2="{ym:.1f}" stroke="#1d1d1f" stroke-width="1"/>'
                )
            out.append(
                f'<text x="{width - right + 4}" y="{y + bar_h - 4:.1f}" font-size="10" {_FONT}>'
                f"{_num(b.value)}</text>"
            )
    if len(series) > 1:
        out += _legend(series, left, height - 4)
    out.append("</svg>")
    return "".join(out)
