"""The case summary as Markdown (tables; the factor graph as a Mermaid diagram)."""

from __future__ import annotations

from npcs_review.render.summary import Summary

__all__ = ["render_markdown"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or " "


def render_markdown(summary: Summary) -> str:
    """Render the summary as GitHub-flavoured Markdown."""
    lines = [f"# Case summary: {summary.title}", "", f"> {summary.banner}", ""]
    for name, value in summary.facts:
        lines.append(f"- **{name}:** {value}")
    lines.append("")
    for section in summary.sections:
        lines += [f"## {section.title}", ""]
        for paragraph in section.paragraphs:
            lines += [paragraph, ""]
        for header, rows in section.tables:
            lines.append("| " + " | ".join(header) + " |")
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
