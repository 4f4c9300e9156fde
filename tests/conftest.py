"""Shared fixtures."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# The compiled-registry cache of this test run (and of the commands it starts) lives in a
# temporary folder, never in the user's cache folder.
_CACHE = tempfile.mkdtemp(prefix="npcs-review-test-cache-")
os.environ["NPCS_REVIEW_CACHE_DIR"] = _CACHE


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove the run's cache folder."""
    shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture
def example_path() -> Path:
    """The near-fatality example used throughout the docs."""
    return EXAMPLES / "near-fatality-abusive-head-trauma.yaml"


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local PySpark session for the whole test run (skipped, with a message, without Java).

    Spark starts slowly (10-30 s): every PySpark test shares this session. Load data with
    :func:`spark_loader`, not Ibis's ``create_table`` (which garbles nulls on PySpark 4.0 with
    pandas 3).
    """
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip(
            "no Java: the PySpark tests need a JDK 17 or later "
            "(apt-get install openjdk-17-jre-headless; .ci/run installs it)"
        )
    sql = pytest.importorskip("pyspark.sql", reason="pip install pyspark (a dev dependency)")
    warehouse = tempfile.mkdtemp(prefix="npcs-spark-")
    session = (
        sql.SparkSession.builder.master("local[1]")
        .appName("npcs-review-tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", warehouse)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
        shutil.rmtree(warehouse, ignore_errors=True)


def spark_loader(session: Any) -> Callable[[str, Any], Any]:
    """A loader putting an Arrow table on ``session`` as a temporary view, returned as an Ibis
    table (built row by row with an explicit schema, so nulls stay nulls)."""
    import ibis  # noqa: PLC0415 - only the PySpark tests need Ibis here
    import pyarrow as pa  # noqa: PLC0415

    con = ibis.pyspark.connect(session)

    def kind(field: Any) -> str:
        if pa.types.is_integer(field.type):
            return "BIGINT"
        if pa.types.is_floating(field.type):
            return "DOUBLE"
        if pa.types.is_boolean(field.type):
            return "BOOLEAN"
        if pa.types.is_date(field.type):
            return "DATE"
        if pa.types.is_timestamp(field.type):
            return "TIMESTAMP"
        return "STRING"

    def load(name: str, table: Any) -> Any:
        names = table.column_names
        schema = ", ".join(f"`{f.name}` {kind(f)}" for f in table.schema)
        rows = [tuple(r[c] for c in names) for r in table.to_pylist()]
        session.createDataFrame(rows, schema=schema).createOrReplaceTempView(name)
        return con.table(name)

    return load
