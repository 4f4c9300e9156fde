"""Renderings of a case for people: overview, and the summary as Markdown or HTML."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from npcs_review.models import Case

__all__ = ["summarize"]


def summarize(case: Case, *, audience: str = "internal", format: str = "html") -> str:
    """Build the case summary for ``audience`` as ``html`` or ``md``.

    Raises:
        ValueError: for an unknown audience or format.
    """
    from npcs_review.render.summary import build_summary  # noqa: PLC0415

    summary = build_summary(case, audience=audience)
    if format == "html":
        from npcs_review.render.html import render_html  # noqa: PLC0415

        return render_html(summary)
    if format == "md":
        from npcs_review.render.markdown import render_markdown  # noqa: PLC0415

        return render_markdown(summary)
    msg = f"unknown format {format!r}; use html or md"
    raise ValueError(msg)
