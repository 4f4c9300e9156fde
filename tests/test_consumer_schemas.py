"""The exported schemas in the tools people validate and generate code with.

Each test runs a real consumer on every example: ajv (JavaScript) at its default settings and
in strict mode, check-jsonschema (the command line most people reach for), and two code
generators, datamodel-code-generator (Python) and quicktype (JavaScript with run-time checks).
Where a tool is missing the test skips and says how to install it (tests/tools.py).
"""

from __future__ import annotations

import copy
import importlib
import json
import shutil
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from typer.testing import CliRunner

from npcs_review.cli import app
from npcs_review.io import read_yaml
from npcs_review.schema import document_schemas
from tests.conftest import EXAMPLES, FIXTURES, ROOT
from tests.tools import JS, node, node_bin, node_package, program, run

SCHEMAS = ROOT / "definitions" / "schemas"
NAMES = sorted(document_schemas())
DEFINITION_FOLDERS = {
    "codelist": "codelists",
    "crosswalk": "crosswalks",
    "incident_definition": "incident_definitions",
    "indicator": "indicators",
    "jurisdiction_profile": "jurisdictions",
}
runner = CliRunner()


def _definition_files() -> list[tuple[str, list[Path]]]:
    """Each definitions schema with the files under definitions/ that it describes."""
    tables = ROOT / "definitions" / "core_data_set"
    batches = [
        (name, sorted((ROOT / "definitions" / folder).glob("*.yaml")))
        for name, folder in DEFINITION_FOLDERS.items()
    ]
    batches.append(("core_data_set", [tables / "core_data_set.yaml"]))
    batches.append(
        (
            "core_data_set_table",
            sorted(set(tables.glob("*.yaml")) - {tables / "core_data_set.yaml"}),
        )
    )
    return batches


def _yaml(path: Path) -> Any:
    data, _, problems = read_yaml(path.read_bytes(), file=str(path))
    assert problems == [], path
    return data


@cache
def _examples() -> dict[str, Any]:
    return {p.name: _yaml(p) for p in sorted(EXAMPLES.glob("*.yaml"))}


def _breakable(doc: dict[str, Any]) -> bool:
    return bool(doc.get("persons")) and bool((doc.get("review") or {}).get("factors"))


def _mutated(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Documents each broken in one place, deep inside where a union used to hide it."""
    out = []
    changes: list[tuple[list[str | int], str]] = [
        (["child", "sex"], "zzz"),
        (["incident", "date"], "2025-13-01"),
        (["incident", "date"], "2025-02-30"),
        (["review", "factors", 0, "level"], "zzz"),
        (["review", "completed"], "2026-00"),
        (["persons", 0, "sex"], "zzz"),
        (["review"], "a text"),
    ]
    for path, value in changes:
        bad = copy.deepcopy(doc)
        target: Any = bad
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        out.append(bad)
    return out


def _outputs(tmp: Path) -> dict[str, list[Path]]:
    """`classify --format json` and `lint --format json` of every example, as files."""
    written: dict[str, list[Path]] = {"classification": [], "lint": []}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        result = runner.invoke(app, ["classify", "--format", "json", str(path)])
        assert result.exit_code == 0, result.output
        for i, item in enumerate(json.loads(result.output)):
            target = tmp / f"{path.stem}.classification-{i}.json"
            target.write_text(json.dumps(item), encoding="utf-8")
            written["classification"].append(target)
        result = runner.invoke(app, ["lint", "--format", "json", str(path)])
        assert result.exit_code in (0, 1), result.output
        target = tmp / f"{path.stem}.lint.json"
        target.write_text(result.output, encoding="utf-8")
        written["lint"].append(target)
    return written


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Every example's JSON outputs, written once for the module."""
    return _outputs(tmp_path_factory.mktemp("outputs"))


def _ajv(mode: str, requests: list[tuple[Path, Any]]) -> list[dict[str, Any]]:
    """One ajv process for many (schema, document) pairs; ``...`` as document: compile only."""
    lines = [
        json.dumps({"schema": str(schema)} | ({} if doc is ... else {"document": doc}))
        for schema, doc in requests
    ]
    done = run([node(), JS / "validate.mjs", mode], input="\n".join(lines) + "\n", cwd=JS)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.mark.parametrize("mode", ["default", "strict"])
def test_ajv_compiles_every_schema_and_agrees_with_jsonschema_rs(mode: str) -> None:
    """`new Ajv2020()` + ajv-formats (and strict mode) compile every schema without a warning,
    accept every example and definitions file, and reject exactly what jsonschema-rs rejects."""
    node_package("ajv/dist/2020.js")
    case_file = SCHEMAS / "case.schema.json"
    rust = jsonschema_rs.validator_for(
        json.loads(case_file.read_text(encoding="utf-8")), validate_formats=True
    )
    documents = list(_examples().values())
    documents += [bad for doc in documents if _breakable(doc) for bad in _mutated(doc)]
    definitions = [
        (SCHEMAS / f"{name}.schema.json", _yaml(p))
        for name, files in _definition_files()
        for p in files
    ]
    compile_only = [(SCHEMAS / f"{name}.schema.json", ...) for name in NAMES]
    answers = _ajv(mode, [*compile_only, *((case_file, d) for d in documents), *definitions])
    for answer in answers[: len(NAMES)]:
        assert answer["warnings"] == [], answer
    verdicts = answers[len(NAMES) : len(NAMES) + len(documents)]
    assert [v["valid"] for v in verdicts[: len(_examples())]] == [True] * len(_examples())
    assert [v["valid"] for v in verdicts] == [rust.is_valid(d) for d in documents]
    for verdict, doc in zip(verdicts, documents, strict=True):
        expected = {"/" + "/".join(map(str, e.instance_path)) for e in rust.iter_errors(doc)}
        assert {e["pointer"] for e in verdict["errors"]} <= expected | {""}
        assert verdict["errors"] or not expected
    for answer in answers[len(NAMES) + len(documents) :]:
        assert answer["valid"], answer


def test_ajv_defaults_reject_a_schema_with_custom_keywords() -> None:
    """The harness is real: the released case-0.2 snapshot (x-npcs-* keywords) fails."""
    node_package("ajv/dist/2020.js")
    done = run(
        [node(), JS / "validate.mjs", "default"],
        input=json.dumps({"schema": str(SCHEMAS / "released" / "case-0.2.schema.json")}),
        cwd=JS,
    )
    assert done.returncode != 0
    assert 'unknown keyword: "x-npcs-codelist"' in done.stderr


def _check_jsonschema() -> str:
    return program("check-jsonschema", "pip install -c constraints.txt -e '.[dev]'")


def test_check_jsonschema_accepts_every_example_and_output(
    outputs: dict[str, list[Path]],
) -> None:
    """check-jsonschema validates the examples, definitions files and command outputs."""
    tool = _check_jsonschema()
    batches: list[tuple[str, list[Path]]] = [
        ("case", sorted(EXAMPLES.glob("*.yaml"))),
        *outputs.items(),
    ]
    batches += _definition_files()
    for name, files in batches:
        assert files, name
        done = run([tool, "--schemafile", SCHEMAS / f"{name}.schema.json", *files])
        assert done.returncode == 0, (name, done.stdout[-2000:])


def test_check_jsonschema_reports_the_field_not_the_whole_review(tmp_path: Path) -> None:
    """One bad code deep in the review: one short line naming the field (was 99 KB)."""
    tool = _check_jsonschema()
    doc = copy.deepcopy(_examples()["fatality-open-case-prior-reports.yaml"])
    doc["review"]["factors"][0]["level"] = "zzz"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    done = run([tool, "--schemafile", SCHEMAS / "case.schema.json", bad])
    assert done.returncode == 1
    assert f"{bad}::$.review.factors[0].level: 'zzz' is not one of [" in done.stdout
    assert len(done.stdout) < 1000, len(done.stdout)
    old = run([tool, "--schemafile", SCHEMAS / "released" / "case-0.2.schema.json", bad])
    assert len(old.stdout) > 50_000  # what the anyOf-with-null form gave


def test_check_jsonschema_rejects_impossible_dates(tmp_path: Path) -> None:
    """Month 13, month 00 and 30 February fail at their field."""
    tool = _check_jsonschema()
    doc = copy.deepcopy(_examples()["near-fatality-abusive-head-trauma.yaml"])
    values = ["2025-13-01", "2025-00", "2025-02-30", "2023-02-29"]
    files = []
    for i, value in enumerate(values):
        doc["incident"]["date"] = value
        files.append(tmp_path / f"bad-{i}.json")
        files[-1].write_text(json.dumps(doc), encoding="utf-8")
    done = run([tool, "--schemafile", SCHEMAS / "case.schema.json", *files])
    assert done.returncode == 1
    for path, value in zip(files, values, strict=True):
        assert f"{path}::$.incident.date: '{value}' does not match" in done.stdout


def test_datamodel_code_generator_models_accept_every_example(
    tmp_path: Path, outputs: dict[str, list[Path]]
) -> None:
    """datamodel-code-generator turns every schema into pydantic models that accept every
    example and output and reject the broken documents."""
    tool = program("datamodel-codegen", "pip install -c constraints.txt -e '.[dev]'")
    source = tmp_path / "schemas"
    source.mkdir()
    for name in NAMES:
        shutil.copy(SCHEMAS / f"{name}.schema.json", source)
    package = tmp_path / "generated"
    done = run(
        [
            tool,
            "--input",
            source,
            "--input-file-type",
            "jsonschema",
            "--output-model-type",
            "pydantic_v2.BaseModel",
            "--formatters",
            "builtin",
            "--output",
            package,
        ]
    )
    assert done.returncode == 0, done.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        models = {n: importlib.import_module(f"generated.{n}_schema") for n in NAMES}
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m.startswith("generated")]:
            del sys.modules[module]
    case = models["case"].NpcsReviewCaseFile
    for doc in _examples().values():
        case.model_validate(doc)
        if _breakable(doc):
            for bad in _mutated(doc):
                with pytest.raises(ValueError, match="validation error"):
                    case.model_validate(bad)
    roots = {
        "classification": models["classification"].NpcsReviewClassification,
        "lint": models["lint"].NpcsReviewLintReport,
    }
    for kind, files in outputs.items():
        for path in files:
            roots[kind].model_validate_json(path.read_text(encoding="utf-8"))


QUICKTYPE_CHECK = """
const { toCase } = require(process.argv[2]);
const lines = require("node:fs").readFileSync(0, "utf8").split("\\n").filter(Boolean);
for (const line of lines) {
  try { toCase(line); console.log("ok"); } catch (e) { console.log("rejected: " + e.message); }
}
"""


def test_quicktype_typed_code_accepts_every_example(tmp_path: Path) -> None:
    """quicktype generates JavaScript with run-time type checks that accepts every example."""
    tool = node_bin("quicktype")
    generated = tmp_path / "case.cjs"
    done = run(
        [
            tool,
            "--src-lang",
            "schema",
            "--lang",
            "javascript",
            "--runtime-typecheck",
            "--top-level",
            "Case",
            "-o",
            generated,
            SCHEMAS / "case.schema.json",
        ],
        cwd=JS,
    )
    assert done.returncode == 0, done.stderr
    check = tmp_path / "check.cjs"
    check.write_text(QUICKTYPE_CHECK, encoding="utf-8")
    documents = list(_examples().values())
    bad = copy.deepcopy(_examples()["fatality-open-case-prior-reports.yaml"])
    bad["review"]["factors"][0]["level"] = "zzz"
    done = run(
        [node(), check, generated],
        input="\n".join(json.dumps(d) for d in [*documents, bad]),
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:-1] == ["ok"] * len(documents)
    assert lines[-1].startswith("rejected:")
    assert '"zzz"' in lines[-1]


def test_structural_fixtures_fail_check_jsonschema_at_their_field() -> None:
    """The invalid fixtures with a JSON body fail check-jsonschema (exit 1), not crash it."""
    tool = _check_jsonschema()
    files = sorted((FIXTURES / "invalid").glob("s10[1-7]-*.json"))
    assert files
    done = run([tool, "--schemafile", SCHEMAS / "case.schema.json", *files])
    assert done.returncode == 1
    assert done.stdout.count("::$") >= len(files)
