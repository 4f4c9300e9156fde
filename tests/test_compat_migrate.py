"""Schema stability: released schemas are not broken without a new version; migrations."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from npcs_review.cli import app
from npcs_review.compat import breaking_changes, changed_under_released_id, needs_new_major
from npcs_review.errors import CaseFileError
from npcs_review.io import parse_case, read_yaml
from npcs_review.migrate import migrate_document
from npcs_review.models import SCHEMA_VERSION
from npcs_review.schema import document_schemas, release_schemas, schema_text
from tests.conftest import EXAMPLES, ROOT

RELEASED = sorted((ROOT / "definitions" / "schemas" / "released").glob("*.schema.json"))
runner = CliRunner()


@pytest.mark.parametrize("path", RELEASED, ids=[p.name for p in RELEASED])
def test_released_schemas_are_not_broken_without_a_new_version(path: Path) -> None:
    """A released schema may only change incompatibly under a new major (0.x: minor) version."""
    name, version = path.name.removesuffix(".schema.json").rsplit("-", 1)
    current = document_schemas()[name]
    current_version = current["$id"].rsplit(":", 1)[1]
    problems = breaking_changes(json.loads(path.read_text(encoding="utf-8")), current)
    if needs_new_major(version, current_version):
        assert problems == [], f"{name}: breaking change without a new version: {problems}"


@pytest.mark.parametrize("path", RELEASED, ids=[p.name for p in RELEASED])
def test_one_id_one_schema_forever(path: Path) -> None:
    """A released $id names exactly its snapshot: content changes need a new version."""
    released = json.loads(path.read_text(encoding="utf-8"))
    name, version = path.name.removesuffix(".schema.json").rsplit("-", 1)
    assert released["$id"] == f"urn:npcs-review:schema:{name}:{version}"
    assert changed_under_released_id(released, document_schemas()) == []


def test_a_change_under_a_released_id_is_caught() -> None:
    """The rule catches the case-0.2 problem: same $id, one more property."""
    current = {k: copy.deepcopy(v) for k, v in document_schemas().items()}
    snapshot = copy.deepcopy(current["case"])
    assert changed_under_released_id(snapshot, current) == []
    current["case"]["properties"]["note"] = {"type": "string"}
    assert "is released and its content changed" in changed_under_released_id(snapshot, current)[0]
    older = {**snapshot, "$id": "urn:npcs-review:schema:case:99.0"}
    assert "older than released 99.0" in changed_under_released_id(older, current)[0]


def test_release_snapshots_new_versions_and_never_overwrites(tmp_path: Path) -> None:
    """`make release-schemas` writes a snapshot per unreleased version, and keeps old ones."""
    kept = tmp_path / "case-0.1.schema.json"
    kept.write_text("{}", encoding="utf-8")
    written = release_schemas(tmp_path)
    assert len(written) == len(document_schemas())
    assert kept.read_text(encoding="utf-8") == "{}"
    case = document_schemas()["case"]
    snapshot = tmp_path / f"case-{SCHEMA_VERSION}.schema.json"
    assert snapshot.read_text(encoding="utf-8") == schema_text(case)
    assert release_schemas(tmp_path) == []


def _schema() -> dict[str, Any]:
    return copy.deepcopy(document_schemas()["case"])


def test_breaking_changes_are_detected() -> None:
    """Removing a property, requiring a new one, dropping a code or narrowing a type breaks."""
    old = _schema()
    assert breaking_changes(old, _schema()) == []
    new = _schema()
    del new["properties"]["extensions"]
    new["required"] = [*new["required"], "review"]
    child = new["$defs"]["Child"]["properties"]
    sex = new["$defs"]["codelist_sex"]
    sex["enum"] = [c for c in sex["enum"] if c != "female"]
    child["hispanic"]["type"] = "integer"
    found = breaking_changes(old, new)
    assert "/: property 'extensions' removed" in found
    assert "/: property 'review' is newly required" in found
    assert any("enum values removed: 'female'" in f for f in found)
    assert any("type changed" in f and "hispanic" in f for f in found)


def test_widening_a_type_to_admit_null_is_compatible() -> None:
    """`type: object` → `type: [object, null]` accepts more documents: not breaking."""
    old, new = _schema(), _schema()
    old["$defs"]["Review"]["type"] = "object"
    assert breaking_changes(old, new) == []
    assert breaking_changes(new, old) != []


def test_adding_an_optional_property_is_compatible() -> None:
    """A new optional field, with extra fields forbidden, breaks no valid document."""
    new = _schema()
    new["properties"]["note"] = {"type": "string", "title": "Note", "description": "x"}
    assert breaking_changes(_schema(), new) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [("0.2", "0.2", True), ("0.2", "0.3", False), ("1.2", "1.9", True), ("1.2", "2.0", False)],
)
def test_what_counts_as_a_new_major(old: str, new: str, expected: bool) -> None:
    """For 0.x a new minor is a new major; from 1.0 only the major counts."""
    assert needs_new_major(old, new) is expected


def _old_example() -> dict[str, Any]:
    data, _, _ = read_yaml((EXAMPLES / "many-unknowns.yaml").read_bytes(), file="x")
    assert isinstance(data, dict)
    data["schema_version"] = "0.1"
    return data


def test_migration_upgrades_step_by_step_without_touching_the_input() -> None:
    """A 0.1 document becomes a valid current one; the input object is unchanged."""
    old = _old_example()
    before = copy.deepcopy(old)
    result = migrate_document(old)
    assert old == before
    assert (result.from_version, result.to_version) == ("0.1", SCHEMA_VERSION)
    assert [n.split(" (")[0] for n in result.notes] == [
        "schema_version 0.1 → 0.2",
        "schema_version 0.2 → 0.3",
    ]
    assert result.changed
    assert parse_case(json.dumps(result.document).encode()).ok
    assert '-  "schema_version": "0.1"' in result.diff(old)
    with pytest.raises(CaseFileError, match=r"cannot migrate schema version .9\.9."):
        migrate_document({**old, "schema_version": "9.9"})


def test_migrate_command(tmp_path: Path) -> None:
    """Dry run by default; --output writes elsewhere; --in-place keeps a backup."""
    path = tmp_path / "old.json"
    original = json.dumps(_old_example(), indent=2)
    path.write_text(original, encoding="utf-8")
    dry = runner.invoke(app, ["migrate", str(path)])
    assert dry.exit_code == 0, dry.output
    assert "dry run: nothing written" in dry.output
    assert path.read_text(encoding="utf-8") == original
    out = tmp_path / "new.json"
    written = runner.invoke(app, ["migrate", str(path), "--output", str(out)])
    assert written.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["schema_version"] == SCHEMA_VERSION
    assert path.read_text(encoding="utf-8") == original
    in_place = runner.invoke(app, ["migrate", str(path), "--in-place"])
    assert in_place.exit_code == 0
    assert (tmp_path / "old.json.bak").read_text(encoding="utf-8") == original
    assert json.loads(path.read_text(encoding="utf-8"))["schema_version"] == SCHEMA_VERSION
    again = runner.invoke(app, ["migrate", str(path)])
    assert "already at schema version" in again.output


def test_schema_export_command(tmp_path: Path) -> None:
    """`schema export DIR` writes one file per document type, equal to the committed ones."""
    result = runner.invoke(app, ["schema", "export", str(tmp_path)])
    assert result.exit_code == 0
    for name in document_schemas():
        written = (tmp_path / f"{name}.schema.json").read_text(encoding="utf-8")
        committed = (ROOT / "definitions" / "schemas" / f"{name}.schema.json").read_text(
            encoding="utf-8"
        )
        assert written == committed
