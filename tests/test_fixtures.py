"""Every invalid fixture fails with the code and pointer its manifest names."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from npcs_review.io import iter_load
from tests.conftest import FIXTURES

MANIFEST: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (FIXTURES / "invalid-expected.yaml").read_text(encoding="utf-8")
)


def test_manifest_covers_every_fixture() -> None:
    """No fixture is left without expectations, and no expectation without a file."""
    files = {p.name for p in (FIXTURES / "invalid").iterdir()}
    assert files == set(MANIFEST)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_fixture_fails_as_expected(name: str) -> None:
    """The loader reports exactly the expected problems (code, pointer, and line if given)."""
    found = [
        {"code": p.code, "pointer": p.pointer, "line": p.line}
        for result in iter_load(FIXTURES / "invalid" / name)
        for p in result.problems
        if p.severity == "error"
    ]
    expected = MANIFEST[name]
    assert [(f["code"], f["pointer"]) for f in found] == [
        (e["code"], e["pointer"]) for e in expected
    ]
    for got, want in zip(found, expected, strict=True):
        if "line" in want:
            assert got["line"] == want["line"], (name, got)
