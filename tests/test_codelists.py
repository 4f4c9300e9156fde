"""Code lists: loaded from data, each value labelled and sourced, never typed twice."""

from __future__ import annotations

import re

import pytest

from npcs_review.codelists import codelist, codelists, definitions_version
from tests.conftest import ROOT


def test_every_list_loads_with_labels_and_sources() -> None:
    """Each value has a label and a resolved source with a document title."""
    lists = codelists()
    assert len(lists) >= 15
    for cl in lists.values():
        for value in cl:
            assert value.label
            assert value.source.document


def test_lists_used_by_the_model_exist() -> None:
    """Every Coded("…") in the model names a packaged code list."""
    source = (ROOT / "src" / "npcs_review" / "models" / "case.py").read_text(encoding="utf-8")
    used = set(re.findall(r'Coded\("(\w+)"\)', source))
    assert used
    assert used <= set(codelists())


def test_missingness_tokens_are_not_codes() -> None:
    """'unknown' and friends are universal tokens, not members of any list."""
    for cl in codelists().values():
        assert not cl.codes & {"unknown", "not_collected", "not_applicable"}, cl.id


def test_no_code_list_is_typed_in_python() -> None:
    """No source file spells out the values of a code list (they live only in definitions/)."""
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py"))
    for cl in codelists().values():
        distinctive = [c for c in cl.codes if "_" in c and len(c) > 12]
        spelled = [c for c in distinctive if f'"{c}"' in sources]
        assert len(spelled) <= 1, (cl.id, spelled)


def test_label_lookup_and_unknown_list() -> None:
    """label() falls back to the code; an unknown list id is a KeyError."""
    assert codelist("sex").label("female") == "Female"
    assert codelist("sex").label("zzz") == "zzz"
    with pytest.raises(KeyError):
        codelist("no_such_list")


def test_definitions_version_is_semver() -> None:
    """The definitions set carries its own version."""
    assert re.fullmatch(r"\d+\.\d+\.\d+", definitions_version())


def test_file_names_match_ids() -> None:
    """Each file's id is its file name."""
    for path in (ROOT / "definitions" / "codelists").glob("*.yaml"):
        assert path.stem in codelists(), path
