"""The case summary as Markdown (tables; the factor graph as a Mermaid diagram).

Every text the summary carries is escaped: HTML (``<``, ``>``, ``&``) becomes entities, so a
``<script>`` or ``<img onerror>`` in a case file stays text even where a Markdown renderer lets
HTML through, and Markdown's own syntax characters (links, emphasis, code, table pipes) are
backslash-escaped, so a text field cannot turn into a link or break the layout. Mermaid labels
are escaped by :func:`npcs_review.graph.export.to_mermaid`.
"""

from __future__ import annotations

import re

from npcs_review.render.summary import Summary

__all__ = ["escape_markdown", "render_markdown"]

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SYNTAX = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^([#+>-]|\d+[.)])")


def escape_markdown(text: str) -> str:
    """One line of text, safe inside Markdown: HTML as entities, syntax characters escaped."""
    flat = " ".join(text.split())
    html = "".join(_HTML.get(ch, ch) for ch in flat)
    return _LINE_START.sub(r"\\\1", _SYNTAX.sub(r"\\\1", html))


def _cell(text: str) -> str:
    return escape_markdown(text) or " "


def render_markdown(summary: Summary) -> str:
    """Render the summary as GitHub-flavoured Markdown."""
    e = escape_markdown
    lines = [f"# Case summary: {e(summary.title)}", "", f"> {e(summary.banner)}", ""]
    for name, value in summary.facts:
        lines.append(f"- **{e(name)}:** {e(value)}")
    lines.append("")
    for section in summary.sections:
        lines += [f"## {e(section.title)}", ""]
        for paragraph in section.paragraphs:
            lines += [e(paragraph), ""]
        for header, rows in section.tables:
            lines.append("| " + " | ".join(_cell(h) for h in header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
            lines.append("")
        if section.figure == "factor_graph" and "factor_graph" in summary.figures:
            from npcs_review.graph.export import to_mermaid  # noqa: PLC0415

            lines += [
                "```mermaid",
                to_mermaid(summary.figures["factor_graph"]).rstrip(),
                "```",
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"
