"""The core data set as data: its files load, every table's vectors hold, the layout is fixed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import pytest

from npcs_review.errors import DefinitionError
from npcs_review.io import parse_case, read_yaml
from npcs_review.pool.layout import create_statements, pool_layout
from npcs_review.registry import default_registry, merge_patch
from npcs_review.render.core_data_set import core_data_set_reference
from npcs_review.schema import document_schemas
from npcs_review.share.dataset import Table, TableVector, core_data_set, load_core_data_set
from npcs_review.share.extract import CaseContext, compile_plan, finest_levels
from npcs_review.share.pseudonyms import Pseudonymizer

ROOT = Path(__file__).resolve().parents[1]
CORE = core_data_set()
VECTORS = [
    pytest.param(table, vector, id=f"{table.id}:{vector.name}")
    for table in CORE.tables.values()
    for vector in table.vectors
]


def _rows(table: Table, patch: dict[str, Any]) -> list[dict[str, Any]]:
    registry = default_registry()
    document = merge_patch(dict(registry.base_case), patch)
    result = parse_case(json.dumps(document).encode())
    assert result.ok, [str(p) for p in result.problems]
    assert result.case is not None
    plan = compile_plan(CORE, finest_levels(CORE))
    ctx = CaseContext(result.case, registry, Pseudonymizer(b"k" * 32, "us_ky"))
    return plan.extract(ctx)[table.id]


def _differences(row: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """The expected columns whose values differ: {column: (expected, found)}."""
    return {
        k: (v, row[k])
        for k, v in expected.items()
        if not (row[k] is None if v is None else str(row[k]) == str(v))
    }


@pytest.mark.parametrize(("table", "vector"), VECTORS)
def test_table_vectors(table: Table, vector: TableVector) -> None:
    """Each table extracts the rows its vectors expect, at full detail."""
    rows = _rows(table, vector.patch)
    for expected in vector.expected:
        unknown = set(expected) - {c.name for c in table.columns}
        assert not unknown, f"the vector names columns the table does not have: {unknown}"
    if vector.partial:
        for expected in vector.expected:
            assert any(not _differences(r, expected) for r in rows), (expected, rows)
    else:
        assert len(rows) == len(vector.expected), rows
        for row, expected in zip(rows, vector.expected, strict=True):
            assert not _differences(row, expected)


def test_every_element_is_cited_and_typed() -> None:
    """Every element cites a source, and every column has one of the Table Schema types."""
    for element in CORE.elements.values():
        assert element.citations, element.id
        for column in element.columns:
            assert column.type in {"string", "integer", "number", "boolean", "date"}


def test_risk_quasi_identifiers_are_quasi_identifiers() -> None:
    """The k-anonymity quasi-identifiers are elements marked quasi_identifier."""
    for qi in CORE.risk_quasi_identifiers:
        assert CORE.element(qi).sensitivity == "quasi_identifier"


def test_unknown_element_lookup_names_the_known_ones() -> None:
    """Asking for an element that does not exist names the ones that do."""
    with pytest.raises(KeyError, match="child_age"):
        CORE.element("child_name")


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "definitions"
    shutil.copytree(ROOT / "definitions" / "core_data_set", root / "core_data_set")
    return root


def test_a_broken_table_reports_every_problem_at_once(tmp_path: Path) -> None:
    """Unknown ladder, level, code list, derivation, field, source and key: all reported."""
    root = _copy(tmp_path)
    path = root / "core_data_set" / "children.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("ladder: age\n", "ladder: age\n    levels: [days, weeks]\n", 1)
    text = text.replace("codelist: sex", "codelist: gender", 1)
    text = text.replace("source: {fact: /child/in_foster_care}", "source: {fact: /child/name}")
    text = text.replace("derived: race_ethnicity", "derived: ethnicity")
    text = text.replace("{source: ncands, section: ChSex", "{source: nibrs, section: ChSex")
    text = text.replace("rows: case", "rows: case\nkey: [child_name]")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_core_data_set(root)
    found = {(p.pointer, p.code) for p in caught.value.problems}
    assert ("/elements/0/levels/1", "NPR-D004") in found
    assert ("/elements/1/codelist", "NPR-D004") in found
    assert ("/elements/3/source/fact", "NPR-D004") in found
    assert ("/elements/2/source/derived", "NPR-D004") in found
    assert ("/elements/1/cites/0/source", "NPR-D004") in found
    assert ("/key/0", "NPR-D004") in found
    files = {p.file for p in caught.value.problems}
    assert files <= {
        "definitions/core_data_set/children.yaml",
        "definitions/core_data_set/core_data_set.yaml",  # child_age is no longer an element
    }


def test_a_table_file_not_listed_or_misnamed_is_reported(tmp_path: Path) -> None:
    """A table file the index does not list, and an id that is not the file name, are errors."""
    root = _copy(tmp_path)
    (root / "core_data_set" / "extra.yaml").write_text("id: extra\n", encoding="utf-8")
    path = root / "core_data_set" / "barriers.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: barriers", "id: barrier"))
    with pytest.raises(DefinitionError) as caught:
        load_core_data_set(root)
    codes = {(p.file, p.code) for p in caught.value.problems}
    assert ("definitions/core_data_set/extra.yaml", "NPR-D004") in codes
    assert ("definitions/core_data_set/barriers.yaml", "NPR-D003") in codes


def test_the_pool_layout_creates_in_duckdb() -> None:
    """The pooled database's tables create in DuckDB with the core data set's columns."""
    con = duckdb.connect()
    for statement in create_statements():
        con.execute(statement)
    for table in CORE.tables.values():
        names = [r[0] for r in con.execute(f"DESCRIBE {table.id}").fetchall()]
        assert names == ["submission_id", *(c.name for c in table.columns)]
    keys = {t.name: t.primary_key for t in pool_layout()}
    assert keys["caregivers"] == ("submission_id", "jurisdiction", "case_pseudonym", "person_index")
    assert keys["submissions"] == ("submission_id",)


def test_core_data_set_reference_is_current() -> None:
    """docs/core-data-set.md is generated from definitions/core_data_set (run `make docs`)."""
    page = (ROOT / "docs" / "core-data-set.md").read_text(encoding="utf-8")
    assert page == core_data_set_reference()


def test_core_data_set_files_pass_their_exported_schemas() -> None:
    """The core data set files are valid for the exported meta-schemas (python-jsonschema)."""
    schemas = document_schemas()
    folder = ROOT / "definitions" / "core_data_set"
    for path in sorted(folder.glob("*.yaml")):
        name = "core_data_set" if path.stem == "core_data_set" else "core_data_set_table"
        data, _, problems = read_yaml(path.read_bytes(), file=str(path))
        assert problems == []
        jsonschema.Draft202012Validator(schemas[name]).validate(data)


def test_history_summary_counts_agree_with_the_engine() -> None:
    """On generated cases, every agency-history count equals the engine's own count criteria."""
    from generate import iter_cases  # noqa: PLC0415
    from npcs_review.engine.classify import CaseEvaluator  # noqa: PLC0415
    from npcs_review.engine.criteria import compile_criteria  # noqa: PLC0415

    table = CORE.tables["agency_history"]
    windows = table.parameters["windows"]
    registry = default_registry()
    plan = compile_plan(CORE, finest_levels(CORE))
    checked = 0
    for data in iter_cases(150, seed=11):
        result = parse_case(json.dumps(data).encode())
        assert result.case is not None
        ctx = CaseContext(result.case, registry, Pseudonymizer(b"k" * 32, "us_ky"))
        evaluator = CaseEvaluator(result.case, registry)
        for row in plan.extract(ctx)["agency_history"]:
            of_type = {"fact": "./type", "equals": row["event_type"]}

            def count(
                extra: dict[str, Any],
                window: dict[str, Any],
                of: Any = of_type,
                evaluator: CaseEvaluator = evaluator,
            ) -> Any:
                where = {"all": [of, extra]} if extra else of
                criterion = compile_criteria(
                    {"count": "/history", "where": where, "window": window}
                )
                return evaluator.criteria(criterion).value

            definite, possible = count({}, {"months_before": None})
            assert row["events_before_incident"] == definite
            assert row["events_date_uncertain"] == possible - definite
            child = {"fact": "./subjects", "contains": "child"}
            assert row["events_about_child"] == count(child, {"months_before": None})[0]
            for name, months in windows.items():
                assert row[f"events_{name}"] == count({}, {"months_before": months})[0]
            if row["event_type"] in table.parameters["span_types"]:
                criterion = compile_criteria(
                    {
                        "count": "/history",
                        "where": of_type,
                        "window": {"at_incident": True},
                        "gte": 1,
                    }
                )
                assert row["open_at_incident"] == evaluator.criteria(criterion).value
            checked += 1
    assert checked > 300
