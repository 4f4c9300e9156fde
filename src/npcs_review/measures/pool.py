"""The source relations, built over the pooled partnership database (``npcs_review.pool``).

The one place that knows the pool's layout: only rows of *current* submissions are read; a
unit is keyed by jurisdiction and case pseudonym; the child's age band, sex and race come from
``children``; yes/no indicators become ``yes``/``no``/``unknown``. Every source is an Ibis
expression, so the same code runs on the DuckDB file ``pool add`` writes or on any backend
holding the same tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import attrs

__all__ = ["PoolFacts", "partnership_definitions", "pool_facts", "pool_sources"]

#: Missingness tokens of the core data set: not an answer.
_MISSING = ("unknown", "not_collected", "not_applicable")


def partnership_definitions() -> tuple[str, ...]:
    """Ids of the partnership's standard definitions (national, proposed or adopted)."""
    from npcs_review.registry import default_registry  # noqa: PLC0415

    return tuple(
        sorted(
            d.id
            for d in default_registry().definitions.values()
            if d.jurisdiction == "us" and d.status in ("proposed", "adopted")
        )
    )


def _current(con: Any, name: str) -> Any:
    table = con.table(name)
    current = con.table("submissions")
    current = current.filter(current["status"] == "current").select("submission_id")
    return table.semi_join(current, table["submission_id"] == current["submission_id"])


def _answer(column: Any) -> Any:
    import ibis  # noqa: PLC0415

    return ibis.cases((column, "yes"), (~column, "no"), else_="unknown")


def _key(table: Any, *parts: Any) -> Any:
    key = table["jurisdiction"].concat(":", table["case_pseudonym"])
    for part in parts:
        key = key.concat(":", part.cast("string"))
    return key


def pool_sources(
    con: Any,
    *,
    partnership: tuple[str, ...],
    deadlines: Mapping[str, int],
    as_of: date,
    load: Any = None,
) -> dict[str, Any]:
    """Every source relation as an Ibis expression over the pool on ``con``.

    Args:
        con: an Ibis connection holding the pool's tables.
        partnership: ids of the partnership's standard definitions.
        deadlines: days from the incident within which each jurisdiction's review is due.
        as_of: the day recommendations are judged overdue on (the end of the report period).
        load: puts a small Arrow table on the backend (default ``ibis.memtable``).
    """
    import ibis  # noqa: PLC0415
    import pyarrow as pa  # noqa: PLC0415

    incidents = _current(con, "incidents")
    children = _current(con, "children")
    keys = ["submission_id", "jurisdiction", "case_pseudonym"]
    joined = incidents.left_join(children, keys)
    person = joined.select(
        incident=_key(joined),
        jurisdiction=joined["jurisdiction"],
        year=joined["incident_year"],
        age_group=joined["child_age_band"],
        sex=joined["child_sex"],
        race_ethnicity=joined["child_race_ethnicity"],
        incident_type=joined["incident_type"],
        prior_involvement=_answer(joined["prior_involvement"]),
        open_case=_answer(joined["open_case_at_incident"]),
        _reviewed=joined["review_type"].notnull() & ~joined["review_type"].isin(_MISSING),
        _review_days=ibis.coalesce(
            joined["review_completed_days_from_incident"],
            joined["review_completed_date"].delta(joined["incident_date"], unit="day"),
        ),
        _review_required=joined["review_required"],
    )
    public = ["incident", "jurisdiction", "year", "age_group", "sex", "race_ethnicity"]

    classifications = _current(con, "classifications")
    classified = classifications.join(person, _key(classifications) == person["incident"]).select(
        *public,
        basis=ibis.cases(
            (
                (classifications["classification_scheme"] == "national")
                & classifications["definition_id"].isin(list(partnership)),
                "partnership",
            ),
            (classifications["classification_scheme"] != "national", "jurisdiction"),
            else_=ibis.null("string"),
        ),
        term=classifications["term"],
        outcome=classifications["outcome"],
    )
    classified = classified.filter(classified["basis"].notnull())

    triggers = person.filter(person["_review_required"].notnull()).select(
        *public, trigger=ibis.literal("review_required"), outcome=person["_review_required"]
    )

    codes = sorted(deadlines)
    due = (load or (lambda _name, t: ibis.memtable(t)))(
        "review_deadlines",
        pa.table(
            {
                "deadline_jurisdiction": pa.array(codes, pa.string()),
                "deadline_days": pa.array([int(deadlines[c]) for c in codes], pa.int64()),
            }
        ),
    )
    reviewed = person.filter(person["_reviewed"])
    reviewed = reviewed.left_join(due, reviewed["jurisdiction"] == due["deadline_jurisdiction"])
    reviews = reviewed.select(
        "incident",
        "jurisdiction",
        "year",
        on_time=ibis.cases(
            (reviewed["deadline_days"].isnull(), "no_deadline"),
            (reviewed["_review_days"].isnull(), "pending"),
            (reviewed["_review_days"] <= reviewed["deadline_days"], "yes"),
            else_="no",
        ),
    )

    factors = _current(con, "systemic_factors")
    factors = factors.join(person, _key(factors) == person["incident"])
    elements = ibis.coalesce(factors["work_system_elements"], ibis.literal("")).split(";")
    factors = factors.select(
        "incident",
        "jurisdiction",
        "year",
        level=factors["factor_level"],
        factor_type=factors["factor_type"],
        element=elements.unnest(),
    )
    factors = factors.mutate(element=factors["element"].nullif(""))

    recommendations = _current(con, "recommendations")
    recommendations = recommendations.join(
        person, _key(recommendations) == person["incident"]
    ).select(
        recommendation=_key(recommendations, recommendations["recommendation_index"]),
        jurisdiction=person["jurisdiction"],
        year=person["year"],
        strength=recommendations["action_strength"],
        status=recommendations["recommendation_status"],
        _due=recommendations["recommendation_due_date"],
        _due_year=recommendations["recommendation_due_year"],
    )
    open_ = recommendations["status"].isin(["proposed", "accepted"])
    recommendations = recommendations.select(
        "recommendation",
        "jurisdiction",
        "year",
        "strength",
        "status",
        overdue=ibis.cases(
            (~open_, "no"),
            (recommendations["_due"] < ibis.date(as_of), "yes"),
            (recommendations["_due"].notnull(), "no"),
            (recommendations["_due_year"] < as_of.year, "yes"),
            (recommendations["_due_year"].notnull(), "no"),
            else_=ibis.null("string"),
        ),
    )
    return {
        "incidents": person.select(*public, "incident_type", "prior_involvement", "open_case"),
        "classifications": classified,
        "triggers": triggers,
        "reviews": reviews,
        "factors": factors,
        "recommendations": recommendations,
    }


@attrs.frozen
class PoolFacts:
    """What the pool holds, for the report's scope and methods section.

    Attributes:
        submissions: current submissions per jurisdiction: (jurisdiction, periods, cases).
        years: incident years present.
        thresholds: each jurisdiction's small-cell threshold: the largest of its current
            submissions' agreements (recorded in the pool, or the packaged agreement named).
        versions: the definitions and core data set versions of current submissions.
        unknown_agreements: agreements named by submissions but found nowhere.
    """

    submissions: tuple[tuple[str, tuple[str, ...], int], ...]
    years: tuple[int, ...]
    thresholds: Mapping[str, int]
    versions: tuple[tuple[str, str], ...]
    unknown_agreements: tuple[str, ...] = ()

    @property
    def jurisdictions(self) -> tuple[str, ...]:
        """Jurisdictions with a current submission."""
        return tuple(j for j, _, _ in self.submissions)


def pool_facts(con: Any) -> PoolFacts:
    """Read the pool's current submissions (small queries)."""
    from npcs_review.share.agreements import packaged_agreements  # noqa: PLC0415

    agreements = packaged_agreements()
    unknown: set[str] = set()
    subs = con.table("submissions")
    subs = subs.filter(subs["status"] == "current")
    rows = subs.to_pyarrow().to_pylist()
    per: dict[str, tuple[set[str], int]] = {}
    thresholds: dict[str, int] = {}
    versions: set[tuple[str, str]] = set()
    for r in rows:
        periods, cases = per.get(r["jurisdiction"], (set(), 0))
        per[r["jurisdiction"]] = (periods | {str(r["period"])}, cases + int(r["cases"] or 0))
        limit = r.get("small_cell_threshold")
        if limit is None:
            found = agreements.get(str(r["agreement_id"]))
            if found is not None:
                limit = found.small_cell_threshold
            else:
                unknown.add(str(r["agreement_id"]))
        if limit is not None:
            thresholds[r["jurisdiction"]] = max(int(limit), thresholds.get(r["jurisdiction"], 0))
        versions.add(("definitions", str(r["definitions_version"])))
        versions.add(("core data set", str(r["core_data_set_version"])))
    incidents = _current(con, "incidents")
    years = incidents.select(year=incidents["incident_year"]).distinct().to_pyarrow()
    return PoolFacts(
        tuple((j, tuple(sorted(p)), n) for j, (p, n) in sorted(per.items())),
        tuple(sorted(int(y) for y in years.column("year").to_pylist() if y is not None)),
        thresholds,
        tuple(sorted(versions)),
        tuple(sorted(unknown)),
    )
