"""Exported JSON Schemas: current, described, portable, and in agreement with the models."""

from __future__ import annotations

import copy
import datetime
import json
import re
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
from npcs_review.engine.scope import default_scope
from npcs_review.io import load_case, read_yaml
from npcs_review.models import Case
from npcs_review.models._types import DATE_PATTERNS
from npcs_review.models.outputs import ClassificationOutput
from npcs_review.render.data import to_data
from npcs_review.schema import CODELISTS_FILE, codelist_annotations, document_schemas, schema_text
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
    annotations = ROOT / "definitions" / "schemas" / CODELISTS_FILE
    assert annotations.read_text(encoding="utf-8") == schema_text(codelist_annotations())


STANDARD_2020_12 = set(
    jsonschema.Draft202012Validator.VALIDATORS
) | {  # the annotation and identifier keywords of JSON Schema 2020-12
    "$schema",
    "$id",
    "$defs",
    "$comment",
    "$anchor",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "format",
    "contentMediaType",
    "contentEncoding",
}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_only_standard_keywords(name: str) -> None:
    """No x-… keyword (or any other unknown one): validators at default settings compile it."""
    data = ("default", "const", "enum", "examples")  # values, not schemas
    for path, node in _walk(SCHEMAS[name]):
        if path.endswith(("/properties", "/patternProperties", "/$defs")):
            continue
        if any(f"/{word}" in path for word in data):
            continue
        unknown = set(node) - STANDARD_2020_12
        assert not unknown, f"{name}{path}: {unknown}"


def test_each_code_list_is_defined_once_and_referenced() -> None:
    """Every code list is one $defs entry; no field carries its codes inline."""
    schema = SCHEMAS["case"]
    lists = {k: v for k, v in schema["$defs"].items() if k.startswith("codelist_")}
    assert {"codelist_sex", "codelist_race", "codelist_system_level"} <= set(lists)
    text = json.dumps(schema)
    for key, definition in lists.items():
        list_id = key.removeprefix("codelist_")
        assert f"definitions/codelists/{list_id}.yaml" in definition["$comment"]
        assert text.count(json.dumps(definition["enum"])) == 1, key
        assert f'"#/$defs/{key}"' in text
        labels = codelist_annotations()["codelists"][list_id]["codes"]
        assert [c["code"] for c in labels] == definition["enum"][: len(labels)]


def test_optional_objects_are_nullable_types_not_unions() -> None:
    """Optional objects admit null in their type, so errors inside them name the field."""
    defs = SCHEMAS["case"]["$defs"]
    for name in ("Review", "Medical", "PhysicianCertification"):
        assert defs[name]["type"] == ["object", "null"], name
    assert SCHEMAS["case"]["properties"]["review"]["$ref"] == "#/$defs/Review"
    for path, node in _walk(SCHEMAS["case"]):
        for option in node.get("anyOf", []) + node.get("oneOf", []):
            target = option.get("$ref", "").removeprefix("#/$defs/")
            if defs.get(target, {}).get("type") == "object":
                assert target == "Age", f"{path}: a union holding the object {target}"


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


def test_impossible_calendar_dates_fail_the_schema_too() -> None:
    """2025-02-30 fails the schema at its field, as it fails the library."""
    [name] = [n for n, e in MANIFEST.items() if e[0]["code"] == "NPR-S107"]
    data = json.loads((FIXTURES / "invalid" / name).read_text(encoding="utf-8"))
    assert [list(e.instance_path) for e in CASE_RS.iter_errors(data)] == [["incident", "date"]]
    for bad in ("2025-13-01", "2025-00", "2025-04-31", "2023-02-29", "1900-02-29", "0000"):
        data["incident"]["date"] = bad
        assert not CASE_RS.is_valid(data), bad
    for good in ("2024-02-29", "2000-02-29", "2025-12", "2025", "unknown"):
        data["incident"]["date"] = good
        assert CASE_RS.is_valid(data), good


def _real_day(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def test_date_patterns_are_the_gregorian_calendar() -> None:
    """The date pattern accepts exactly the real days: a 400-year cycle and the edges."""
    full = re.compile(DATE_PATTERNS["date"])
    partial = re.compile(DATE_PATTERNS["partial"])
    years = [*range(1896, 2296), 1, 4, 100, 400, 1000, 9996, 9999]
    for year in years:
        for month in range(14):
            assert bool(partial.match(f"{year:04d}-{month:02d}")) is (1 <= month <= 12)
            for day in range(33):
                text = f"{year:04d}-{month:02d}-{day:02d}"
                assert bool(full.match(text)) is _real_day(text), text
                assert bool(partial.match(text)) is _real_day(text), text
    assert not partial.match("0000")
    assert partial.match("0001")
    assert partial.match("2018-07/2019-02-28")
    assert not partial.match("2018-07/2019-02-29")
    assert not partial.match("2018-13/2019")


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
        for profile in default_scope(case):  # the national set, and the state's profile if any
            data = json.loads(json.dumps(to_data(classify(case, profile=profile))))
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


def test_docs_show_the_current_ids() -> None:
    """docs/schemas.md lists each schema's current $id (and no other version of it)."""
    text = (ROOT / "docs" / "schemas.md").read_text(encoding="utf-8")
    for name, schema in SCHEMAS.items():
        assert f"| {name} | `{schema['$id']}` |" in text, f"docs/schemas.md: {schema['$id']}"
