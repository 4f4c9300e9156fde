"""Meta-schemas: committed, current, and in agreement with the files they describe."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from npcs_review.io import read_yaml
from npcs_review.schema import META_MODELS, _text, meta_schemas
from tests.conftest import ROOT

FOLDERS = {
    "codelists": "codelist",
    "crosswalks": "crosswalk",
    "incident_definitions": "incident_definition",
    "indicators": "indicator",
    "jurisdictions": "jurisdiction_profile",
}


def test_committed_meta_schemas_are_current() -> None:
    """definitions/meta/ matches what the models generate (run `make schemas` if not)."""
    for kind, schema in meta_schemas().items():
        committed = (ROOT / "definitions" / "meta" / f"{kind}.schema.json").read_text(
            encoding="utf-8"
        )
        assert committed == _text(schema), f"{kind}: run `make schemas`"
    assert set(meta_schemas()) == set(META_MODELS)


FILES = sorted(
    (folder, path) for folder in FOLDERS for path in (ROOT / "definitions" / folder).glob("*.yaml")
)


@pytest.mark.parametrize(("folder", "path"), FILES, ids=[p.name for _, p in FILES])
def test_every_definition_file_passes_its_meta_schema(folder: str, path: Path) -> None:
    """Each file validates against its exported meta-schema with python-jsonschema."""
    data, _, problems = read_yaml(path.read_bytes(), file=str(path))
    assert problems == []
    schema = json.loads(_text(meta_schemas()[FOLDERS[folder]]))
    jsonschema.Draft202012Validator(schema).validate(data)
