"""The default scope: the national set plus the case's own jurisdiction, for every command."""

from __future__ import annotations

from pathlib import Path

import pytest

from npcs_review.engine.classify import Comparison
from npcs_review.engine.scope import CaseClassification, classify_case, default_scope
from npcs_review.errors import DefinitionNotFoundError, NpcsReviewError
from npcs_review.io import load_case
from npcs_review.registry import default_registry
from tests.conftest import EXAMPLES


def test_default_scope_is_national_then_own_jurisdiction() -> None:
    """A case from a jurisdiction with a profile gets both; others get the national set."""
    registry = default_registry()
    for path in sorted(EXAMPLES.glob("*.yaml")):
        case = load_case(path)
        own = case.case.jurisdiction
        expected = (None, own) if own in registry.profiles else (None,)
        assert default_scope(case, registry) == expected
    kentucky = load_case(EXAMPLES / "fatality-open-case-prior-reports.yaml")
    assert kentucky.case.jurisdiction in registry.profiles
    elsewhere = kentucky.model_copy(
        update={"case": kentucky.case.model_copy(update={"jurisdiction": "us_wy"})}
    )
    assert "us_wy" not in registry.profiles
    assert default_scope(elsewhere, registry) == (None,)


def test_classify_case_follows_the_scope(example_path: Path) -> None:
    """No profile: the default scope in order; 'case' is the case's own; two are compared."""
    case = load_case(example_path)
    result = classify_case(case)
    assert isinstance(result, CaseClassification)
    assert result.case_id == case.case.case_id
    assert tuple(c.profile_id for c in result.classifications) == default_scope(case)
    own = classify_case(case, ["case"])
    assert isinstance(own, CaseClassification)
    assert [c.profile_id for c in own.classifications] == [case.case.jurisdiction]
    assert isinstance(classify_case(case, ["us_ky", "us_tx"]), Comparison)


def test_unknown_profile_is_a_typed_lookup_error(example_path: Path) -> None:
    """DefinitionNotFoundError is a KeyError and a library error, with the closest names."""
    with pytest.raises(DefinitionNotFoundError) as caught:
        classify_case(load_case(example_path), ["us_kx"])
    error = caught.value
    assert isinstance(error, KeyError)
    assert isinstance(error, NpcsReviewError)
    assert error.id == "us_kx"
    assert "us_ky" in error.closest
    assert str(error).startswith("no jurisdiction profile us_kx; known: us_az")


def test_summary_and_lint_follow_the_one_scope_function(monkeypatch: pytest.MonkeyPatch) -> None:
    """Change the policy in one place and classify, summary and lint all follow it."""
    from npcs_review.engine import scope  # noqa: PLC0415
    from npcs_review.lint import lint  # noqa: PLC0415
    from npcs_review.render import summarize  # noqa: PLC0415

    case = load_case(EXAMPLES / "many-unknowns.yaml")
    monkeypatch.setattr(scope, "default_scope", lambda case, registry=None: (None, "us_tx"))
    result = classify_case(case)
    assert isinstance(result, CaseClassification)
    assert [c.profile_id for c in result.classifications] == [None, "us_tx"]
    assert "Classification: Texas profile" in summarize(case, format="md")
    messages = [f.message for f in lint(case, select=["indeterminate-classification"]).findings]
    assert messages
    assert all(" under us_tx " in m for m in messages)
