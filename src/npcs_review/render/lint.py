"""Lint reports as plain text, JSON, and SARIF 2.1.0 (for editors and CI)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from npcs_review.render.data import to_data
from npcs_review.render.formats import Format, FormatTable

if TYPE_CHECKING:
    from npcs_review.lint.core import Finding, LintReport, Rule

__all__ = [
    "LINT_FORMATS",
    "artifact_location",
    "documentation_url",
    "lint_reference",
    "to_json",
    "to_sarif",
    "to_text",
]

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
    return json.dumps(to_data(report), indent=2, ensure_ascii=False) + "\n"


def documentation_url() -> str | None:
    """Where the project's documentation is published, or None while it declares none.

    The package's ``Documentation`` project URL (``[project.urls]`` in pyproject.toml).
    """
    from importlib import metadata  # noqa: PLC0415

    try:
        urls = metadata.metadata("npcs-review").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        name, _, url = entry.partition(",")
        if name.strip().lower() == "documentation" and url.strip():
            return str(url).strip().rstrip("/") + "/"
    return None


def artifact_location(file: str, base: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """A SARIF ``artifactLocation`` for ``file``: an RFC 3986 URI reference.

    Relative to ``base`` (default: the working directory) with ``uriBaseId`` ``%SRCROOT%``
    when the file lies under it, normalised (no ``.`` or ``..``) and percent-encoded (spaces,
    ``#``, ``%``, non-ASCII as UTF-8); otherwise an absolute ``file://`` URI.
    """
    path = Path(file).resolve()
    root = Path(base if base is not None else os.curdir).resolve()
    try:
        relative = path.relative_to(root)
    except ValueError:
        return {"uri": path.as_uri()}
    return {"uri": quote(relative.as_posix(), safe="/"), "uriBaseId": "%SRCROOT%"}


def _fingerprint(f: Finding) -> str:
    """Stable across runs and line moves: the rule, the field and what was flagged."""
    key = "\x1f".join((f.code, f.pointer, f.message, f.snippet or ""))
    import hashlib  # noqa: PLC0415 - only when writing SARIF (keeps --help fast)

    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _help(r: Rule) -> dict[str, str]:
    text = f"{r.description}\n\nRewrite: {r.rewrite}\n\nSource: {r.source}"
    markdown = (
        f"**{r.slug}** ({r.code})\n\n{r.description}\n\n"
        f"**Rewrite:** {r.rewrite.replace('``', '`')}\n\n"
        f"**Source:** {r.source.replace('``', '`')}"
    )
    return {"text": text, "markdown": markdown}


def _result(f: Finding, index: dict[str, int], base: Any) -> dict[str, Any]:
    location: dict[str, Any] = {
        "logicalLocations": [{"fullyQualifiedName": f.pointer or "/", "kind": "object"}]
    }
    if f.file:
        physical: dict[str, Any] = {"artifactLocation": artifact_location(f.file, base)}
        if f.line is not None:
            region: dict[str, Any] = {"startLine": f.line, "startColumn": f.column or 1}
            if f.end_line is not None and f.end_column is not None:
                region.update(endLine=f.end_line, endColumn=f.end_column)
            if f.snippet is not None:
                region["snippet"] = {"text": f.snippet}
            physical["region"] = region
        location["physicalLocation"] = physical
    return {
        "ruleId": f.code,
        "ruleIndex": index[f.code],
        "level": _SARIF_LEVEL[f.severity],
        "message": {"text": f.message + (f" Fix: {f.suggestion}" if f.suggestion else "")},
        "locations": [location],
        "partialFingerprints": {"npcsReviewFinding/v1": _fingerprint(f)},
    }


def to_sarif(
    report: LintReport,
    *,
    tool_version: str | None = None,
    base: str | os.PathLike[str] | None = None,
    docs_url: str | None = None,
) -> str:
    """The report as SARIF 2.1.0, as GitHub code scanning and the SARIF Multitool accept it.

    One run listing exactly the rules that ran, each with its full description, help (text
    and Markdown, with the rewrite advice), a ``helpUri`` into ``docs/lint.md`` and the
    severity it ran at (the preset's) as its default level. Results carry stable
    ``partialFingerprints``, a file location relative to ``base`` (``%SRCROOT%``), the region
    of the flagged phrase when the rule names one (columns in Unicode code points), with a
    snippet, and the JSON pointer as a logical location. ``docs_url`` defaults to the
    package's ``Documentation`` URL; without one, no help or information URI is given.
    """
    from npcs_review.lint.core import RULES  # noqa: PLC0415

    if tool_version is None:
        from npcs_review import __version__  # noqa: PLC0415

        tool_version = __version__
    docs = docs_url if docs_url is not None else documentation_url()
    rules = [RULES[code] for code in report.rules_run]
    index = {r.code: i for i, r in enumerate(rules)}
    descriptors = []
    for r in rules:
        level = report.levels.get(r.code, r.severity)
        descriptor: dict[str, Any] = {
            "id": r.code,
            "name": "".join(part.capitalize() for part in r.slug.split("-")),
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.description},
            "help": _help(r),
            "defaultConfiguration": {"level": _SARIF_LEVEL[level]},
            "properties": {"slug": r.slug, "tags": ["review-lint"]},
        }
        if docs:
            descriptor["helpUri"] = f"{docs}lint.md#{r.code.lower()}"
        descriptors.append(descriptor)
    driver: dict[str, Any] = {
        "name": "npcs-review lint",
        "version": tool_version,
        "semanticVersion": tool_version,
        "rules": descriptors,
    }
    if docs:
        driver["informationUri"] = f"{docs}lint.md"
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index, base) for f in report.findings],
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


#: The formats of a lint report (``npcs-review lint``).
LINT_FORMATS: FormatTable[LintReport] = FormatTable(
    "lint report",
    Format("text", to_text, "text/plain", ".txt"),
    Format("json", to_json, "application/json", ".json"),
    Format("sarif", to_sarif, "application/sarif+json", ".sarif", options=("base",)),
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
a message and a suggested fix; a finding about a phrase gives the phrase's start and end line
and column, inside YAML block scalars and JSON strings alike. Select and ignore rules by code
or slug. The JSON and SARIF reports list exactly the rules that ran.

For GitHub code scanning, upload the SARIF report (`github/codeql-action/upload-sarif`). File
locations are relative to the working directory, or to `--base DIR` (the repository root),
under `%SRCROOT%`; each result has a stable fingerprint, so a re-run matches earlier alerts;
each rule carries its help (with the rewrite) and, as its default level, the severity the
preset gave it. The SARIF Multitool's `validate --rule-kind "Gh;Sarif"` reports no error on
these reports (`tests/test_consumer_sarif.py`).
"""

_OUTRO = """\
A phrase may list words that turn it into a plain fact when they follow it (within two words):
"missed three appointments" and "inadequate supervision" (the name of an allegation in several
states' codes) are not flagged; "missed the bruise" is. The identifier patterns skip legal
citations and degrees written like initials ("F.S. 39.2015", "42 U.S.C.", "R.N.").

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
        f'| <a id="{r.code.lower()}"></a>{r.code} | {r.slug} | {r.severity} '
        f"| {_cell(r.description)} | {_cell(r.rewrite)} | {_cell(r.source)} |"
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
