"""Run a measure's hand-worked test vectors on any Ibis backend.

A vector gives rows of source relations, population rows and thresholds, and the cells that
must come out. The rows become tables on the backend (DuckDB in memory by default, a PySpark
session in CI), and the measure runs through the same code path as a report.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from npcs_review.measures.compute import MeasureResult, ResultRow, compute_measures
from npcs_review.measures.definition import Expected, MeasureFile, MeasureVector
from npcs_review.measures.engine import Scope
from npcs_review.measures.population import ALL_LEVELS, Population
from npcs_review.measures.sources import POPULATION_DIMS, SOURCES

__all__ = ["VectorFailure", "check_vector", "run_vector", "source_tables"]

_counter = itertools.count()


@attrs.frozen
class VectorFailure:
    """One expectation a vector's output did not meet."""

    measure: str
    vector: str
    expected: Expected
    problem: str

    def __str__(self) -> str:
        return f"{self.measure}: {self.vector}: {self.expected.cell}: {self.problem}"


def source_tables(rows: Mapping[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Arrow tables for each source with all its columns (missing: null; ``year``: integer)."""
    import pyarrow as pa  # noqa: PLC0415

    out = {}
    for name, source in SOURCES.items():
        given = rows.get(name, [])
        columns = {}
        for column in source.columns:
            values = [r.get(column) for r in given]
            if column == "year":
                columns[column] = pa.array(values, pa.int64())
            else:
                columns[column] = pa.array(
                    [None if v is None else str(v) for v in values], pa.string()
                )
        out[name] = pa.table(columns)
    return out


def run_vector(
    measure: MeasureFile, vector: MeasureVector, load: Callable[[str, Any], Any] | None = None
) -> MeasureResult:
    """Compute ``measure`` on ``vector``'s rows.

    Args:
        measure: the measure.
        vector: one of its vectors.
        load: puts an Arrow table on the backend under a name and returns it as an Ibis table
            (default: a fresh in-memory DuckDB database).
    """
    if load is None:
        import ibis  # noqa: PLC0415

        con = ibis.duckdb.connect()

        def load(name: str, table: Any) -> Any:
            return con.create_table(name, table, overwrite=True)

    run = next(_counter)
    sources = {
        name: load(f"v{run}_{name}", table) for name, table in source_tables(vector.rows).items()
    }
    years = sorted({int(r["year"]) for rs in vector.rows.values() for r in rs if "year" in r})
    jurisdictions = {
        str(r["jurisdiction"]) for rs in vector.rows.values() for r in rs if "jurisdiction" in r
    }
    levels = {"jurisdiction": tuple(sorted(jurisdictions | set(vector.thresholds)))}
    population = None
    if vector.population:
        population = Population(
            {
                tuple(str(r.get(d, ALL_LEVELS)) for d in POPULATION_DIMS): float(r["population"])
                for r in vector.population
            }
        )
    (result,) = compute_measures(
        [measure],
        sources,
        thresholds=vector.thresholds,
        default_threshold=1,
        population=population,
        scope=Scope(years=(years[0], years[-1]) if years else None, levels=levels),
        load=lambda name, table: load(f"v{run}_{name}", table),
    )
    return result


def _find(result: MeasureResult, vector: MeasureVector, expected: Expected) -> ResultRow | None:
    dims = tuple(vector.table)
    want = {d: None if expected.cell.get(d) is None else str(expected.cell[d]) for d in dims}
    for table in result.tables:
        if table.facet != expected.facet or set(table.dims) != set(dims):
            continue
        for row in table.rows:
            if dict(row.cell) == want:
                return row
    return None


def _close(got: float | None, want: float) -> bool:
    return got is not None and math.isclose(got, want, rel_tol=1e-3, abs_tol=1e-3)


def check_vector(
    measure: MeasureFile, vector: MeasureVector, result: MeasureResult
) -> list[VectorFailure]:
    """Every expectation of ``vector`` that ``result`` does not meet."""
    failures = []
    for expected in vector.expected:
        row = _find(result, vector, expected)

        def fail(problem: str, expected: Expected = expected) -> None:
            failures.append(VectorFailure(measure.id, vector.name, expected, problem))

        if row is None:
            fail("no such cell in the output")
            continue
        if expected.suppressed != (row.suppressed is not None):
            fail(f"suppressed is {row.suppressed!r}")
        if expected.count is not None and row.count != expected.count:
            fail(f"count is {row.count}, not {expected.count}")
        for name in ("denominator", "value", "low", "high", "change"):
            want = getattr(expected, name)
            if want is not None and not _close(getattr(row, name), want):
                fail(f"{name} is {getattr(row, name)}, not {want}")
        if expected.unstable is not None and row.unstable != expected.unstable:
            fail(f"unstable is {row.unstable}")
    return failures
