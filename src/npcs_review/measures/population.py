"""Child population denominators, from the user's table.

The table gives jurisdiction, year, age group, sex, race and ethnicity, and population.

A row may give ``all`` for a dimension (a total over it): a table can then hold totals by
jurisdiction and year and, separately, counts by race and ethnicity. A cell's population is
the row that matches it exactly, or else the sum over the levels of a dimension it leaves open;
when neither exists the population is *missing*, and the measure says so rather than guess.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path

import attrs

from npcs_review.errors import NpcsReviewError, Problem
from npcs_review.measures.sources import POPULATION_DIMS

__all__ = ["ALL_LEVELS", "Population", "PopulationError", "read_population"]

#: The level meaning "every level" in a population row.
ALL_LEVELS = "all"
#: A population file larger than this is refused (it is a small table of denominators).
MAX_BYTES = 50 * 1024 * 1024
_MAX_PROBLEMS = 50


class PopulationError(NpcsReviewError, ValueError):
    """The population table could not be read; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}" if problems else "invalid population table")


Key = tuple[str, ...]


@attrs.frozen
class Population:
    """Population counts keyed by (jurisdiction, year, age group, sex, race and ethnicity).

    Attributes:
        rows: population per key; levels are codes, years text, ``all`` for a total.
        source: where the table came from (for the methods section).
    """

    rows: Mapping[Key, float]
    source: str = "population table"
    _memo: dict[tuple[Key, tuple[tuple[str, tuple[str, ...]], ...]], float | None] = attrs.field(
        factory=dict, eq=False, repr=False, alias="_memo"
    )

    @cached_property
    def levels(self) -> tuple[frozenset[str], ...]:
        """The levels each dimension takes in the table (``all`` excluded)."""
        return tuple(
            frozenset(k[i] for k in self.rows if k[i] != ALL_LEVELS)
            for i in range(len(POPULATION_DIMS))
        )

    def total(
        self, cell: Mapping[str, str | None], scope: Mapping[str, Sequence[str]]
    ) -> float | None:
        """The population of ``cell`` (a level per dimension, ``None`` for all).

        An open ``jurisdiction`` or ``year`` sums over the levels in ``scope`` (the report's
        jurisdictions and years), other open dimensions over the table's own levels.
        ``None`` when some part is missing.
        """
        key: list[str] = []
        for d in POPULATION_DIMS:
            v = cell.get(d)
            key.append(ALL_LEVELS if v is None else str(v))
        levels = {d: tuple(map(str, v)) for d, v in scope.items()}
        token = (tuple(key), tuple(sorted(levels.items())))
        if token not in self._memo:
            self._memo[token] = self._lookup(tuple(key), levels, {})
        return self._memo[token]

    def _lookup(
        self, key: Key, scope: Mapping[str, tuple[str, ...]], memo: dict[Key, float | None]
    ) -> float | None:
        if key in self.rows:
            return self.rows[key]
        if key in memo:
            return memo[key]
        memo[key] = None  # a cycle guard while this key is being summed
        for i, d in enumerate(POPULATION_DIMS):
            if key[i] != ALL_LEVELS:
                continue
            levels = scope.get(d) or tuple(sorted(self.levels[i]))
            if not levels:
                continue
            total = 0.0
            for level in levels:
                part = self._lookup((*key[:i], level, *key[i + 1 :]), scope, memo)
                if part is None:
                    break
                total += part
            else:
                memo[key] = total
                return total
        return None


def read_population(path: str | Path) -> Population:
    """Read a population table from CSV (header row) or Parquet.

    Columns: ``jurisdiction``, ``year``, ``age_group``, ``sex``, ``race_ethnicity``,
    ``population`` (other columns are refused so that a typo is not silently ignored). A
    dimension column may be left out: it is then ``all`` on every row.

    Raises:
        PopulationError: with every problem, each naming the file, line and column.
        OSError: when the file cannot be read.
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise PopulationError([Problem("NPR-R001", "the population table is not a file", "", name)])
    if path.stat().st_size > MAX_BYTES:
        raise PopulationError(
            [
                Problem(
                    "NPR-F007", f"the population table is larger than {MAX_BYTES:,} bytes", "", name
                )
            ]
        )
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq  # noqa: PLC0415

        table = pq.read_table(path)
        header = list(table.column_names)
        records = [
            (i + 2, {k: "" if v is None else str(v) for k, v in row.items()})
            for i, row in enumerate(table.to_pylist())
        ]
    else:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PopulationError(
                [Problem("NPR-F002", "the population table is not UTF-8 text", "", name)]
            ) from None
        reader = csv.DictReader(io.StringIO(text))
        header = list(reader.fieldnames or [])
        records = [(reader.line_num, dict(row)) for row in reader]
    return _parse(name, header, records)


def _parse(name: str, header: list[str], records: list[tuple[int, dict[str, str]]]) -> Population:
    problems: list[Problem] = []
    allowed = {*POPULATION_DIMS, "population"}
    for column in header:
        if column not in allowed:
            problems.append(
                Problem(
                    "NPR-R001",
                    f"unknown column {column!r}; the columns are "
                    f"{', '.join([*POPULATION_DIMS, 'population'])}",
                    f"/{column}",
                    name,
                    1,
                )
            )
    for column in ("jurisdiction", "year", "population"):
        if column not in header:
            problems.append(
                Problem("NPR-R001", f"the column {column!r} is missing", f"/{column}", name, 1)
            )
    if problems:
        raise PopulationError(problems)
    rows: dict[Key, float] = {}
    first_line: dict[Key, int] = {}
    for line, record in records:
        key = tuple((record.get(d) or ALL_LEVELS).strip() for d in POPULATION_DIMS)
        raw = (record.get("population") or "").strip()
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not raw or not math.isfinite(value) or value < 0:
            problems.append(
                Problem(
                    "NPR-R001",
                    f"population must be a number of children, 0 or more, not {raw!r}",
                    "/population",
                    name,
                    line,
                )
            )
        year = key[1]
        if year != ALL_LEVELS and not (year.isdigit() and len(year) == 4):
            problems.append(
                Problem("NPR-R001", f"year must be four digits, not {year!r}", "/year", name, line)
            )
        if key in first_line:
            problems.append(
                Problem(
                    "NPR-R002",
                    f"this row repeats line {first_line[key]} "
                    f"({', '.join(f'{d}={v}' for d, v in zip(POPULATION_DIMS, key, strict=True))})",
                    "",
                    name,
                    line,
                )
            )
        else:
            first_line[key] = line
            rows[key] = value
        if len(problems) >= _MAX_PROBLEMS:
            break
    if problems:
        raise PopulationError(problems)
    return Population(rows, source=Path(name).name)
