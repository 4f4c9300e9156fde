"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def example_path() -> Path:
    """The near-fatality example used throughout the docs."""
    return EXAMPLES / "near-fatality-abusive-head-trauma.yaml"
