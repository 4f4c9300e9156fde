"""The partnership report: every measure the pool supports, protected, with its methods.

:func:`build_report` opens the pooled database (the DuckDB file ``pool add`` writes, or any
Ibis connection URL), reads which jurisdictions and years it holds, runs every measure through
the engine on that backend, and returns a :class:`PartnershipReport` — the input of every
rendering (HTML, Markdown, CSV, Parquet; see ``npcs_review.render.partnership``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from npcs_review.errors import NpcsReviewError, Problem
from npcs_review.measures.compute import MeasureResult, compute_measures
from npcs_review.measures.definition import MeasureFile, load_measures
from npcs_review.measures.engine import Scope
from npcs_review.measures.pool import PoolFacts, partnership_definitions, pool_facts, pool_sources
from npcs_review.measures.population import Population, read_population

__all__ = [
    "DEFAULT_THRESHOLD",
    "PartnershipReport",
    "ReportError",
    "build_report",
    "parse_period",
    "report_rows",
]

#: Threshold where a submission's agreement is found nowhere (the partnership default
#: agreement's, counts 1-10 suppressed, the CMS cell-size rule).
DEFAULT_THRESHOLD = 11
#: The pool's tables the report reads.
REQUIRED_TABLES = ("submissions", "incidents", "children", "classifications")


class ReportError(NpcsReviewError, ValueError):
    """The report cannot be built from what was given; carries the problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


def _problem(code: str, message: str, where: str = "") -> ReportError:
    return ReportError([Problem(code, message, "", where or None)])


@attrs.frozen
class PartnershipReport:
    """Everything a rendering of the report needs.

    Attributes:
        title: the report's title.
        period: first and last incident year covered.
        jurisdictions: the jurisdictions covered.
        facts: what the pool holds (current submissions, versions).
        thresholds: each jurisdiction's small-cell threshold, as applied.
        default_threshold: applied where a jurisdiction's submissions record none.
        population: where the population denominators came from, or ``None``.
        results: one result per measure, in report order.
        definitions_version: the definitions set the library carries.
        backend: the Ibis backend the measures ran on.
    """

    title: str
    period: tuple[int, int]
    jurisdictions: tuple[str, ...]
    facts: PoolFacts
    thresholds: Mapping[str, int]
    default_threshold: int
    population: str | None
    results: tuple[MeasureResult, ...]
    definitions_version: str
    backend: str


def parse_period(text: str | None, years: Sequence[int]) -> tuple[int, int]:
    """``2025``, ``2022-2025`` or ``2022..2025`` as (first, last); all years when ``None``.

    Raises:
        ReportError: for anything else, or when the pool holds no year at all.
    """
    if text is None:
        if not years:
            raise _problem("NPR-R003", "the pool holds no incident with a year")
        return min(years), max(years)
    found = re.fullmatch(r"\s*(\d{4})\s*(?:(?:-|\.\.)\s*(\d{4})\s*)?", text)
    if not found:
        raise _problem(
            "NPR-R004", f"--period takes a year (2025) or a span of years (2022-2025), not {text!r}"
        )
    first = int(found.group(1))
    last = int(found.group(2) or first)
    if last < first:
        raise _problem("NPR-R004", f"--period {text}: the first year is after the last")
    return first, last


def _default_threshold() -> int:
    """The partnership default agreement's threshold (else :data:`DEFAULT_THRESHOLD`)."""
    from npcs_review.share.agreements import packaged_agreements  # noqa: PLC0415

    found = packaged_agreements().get("partnership_default")
    return found.small_cell_threshold if found is not None else DEFAULT_THRESHOLD


def _connect(db: str | Path | None, backend: str | None) -> tuple[Any, str]:
    import ibis  # noqa: PLC0415

    if backend:
        try:
            return ibis.connect(backend), backend.split(":", 1)[0]
        except Exception as exc:
            raise _problem("NPR-R004", f"cannot connect to --backend {backend}: {exc}") from None
    if db is None:
        raise _problem("NPR-R004", "give the pooled database (--db FILE) or a --backend URL")
    path = Path(db)
    if not path.is_file():
        raise _problem(
            "NPR-R003",
            f"{path} is not a file: build the pooled database with `npcs-review pool add`",
            str(path),
        )
    try:
        return ibis.duckdb.connect(str(path), read_only=True), "duckdb"
    except Exception as exc:
        raise _problem(
            "NPR-R003", f"{path} cannot be opened as a DuckDB database: {exc}", str(path)
        ) from None


def build_report(
    db: str | Path | None = None,
    *,
    backend: str | None = None,
    connection: Any = None,
    population: str | Path | Population | None = None,
    period: str | None = None,
    jurisdictions: Sequence[str] = (),
    measures: Sequence[MeasureFile] | None = None,
    progress: Callable[[str], None] | None = None,
    load: Callable[[str, Any], Any] | None = None,
) -> PartnershipReport:
    """Build the partnership report from the pooled database.

    Args:
        db: the pool's DuckDB file (opened read-only).
        backend: instead, any Ibis connection URL holding the pool's tables.
        connection: instead, an open Ibis connection (tests, notebooks).
        population: the population table (a file, or an already read one).
        period: incident years to cover (``2025``, ``2022-2025``); default all.
        jurisdictions: jurisdictions to cover; default every one in the pool.
        measures: the measures; default the packaged ones.
        progress: called with a short message as each step starts.
        load: puts small Arrow tables on the backend (see ``compute_measures``).

    Raises:
        ReportError: the database, period or jurisdictions cannot be used (with the fix).
        PopulationError: the population table has problems (each with its line).
    """
    from npcs_review.codelists import definitions_version  # noqa: PLC0415

    say = progress or (lambda _message: None)
    say("opening the pooled database")
    if connection is not None:
        con, kind = connection, str(getattr(connection, "name", "ibis"))
    else:
        con, kind = _connect(db, backend)
    missing = sorted(set(REQUIRED_TABLES) - set(con.list_tables()))
    if missing:
        raise _problem(
            "NPR-R003",
            f"this database is not a partnership pool: it has no {', '.join(missing)} table "
            "(build it with `npcs-review pool add`)",
            str(db or backend or ""),
        )
    facts = pool_facts(con)
    if not facts.jurisdictions:
        raise _problem("NPR-R003", "the pool holds no current submission: add one with `pool add`")
    first, last = parse_period(period, facts.years)
    chosen = tuple(dict.fromkeys(jurisdictions)) or facts.jurisdictions
    unknown = [j for j in chosen if j not in facts.jurisdictions]
    if unknown:
        raise _problem(
            "NPR-R004",
            f"no current submission from {', '.join(unknown)} in the pool; "
            f"it holds {', '.join(facts.jurisdictions)}",
        )
    table = population if isinstance(population, Population) or population is None else None
    if population is not None and table is None:
        say("reading the population table")
        table = read_population(Path(str(population)))
    measures = list(measures) if measures is not None else list(load_measures().values())
    default = _default_threshold()
    thresholds = {j: facts.thresholds.get(j, default) for j in chosen}
    deadlines: dict[str, int] = {}
    for m in measures:
        deadlines.update(m.parameters.get("review_deadline_days", {}))
    sources = pool_sources(
        con,
        partnership=partnership_definitions(),
        deadlines=deadlines,
        as_of=date(last, 12, 31),
        load=load,
    )
    levels: dict[str, tuple[str, ...]] = {"jurisdiction": chosen}
    if table is not None:
        from npcs_review.measures.sources import POPULATION_DIMS  # noqa: PLC0415

        for i, dim in enumerate(POPULATION_DIMS[2:], start=2):
            levels[dim] = tuple(sorted(table.levels[i]))
    results = compute_measures(
        measures,
        sources,
        thresholds=thresholds,
        default_threshold=default,
        population=table,
        scope=Scope(years=(first, last), jurisdictions=chosen, levels=levels),
        progress=say,
        load=load,
    )
    title = (
        "Partnership report on child maltreatment fatalities, near fatalities and serious injuries"
    )
    return PartnershipReport(
        title=title,
        period=(first, last),
        jurisdictions=chosen,
        facts=facts,
        thresholds=thresholds,
        default_threshold=default,
        population=table.source if table is not None else None,
        results=tuple(results),
        definitions_version=definitions_version(),
        backend=kind,
    )


#: Columns of the long table (CSV, Parquet): one row per published cell.
ROW_COLUMNS = (
    "measure",
    "measure_version",
    "facet",
    "table",
    "year",
    "jurisdiction",
    "dimension_1",
    "level_1",
    "dimension_2",
    "level_2",
    "count",
    "denominator",
    "value",
    "low",
    "high",
    "unit",
    "change",
    "change_ratio",
    "change_low",
    "change_high",
    "suppressed",
    "suppression",
    "unstable",
    "note",
)


def report_rows(report: PartnershipReport) -> list[dict[str, Any]]:
    """Every published cell as one flat row (``ROW_COLUMNS``).

    Margins have the level ``all``; each row carries its suppression flag and reason.
    """
    rows: list[dict[str, Any]] = []
    for result in report.results:
        m = result.measure
        for table in result.tables:
            name = " x ".join(table.dims) or "total"
            for row in table.rows:
                cell = dict(row.cell)
                others: list[tuple[str | None, str | None]] = [
                    (d, v) for d, v in row.cell if d not in ("year", "jurisdiction")
                ]
                others += [(None, None)] * (2 - len(others))
                rows.append(
                    {
                        "measure": m.id,
                        "measure_version": m.version,
                        "facet": table.facet,
                        "table": name,
                        "year": (cell.get("year") or "all") if "year" in table.dims else None,
                        "jurisdiction": (
                            cell.get("jurisdiction") or "all"
                            if "jurisdiction" in table.dims
                            else None
                        ),
                        "dimension_1": others[0][0],
                        "level_1": (others[0][1] or "all") if others[0][0] else None,
                        "dimension_2": others[1][0],
                        "level_2": (others[1][1] or "all") if others[1][0] else None,
                        "count": row.count,
                        "denominator": row.denominator,
                        "value": row.value,
                        "low": row.low,
                        "high": row.high,
                        "unit": m.unit,
                        "change": row.change,
                        "change_ratio": row.change_ratio,
                        "change_low": row.change_low,
                        "change_high": row.change_high,
                        "suppressed": row.suppressed is not None,
                        "suppression": row.suppressed,
                        "unstable": row.unstable,
                        "note": row.note,
                    }
                )
    return rows
