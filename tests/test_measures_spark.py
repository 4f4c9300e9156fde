"""The same measure code on PySpark (local mode): results equal DuckDB's.

Spark starts once per test session (the ``spark`` fixture); each test here is a few seconds of
Spark work. The vectors chosen cover every path of the compiled expressions (the statistics
themselves are computed after the backend, the same for every backend); the whole report on a
generated pool is compared in ``test_report.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from npcs_review.measures.definition import load_measures
from npcs_review.measures.vectors import check_vector, run_vector
from tests.conftest import spark_loader

pytestmark = [
    pytest.mark.spark,
    # Ibis's PySpark backend hands results over through pandas 3, which warns about it
    pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning"),
]

MEASURES = load_measures()
CHOSEN = [
    ("maltreatment_fatality_rate", 2),  # facet, thresholds join, complementary suppression
    ("prior_involvement_share", 1),  # proportion with a hidden complement
    ("level_recurrence", 0),  # numerator from another source, facet on the numerator only
    ("element_co_occurrence", 0),  # self-join for pairs
    ("stronger_action_share", 0),  # a null-sensitive filter
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
