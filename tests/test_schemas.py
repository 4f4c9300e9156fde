"""Exported JSON Schemas: current, described, portable, and in agreement with the models."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from npcs_review.engine.classify import classify
from npcs_review.io import load_case, read_yaml
from npcs_review.models import Case
from npcs_review.models.outputs import ClassificationOutput
from npcs_review.schema import document_schemas, schema_text
from tests.conftest import EXAMPLES, FIXTURES, ROOT
from tests.strategies import cases

SCHEMAS = document_schemas()
FOLDERS = {
    "codelists": "codelist",
    "crosswalks": "crosswalk",
    "incident_definitions": "incident_definition",
    "indicators": "indicator",
    "jurisdictions": "jurisdiction_profile",
}
JS = ROOT / "tests" / "js"


def _walk(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        out.append((path, node))
        for k, v in node.items():
            out += _walk(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _walk(v, f"{path}/{i}")
    return out


def test_committed_schemas_are_current() -> None:
    """definitions/schemas/ matches what the models generate (run `make schemas` if not)."""
    for name, schema in SCHEMAS.items():
        path = ROOT / "definitions" / "schemas" / f"{name}.schema.json"
        assert path.read_text(encoding="utf-8") == schema_text(schema), f"{name}: make schemas"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_is_described_and_portable(name: str) -> None:
    """$schema, a versioned $id, a title and description on every property; portable parts."""
    schema = SCHEMAS[name]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith(f"urn:npcs-review:schema:{name}:")
    for path, node in _walk(schema):
        for key in node:
            assert key not in (
                "$dynamicRef",
                "$dynamicAnchor",
                "unevaluatedProperties",
                "unevaluatedItems",
            ), f"{path}/{key}"
        for prop, sub in (node.get("properties") or {}).items():
            if isinstance(sub, dict):
                assert "title" in sub, f"{path}/properties/{prop}: no title"
                assert "description" in sub, f"{path}/properties/{prop}: no description"
        if "$ref" in node:
            assert node["$ref"].startswith("#/"), f"{path}: remote $ref"
        if "format" in node:
            assert "pattern" in node, f"{path}: format {node['format']} without pattern"
        if isinstance(node.get("pattern"), str) and not path.endswith("/properties"):
            pattern = node["pattern"]
            assert pattern.startswith("^"), f"{path}: unanchored pattern {pattern}"
            assert pattern.endswith("$"), f"{path}: unanchored pattern {pattern}"


def _validators(name: str) -> tuple[Any, Any]:
    schema = json.loads(schema_text(SCHEMAS[name]))
    python = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return python, jsonschema_rs.validator_for(schema, validate_formats=True)


CASE_PY, CASE_RS = _validators("case")


def _load(path: Path) -> Any:
    data, _, problems = read_yaml(path.read_bytes(), file=str(path))
    assert problems == []
    return data


def _files() -> list[tuple[str, Path]]:
    return sorted(
        (FOLDERS[p.parent.name], p)
        for folder in FOLDERS
        for p in (ROOT / "definitions" / folder).glob("*.yaml")
    )


@pytest.mark.parametrize(("name", "path"), _files(), ids=[p.name for _, p in _files()])
def test_every_definition_file_passes_its_schema(name: str, path: Path) -> None:
    """Each definitions file is valid for python-jsonschema and jsonschema-rs alike."""
    python, rust = _validators(name)
    data = _load(path)
    python.validate(data)
    assert rust.is_valid(data)


def test_examples_pass_every_validator() -> None:
    """Every shipped example is valid for pydantic, python-jsonschema and jsonschema-rs."""
    for path in sorted(EXAMPLES.glob("*.yaml")):
        data = _load(path)
        Case.model_validate(data)
        CASE_PY.validate(data)
        assert CASE_RS.is_valid(data), path.name


MANIFEST: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (FIXTURES / "invalid-expected.yaml").read_text(encoding="utf-8")
)
STRUCTURE = sorted(
    n
    for n, e in MANIFEST.items()
    if e[0]["code"].startswith("NPR-S")
    and e[0]["code"] != "NPR-S107"
    and n.endswith((".json", ".yaml"))
)
CONSISTENCY = sorted(n for n, e in MANIFEST.items() if e[0]["code"].startswith("NPR-C"))


@pytest.mark.parametrize("name", STRUCTURE)
def test_structural_fixtures_fail_at_the_expected_pointer(name: str) -> None:
    """A fixture the model rejects for its structure is rejected by the schema at that place."""
    data = (
        _load(FIXTURES / "invalid" / name)
        if name.endswith(".yaml")
        else json.loads((FIXTURES / "invalid" / name).read_text(encoding="utf-8"))
    )
    expected = MANIFEST[name][0]["pointer"]
    python_paths = {"/" + "/".join(map(str, e.absolute_path)) for e in CASE_PY.iter_errors(data)}
    rust_paths = {"/" + "/".join(map(str, e.instance_path)) for e in CASE_RS.iter_errors(data)}
    parent = expected.rsplit("/", 1)[0] or "/"
    for paths in (python_paths, rust_paths):
        assert expected in paths or parent in paths, (name, paths)


def test_impossible_calendar_dates_are_left_to_the_library() -> None:
    """2025-02-30 matches the date pattern: the schema accepts it, the library does not."""
    [name] = [n for n, e in MANIFEST.items() if e[0]["code"] == "NPR-S107"]
    data = json.loads((FIXTURES / "invalid" / name).read_text(encoding="utf-8"))
    assert CASE_RS.is_valid(data)
    assert "real calendar dates" in SCHEMAS["case"]["description"]


@pytest.mark.parametrize("name", CONSISTENCY)
def test_consistency_fixtures_pass_the_schema(name: str) -> None:
    """Cross-field rules (dates in order, references) are beyond JSON Schema, as documented."""
    path = FIXTURES / "invalid" / name
    data = _load(path) if name.endswith(".yaml") else json.loads(path.read_text(encoding="utf-8"))
    assert CASE_RS.is_valid(data)
    assert "dates in order" in SCHEMAS["case"]["description"]


def test_classification_output_matches_its_schema() -> None:
    """`classify --format json` output fits ClassificationOutput and the exported schema."""
    python, rust = _validators("classification")
    for path in sorted(EXAMPLES.glob("*.yaml")):
        case = load_case(path)
        for profile in (None, case.case.jurisdiction):
            data = json.loads(json.dumps(classify(case, profile=profile).to_dict()))
            ClassificationOutput.model_validate(data)
            python.validate(data)
            assert rust.is_valid(data)


def _mutations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    def change(path: list[str | int], value: Any) -> dict[str, Any]:
        out = copy.deepcopy(doc)
        target: Any = out
        for p in path[:-1]:
            target = target[p]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
        return out

    return [
        change(["child"], _DELETE),
        change(["unknown_field"], 1),
        change(["child", "sex"], "zzz_not_a_code"),
        change(["child", "age"], {"value": -1, "unit": "months"}),
        change(["incident", "date"], "2025/01/01"),
        change(["schema_version"], "9.9"),
        change(["persons"], "nobody"),
        change(["child", "hispanic"], True),
    ]


_DELETE = object()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.data())
def test_models_and_schema_agree(document: dict[str, Any], data: st.DataObject) -> None:
    """Generated valid documents pass both; mutated ones fail both pydantic and the schema."""
    Case.model_validate(document)
    assert CASE_RS.is_valid(document)
    assert CASE_PY.is_valid(document)
    bad = data.draw(st.sampled_from(_mutations(document)))
    with pytest.raises(ValidationError):
        Case.model_validate(bad)
    assert not CASE_RS.is_valid(bad)
    assert not CASE_PY.is_valid(bad)


def test_ajv_strict_agrees_with_jsonschema_rs() -> None:
    """ajv (JavaScript, strict mode) accepts and rejects exactly what jsonschema-rs does."""
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "ajv").is_dir():
        pytest.skip(
            "ajv is not installed: install Node.js, then run `npm ci --prefix tests/js`"
            " (make test does this when npm is present)"
        )
    documents = [_load(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
    documents += [bad for p in sorted(EXAMPLES.glob("*.yaml"))[:3] for bad in _mutations(_load(p))]
    schema_file = ROOT / "definitions" / "schemas" / "case.schema.json"
    done = subprocess.run(
        [node, str(JS / "validate.mjs"), str(schema_file)],
        input="\n".join(json.dumps(d) for d in documents),
        capture_output=True,
        text=True,
        check=True,
        cwd=JS,
    )
    ajv = [json.loads(line)["valid"] for line in done.stdout.splitlines()]
    assert ajv == [CASE_RS.is_valid(d) for d in documents]
    assert True in ajv
    assert False in ajv
    for name in sorted(SCHEMAS):  # every schema compiles in strict mode
        subprocess.run(
            [
                node,
                str(JS / "validate.mjs"),
                str(ROOT / "definitions" / "schemas" / f"{name}.schema.json"),
            ],
            input="{}\n",
            capture_output=True,
            text=True,
            check=True,
            cwd=JS,
        )


def test_docs_show_the_current_ids() -> None:
    """docs/schemas.md lists each schema's current $id (and no other version of it)."""
    text = (ROOT / "docs" / "schemas.md").read_text(encoding="utf-8")
    for name, schema in SCHEMAS.items():
        assert f"| {name} | `{schema['$id']}` |" in text, f"docs/schemas.md: {schema['$id']}"
