"""Crosswalks from the standard code lists to other systems (``definitions/crosswalks``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from npcs_review.codelists import codelists
from npcs_review.errors import DefinitionError
from npcs_review.registry import Crosswalk, Registry, default_registry

EXPECTED_IDS = {
    "cdc_maltreatment_type",
    "ncands_finding",
    "ncands_maltreatment_type",
    "ncands_relationship",
    "nfr_cause_category",
    "nfr_manner_of_death",
}


@pytest.fixture(scope="module")
def registry() -> Registry:
    """The packaged registry, loaded once."""
    return default_registry()


def _crosswalks() -> list[Crosswalk]:
    return [default_registry().crosswalks[cw_id] for cw_id in sorted(EXPECTED_IDS)]


def test_the_packaged_crosswalks_load(registry: Registry) -> None:
    """Every expected crosswalk is in the default registry."""
    assert EXPECTED_IDS.issubset(registry.crosswalks)


@pytest.mark.parametrize("crosswalk", _crosswalks(), ids=lambda cw: cw.id)
def test_every_source_code_maps(crosswalk: Crosswalk) -> None:
    """Every code of the source list has an entry, and its target is a declared target code."""
    codes = codelists()[crosswalk.source_codelist].codes
    for code in codes:
        entry = crosswalk.map(code)
        assert entry.source == code
        if entry.target is None:
            assert entry.match == "no_equivalent"
        else:
            assert entry.target in crosswalk.target_codes
        if entry.match != "exact":
            assert entry.note


@pytest.mark.parametrize("crosswalk", _crosswalks(), ids=lambda cw: cw.id)
def test_exact_matches_round_trip(crosswalk: Crosswalk) -> None:
    """An exact entry comes back from ``reverse`` of its target, and is the only exact one."""
    for entry in crosswalk.entries:
        if entry.match != "exact":
            continue
        assert entry.target is not None
        back = crosswalk.reverse(entry.target, on=entry.effective_to or entry.effective_from)
        assert entry in back
        assert [e.source for e in back if e.match == "exact"] == [entry.source]


@pytest.mark.parametrize(
    ("crosswalk_id", "code", "target", "match"),
    [
        ("ncands_maltreatment_type", "physical_abuse", "1", "exact"),
        ("ncands_maltreatment_type", "neglect_failure_to_provide", "2", "broader"),
        ("ncands_maltreatment_type", "neglect_failure_to_supervise", "2", "broader"),
        ("ncands_maltreatment_type", "medical_neglect", "3", "exact"),
        ("ncands_maltreatment_type", "human_trafficking", "7", "narrower"),
        ("ncands_finding", "indicated", "2", "exact"),
        ("ncands_finding", "closed_no_finding", "7", "exact"),
        ("ncands_finding", "pending", None, "no_equivalent"),
        ("ncands_relationship", "foster_parent_unspecified", "33", "exact"),
        ("ncands_relationship", "sibling", "2", "broader"),
        ("ncands_relationship", "stranger", "88", "broader"),
        ("ncands_relationship", "other_household_member", "88", "broader"),
        (
            "cdc_maltreatment_type",
            "neglect_failure_to_supervise",
            "neglect_failure_to_supervise",
            "exact",
        ),
        ("cdc_maltreatment_type", "medical_neglect", "neglect_failure_to_provide", "broader"),
        ("cdc_maltreatment_type", "human_trafficking", None, "no_equivalent"),
        ("nfr_manner_of_death", "pending_investigation", "pending", "exact"),
        ("nfr_cause_category", "asphyxia", "G4", "exact"),
        ("nfr_cause_category", "exposure", "G9", "exact"),
    ],
)
def test_hand_checked_mappings(
    registry: Registry, crosswalk_id: str, code: str, target: str | None, match: str
) -> None:
    """A few mappings checked by hand against the sources."""
    entry = registry.crosswalks[crosswalk_id].map(code)
    assert (entry.target, entry.match) == (target, match)


def test_neglect_subtypes_collapse_in_ncands(registry: Registry) -> None:
    """Both neglect subtypes come back from NCANDS neglect (2), and nothing maps to codes 6 or 9."""
    crosswalk = registry.crosswalks["ncands_maltreatment_type"]
    assert {e.source for e in crosswalk.reverse("2")} == {
        "neglect_failure_to_provide",
        "neglect_failure_to_supervise",
    }
    assert crosswalk.reverse("6") == ()
    assert crosswalk.reverse("9") == ()


@pytest.mark.parametrize("crosswalk", _crosswalks(), ids=lambda cw: cw.id)
def test_an_unknown_code_raises_key_error(crosswalk: Crosswalk) -> None:
    """Mapping a code that is not in the source list raises KeyError."""
    with pytest.raises(KeyError):
        crosswalk.map("no_such_code")


def test_an_incomplete_crosswalk_in_an_overlay_is_rejected(tmp_path: Path) -> None:
    """An overlay crosswalk that leaves source codes unmapped fails with NPR-D008."""
    folder = tmp_path / "crosswalks"
    folder.mkdir()
    (folder / "x.yaml").write_text(
        "kind: crosswalk\n"
        "id: x\n"
        "version: 0.1.0\n"
        "title: Incomplete\n"
        "source_codelist: maltreatment_type\n"
        "target_system: Test\n"
        'target_codes: {"1": Physical abuse}\n'
        "citations: [{document: Test}]\n"
        'entries: [{source: physical_abuse, target: "1", match: exact}]\n',
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError) as excinfo:
        default_registry().with_overlay(tmp_path)
    problems = excinfo.value.problems
    assert any(p.code == "NPR-D008" for p in problems)
    assert any("sexual_abuse" in p.message for p in problems if p.code == "NPR-D008")
