"""JSON Schemas of every document this project reads or writes, portable across validators.

``document_schemas()`` builds JSON Schema 2020-12 documents from the pydantic models: the case
file, each kind of definition file, and classification and lint output. Each has ``$schema``,
an absolute ``$id`` carrying its version, a title and description on every property, no remote
``$ref`` and only standard keywords, so validators compile them at their default settings.
Each code list is one ``$defs/codelist_<id>`` (an ``enum``), referenced wherever it is used;
labels and sources are in the annotation file ``codelists.json`` beside the schemas. Optional
values are ``type: [T, "null"]`` where a type list can say it, so that validators report an
error at the field rather than a union of whole objects. Every ``format`` is paired with a
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
from npcs_review.models._types import DATE_PATTERNS
from npcs_review.models.outputs import ClassificationOutput, LintOutput
from npcs_review.models.shared import shared_records_model
from npcs_review.share.agreements import AgreementFile
from npcs_review.share.dataset import CoreDataSetFile, TableFile

__all__ = [
    "CODELISTS_FILE",
    "DOCUMENTS",
    "codelist_annotations",
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
    "shared_records": (
        shared_records_model(),
        "0.1",
        "npcs_review shared records",
        "A submission's rows, table by table, as JSON: the core data set tables that "
        "`npcs-review share` writes as Parquet or CSV, with the same columns and constraints "
        "(generated from definitions/core_data_set; a column the agreement withholds is absent).",
    ),
    "sharing_agreement": (
        AgreementFile,
        _DEFINITIONS_SCHEMA,
        "npcs_review sharing agreement file",
        "A data-sharing agreement (definitions/sharing/ or a jurisdiction's overlay): the "
        "detail level of each core data set element, narrative, small-cell threshold, dates.",
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

#: Enumerations defined once in ``$defs`` and referenced wherever they occur.
_SHARED_ENUMS = {
    tuple(MISSING): (
        "Missing",
        "Missingness",
        "Why a value is not given: unknown (asked, nobody knows), not_collected (not asked or "
        "not recorded), not_applicable (the question does not apply).",
    ),
    ("yes", "no", *MISSING): (
        "Answer",
        "Answer",
        "The answer to a yes/no question, or why there is none.",
    ),
}

#: The annotation file beside the schemas: each code list's codes with labels and sources.
CODELISTS_FILE = "codelists.json"


def _codelist_def(list_id: str) -> dict[str, Any]:
    codes = codelist(list_id)
    return {
        "$comment": (
            f"code list {list_id!r} (definitions/codelists/{list_id}.yaml); "
            f"labels and sources: {CODELISTS_FILE}, under {list_id!r}"
        ),
        "title": codes.title,
        "description": f"{codes.description.strip()} Or a missingness token: "
        + ", ".join(MISSING)
        + ".",
        "type": "string",
        "enum": [v.code for v in codes.values] + list(MISSING),
    }


def codelist_annotations() -> dict[str, Any]:
    """Labels and sources of every code list the schemas use, keyed by code-list id.

    Schemas refer to a list as ``#/$defs/codelist_<id>``; this file (``codelists.json``
    beside the schemas) carries what validators need not see: each code's label and source.
    """
    used = sorted(
        {
            key.removeprefix("codelist_")
            for schema in document_schemas().values()
            for key in schema.get("$defs", {})
            if key.startswith("codelist_")
        }
    )
    return {
        "description": (
            "Labels and sources of the codes in the npcs_review schemas. A schema refers to "
            "code list <id> as #/$defs/codelist_<id>; the missingness tokens "
            f"({', '.join(MISSING)}) are valid in every coded field."
        ),
        "codelists": {
            list_id: {
                "title": codelist(list_id).title,
                "version": codelist(list_id).version,
                "codes": [
                    {"code": v.code, "label": v.label, "source": v.source.document}
                    for v in codelist(list_id).values
                ],
            }
            for list_id in used
        },
    }


def _walk(node: Any, visit: Any) -> Any:
    """Rebuild ``node`` bottom-up, passing every object through ``visit``."""
    if isinstance(node, list):
        return [_walk(n, visit) for n in node]
    if not isinstance(node, dict):
        return node
    return visit({k: _walk(v, visit) for k, v in node.items()})


def _is_null(node: Any) -> bool:
    return isinstance(node, dict) and node == {"type": "null"}


def _strip(node: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in node.items() if k not in keys}


def _portable(schema: dict[str, Any]) -> dict[str, Any]:
    """Make a pydantic schema portable and its errors precise (docs/schemas.md)."""
    defs: dict[str, Any] = dict(schema.pop("$defs", {}))
    added: dict[str, Any] = {}

    def shared(node: dict[str, Any]) -> dict[str, Any]:
        list_id = node.pop("x-npcs-codelist", None)
        if isinstance(list_id, str):
            added[f"codelist_{list_id}"] = _codelist_def(list_id)
            return {"$ref": f"#/$defs/codelist_{list_id}", **_strip(node, "type")}
        enum = node.get("enum")
        if node.get("type") == "string" and isinstance(enum, list) and tuple(enum) in _SHARED_ENUMS:
            name, title, description = _SHARED_ENUMS[tuple(enum)]
            added[name] = {"title": title, "description": description, "type": "string"}
            added[name]["enum"] = enum
            return {"$ref": f"#/$defs/{name}", **_strip(node, "type", "enum")}
        return _titled(_with_pattern(node))

    schema = _walk(schema, shared)
    defs = {k: _walk(v, shared) for k, v in defs.items()} | added
    nullable_refs, plain_refs = _references(schema, defs)

    def precise(node: dict[str, Any]) -> dict[str, Any]:
        node = _missing_date(node)
        options = node.get("anyOf")
        if not (isinstance(options, list) and len(options) == 2 and _is_null(options[1])):
            return node
        rest, other = _strip(node, "anyOf"), options[0]
        ref = other.get("$ref", "")
        target = ref.removeprefix("#/$defs/")
        if other.get("type") in ("string", "number", "integer", "boolean") and not (
            {"$ref", "anyOf", "oneOf"} & set(other)
        ):  # a scalar or null: one type keyword, so errors name the field
            merged = {**other, **rest, "type": [other["type"], "null"]}
            if "enum" in other:
                merged["enum"] = [*other["enum"], None]
            return merged
        if (
            target in nullable_refs
            and target not in plain_refs
            and len(other) == 1
            and defs.get(target, {}).get("type") == "object"
        ):
            return {"$ref": ref, **rest}  # the definition itself admits null (below)
        if isinstance(other.get("oneOf"), list) and len(other) == 1:
            return {"oneOf": [*other["oneOf"], {"type": "null"}], **rest}
        return node

    schema = _walk(schema, precise)
    defs = {k: _walk(v, precise) for k, v in defs.items()}
    for name in nullable_refs - plain_refs:
        if defs[name].get("type") == "object":
            defs[name]["type"] = ["object", "null"]
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema


def _missing_date(node: dict[str, Any]) -> dict[str, Any]:
    """A partial date or a missingness token: one string with one pattern."""
    options = node.get("oneOf")
    if not (isinstance(options, list) and len(options) == 2):
        return node
    date, missing = options
    if missing != {"$ref": "#/$defs/Missing"} or date.get("pattern") != DATE_PATTERNS["partial"]:
        return node
    pattern = DATE_PATTERNS["partial"][1:-1] + "|" + "|".join(MISSING)
    return {
        **_strip(node, "oneOf"),
        "type": "string",
        "pattern": f"^(?:{pattern})$",
    }


def _references(schema: dict[str, Any], defs: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The object definitions referenced as ``X or null``, and those referenced plainly."""
    nullable: set[str] = set()
    plain: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for n in node:
                visit(n)
            return
        if not isinstance(node, dict):
            return
        options = node.get("anyOf")
        if isinstance(options, list) and len(options) == 2 and _is_null(options[1]):
            first = options[0]
            if set(first) == {"$ref"}:
                nullable.add(first["$ref"].removeprefix("#/$defs/"))
                visit(_strip(node, "anyOf"))
                return
        ref = node.get("$ref")
        if isinstance(ref, str):
            plain.add(ref.removeprefix("#/$defs/"))
        for value in node.values():
            visit(value)

    visit(schema)
    visit(list(defs.values()))
    return nullable, plain


def _titled(node: dict[str, Any]) -> dict[str, Any]:
    props = node.get("properties")
    if isinstance(props, dict):  # pydantic leaves model-typed properties without a title
        for name, sub in props.items():
            if isinstance(sub, dict) and "title" not in sub:
                sub["title"] = name.replace("_", " ").capitalize()
    return node


def _with_pattern(node: dict[str, Any]) -> dict[str, Any]:
    fmt = node.get("format")
    if isinstance(fmt, str) and fmt in DATE_PATTERNS and "pattern" not in node:
        node["pattern"] = DATE_PATTERNS[fmt]
    return node


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
    """Write every schema as ``<name>.schema.json``, and ``codelists.json``; return the paths."""
    from npcs_review.io import write_text_atomic  # noqa: PLC0415

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, schema in document_schemas().items():
        path = target / f"{name}.schema.json"
        write_text_atomic(path, schema_text(schema))
        paths.append(path)
    path = target / CODELISTS_FILE
    write_text_atomic(path, schema_text(codelist_annotations()))
    return [*paths, path]


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
