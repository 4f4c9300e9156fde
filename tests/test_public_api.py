"""The curated public API."""

from __future__ import annotations

import subprocess
import sys

import npcs_review


def test_all_names_resolve() -> None:
    """Every name in __all__ can be imported from the package."""
    for name in npcs_review.__all__:
        assert getattr(npcs_review, name) is not None


def test_all_is_sorted_and_unknown_names_fail() -> None:
    """__all__ is sorted; an unknown attribute raises AttributeError."""
    assert npcs_review.__all__ == sorted(npcs_review.__all__)
    try:
        npcs_review.no_such_thing  # noqa: B018
    except AttributeError:
        pass
    else:
        raise AssertionError("expected AttributeError")


def test_cli_import_stays_light() -> None:
    """Importing the CLI loads neither networkx nor jsonschema nor pydantic."""
    code = (
        "import sys, npcs_review.cli; "
        "print(sorted(m for m in ('networkx', 'jsonschema', 'pydantic') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_every_problem_code_is_documented() -> None:
    """docs/errors.md lists every code with its meaning."""
    from npcs_review.errors import CODES  # noqa: PLC0415
    from tests.conftest import ROOT  # noqa: PLC0415

    page = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    for code, meaning in CODES.items():
        assert f"| `{code}` | {meaning} |" in page


def test_definitions_reference_is_current() -> None:
    """docs/reference.md is generated from definitions/ (run `make docs` if not)."""
    from npcs_review.render.reference import definitions_reference  # noqa: PLC0415
    from tests.conftest import ROOT  # noqa: PLC0415

    page = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert page == definitions_reference(), "run `make docs`"
    assert "## Jurisdiction profiles" in page


def test_lint_page_is_generated_from_the_rules() -> None:
    """docs/lint.md lists every rule with its severity, rewrite and source (run `make docs`)."""
    from npcs_review.lint import RULES  # noqa: PLC0415
    from npcs_review.render.lint import lint_reference  # noqa: PLC0415
    from tests.conftest import ROOT  # noqa: PLC0415

    page = (ROOT / "docs" / "lint.md").read_text(encoding="utf-8")
    assert page == lint_reference(), "run `make docs`"
    for r in RULES.values():
        assert f"| {r.code} | {r.slug} | {r.severity} |" in page
        assert r.rewrite.replace("|", "\\|") in page
        assert r.description, r.code
