"""The same measure code on PySpark (local mode): results equal DuckDB's.

Spark starts once per test session (the ``spark`` fixture); each test here is a few seconds of
Spark work. Two vectors check hand-worked values on Spark itself; the whole report on a generated
pool (every measure: facets, proportions with a numerator from another source, pairs, the
thresholds join) is compared cell by cell with DuckDB's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import ibis
import pytest

from npcs_review.measures.definition import load_measures
from npcs_review.measures.report import build_report
from npcs_review.measures.vectors import check_vector, run_vector
from pool_data import generate_pool
from tests.conftest import EXAMPLES, spark_loader

POPULATION = EXAMPLES / "partnership" / "population.csv"

pytestmark = [
    pytest.mark.spark,
    # Ibis's PySpark backend hands results over through pandas 3, which warns about it
    pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning"),
]

MEASURES = load_measures()
CHOSEN = [
    ("maltreatment_fatality_rate", 2),  # facet, thresholds join, complementary suppression
    ("stronger_action_share", 0),  # a null-sensitive filter (nulls survive the loader)
]


@pytest.mark.parametrize(("measure_id", "index"), CHOSEN, ids=[f"{m}[{i}]" for m, i in CHOSEN])
def test_vector_on_pyspark_equals_duckdb(spark: Any, measure_id: str, index: int) -> None:
    """The hand-worked vector passes on PySpark, and every cell equals DuckDB's."""
    measure = MEASURES[measure_id]
    vector = measure.vectors[index]
    on_spark = run_vector(measure, vector, spark_loader(spark))
    assert check_vector(measure, vector, on_spark) == []
    on_duckdb = run_vector(measure, vector)
    assert on_spark.tables == on_duckdb.tables


def test_the_whole_report_on_pyspark_equals_duckdb(spark: Any, tmp_path: Path) -> None:
    """Every measure of the report, run on PySpark over the same pooled tables, gives exactly
    the cells, flags and audits DuckDB gives (one measure code, two engines)."""
    path = tmp_path / "pool.duckdb"
    generate_pool(path, 300, seed=5)
    load = spark_loader(spark)
    con = duckdb.connect(str(path), read_only=True)
    try:
        for name in con.execute("SHOW TABLES").fetchall():
            load(name[0], con.execute(f'SELECT * FROM "{name[0]}"').fetch_arrow_table())
    finally:
        con.close()
    on_spark = build_report(
        connection=ibis.pyspark.connect(spark), population=POPULATION, load=load
    )
    on_duckdb = build_report(path, population=POPULATION)
    assert on_spark.thresholds == on_duckdb.thresholds
    for a, b in zip(on_spark.results, on_duckdb.results, strict=True):
        assert a.measure.id == b.measure.id
        assert a.tables == b.tables, a.measure.id
        assert a.audit == b.audit, a.measure.id
