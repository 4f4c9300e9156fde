"""The shared-record models: one row model per core data set table, generated from the data.

A submission's tables (Parquet or CSV) hold these rows; :class:`SharedRecords` holds a whole
submission's rows as JSON, table by table. The models are generated from
``definitions/core_data_set`` (never typed twice), so the exported JSON Schema
(``definitions/schemas/shared_records.schema.json``) changes with the core data set.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from npcs_review.share.dataset import Column, Table, core_data_set

__all__ = ["row_model", "shared_records_model"]

_TYPES: dict[str, type] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "date": date,
}
_CONFIG = ConfigDict(extra="forbid", frozen=True)


def _field(column: Column) -> tuple[Any, Any]:
    kind: Any = _TYPES[column.type]
    if column.enum:
        kind = Literal[tuple(column.enum)]
    extra: dict[str, Any] = {"description": column.description}
    if column.pattern:
        extra["pattern"] = column.pattern
    if column.required:
        return kind, Field(**extra)
    return kind | None, Field(default=None, **extra)


@cache
def row_model(table_id: str) -> type[BaseModel]:
    """The model of one row of a shared table (every column optional but the keys)."""
    table: Table = core_data_set().tables[table_id]
    fields = {c.name: _field(c) for c in table.columns}
    model: type[BaseModel] = create_model(  # type: ignore[call-overload]
        "".join(p.capitalize() for p in table_id.split("_")) + "Row",
        __config__=_CONFIG,
        __doc__=f"A row of the shared table {table_id}: {table.description}",
        **fields,
    )
    return model


@cache
def shared_records_model() -> type[BaseModel]:
    """A submission's rows as JSON: for each table, the list of its rows."""
    core = core_data_set()
    fields: dict[str, Any] = {}
    for t in core.tables.values():
        row: Any = row_model(t.id)
        fields[t.id] = (list[row], Field(default_factory=list, description=t.description))
    model: type[BaseModel] = create_model(
        "SharedRecords",
        __config__=_CONFIG,
        __doc__=(
            f"The rows of one submission of the core data set {core.version}, table by table "
            "(columns a submission does not share are absent or null)."
        ),
        **fields,
    )
    return model
