"""The pooled partnership database: add, list and remove submissions (DuckDB, embedded).

``pool_add`` checks a submission first (checksums, tables, provenance, agreement: see
:func:`npcs_review.share.check.check_submission`) and then loads it in one transaction, so a bad
submission, an error or a killed process leaves the database exactly as it was. Adding the same
submission again changes nothing. A newer submission for the same jurisdiction and period
replaces the older one's rows; the older one stays in ``submissions`` (status ``replaced``, with
its manifest), so nothing is silently lost. A case that a later submission shares again (same
jurisdiction, same keyed pseudonym) is updated rather than counted twice. Every row keeps its
``submission_id``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import attrs

from npcs_review.errors import NpcsReviewError, Problem
from npcs_review.pool.layout import (
    SUBMISSIONS,
    create_statements,
    duplicate_keys_sql,
    pool_layout,
)

__all__ = [
    "DEFAULT_DB",
    "AddResult",
    "PoolError",
    "RemoveResult",
    "SubmissionRecord",
    "default_database",
    "pool_add",
    "pool_list",
    "pool_remove",
]

#: The database's file name when none is given: beside the submissions.
DEFAULT_DB = "partnership.duckdb"


class PoolError(NpcsReviewError):
    """A submission could not be added or removed; the database is unchanged.

    Attributes:
        problems: every problem found.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@attrs.frozen
class SubmissionRecord:
    """One row of ``submissions``: a submission ever added, and its status."""

    submission_id: str
    jurisdiction: str
    period: str
    status: str
    replaced_by: str | None
    cases: int
    cases_superseded: int
    agreement: str
    core_data_set_version: str
    definitions_version: str
    case_schema_version: str
    library_version: str
    key_id: str
    added_at: str
    changed_at: str


@attrs.frozen
class AddResult:
    """What ``pool_add`` did."""

    database: Path
    submission_id: str
    outcome: Literal["added", "unchanged", "restored"]
    """added; unchanged (already current: nothing done); restored (a replaced or removed
    submission made current again)."""
    jurisdiction: str
    period: str
    cases: int
    rows: dict[str, int]
    replaced: tuple[str, ...]
    cases_superseded: int
    warnings: tuple[str, ...] = ()


@attrs.frozen
class RemoveResult:
    """What ``pool_remove`` did."""

    database: Path
    submission_id: str
    jurisdiction: str
    period: str
    rows_removed: int


def default_database(submission: str | os.PathLike[str]) -> Path:
    """The default database for a submission folder: ``partnership.duckdb`` beside it."""
    return Path(submission).resolve().parent / DEFAULT_DB


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def _connect(db: Path, *, create: bool) -> Iterator[Any]:
    import duckdb  # noqa: PLC0415 - heavy

    if not create and not db.is_file():
        raise PoolError(
            [
                Problem(
                    "NPR-P340", "no partnership database here; add a submission first", "", str(db)
                )
            ]
        )
    try:
        con = duckdb.connect(str(db))
    except duckdb.Error as exc:
        raise PoolError(
            [Problem("NPR-P340", f"cannot open the database: {exc}", "", str(db))]
        ) from None
    try:
        con.execute("SET enable_progress_bar = false")  # a library prints nothing by itself
        _ensure_layout(con)
        yield con
    finally:
        con.close()


def _ensure_layout(con: Any) -> None:
    """Create missing tables; add columns a newer core data set has (never drop any)."""
    for statement in create_statements():
        con.execute(statement)
    for table in pool_layout():
        have = {r[0] for r in con.execute(f"DESCRIBE {_q(table.name)}").fetchall()}
        for column in table.columns:
            if column.name not in have:
                con.execute(
                    f"ALTER TABLE {_q(table.name)} ADD COLUMN {_q(column.name)} {column.type}"
                )


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _insert_table(
    con: Any, table: str, path: Path, fmt: str, columns: list[str], submission_id: str
) -> int:
    cols = ", ".join(_q(c) for c in columns)
    if fmt == "csv":
        from npcs_review.pool.layout import SQL_TYPES  # noqa: PLC0415
        from npcs_review.share.dataset import core_data_set  # noqa: PLC0415

        types = {c.name: SQL_TYPES[c.type] for c in core_data_set().tables[table].columns}
        spec = ", ".join(f"'{c}': '{types[c]}'" for c in columns)
        source = f"read_csv(?, header = true, columns = {{{spec}}})"
    else:
        source = "read_parquet(?)"
    before = con.execute(f"SELECT count(*) FROM {_q(table)}").fetchone()[0]
    con.execute(
        f"INSERT INTO {_q(table)} (submission_id, {cols}) SELECT ?, {cols} FROM {source}",
        [submission_id, str(path)],
    )
    after = con.execute(f"SELECT count(*) FROM {_q(table)}").fetchone()[0]
    return int(after - before)


def pool_add(
    folder: str | os.PathLike[str],
    db: str | os.PathLike[str] | None = None,
    *,
    overlays: Iterable[str | Path] = (),
) -> AddResult:
    """Check the submission in ``folder``, then load it into the database in one transaction.

    Raises:
        PoolError: with every problem, if the submission fails the check or the load fails
            (the database is then unchanged).
    """
    import duckdb  # noqa: PLC0415

    from npcs_review.share.check import check_submission  # noqa: PLC0415

    source = Path(folder)
    database = Path(db) if db is not None else default_database(source)
    checked = check_submission(source, overlays)
    if not checked.ok:
        raise PoolError(list(checked.problems))
    assert checked.submission_id is not None
    sid = checked.submission_id
    prov = checked.provenance
    jurisdiction, period = str(prov["jurisdiction"]), str(prov["period"])
    with _connect(database, create=True) as con:
        found = con.execute(
            "SELECT status FROM submissions WHERE submission_id = ?", [sid]
        ).fetchone()
        if found is not None and found[0] == "current":
            return AddResult(database, sid, "unchanged", jurisdiction, period, 0, {}, (), 0)
        warnings = tuple(
            f"submission {other} of {jurisdiction} used another pseudonym key: its cases "
            "cannot be matched to this submission's"
            for (other,) in con.execute(
                "SELECT submission_id FROM submissions WHERE jurisdiction = ? AND "
                "status = 'current' AND key_id <> ? ORDER BY submission_id",
                [jurisdiction, prov["key_id"]],
            ).fetchall()
        )
        now = _now()
        con.begin()
        try:
            replaced = [
                r[0]
                for r in con.execute(
                    "SELECT submission_id FROM submissions WHERE jurisdiction = ? AND period = ? "
                    "AND status = 'current' ORDER BY submission_id",
                    [jurisdiction, period],
                ).fetchall()
            ]
            data_tables = [t.name for t in pool_layout() if t.name != SUBMISSIONS.name]
            for old in replaced:
                for table in data_tables:
                    con.execute(f"DELETE FROM {_q(table)} WHERE submission_id = ?", [old])
                con.execute(
                    "UPDATE submissions SET status = 'replaced', replaced_by = ?, changed_at = ? "
                    "WHERE submission_id = ?",
                    [sid, now, old],
                )
            con.execute("DELETE FROM submissions WHERE submission_id = ?", [sid])
            rows = _load_tables(con, source, checked, sid)
            for layout in pool_layout():
                if layout.name != SUBMISSIONS.name:
                    twice = con.execute(duplicate_keys_sql(layout), [sid]).fetchone()[0]
                    if twice:
                        raise PoolError(
                            [
                                Problem(
                                    "NPR-P341",
                                    f"table {layout.name} repeats {twice} key(s) "
                                    f"({', '.join(layout.primary_key[1:])}); nothing was loaded",
                                    "",
                                    str(source),
                                )
                            ]
                        )
            superseded = con.execute(
                "SELECT count(*) FROM incidents AS o JOIN incidents AS n USING "
                "(jurisdiction, case_pseudonym) WHERE n.submission_id = ? AND "
                "o.submission_id <> ?",
                [sid, sid],
            ).fetchone()[0]
            if superseded:
                for table in data_tables:
                    con.execute(
                        f"DELETE FROM {_q(table)} AS t WHERE t.submission_id <> ? AND EXISTS ("
                        "SELECT 1 FROM incidents AS n WHERE n.submission_id = ? AND "
                        "n.jurisdiction = t.jurisdiction AND n.case_pseudonym = t.case_pseudonym)",
                        [sid, sid],
                    )
            con.execute(
                f"INSERT INTO submissions ({', '.join(c.name for c in SUBMISSIONS.columns)}) "
                f"VALUES ({', '.join('?' for _ in SUBMISSIONS.columns)})",
                [
                    sid,
                    jurisdiction,
                    period,
                    "current",
                    None,
                    rows.get("incidents", 0),
                    superseded,
                    prov["agreement_id"],
                    prov["agreement_version"],
                    prov["core_data_set_version"],
                    prov["definitions_version"],
                    prov["case_schema_version"],
                    prov["library_version"],
                    prov["key_id"],
                    now,
                    now,
                    checked.manifest_text,
                ],
            )
            con.commit()
        except BaseException as exc:
            con.rollback()
            if isinstance(exc, duckdb.Error):
                raise PoolError(
                    [Problem("NPR-P341", f"the load failed and was undone: {exc}", "", str(source))]
                ) from None
            raise
    return AddResult(
        database,
        sid,
        "restored" if found is not None else "added",
        jurisdiction,
        period,
        rows.get("incidents", 0),
        rows,
        tuple(replaced),
        int(superseded),
        warnings,
    )


def _load_tables(con: Any, source: Path, checked: Any, sid: str) -> dict[str, int]:
    import json  # noqa: PLC0415

    fmt = str(checked.provenance["tables_format"])
    package = json.loads((source / "datapackage.json").read_text(encoding="utf-8"))
    rows = {}
    for resource in package["resources"]:
        columns = [f["name"] for f in resource["schema"]["fields"]]
        rows[resource["name"]] = _insert_table(
            con, resource["name"], source / resource["path"], fmt, columns, sid
        )
    return rows


def pool_list(db: str | os.PathLike[str]) -> tuple[SubmissionRecord, ...]:
    """Every submission ever added, by jurisdiction, period and time added.

    Raises:
        PoolError: if there is no database there.
    """
    columns = [c.name for c in SUBMISSIONS.columns if c.name != "manifest"]
    with _connect(Path(db), create=False) as con:
        found = con.execute(
            f"SELECT {', '.join(columns)} FROM submissions "
            "ORDER BY jurisdiction, period, added_at, submission_id"
        ).fetchall()
    out = []
    for row in found:
        r = dict(zip(columns, row, strict=True))
        out.append(
            SubmissionRecord(
                r["submission_id"],
                r["jurisdiction"],
                r["period"],
                r["status"],
                r["replaced_by"],
                r["cases"],
                r["cases_superseded"],
                f"{r['agreement_id']} {r['agreement_version']}",
                r["core_data_set_version"],
                r["definitions_version"],
                r["case_schema_version"],
                r["library_version"],
                r["key_id"],
                r["added_at"].isoformat(sep=" ", timespec="seconds"),
                r["changed_at"].isoformat(sep=" ", timespec="seconds"),
            )
        )
    return tuple(out)


def pool_remove(submission_id: str, db: str | os.PathLike[str]) -> RemoveResult:
    """Take a current submission's rows out of the pool; it stays in the history as removed.

    Raises:
        PoolError: if there is no such current submission (nothing changes).
    """
    database = Path(db)
    with _connect(database, create=False) as con:
        found = con.execute(
            "SELECT jurisdiction, period, status, replaced_by FROM submissions "
            "WHERE submission_id = ?",
            [submission_id],
        ).fetchone()
        if found is None or found[2] != "current":
            why = (
                "no submission with this id"
                if found is None
                else f"it is not current ({found[2]}"
                + (f" by {found[3]})" if found[3] else ")")
                + ": its rows are already out of the pool"
            )
            raise PoolError([Problem("NPR-P342", why, "", submission_id)])
        removed = 0
        con.begin()
        try:
            for table in pool_layout():
                if table.name == SUBMISSIONS.name:
                    continue
                removed += con.execute(
                    f"SELECT count(*) FROM {_q(table.name)} WHERE submission_id = ?",
                    [submission_id],
                ).fetchone()[0]
                con.execute(
                    f"DELETE FROM {_q(table.name)} WHERE submission_id = ?", [submission_id]
                )
            con.execute(
                "UPDATE submissions SET status = 'removed', changed_at = ? WHERE submission_id = ?",
                [_now(), submission_id],
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
    return RemoveResult(database, submission_id, found[0], found[1], removed)
