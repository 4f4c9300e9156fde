"""Loading: formats, precise locations, safety limits, atomic writes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from npcs_review.errors import CaseFileError
from npcs_review.io import (
    MAX_DEPTH,
    MAX_DOCUMENT_BYTES,
    dump_case,
    iter_load,
    load_case,
    load_many,
    parse_case,
    write_text_atomic,
)


def _doc() -> dict[str, Any]:
    return {
        "schema_version": "0.3",
        "case": {"case_id": "SYN-1", "jurisdiction": "us_tn"},
        "child": {
            "age": {"value": 3, "unit": "months"},
            "sex": "male",
            "race": ["asian"],
            "hispanic": "no",
        },
        "incident": {"type": "near_fatality", "date": "2025-02-03"},
    }


def test_problem_has_file_pointer_line_and_column() -> None:
    """A bad code in pretty JSON is reported at its exact line and column."""
    doc = _doc()
    doc["child"]["sex"] = "boy"
    text = json.dumps(doc, indent=2).encode()
    [problem] = parse_case(text, file="case.json").problems
    assert problem.code == "NPR-S105"
    assert problem.pointer == "/child/sex"
    assert problem.file == "case.json"
    line = next(i for i, s in enumerate(text.decode().splitlines(), 1) if '"boy"' in s)
    assert (problem.line, problem.column) == (line, 12)
    assert "male" in (problem.expected or "")


def test_all_problems_are_reported_not_only_the_first() -> None:
    """Three independent mistakes give three problems."""
    doc = _doc()
    doc["child"]["sex"] = "boy"
    doc["incident"]["date"] = "2025-02-30"
    del doc["case"]["jurisdiction"]
    codes = sorted(p.code for p in parse_case(json.dumps(doc).encode()).problems)
    assert codes == ["NPR-S101", "NPR-S105", "NPR-S107"]


def test_union_branch_names_never_leak_into_pointers() -> None:
    """An error inside a value-or-missing field points at the field, not at a union tag."""
    doc = _doc()
    doc["child"]["age"] = {"value": -1, "unit": "months"}
    [problem] = parse_case(json.dumps(doc).encode()).problems
    assert problem.pointer == "/child/age/value"
    doc["child"]["age"] = "four months"
    [problem] = parse_case(json.dumps(doc).encode()).problems
    assert problem.pointer == "/child/age"
    assert "unknown" in problem.message


def test_yaml_keeps_yes_no_and_dates_as_text() -> None:
    """YAML 1.1 would turn `no` into False and dates into date objects; we do not."""
    yaml_text = b"""
schema_version: "0.3"
case: {case_id: SYN-2, jurisdiction: us_ga}
child: {age: unknown, sex: female, race: [white], hispanic: no}
incident: {type: serious_injury, date: 2025-01-31}
"""
    result = parse_case(yaml_text, format="yaml", file="c.yaml")
    assert result.ok, result.problems
    assert result.case is not None
    assert result.case.child.hispanic == "no"
    assert result.case.incident.date == "2025-01-31"


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        (b"a: &x [1, 2]\nb: *x\n", "NPR-F006", 2),
        (b"a: !!python/object:os.system x\n", "NPR-F006", 1),
        (b"a: !custom 3\n", "NPR-F006", 1),
        (b"a: 1\nb: 2\na: 3\n", "NPR-F010", 3),
        (b"a: [1, 2\n", "NPR-F005", 2),
        (b"- 1\n- 2\n", "NPR-F009", None),
        (b"a: 1\n---\nb: 2\n", "NPR-F005", 2),
    ],
)
def test_unsafe_or_broken_yaml_is_refused(text: bytes, code: str, line: int | None) -> None:
    """Aliases, tags, duplicate keys and syntax errors give a located problem, never a crash."""
    [problem] = parse_case(text, format="yaml", file="x.yaml").problems
    assert problem.code == code
    assert problem.line == line


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    """The billion-laughs pattern is refused at the first alias, without expansion."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(ord("b"), ord("j")):
        prev = chr(i - 1)
        lines.append(f"{chr(i)}: &{chr(i)} [" + ",".join([f"*{prev}"] * 9) + "]")
    [problem] = parse_case("\n".join(lines).encode(), format="yaml").problems
    assert problem.code == "NPR-F006"


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_nesting_beyond_the_limit_is_refused(fmt: str) -> None:
    """Very deep input is refused with a clear code instead of exhausting the stack."""
    depth = MAX_DEPTH * 20
    text = ("[" * depth + "]" * depth).encode()
    [problem] = parse_case(text, format=fmt).problems  # type: ignore[arg-type]
    assert problem.code == "NPR-F008"


def test_deep_extensions_within_parser_limits_are_still_refused() -> None:
    """The documented depth limit holds even where the JSON parser would go deeper."""
    doc = _doc()
    doc["extensions"] = {"us_tn": {"x": json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)}}
    [problem] = parse_case(json.dumps(doc).encode()).problems
    assert (problem.code, problem.pointer) == ("NPR-F008", "/extensions")
    doc["extensions"] = {"us_tn": {"x": json.loads("[" * 10 + "]" * 10)}}
    assert parse_case(json.dumps(doc).encode()).ok


def test_oversized_input_is_refused_before_parsing() -> None:
    """A document over the size limit is refused without being parsed."""
    [problem] = parse_case(b" " * (MAX_DOCUMENT_BYTES + 1)).problems
    assert problem.code == "NPR-F007"


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"\x00\x01binary", "NPR-F003"), (b'{"a": "\xff"}', "NPR-F002"), (b'{"a": [1,', "NPR-F004")],
)
def test_bad_bytes(data: bytes, code: str) -> None:
    """Binary, non-UTF-8 and truncated input each get their own code."""
    [problem] = parse_case(data).problems
    assert problem.code == code


def test_jsonl_reports_line_numbers_and_streams(tmp_path: Path) -> None:
    """Each JSON Lines record is checked on its own and located by its line."""
    good = json.dumps(_doc())
    bad = _doc()
    bad["child"]["sex"] = "x"
    path = tmp_path / "batch.jsonl"
    path.write_text(f"{good}\n\n{json.dumps(bad)}\n{good}\n", encoding="utf-8")
    results = list(iter_load(path))
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].source == f"{path}:3"
    assert results[1].problems[0].line == 3


def test_inputs_are_never_modified(tmp_path: Path, example_path: Path) -> None:
    """Loading and failing to load leave the input bytes exactly as they were."""
    copy = tmp_path / "case.yaml"
    copy.write_bytes(example_path.read_bytes())
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    load_case(copy)
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"schema_version": 1}')
    with pytest.raises(CaseFileError):
        load_case(bad)
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
    assert bad.read_bytes() == b'{"schema_version": 1}'


def test_load_case_raises_with_every_problem(tmp_path: Path) -> None:
    """load_case raises CaseFileError carrying all problems, and it is a ValueError."""
    path = tmp_path / "bad.json"
    path.write_text('{"schema_version": "0.3"}', encoding="utf-8")
    with pytest.raises(ValueError, match="required field") as info:
        load_case(path)
    assert isinstance(info.value, CaseFileError)
    assert {p.pointer for p in info.value.problems} == {"/case", "/child", "/incident"}


def test_unsupported_suffix_and_missing_file(tmp_path: Path) -> None:
    """Unknown file types and unreadable files are problems, not exceptions."""
    [result] = iter_load(tmp_path / "case.txt")
    assert result.problems[0].code == "NPR-F011"
    [result] = iter_load(tmp_path / "absent.json")
    assert result.problems[0].code == "NPR-F001"


def test_load_many_walks_folders_in_sorted_order(tmp_path: Path) -> None:
    """Folders are searched recursively and deterministically."""
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.json").write_text(json.dumps(_doc()), encoding="utf-8")
    (tmp_path / "1.json").write_text(json.dumps(_doc()), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    sources = [r.source for r in load_many([tmp_path])]
    assert sources == [str(tmp_path / "1.json"), str(tmp_path / "b" / "2.json")]


def test_dump_is_deterministic_and_atomic(tmp_path: Path, example_path: Path) -> None:
    """The same case dumps to identical bytes, and writes replace the target whole."""
    case = load_case(example_path)
    assert dump_case(case) == dump_case(load_case(example_path))
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    write_text_atomic(target, dump_case(case))
    assert json.loads(target.read_text(encoding="utf-8"))["case"]["case_id"] == "SYN-KY-2025-0001"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
    fresh = tmp_path / "new.json"
    write_text_atomic(fresh, "{}")
    assert fresh.stat().st_mode & 0o044 == 0o044  # readable as a normal file, not 0600


def test_yaml_merge_keys_and_nested_duplicates_are_refused_with_their_place() -> None:
    """`<<` (plain) is refused even in flow style; a nested duplicate key names its pointer."""
    [merge] = parse_case(b"extensions:\n  us_ky: {<<: {a: 1}}\n", format="yaml").problems
    assert (merge.code, merge.pointer) == ("NPR-F006", "/extensions/us_ky")
    quoted = parse_case(b'extensions:\n  us_ky: {"<<": 1}\n', format="yaml").problems
    assert {p.code for p in quoted} == {"NPR-S101"}  # a quoted "<<" is an ordinary key
    [dup] = parse_case(b"child:\n  sex: male\n  sex: female\n", format="yaml").problems
    assert (dup.code, dup.pointer, dup.line) == ("NPR-F010", "/child/sex", 3)
