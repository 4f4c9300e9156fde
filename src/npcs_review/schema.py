"""JSON Schemas of every document this project reads or writes, portable across validators.

``document_schemas()`` builds JSON Schema 2020-12 documents from the pydantic models: the case
file, each kind of definition file, and classification output. Each has ``$schema``, an
absolute ``$id`` carrying its version, a title and description on every property, and no
remote ``$ref``. Code lists are expanded to ``enum`` with their labels and sources in the
``x-npcs-codes`` annotation (keywords under ``x-npcs-`` are annotations; strict validators such
as ajv need them declared, see ``docs/schemas.md``). Every ``format`` is paired with a
``pattern``. The committed copies live in ``definitions/schemas/``; a test fails when they
drift. Regenerate with ``make schemas`` or ``npcs-review schema export``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from npcs_review.codelists import CodeListFile, codelist
from npcs_review.definitions import (
    CrosswalkFile,
    IncidentDefinitionFile,
    IndicatorFile,
    ProfileFile,
)
from npcs_review.models import MISSING, SCHEMA_VERSION, Case
from npcs_review.models.outputs import ClassificationOutput, LintOutput
from npcs_review.share.dataset import CoreDataSetFile, TableFile

__all__ = [
    "DOCUMENTS",
    "document_schemas",
    "export_schemas",
    "release_schemas",
    "schema_text",
]

_DEFINITIONS_SCHEMA = "0.2"
_OUTPUT_SCHEMA = "0.2"

#: Each document type: (model, schema version, title, description).
DOCUMENTS: dict[str, tuple[type[BaseModel], str, str, str]] = {
    "case": (
        Case,
        SCHEMA_VERSION,
        "npcs_review case file",
        "One critical incident: the core data set and, when there is one, its review. "
        "The library also checks what JSON Schema cannot express: real calendar dates, "
        "dates in order, ages against dates, and that every id a field refers to exists "
        "(see docs/schemas.md).",
    ),
    "classification": (
        ClassificationOutput,
        _OUTPUT_SCHEMA,
        "npcs_review classification",
        "The classification of one case under one jurisdiction profile or the "
        "national set, as `npcs-review classify --format json` prints it (a list "
        "of these).",
    ),
    "lint": (
        LintOutput,
        _OUTPUT_SCHEMA,
        "npcs_review lint report",
        "The findings of `npcs-review lint --format json` for one case.",
    ),
    "codelist": (
        CodeListFile,
        _DEFINITIONS_SCHEMA,
        "npcs_review code list file",
        "A controlled vocabulary under definitions/codelists/.",
    ),
    "crosswalk": (
        CrosswalkFile,
        _DEFINITIONS_SCHEMA,
        "npcs_review crosswalk file",
        "A mapping from a standard code list to another system's codes.",
    ),
    "incident_definition": (
        IncidentDefinitionFile,
        _DEFINITIONS_SCHEMA,
        "npcs_review incident definition file",
        "An incident definition with its criteria and test vectors; the "
        "same schema applies to a jurisdiction overlay's definitions.",
    ),
    "indicator": (
        IndicatorFile,
        _DEFINITIONS_SCHEMA,
        "npcs_review indicator file",
        "A derived indicator computed from a case.",
    ),
    "core_data_set": (
        CoreDataSetFile,
        _DEFINITIONS_SCHEMA,
        "npcs_review core data set file",
        "definitions/core_data_set/core_data_set.yaml: the tables, sources, detail ladders, "
        "age bands and case keys of the partnership's core data set.",
    ),
    "core_data_set_table": (
        TableFile,
        _DEFINITIONS_SCHEMA,
        "npcs_review core data set table file",
        "One table of the core data set (definitions/core_data_set/<table>.yaml): its rows, "
        "elements (source, type, detail ladder, sensitivity, citations) and test vectors.",
    ),
    "jurisdiction_profile": (
        ProfileFile,
        _DEFINITIONS_SCHEMA,
        "npcs_review jurisdiction profile file",
        "A jurisdiction's definitions per term, parameters, review triggers and disclosure rules.",
    ),
}

_FORMAT_PATTERNS = {
    "date": r"^\d{4}-\d{2}-\d{2}$",
    "date-time": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
}


def _portable(node: Any) -> Any:
    """Expand code lists, pair formats with patterns, recursively."""
    if isinstance(node, list):
        return [_portable(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _portable(v) for k, v in node.items()}
    list_id = out.get("x-npcs-codelist")
    if isinstance(list_id, str):
        values = codelist(list_id).values
        out["enum"] = [v.code for v in values] + list(MISSING)
        out["x-npcs-codes"] = [
            {"code": v.code, "label": v.label, "source": v.source.document} for v in values
        ]
    props = out.get("properties")
    if isinstance(props, dict):  # pydantic leaves model-typed properties without a title
        for name, sub in props.items():
            if isinstance(sub, dict) and "title" not in sub:
                sub["title"] = name.replace("_", " ").capitalize()
    fmt = out.get("format")
    if isinstance(fmt, str) and fmt in _FORMAT_PATTERNS and "pattern" not in out:
        out["pattern"] = _FORMAT_PATTERNS[fmt]
    return out


def document_schemas() -> dict[str, dict[str, Any]]:
    """Return every document type's JSON Schema (2020-12), by name."""
    out = {}
    for name, (model, version, title, description) in DOCUMENTS.items():
        schema = _portable(model.model_json_schema(by_alias=True))
        schema.update({"title": title, "description": description})
        out[name] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:npcs-review:schema:{name}:{version}",
            **schema,
        }
    return out


def schema_text(schema: dict[str, Any]) -> str:
    """Serialise a schema deterministically."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export_schemas(folder: str | Path = "definitions/schemas") -> list[Path]:
    """Write every schema as ``<name>.schema.json`` (atomically); return the paths."""
    from npcs_review.io import write_text_atomic  # noqa: PLC0415

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, schema in document_schemas().items():
        path = target / f"{name}.schema.json"
        write_text_atomic(path, schema_text(schema))
        paths.append(path)
    return paths


def release_schemas(folder: str | Path = "definitions/schemas/released") -> list[Path]:
    """Snapshot every current schema whose version has no snapshot yet; return the new paths.

    Run when a package version is released (``make release-schemas``). A snapshot is never
    overwritten: from then on its ``$id`` names exactly that content (docs/schemas.md).
    """
    from npcs_review.io import write_text_atomic  # noqa: PLC0415

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, schema in document_schemas().items():
        version = str(schema["$id"]).rpartition(":")[2]
        path = target / f"{name}-{version}.schema.json"
        if not path.exists():
            write_text_atomic(path, schema_text(schema))
            paths.append(path)
    return paths
