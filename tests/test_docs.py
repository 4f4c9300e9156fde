"""The documentation names only folders and files that exist."""

from __future__ import annotations

import re

from tests.conftest import ROOT

_PATH = re.compile(r"`(definitions/[A-Za-z0-9_./-]+)`")


def test_every_definitions_path_named_in_the_docs_exists() -> None:
    """A `definitions/...` path in README, CHANGELOG or docs/ is a real folder or file."""
    pages = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]
    missing = []
    for page in pages:
        for match in _PATH.finditer(page.read_text(encoding="utf-8")):
            path = match.group(1).rstrip(".")
            if "*" not in path and "<" not in path and not (ROOT / path).exists():
                missing.append(f"{page.name}: {path}")
    assert not missing, missing
