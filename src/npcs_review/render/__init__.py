"""Renderings of a case for people: overview, and the summary as HTML or Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from npcs_review.render.formats import Format, FormatTable

if TYPE_CHECKING:
    from npcs_review.models import Case
    from npcs_review.render.summary import Summary

__all__ = ["SUMMARY_FORMATS", "summarize"]


def _html(summary: Summary) -> str:
    from npcs_review.render.html import render_html  # noqa: PLC0415

    return render_html(summary)


def _markdown(summary: Summary) -> str:
    from npcs_review.render.markdown import render_markdown  # noqa: PLC0415

    return render_markdown(summary)


#: The formats of a case summary (``npcs-review summary``).
SUMMARY_FORMATS: FormatTable[Summary] = FormatTable(
    "case summary",
    Format("html", _html, "text/html", ".html", hint="open it in a browser or print it"),
    Format("md", _markdown, "text/markdown", ".md", hint="open it in a Markdown viewer"),
)


def summarize(case: Case, *, audience: str = "internal", format: str = "html") -> str:
    """Build the case summary for ``audience`` in one of :data:`SUMMARY_FORMATS` (html, md).

    Raises:
        ValueError: for an unknown audience, or an unknown format
            (:class:`~npcs_review.errors.UnknownFormatError`).
    """
    from npcs_review.render.summary import build_summary  # noqa: PLC0415

    SUMMARY_FORMATS[format]  # an unknown format fails before the work
    return SUMMARY_FORMATS.render(build_summary(case, audience=audience), format)
