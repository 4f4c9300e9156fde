"""The curated public API."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import types
from pathlib import Path

import pytest

import npcs_review


def test_all_names_resolve() -> None:
    """Every name in __all__ can be imported from the package, from the module it names."""
    for name in npcs_review.__all__:
        assert getattr(npcs_review, name) is not None
        module = npcs_review._EXPORTS.get(name)
        if module is not None:
            assert getattr(importlib.import_module(module), name) is getattr(npcs_review, name)


def test_all_is_exactly_the_public_namespace() -> None:
    """The httpx way: after importing every name, each public name is listed in __all__."""
    for name in npcs_review.__all__:
        getattr(npcs_review, name)
    public = {
        name
        for name, value in vars(npcs_review).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public | {"__version__"} == set(npcs_review.__all__)
    for name in npcs_review.__all__:  # no public name is shadowed by a submodule's name
        assert not isinstance(getattr(npcs_review, name), types.ModuleType), name
    assert npcs_review.__all__ == sorted(npcs_review.__all__)
    assert len(set(npcs_review.__all__)) == len(npcs_review.__all__)
    with pytest.raises(AttributeError):
        npcs_review.no_such_thing  # noqa: B018


def test_type_checkers_see_the_same_list() -> None:
    """The imports under TYPE_CHECKING are exactly the one list (_EXPORTS), module by module."""
    source = Path(npcs_review.__file__).read_text(encoding="utf-8")
    [block] = [
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
    ]
    imported = {
        alias.asname or alias.name: node.module
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert all(
        alias.asname == alias.name
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ), "write `from module import name as name` (an explicit re-export)"
    assert imported == npcs_review._EXPORTS


def test_cli_import_stays_light() -> None:
    """Importing the CLI (all --help needs) loads no heavy library, not even attrs or yaml."""
    heavy = ("networkx", "jsonschema", "pydantic", "attrs", "yaml", "pyarrow", "duckdb", "ibis")
    code = f"import sys, npcs_review.cli; print(sorted(m for m in {heavy!r} if m in sys.modules))"
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
        # each row starts with the anchor SARIF's helpUri points at (lint.md#npr-l101)
        assert f'| <a id="{r.code.lower()}"></a>{r.code} | {r.slug} | {r.severity} |' in page
        assert r.rewrite.replace("|", "\\|") in page
        assert r.description, r.code
