"""Upgrade case files from older schema versions, step by step.

Each step takes a document of one version to the next; ``migrate`` chains them. The input is
never changed: the caller decides whether to write the result (atomically, with a backup).
"""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Callable
from typing import Any

import attrs

from npcs_review.errors import CaseFileError, Problem
from npcs_review.models import SCHEMA_VERSION

__all__ = ["MIGRATIONS", "Migration", "migrate_document"]


def _to_0_2(document: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """0.1 → 0.2: the review gained its factor graph; every new field is optional."""
    out = copy.deepcopy(document)
    out["schema_version"] = "0.2"
    return out, ["schema_version 0.1 → 0.2 (the review may now hold its factor graph)"]


def _to_0_3(document: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """0.2 → 0.3: new optional fields only; nothing to rewrite.

    Links may carry a polarity; dates may be bounded ranges; history entries may stand for
    counts; determinations say their kind (charges, arrests, convictions, external findings and
    responses); the review says its trigger, body and report; ``action_strength`` is optional.
    """
    out = copy.deepcopy(document)
    out["schema_version"] = "0.3"
    return out, [
        "schema_version 0.2 → 0.3 (links may now say whether they are protective; dates may be "
        "bounded ranges; history entries may stand for counts; determinations, the review's "
        "trigger, body and report gained optional fields)"
    ]


#: from-version → (to-version, step).
MIGRATIONS: dict[str, tuple[str, Callable[[dict[str, Any]], tuple[dict[str, Any], list[str]]]]] = {
    "0.1": ("0.2", _to_0_2),
    "0.2": ("0.3", _to_0_3),
}


@attrs.frozen
class Migration:
    """The result of migrating one document."""

    from_version: str
    to_version: str
    document: dict[str, Any]
    notes: tuple[str, ...]

    @property
    def changed(self) -> bool:
        """Whether any step applied."""
        return self.from_version != self.to_version

    def diff(self, original: dict[str, Any], name: str = "case") -> str:
        """A unified diff of the JSON before and after (for a dry run)."""
        before = json.dumps(original, indent=2, ensure_ascii=False).splitlines(keepends=True)
        after = json.dumps(self.document, indent=2, ensure_ascii=False).splitlines(keepends=True)
        return "".join(
            difflib.unified_diff(
                before, after, f"{name} ({self.from_version})", f"{name} ({self.to_version})"
            )
        )


def migrate_document(document: Any, *, file: str | None = None) -> Migration:
    """Upgrade a parsed case document to the current schema version.

    Raises:
        CaseFileError: if the document has no known schema version.
    """
    version = document.get("schema_version") if isinstance(document, dict) else None
    if version == SCHEMA_VERSION:
        return Migration(version, version, document, ())
    if not isinstance(version, str) or version not in MIGRATIONS:
        known = ", ".join(sorted([*MIGRATIONS, SCHEMA_VERSION]))
        raise CaseFileError(
            [
                Problem(
                    "NPR-S108",
                    f"cannot migrate schema version {version!r}; known versions: {known}",
                    "/schema_version",
                    file,
                )
            ]
        )
    current, notes = document, []
    start = version
    while version != SCHEMA_VERSION:
        version, step = MIGRATIONS[version]
        current, said = step(current)
        notes += said
    return Migration(start, version, current, tuple(notes))
