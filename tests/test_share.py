"""Sharing the core data set: agreements, pseudonyms, submissions, identifiers, risk, checks."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import attrs
import duckdb
import frictionless
import jsonschema
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npcs_review.errors import DefinitionError
from npcs_review.io import load_case, read_yaml
from npcs_review.models import Case
from npcs_review.pool.layout import SQL_TYPES
from npcs_review.schema import document_schemas
from npcs_review.share.agreements import (
    find_agreement,
    load_agreements,
    packaged_agreements,
    period_span,
)
from npcs_review.share.check import check_submission
from npcs_review.share.dataset import core_data_set
from npcs_review.share.pseudonyms import (
    KeyFileError,
    Pseudonymizer,
    generate_key,
    normalize_id,
    read_key,
)
from npcs_review.share.risk import SUPPRESSED, assess, suppress
from npcs_review.share.submission import (
    MANIFEST,
    SubmissionError,
    share_cases,
    submission_id_of,
)
from tests.conftest import EXAMPLES, ROOT
from tests.seeding import Seeded, seed_identifiers
from tests.sharing import KEY, OTHER_KEY, cases_of, submit, write_jsonl

CORE = core_data_set()
AGREEMENTS = packaged_agreements()
ARROW_TYPES = {
    "string": "string",
    "integer": "int64",
    "number": "double",
    "boolean": "bool",
    "date": "date32[day]",
}

# ------------------------------------------------------------------------------ pseudonyms


def test_keygen_writes_a_private_key_and_never_overwrites(tmp_path: Path) -> None:
    """The key file is mode 0600; a second keygen to the same file is refused."""
    path = tmp_path / "jurisdiction.key"
    fingerprint = generate_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_key(path, "us_pa").key_id == fingerprint
    before = path.read_bytes()
    with pytest.raises(KeyFileError, match="never overwritten"):
        generate_key(path)
    assert path.read_bytes() == before


def test_a_key_others_can_read_or_a_short_key_is_refused(tmp_path: Path) -> None:
    """No run with a key readable by other users, or shorter than 32 bytes, or no key at all."""
    path = tmp_path / "k"
    generate_key(path)
    path.chmod(0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        read_key(path, "us_pa")
    short = tmp_path / "short"
    short.write_text("npcs-review pseudonym key v1\n" + "ab" * 16 + "\n")
    short.chmod(0o600)
    with pytest.raises(KeyFileError, match="at least 32"):
        read_key(short, "us_pa")
    with pytest.raises(KeyFileError, match="keygen"):
        read_key(tmp_path / "missing", "us_pa")


@settings(max_examples=60)
@given(case_id=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,20}", fullmatch=True))
def test_pseudonyms_are_stable_keyed_and_separated(case_id: str) -> None:
    """Same key: same pseudonym; another key or jurisdiction: another; it is the keyed HMAC."""
    key = Pseudonymizer(b"\x01" * 32, "us_pa")
    first = key("case", case_id)
    assert first == key("case", case_id)
    assert first.startswith("k1:")
    assert len(first) == 3 + 32
    assert first != Pseudonymizer(b"\x02" * 32, "us_pa")("case", case_id)
    assert first != Pseudonymizer(b"\x01" * 32, "us_ky")("case", case_id)
    assert first != key("child", case_id)
    message = f"npcs|case|us_pa|{normalize_id(case_id)}".encode()
    assert first[3:] == hmac.new(b"\x01" * 32, message, hashlib.sha256).hexdigest()[:32]


def test_separators_and_case_do_not_split_one_case() -> None:
    """``2025-0001``, `` 2025.0001 `` and ``20250001`` are one case."""
    key = Pseudonymizer(b"\x07" * 32, "us_pa")
    assert (
        key("case", "syn-2025-0001") == key("case", " SYN.2025.0001 ") == key("case", "SYN20250001")
    )


def test_pseudonyms_cannot_be_reversed_without_the_key() -> None:
    """Enumerating the whole id space with unkeyed hashes, or another key, finds no match."""
    key = Pseudonymizer(os.urandom(32), "us_pa")
    target = key("case", "2024-004217")
    wrong = Pseudonymizer(os.urandom(32), "us_pa")
    for n in range(10_000):
        guess = f"2024-00{n:04d}"
        message = f"npcs|case|us_pa|{normalize_id(guess)}".encode()
        for digest in (hashlib.sha256(message), hashlib.sha256(normalize_id(guess).encode())):
            assert "k1:" + digest.hexdigest()[:32] != target
        assert wrong("case", guess) != target
    assert key("case", "2024-004217") == target  # the key holder can still recompute it


# ------------------------------------------------------------------------------ agreements


def test_packaged_agreements_narrow_the_default() -> None:
    """The default gives every element a level; the examples only narrow it."""
    default = AGREEMENTS["partnership_default"]
    assert set(default.levels) == set(CORE.elements)
    for agreement in AGREEMENTS.values():
        for element_id, level in agreement.levels.items():
            base = default.levels[element_id]
            if level is not None:
                assert base is not None
                assert CORE.elements[element_id].ladder.no_wider(level, base)
        assert agreement.small_cell_threshold >= default.small_cell_threshold


def _overlay(tmp_path: Path, text: str, name: str = "us_pa_mine") -> Path:
    folder = tmp_path / "overlay"
    (folder / "sharing").mkdir(parents=True, exist_ok=True)
    (folder / "sharing" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


_AGREEMENT = """\
id: us_pa_mine
kind: sharing_agreement
version: 1.0.0
title: Mine
status: proposed
jurisdiction: us_pa
narrows: partnership_default
effective_from: 2025-01-01
signed_agreement: {document: Our agreement}
narrative: withheld
small_cell_threshold: 11
elements: {}
"""


def test_an_overlay_agreement_loads_and_narrows(tmp_path: Path) -> None:
    """A jurisdiction's own agreement is found by id in its overlay folder."""
    text = _AGREEMENT.replace("elements: {}", "elements: {geography: state, child_age: band}")
    found = find_agreement("us_pa_mine", [_overlay(tmp_path, text)])
    assert found.levels["geography"] == "state"
    assert found.levels["child_age"] == "band"
    assert found.levels["incident_date"] == "month"  # inherited from the default
    assert not found.narrative_allowed


def test_every_agreement_problem_is_reported_at_once(tmp_path: Path) -> None:
    """Unknown element, missing level, a required element withheld, widening: all together."""
    text = (
        _AGREEMENT.replace("small_cell_threshold: 11", "small_cell_threshold: 5")
        .replace("jurisdiction: us_pa", "jurisdiction: us_zz")
        .replace(
            "elements: {}",
            "elements: {child_name: full, child_age: weeks, case_pseudonym: withheld, "
            "incident_date: day, death_date: day, date_of_death: month}",
        )
        .replace(
            "effective_from: 2025-01-01", "effective_from: 2025-01-01\neffective_to: 2024-12-31"
        )
    )
    with pytest.raises(DefinitionError) as caught:
        load_agreements([_overlay(tmp_path, text)])
    found = {(p.code, p.pointer) for p in caught.value.problems}
    assert ("NPR-P311", "/elements/child_name") in found
    assert ("NPR-P311", "/elements/death_date") in found
    assert ("NPR-P312", "/elements/child_age") in found
    assert ("NPR-P313", "/elements/case_pseudonym") in found
    assert ("NPR-P315", "/elements/incident_date") in found  # day is finer than month
    assert ("NPR-P315", "/elements/date_of_death") in found  # month shows the calendar
    assert ("NPR-P315", "/small_cell_threshold") in found
    assert ("NPR-P311", "/jurisdiction") in found
    assert ("NPR-P316", "/effective_to") in found


def test_an_agreement_file_given_by_path_and_a_duplicate_id(tmp_path: Path) -> None:
    """A file path works as --agreement; an id that is already packaged is refused."""
    path = tmp_path / "us_pa_mine.yaml"
    path.write_text(_AGREEMENT, encoding="utf-8")
    assert find_agreement(str(path)).id == "us_pa_mine"
    clash = tmp_path / "example_us_pa.yaml"
    clash.write_text(_AGREEMENT.replace("id: us_pa_mine", "id: example_us_pa"), encoding="utf-8")
    with pytest.raises(DefinitionError, match="already defined"):
        find_agreement(str(clash))


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        ("2025", "2025-01-01", "2025-12-31"),
        ("2025-H2", "2025-07-01", "2025-12-31"),
        ("2025-Q1", "2025-01-01", "2025-03-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
    ],
)
def test_periods(period: str, first: str, last: str) -> None:
    """Years, halves, quarters and months, to their last day."""
    assert tuple(d.isoformat() for d in period_span(period)) == (first, last)


# ------------------------------------------------------------------------------ submissions


def _all_text(folder: Path) -> str:
    """Every value in every file of a submission, as text (Parquet decoded, metadata too)."""
    parts = []
    for path in sorted(folder.iterdir()):
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            parts.append(str(table.schema.metadata))
            parts.append(json.dumps(table.to_pylist(), default=str, ensure_ascii=False))
        else:
            parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)


def _seeded_examples(jurisdiction: str) -> list[Seeded]:
    out = []
    for i, path in enumerate(sorted(EXAMPLES.glob("*.yaml"))):
        case = load_case(path)
        moved = case.model_copy(
            update={"case": case.case.model_copy(update={"jurisdiction": jurisdiction})}
        )
        seeded = seed_identifiers(moved)
        info = seeded.case.case
        unique = info.model_copy(update={"case_id": f"{info.case_id}-{i}"})
        out.append(Seeded(seeded.case.model_copy(update={"case": unique}), seeded.seeds))
    return out


@pytest.mark.parametrize("agreement", sorted(AGREEMENTS))
@pytest.mark.parametrize("tables", ["parquet", "csv"])
def test_no_seeded_identifier_reaches_any_file_of_a_submission(
    tmp_path: Path, agreement: str, tables: str
) -> None:
    """Names, numbers, addresses, case ids and birth dates seeded everywhere never leave."""
    chosen = AGREEMENTS[agreement]
    seeded = _seeded_examples(chosen.jurisdiction or "us_pa")
    source = tmp_path / "cases.jsonl"
    source.write_text(
        "".join(s.case.model_dump_json(exclude_unset=True) + "\n" for s in seeded),
        encoding="utf-8",
    )
    result = share_cases(
        [source],
        agreement=chosen,
        key=KEY,
        period="2025-Q3",
        output=tmp_path / "out",
        tables=tables,  # type: ignore[arg-type]
    )
    assert result.cases_shared == len(seeded), result.left_out
    text = _all_text(tmp_path / "out")
    for s in seeded:
        assert s.leaks(text) == {}
    if chosen.narrative_allowed:  # the seeded texts were there, and the check withheld them
        assert result.text_withheld_count > 0
    assert s.leaks(source.read_text(encoding="utf-8"))  # the scan finds seeds where they are


def test_clean_text_is_shared_and_dates_in_it_become_relative(tmp_path: Path) -> None:
    """Free text without identifiers is shared where allowed, with its dates made relative."""
    cases = cases_of("us_pa", 3)
    cases[0]["incident"]["summary"] = (
        "The caregiver found the child unresponsive on June 3, 2019 and called for help."
    )
    cases[0]["incident"]["date"] = "2019-06-03"
    result = submit(tmp_path / "out", cases, agreement="example_us_pa")
    rows = pq.read_table(tmp_path / "out" / "incidents.parquet").to_pylist()
    summary = rows[0]["incident_summary"]
    assert summary is not None
    assert "2019" not in summary
    assert "on the incident day" in summary
    assert result.text_withheld_count == 0 or all(t.row for t in result.text_withheld)


def test_narrative_withheld_by_the_agreement_is_never_read(tmp_path: Path) -> None:
    """Under an agreement without narrative, no text column exists in any table."""
    submit(tmp_path / "out", cases_of("us_ky", 3), agreement="example_us_ky")
    narrative = {c.name for e in CORE.elements.values() if e.is_narrative for c in e.columns}
    for path in (tmp_path / "out").glob("*.parquet"):
        assert not narrative & set(pq.read_schema(path).names), path.name


def test_invalid_foreign_and_repeated_cases_are_left_out_whole(tmp_path: Path) -> None:
    """A case that fails validation, belongs elsewhere or repeats an id is reported, not shared."""
    cases = cases_of("us_pa", 4)
    cases[1]["child"]["sex"] = "robot"
    cases[2]["case"]["jurisdiction"] = "us_ky"
    cases[3]["case"]["case_id"] = cases[0]["case"]["case_id"].lower()
    result = submit(tmp_path / "out", cases)
    assert (result.cases_read, result.cases_shared, result.left_out_count) == (4, 1, 3)
    codes = [p.code for x in result.left_out for p in x.problems]
    assert "NPR-S105" in codes
    assert "NPR-P321" in codes
    assert "NPR-P320" in codes
    assert not result.complete
    for path in (tmp_path / "out").glob("*.parquet"):
        table = pq.read_table(path)
        if "case_pseudonym" in table.column_names:
            assert len(set(table.column("case_pseudonym").to_pylist())) <= 1


def test_the_same_input_gives_byte_identical_submissions(tmp_path: Path) -> None:
    """Deterministic: two runs write the same bytes and the same submission id."""
    cases = cases_of("us_pa", 20)
    a = submit(tmp_path / "a", cases)
    b = submit(tmp_path / "b", cases)
    assert a.submission_id == b.submission_id
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_another_key_changes_every_pseudonym_and_nothing_else(tmp_path: Path) -> None:
    """The key only changes the pseudonyms (and the key's fingerprint)."""
    cases = cases_of("us_pa", 5)
    submit(tmp_path / "a", cases)
    submit(tmp_path / "b", cases, key=OTHER_KEY)
    a = pq.read_table(tmp_path / "a" / "incidents.parquet")
    b = pq.read_table(tmp_path / "b" / "incidents.parquet")
    assert set(a.column("case_pseudonym").to_pylist()).isdisjoint(
        b.column("case_pseudonym").to_pylist()
    )
    assert a.drop_columns(["case_pseudonym"]).equals(b.drop_columns(["case_pseudonym"]))
    key_material = bytes(range(32)).hex()
    assert key_material not in _all_text(tmp_path / "a")


def test_period_outside_the_agreement_and_a_full_folder_write_nothing(tmp_path: Path) -> None:
    """Refusals come before any file is written."""
    with pytest.raises(SubmissionError, match="governs"):
        submit(tmp_path / "out", cases_of("us_az", 1), agreement="example_us_az", period="2027")
    assert not (tmp_path / "out").exists()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(SubmissionError, match="not empty"):
        submit(tmp_path / "full", cases_of("us_pa", 1))
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["keep.txt"]
    with pytest.raises(SubmissionError, match="not a period"):
        submit(tmp_path / "out", cases_of("us_pa", 1), period="Q3 2025")


def test_withholding_log_names_every_rule(tmp_path: Path) -> None:
    """Every withheld or coarsened element is logged with the agreement rule that did it."""
    submit(tmp_path / "out", cases_of("us_ky", 2), agreement="example_us_ky")
    log = json.loads((tmp_path / "out" / "withholding.json").read_text())
    by_element = {e["element"]: e for e in log["elements"]}
    assert by_element["geography"]["action"] == "coarsened"
    assert by_element["geography"]["columns_shared"] == ["state"]
    assert by_element["critical_care_hours"]["action"] == "withheld"
    assert by_element["incident_summary"]["rule"].endswith("narrative withheld")
    assert "child_sex" not in by_element  # shared as recorded
    assert log["narrative"]["allowed"] is False


# ------------------------------------------------------------------------------ consumers


@pytest.mark.parametrize("tables", ["parquet", "csv"])
def test_frictionless_validates_the_package_as_an_independent_consumer(
    tmp_path: Path, tables: str
) -> None:
    """frictionless finds the package valid; a value outside its list makes it invalid."""
    submit(tmp_path / "out", cases_of("us_pa", 30), tables=tables)
    report = frictionless.validate(str(tmp_path / "out" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    path = tmp_path / "out" / f"children.{tables}"
    if tables == "csv":
        text = path.read_text()
        assert '"female"' in text
        path.write_text(text.replace('"female"', '"robot"', 1))
    else:
        table = pq.read_table(path)
        sexes = table.column("child_sex").to_pylist()
        sexes[0] = "robot"
        index = table.column_names.index("child_sex")
        pq.write_table(table.set_column(index, "child_sex", pa.array(sexes)), path)
    report = frictionless.validate(str(tmp_path / "out" / "datapackage.json"))
    assert not report.valid
    assert "constraint-error" in {e[0] for e in report.flatten(["type"])}


def test_parquet_reads_back_with_the_declared_types_in_pyarrow_and_duckdb(tmp_path: Path) -> None:
    """Each table's Arrow and DuckDB types are the ones its Table Schema declares."""
    everything = {e: e_obj.levels[0] for e, e_obj in CORE.elements.items()}
    finest = _agreement_with(everything)
    submit(tmp_path / "out", cases_of("us_pa", 40), agreement=finest)
    package = json.loads((tmp_path / "out" / "datapackage.json").read_text())
    con = duckdb.connect()
    for resource in package["resources"]:
        path = tmp_path / "out" / resource["path"]
        declared = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        arrow = {f.name: str(f.type) for f in pq.read_schema(path)}
        assert arrow == {n: ARROW_TYPES[t] for n, t in declared.items()}, resource["name"]
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
        assert {r[0]: r[1] for r in described} == {n: SQL_TYPES[t] for n, t in declared.items()}
    dates = pq.read_table(tmp_path / "out" / "incidents.parquet").column("incident_date")
    assert dates.null_count < len(dates)  # the date columns hold dates, not only nulls


def _agreement_with(levels: dict[str, str]) -> Any:
    """An agreement object at given levels (for tests that need more than any packaged one)."""
    base = AGREEMENTS["partnership_default"]
    return attrs.evolve(base, levels=levels, id="test_finest", jurisdiction="us_pa")


def test_shared_records_match_the_exported_json_schema(tmp_path: Path) -> None:
    """The rows of every table validate against the exported shared_records schema."""
    submit(tmp_path / "out", cases_of("us_pa", 20))
    records = {
        path.stem: json.loads(json.dumps(pq.read_table(path).to_pylist(), default=str))
        for path in (tmp_path / "out").glob("*.parquet")
    }
    schema = document_schemas()["shared_records"]
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(records)
    records["children"][0]["child_sex"] = "robot"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(records, schema)


# ------------------------------------------------------------------------------ risk


def test_k_anonymity_and_local_suppression_on_counts() -> None:
    """Small classes are blanked one element at a time until every class reaches k."""
    counts = {
        ("a", "m", 1): 10,
        ("a", "f", 1): 2,
        ("b", "f", 1): 1,
        ("c", "f", 2): 12,
    }
    mapping, after = suppress(counts, 3, [(0,), (2,), (1,)])
    assert mapping[("a", "m", 1)] == ("a", "m", 1)  # large classes stay whole
    assert mapping[("a", "f", 1)] == mapping[("b", "f", 1)] == (SUPPRESSED, "f", 1)
    assert after == {("a", "m", 1): 10, (SUPPRESSED, "f", 1): 3, ("c", "f", 2): 12}
    mapping, after = suppress(counts, 5, [(0,), (2,), (1,)])
    assert mapping[("a", "f", 1)] == (SUPPRESSED, "f", 1)  # merges the two small classes,
    assert after[(SUPPRESSED, "f", 1)] == 3  # but 3 cases cannot reach 5: still reported
    report = assess(after, 5, [("x", ("x",)), ("y", ("y",)), ("z", ("z",))])
    assert (report.small_class_count, report.records_in_small_classes) == (1, 3)
    mapping, _ = suppress({("s", "a"): 6, ("s", "b"): 3, ("s", "c"): 2}, 5, [(0,), (1,)])
    assert mapping[("s", "b")] == ("s", SUPPRESSED)  # the element that helps, not the first


def test_suppress_option_makes_the_submission_k_anonymous(tmp_path: Path) -> None:
    """With --suppress every remaining class reaches k (or is reported), and it is logged."""
    coarse = attrs.evolve(AGREEMENTS["example_us_ky"], jurisdiction="us_pa")  # KY's levels
    plain = submit(tmp_path / "plain", cases_of("us_pa", 300), agreement=coarse)
    assert plain.risk.small_class_count > 0
    done = submit(
        tmp_path / "done", cases_of("us_pa", 300), agreement=coarse, suppress_locally=True
    )
    assert done.risk.suppressed
    assert done.risk.records_in_small_classes < plain.risk.records_in_small_classes
    log = json.loads((tmp_path / "done" / "withholding.json").read_text())
    assert {e["element"] for e in log["local_suppression"]} == set(done.risk.suppressed)
    assert check_submission(tmp_path / "done").ok


def test_a_small_submission_suppressed_to_blank_columns_still_checks(tmp_path: Path) -> None:
    """40 cases at k = 11: whole columns end up empty, and the submission is still valid."""
    done = submit(
        tmp_path / "s", cases_of("us_ky", 40), agreement="example_us_ky", suppress_locally=True
    )
    assert "geography" not in done.risk.suppressed  # the state alone tells no case apart
    quarters = pq.read_table(tmp_path / "s" / "incidents.parquet").column("incident_quarter")
    assert quarters.null_count == len(quarters)
    assert check_submission(tmp_path / "s").ok


# ------------------------------------------------------------------------------ check


def test_check_finds_a_corrupted_a_missing_and_an_extra_file(tmp_path: Path) -> None:
    """Checksums, the file list and the id are verified; every problem is reported."""
    folder = tmp_path / "out"
    submit(folder, cases_of("us_pa", 5))
    assert check_submission(folder).ok
    data = bytearray((folder / "barriers.parquet").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / "barriers.parquet").write_bytes(bytes(data))
    (folder / "recommendations.parquet").unlink()
    (folder / "notes.txt").write_text("extra")
    codes = {p.code for p in check_submission(folder).problems}
    assert {"NPR-P332", "NPR-P330"} <= codes


def test_check_refuses_columns_beyond_the_named_agreement(tmp_path: Path) -> None:
    """A submission claiming a narrower agreement than the one it was made under is refused."""
    folder = tmp_path / "out"
    submit(folder, cases_of("us_ky", 5), agreement="partnership_default")
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["provenance"]["agreement_id"] = "example_us_ky"
    manifest["provenance"]["agreement_version"] = AGREEMENTS["example_us_ky"].version
    manifest["submission_id"] = submission_id_of(manifest["provenance"], manifest["files"])
    (folder / MANIFEST).write_text(json.dumps(manifest))
    problems = check_submission(folder).problems
    assert any(p.code == "NPR-P336" and "county" in p.message for p in problems)
    assert any(p.code == "NPR-P336" and "incident_summary" in p.message for p in problems)


def test_check_a_folder_that_is_no_submission(tmp_path: Path) -> None:
    """No manifest: one clear problem, no exception."""
    result = check_submission(tmp_path)
    assert not result.ok
    assert result.problems[0].code == "NPR-P330"


def test_a_copied_submission_checks_the_same(tmp_path: Path) -> None:
    """The check depends on nothing but the folder's content."""
    submit(tmp_path / "out", cases_of("us_pa", 3))
    shutil.copytree(tmp_path / "out", tmp_path / "copy")
    assert (
        check_submission(tmp_path / "copy").submission_id
        == check_submission(tmp_path / "out").submission_id
    )


def test_write_jsonl_helper_roundtrip(tmp_path: Path) -> None:
    """The generated cases used here are valid case files."""
    path = write_jsonl(tmp_path / "c.jsonl", cases_of("us_pa", 3))
    for line in path.read_text().splitlines():
        Case.model_validate_json(line)


def test_packaged_agreements_pass_their_exported_schema() -> None:
    """definitions/sharing/*.yaml are valid for the exported sharing_agreement schema."""
    schema = document_schemas()["sharing_agreement"]
    for path in sorted((ROOT / "definitions" / "sharing").glob("*.yaml")):
        data, _, problems = read_yaml(path.read_bytes(), file=str(path))
        assert problems == []
        jsonschema.Draft202012Validator(schema).validate(data)
