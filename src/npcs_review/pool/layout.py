"""The pooled partnership database's layout, generated from the core data set.

One table per core data set table, with every column any agreement can fill (a column a
submission does not share is empty), preceded by ``submission_id``; plus ``submissions``, the
history of every submission ever added. Types are DuckDB's; measures read the tables through
Ibis. Keys: each data table's primary key is ``submission_id`` and the table's key (the
jurisdiction, the case pseudonym, and the row's own key); a case is current in one submission
at a time.
"""

from __future__ import annotations

import attrs

from npcs_review.share.dataset import ColumnType, CoreDataSet, core_data_set

__all__ = [
    "SQL_TYPES",
    "SUBMISSIONS",
    "PoolColumn",
    "PoolTable",
    "create_statements",
    "duplicate_keys_sql",
    "pool_layout",
]

#: The DuckDB type of each Table Schema type.
SQL_TYPES: dict[ColumnType, str] = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
}


@attrs.frozen
class PoolColumn:
    """A column of the pooled database."""

    name: str
    type: str
    """DuckDB type."""
    not_null: bool
    description: str


@attrs.frozen
class PoolTable:
    """A table of the pooled database."""

    name: str
    description: str
    columns: tuple[PoolColumn, ...]
    primary_key: tuple[str, ...]


_SUBMISSION_ID = PoolColumn(
    "submission_id",
    "VARCHAR",
    True,
    "The submission the row came from (sub- and 32 hex digits, computed from its manifest).",
)

#: The history of submissions: one row per submission ever added, never deleted.
SUBMISSIONS = PoolTable(
    "submissions",
    "Every submission ever added: current, replaced by a newer one, or removed.",
    (
        _SUBMISSION_ID,
        PoolColumn("jurisdiction", "VARCHAR", True, "The submitting jurisdiction."),
        PoolColumn("period", "VARCHAR", True, "The period the submission covers (e.g. 2025-Q3)."),
        PoolColumn("status", "VARCHAR", True, "current, replaced or removed."),
        PoolColumn("replaced_by", "VARCHAR", False, "The submission that replaced it."),
        PoolColumn("cases", "BIGINT", True, "Cases in the submission."),
        PoolColumn(
            "cases_superseded",
            "BIGINT",
            True,
            "Cases of other periods' submissions that this submission updated.",
        ),
        PoolColumn("agreement_id", "VARCHAR", True, "The sharing agreement applied."),
        PoolColumn("agreement_version", "VARCHAR", True, "Its version."),
        PoolColumn("core_data_set_version", "VARCHAR", True, "Version of the core data set."),
        PoolColumn("definitions_version", "VARCHAR", True, "Version of the definitions set."),
        PoolColumn("case_schema_version", "VARCHAR", True, "Version of the case-file schema."),
        PoolColumn("library_version", "VARCHAR", True, "npcs_review version that wrote it."),
        PoolColumn("key_id", "VARCHAR", True, "Fingerprint of the pseudonym key."),
        PoolColumn("added_at", "TIMESTAMP", True, "When it was added to the pool (UTC)."),
        PoolColumn("changed_at", "TIMESTAMP", True, "When its status last changed (UTC)."),
        PoolColumn("manifest", "VARCHAR", True, "The submission's manifest (JSON)."),
    ),
    ("submission_id",),
)


def pool_layout(core: CoreDataSet | None = None) -> tuple[PoolTable, ...]:
    """Every table of the pooled database: ``submissions``, then one per core data set table."""
    core = core or core_data_set()
    tables = [SUBMISSIONS]
    for table in core.tables.values():
        columns = [_SUBMISSION_ID] + [
            PoolColumn(c.name, SQL_TYPES[c.type], c.required, c.description) for c in table.columns
        ]
        tables.append(
            PoolTable(table.id, table.description, tuple(columns), ("submission_id", *table.key))
        )
    return tuple(tables)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_statements(core: CoreDataSet | None = None) -> list[str]:
    """``CREATE TABLE IF NOT EXISTS`` statements for the whole layout.

    Only ``submissions`` declares its primary key to DuckDB: an index on the data tables would
    triple the time a load takes, so ``pool add`` checks the new submission's keys itself
    (:func:`duplicate_keys_sql`), inside the load's transaction.
    """
    out = []
    for table in pool_layout(core):
        cols = [
            f"{_quote(c.name)} {c.type}{' NOT NULL' if c.not_null else ''}" for c in table.columns
        ]
        if table.name == SUBMISSIONS.name:
            cols.append(f"PRIMARY KEY ({', '.join(_quote(k) for k in table.primary_key)})")
        out.append(f"CREATE TABLE IF NOT EXISTS {_quote(table.name)} ({', '.join(cols)})")
    return out


def duplicate_keys_sql(table: PoolTable) -> str:
    """A query counting the key values that occur twice in one submission (parameter: its id)."""
    keys = ", ".join(_quote(k) for k in table.primary_key)
    return (
        f"SELECT count(*) FROM (SELECT {keys} FROM {_quote(table.name)} WHERE submission_id = ? "
        f"GROUP BY {keys} HAVING count(*) > 1)"
    )
