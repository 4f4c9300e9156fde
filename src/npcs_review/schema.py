"""JSON Schemas generated from the models: the meta-schemas of definition files.

The committed copies live in ``definitions/meta/``; a test fails when they drift from the
models. Regenerate with ``make schemas``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from npcs_review.codelists import CodeListFile
from npcs_review.definitions import (
    CrosswalkFile,
    IncidentDefinitionFile,
    IndicatorFile,
    ProfileFile,
)

__all__ = ["META_MODELS", "meta_schemas", "write_meta_schemas"]

#: The model of each kind of definition file.
META_MODELS: dict[str, type[BaseModel]] = {
    "codelist": CodeListFile,
    "crosswalk": CrosswalkFile,
    "incident_definition": IncidentDefinitionFile,
    "indicator": IndicatorFile,
    "jurisdiction_profile": ProfileFile,
}
META_VERSION = "0.1"


def meta_schemas() -> dict[str, dict[str, Any]]:
    """Return the JSON Schema (2020-12) of every kind of definition file, by kind."""
    out = {}
    for kind, model in META_MODELS.items():
        schema = model.model_json_schema(by_alias=True)
        out[kind] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:npcs-review:meta:{kind}:{META_VERSION}",
            **schema,
        }
    return out


def _text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_meta_schemas(folder: str | Path = "definitions/meta") -> list[Path]:
    """Write the meta-schemas as ``<kind>.schema.json`` (atomically) and return the paths."""
    from npcs_review.io import write_text_atomic  # noqa: PLC0415

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, schema in meta_schemas().items():
        path = target / f"{kind}.schema.json"
        write_text_atomic(path, _text(schema))
        paths.append(path)
    return paths
