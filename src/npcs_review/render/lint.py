"""Lint reports as plain text, JSON, and SARIF 2.1.0 (for editors and CI)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from npcs_review.render.formats import Format, FormatTable

if TYPE_CHECKING:
    from npcs_review.lint.core import LintReport

__all__ = ["LINT_FORMATS", "lint_reference", "to_json", "to_sarif", "to_text"]

_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def to_text(report: LintReport) -> str:
    """One line per finding (place, severity, message, code and slug), then the fix."""
    lines = []
    for f in report.findings:
        place = f.file or "<case>"
        if f.line is not None:
            place += f":{f.line}:{f.column or 1}"
        lines.append(
            f"{place} at {f.pointer or '/'}: {f.severity}: {f.message} [{f.code} {f.slug}]"
        )
        if f.suggestion:
            lines.append(f"    fix: {f.suggestion}")
    c = report.counts
    lines.append(
        f"{len(report.findings)} finding(s): {c['error']} error(s), "
        f"{c['warning']} warning(s), {c['info']} info"
    )
    return "\n".join(lines) + "\n"


def to_json(report: LintReport) -> str:
    """The report as JSON (deterministic)."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def to_sarif(report: LintReport, *, tool_version: str | None = None) -> str:
    """The report as SARIF 2.1.0.

    One run; every rule described; results located by line and by JSON pointer (as a
    logical location). ``tool_version`` defaults to the installed package's version.
    """
    from npcs_review.lint.core import RULES  # noqa: PLC0415

    if tool_version is None:
        from npcs_review import __version__  # noqa: PLC0415

        tool_version = __version__
    rules = [RULES[code] for code in report.rules_run]
    index = {r.code: i for i, r in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for f in report.findings:
        result: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index.get(f.code, 0),
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message + (f" Fix: {f.suggestion}" if f.suggestion else "")},
            "locations": [
                {
                    "logicalLocations": [
                        {"fullyQualifiedName": f.pointer or "/", "kind": "object"}
                    ],
                }
            ],
        }
        if f.file:
            physical: dict[str, Any] = {"artifactLocation": {"uri": f.file}}
            if f.line is not None:
                physical["region"] = {"startLine": f.line, "startColumn": f.column or 1}
            result["locations"][0]["physicalLocation"] = physical
        results.append(result)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "npcs-review lint",
                        "version": tool_version,
                        "rules": [
                            {
                                "id": r.code,
                                "name": r.slug,
                                "shortDescription": {"text": r.summary},
                                "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
                            }
                            for r in rules
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


#: The formats of a lint report (``npcs-review lint``).
LINT_FORMATS: FormatTable[LintReport] = FormatTable(
    "lint report",
    Format("text", to_text, "text/plain", ".txt"),
    Format("json", to_json, "application/json", ".json"),
    Format("sarif", to_sarif, "application/sarif+json", ".sarif"),
)


_INTRO = """\
# Review lint

Generated from the rules (`npcs_review.lint.RULES`) and `definitions/lint/presets/` by
`make docs`; do not edit by hand.

`npcs-review lint CASE` checks a review the way an experienced facilitator would: for language
that judges people with hindsight, for recommendations that cannot be traced or measured, for a
causal story that stops at the frontline, and for identifiers that must not be in the file.

```sh
npcs-review lint case.yaml                         # text; exit 1 when any finding is an error
npcs-review lint case.yaml --format sarif -o lint.sarif   # for editors and CI (SARIF 2.1.0)
npcs-review lint case.yaml --format json
npcs-review lint case.yaml --select hindsight-language --select NPR-L401
npcs-review lint case.yaml --ignore completeness --preset strict
```

Each finding has a stable code and slug, a severity, the JSON pointer (and line) of the field,
a message and a suggested fix. Select and ignore rules by code or slug. The JSON and SARIF
reports list exactly the rules that ran.
"""

_OUTRO = """\
The phrase list and the identifier patterns are heuristics: they catch the common cases and
will miss some. They are data, so a jurisdiction can propose additions with their sources.
"""


def _cell(text: str) -> str:
    return text.replace("``", "`").replace("|", "\\|").replace("\n", " ").strip()


def lint_reference() -> str:
    """``docs/lint.md``: every rule (code, slug, severity, what it checks, rewrite, source).

    Also every preset with the severities it changes.
    """
    from npcs_review.lint import RULES  # noqa: PLC0415
    from npcs_review.lint.config import presets  # noqa: PLC0415

    out = [
        _INTRO,
        "## Rules",
        "",
        "| code | slug | default | what it checks | suggested rewrite | source |",
        "|---|---|---|---|---|---|",
    ]
    out += [
        f"| {r.code} | {r.slug} | {r.severity} | {_cell(r.description)} | {_cell(r.rewrite)} "
        f"| {_cell(r.source)} |"
        for r in sorted(RULES.values(), key=lambda r: r.code)
    ]
    out += [
        "",
        "## Presets",
        "",
        "Presets are data files in `definitions/lint/presets/`; each sets a severity per rule "
        "(by code or slug) or switches it `off`. A key that names no rule is an error.",
        "",
        "| preset | what it is for | changes |",
        "|---|---|---|",
    ]
    for p in presets().values():
        changes = ", ".join(f"{k}: {v}" for k, v in p.rules.items()) or "none"
        out.append(f"| `{p.id}` | {_cell(p.title)}: {_cell(p.description)} | {changes} |")
    out += ["", _OUTRO]
    return "\n".join(out)
