"""The pooled database: verify first, one transaction, idempotent, replace with history."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from npcs_review.pool.database import PoolError, pool_add, pool_list, pool_remove
from npcs_review.pool.layout import pool_layout
from npcs_review.share.submission import submission_id_of
from tests.conftest import ROOT
from tests.sharing import OTHER_KEY, cases_of, submit

TABLES = [t.name for t in pool_layout()]


def _snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted (the database's whole content)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}
    finally:
        con.close()


def _count(db: Path, sql: str) -> Any:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]  # type: ignore[index]
    finally:
        con.close()


def test_add_is_idempotent_and_every_row_keeps_its_submission(tmp_path: Path) -> None:
    """Adding the same submission twice changes nothing; rows carry the submission id."""
    result = submit(tmp_path / "q3", cases_of("us_pa", 12))
    db = tmp_path / "pool.duckdb"
    first = pool_add(tmp_path / "q3", db)
    assert first.outcome == "added"
    assert first.cases == 12
    before = _snapshot(db)
    again = pool_add(tmp_path / "q3", db)
    assert again.outcome == "unchanged"
    assert _snapshot(db) == before
    for table in TABLES[1:]:
        ids = _count(db, f"SELECT count(DISTINCT submission_id) FROM {table}")
        assert ids in (0, 1)
    assert _count(db, "SELECT min(submission_id) FROM incidents") == result.submission_id


def test_default_database_is_beside_the_submissions(tmp_path: Path) -> None:
    """Without --db the database is partnership.duckdb next to the submission folder."""
    submit(tmp_path / "q3", cases_of("us_pa", 2))
    added = pool_add(tmp_path / "q3")
    assert added.database == (tmp_path / "partnership.duckdb").resolve()
    assert added.database.is_file()


def test_a_resubmission_replaces_and_the_history_keeps_the_old_one(tmp_path: Path) -> None:
    """A newer submission for the same jurisdiction and period replaces the older one's rows."""
    db = tmp_path / "pool.duckdb"
    old = submit(tmp_path / "v1", cases_of("us_pa", 10))
    pool_add(tmp_path / "v1", db)
    corrected = cases_of("us_pa", 12)  # two more cases, the same ten updated
    corrected[0]["child"]["sex"] = "male" if corrected[0]["child"]["sex"] == "female" else "female"
    new = submit(tmp_path / "v2", corrected)
    added = pool_add(tmp_path / "v2", db)
    assert added.replaced == (old.submission_id,)
    assert _count(db, "SELECT count(*) FROM incidents") == 12
    assert (
        _count(db, f"SELECT count(*) FROM incidents WHERE submission_id = '{old.submission_id}'")
        == 0
    )
    history = {r.submission_id: r for r in pool_list(db)}
    assert history[old.submission_id].status == "replaced"
    assert history[old.submission_id].replaced_by == new.submission_id
    assert history[new.submission_id].status == "current"
    manifest = _count(
        db, f"SELECT manifest FROM submissions WHERE submission_id = '{old.submission_id}'"
    )
    assert old.submission_id in manifest  # the old submission's manifest is kept


def test_a_case_shared_again_in_a_later_period_is_updated_not_doubled(tmp_path: Path) -> None:
    """Same key, same case: the later submission's rows replace the earlier ones."""
    db = tmp_path / "pool.duckdb"
    submit(tmp_path / "q3", cases_of("us_pa", 6))
    submit(tmp_path / "q4", cases_of("us_pa", 4, start=4), period="2025-Q4")  # cases 4, 5 again
    pool_add(tmp_path / "q3", db)
    added = pool_add(tmp_path / "q4", db)
    assert added.cases_superseded == 2
    assert _count(db, "SELECT count(*) FROM incidents") == 8
    assert _count(db, "SELECT count(DISTINCT case_pseudonym) FROM children") == 8


def test_another_key_is_flagged(tmp_path: Path) -> None:
    """Pseudonyms under another key cannot be matched: the add says so."""
    db = tmp_path / "pool.duckdb"
    submit(tmp_path / "q3", cases_of("us_pa", 3))
    submit(tmp_path / "q4", cases_of("us_pa", 3), period="2025-Q4", key=OTHER_KEY)
    pool_add(tmp_path / "q3", db)
    assert pool_add(tmp_path / "q4", db).warnings


def test_a_corrupted_file_is_refused_by_checksum_and_nothing_changes(tmp_path: Path) -> None:
    """A byte flipped in a table: refused before the database is touched."""
    db = tmp_path / "pool.duckdb"
    submit(tmp_path / "good", cases_of("us_pa", 5))
    pool_add(tmp_path / "good", db)
    before = _snapshot(db)
    submit(tmp_path / "bad", cases_of("us_pa", 8), period="2025-Q4")
    path = tmp_path / "bad" / "classifications.parquet"
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(PoolError) as caught:
        pool_add(tmp_path / "bad", db)
    assert "NPR-P332" in {p.code for p in caught.value.problems}
    assert _snapshot(db) == before


_KILLER = """
import os, signal, sys
import npcs_review.pool.database as d
real, calls = d._insert_table, []
def insert(*args, **kwargs):
    calls.append(args[1])
    if len(calls) == 4:  # three tables in, the old submission's rows already deleted
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
d._insert_table = insert
d.pool_add(sys.argv[1], sys.argv[2])
"""


def test_a_load_killed_midway_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    """SIGKILL in the middle of a replacing load: on reopening, nothing of it is there."""
    db = tmp_path / "pool.duckdb"
    submit(tmp_path / "v1", cases_of("us_pa", 15))
    pool_add(tmp_path / "v1", db)
    before = _snapshot(db)
    submit(tmp_path / "v2", cases_of("us_pa", 20))
    run = subprocess.run(
        [sys.executable, "-c", _KILLER, str(tmp_path / "v2"), str(db)],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert run.returncode == -9, run.stderr.decode()
    assert _snapshot(db) == before
    assert pool_add(tmp_path / "v2", db).outcome == "added"  # and the database still works
    assert _count(db, "SELECT count(*) FROM incidents") == 20


def test_remove_takes_the_rows_out_and_keeps_the_history(tmp_path: Path) -> None:
    """A removed submission has no rows; it stays listed; removing it again is refused."""
    db = tmp_path / "pool.duckdb"
    result = submit(tmp_path / "q3", cases_of("us_pa", 4))
    pool_add(tmp_path / "q3", db)
    removed = pool_remove(result.submission_id, db)
    assert removed.rows_removed > 4
    assert _count(db, "SELECT count(*) FROM incidents") == 0
    assert [r.status for r in pool_list(db)] == ["removed"]
    with pytest.raises(PoolError, match="not current"):
        pool_remove(result.submission_id, db)
    with pytest.raises(PoolError, match="no submission"):
        pool_remove("sub-0", db)
    assert pool_add(tmp_path / "q3", db).outcome == "restored"


def test_list_without_a_database_is_a_clear_error(tmp_path: Path) -> None:
    """Listing a database that does not exist says so (and creates nothing)."""
    with pytest.raises(PoolError, match="no partnership database"):
        pool_list(tmp_path / "none.duckdb")
    assert not (tmp_path / "none.duckdb").exists()


def test_csv_submissions_load_with_the_same_types(tmp_path: Path) -> None:
    """A CSV submission loads into the same typed tables as a Parquet one."""
    db = tmp_path / "pool.duckdb"
    submit(tmp_path / "csv", cases_of("us_pa", 6), tables="csv")
    submit(tmp_path / "pq", cases_of("us_pa", 6), period="2025-Q4", key=OTHER_KEY)
    pool_add(tmp_path / "csv", db)
    pool_add(tmp_path / "pq", db)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT s.period, count(*), sum(child_age_years) FROM children c "
        "JOIN submissions s USING (submission_id) GROUP BY 1 ORDER BY 1"
    ).fetchall()
    con.close()
    assert rows[0][1:] == rows[1][1:]


def _reseal(folder: Path) -> None:
    """Recompute the manifest's checksums and id, as a careless tool editing a table would."""
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["files"]:
        data = (folder / entry["path"]).read_bytes()
        entry["sha256"], entry["bytes"] = hashlib.sha256(data).hexdigest(), len(data)
    manifest["submission_id"] = submission_id_of(manifest["provenance"], manifest["files"])
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_a_submission_repeating_a_key_is_refused_whole(tmp_path: Path) -> None:
    """A table that repeats a row's key (the pool's primary key) loads nothing at all."""
    db = tmp_path / "pool.duckdb"
    submit(tmp_path / "ok", cases_of("us_pa", 3))
    pool_add(tmp_path / "ok", db)
    before = _snapshot(db)
    submit(tmp_path / "twice", cases_of("us_pa", 5), period="2025-Q4")
    path = tmp_path / "twice" / "children.parquet"
    table = pq.read_table(path)
    pq.write_table(pa.concat_tables([table, table.slice(0, 1)]), path)
    _reseal(tmp_path / "twice")
    with pytest.raises(PoolError, match="repeats 1 key"):
        pool_add(tmp_path / "twice", db)
    assert _snapshot(db) == before
