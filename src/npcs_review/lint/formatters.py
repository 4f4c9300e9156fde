"""Lint output: plain text, JSON, and SARIF 2.1.0 (for editors and CI)."""

from __future__ import annotations

import json
from typing import Any

from npcs_review.lint.core import RULES, LintReport

__all__ = ["to_json", "to_sarif", "to_text"]

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


def to_sarif(report: LintReport, *, tool_version: str = "0.0.0") -> str:
    """The report as SARIF 2.1.0.

    One run; every rule described; results located by line and by JSON pointer (as a
    logical location).
    """
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
