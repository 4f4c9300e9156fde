"""The source relations measures count from, and the dimensions they break down by.

A *source* is one relation with one row per unit (incident, incident by definition, review
factor, recommendation …) and standard column names; measures (data) name a source and filter
its columns. :func:`pool_sources` builds every source as an Ibis expression over the pooled
database's tables — the one place that knows the pool's layout. A new source (for example
issue 16's Child File reports) is one entry in :data:`SOURCES` and one builder.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = ["DIMENSIONS", "POPULATION_DIMS", "SOURCES", "Dimension", "Source"]


@attrs.frozen
class Dimension:
    """A column that tables break down by.

    Attributes:
        title: the heading in the report.
        codelist: code list that labels and orders its levels (``None``: order by value).
        levels: levels always shown, even with no events.
        labels: labels of levels that have no code list.
        core_column: (table, column) of the core data set whose values order the levels,
            where there is no code list (the age bands).
    """

    title: str
    codelist: str | None = None
    levels: tuple[str, ...] = ()
    labels: Mapping[str, str] = attrs.field(factory=dict)
    core_column: tuple[str, str] | None = None

    def order(self) -> tuple[str, ...]:
        """The known levels in their order (code list, core data set column, or ``levels``)."""
        if self.codelist:
            from npcs_review.codelists import codelists  # noqa: PLC0415

            found = codelists().get(self.codelist)
            if found is not None:
                return tuple(v.code for v in found.values) + self.levels
        if self.core_column:
            from npcs_review.share.dataset import core_data_set  # noqa: PLC0415

            table, name = self.core_column
            for column in core_data_set().tables[table].columns:
                if column.name == name and column.enum:
                    return tuple(column.enum) + self.levels
        return self.levels


#: Every dimension a measure table may use.
DIMENSIONS: Mapping[str, Dimension] = {
    "year": Dimension("Year"),
    "jurisdiction": Dimension("Jurisdiction", "jurisdiction"),
    "age_group": Dimension("Age group", core_column=("children", "child_age_band")),
    "sex": Dimension("Sex", "sex"),
    "race_ethnicity": Dimension("Race and ethnicity", "race_ethnicity"),
    "incident_type": Dimension("Incident type", "incident_type"),
    "basis": Dimension(
        "Definition used",
        levels=("partnership", "jurisdiction"),
        labels={
            "partnership": "Partnership standard",
            "jurisdiction": "Jurisdiction's own definition",
        },
    ),
    "trigger": Dimension("Review trigger"),
    "level": Dimension("System level", "system_level"),
    "element": Dimension("Work-system element", "work_system_element"),
    "factor_type": Dimension("Factor type", "factor_type"),
    "strength": Dimension("Action strength", "action_strength"),
    "status": Dimension("Status", "recommendation_status"),
}

#: The dimensions of a population table, in its column order.
POPULATION_DIMS: tuple[str, ...] = ("jurisdiction", "year", "age_group", "sex", "race_ethnicity")


@attrs.frozen
class Source:
    """A source relation.

    Attributes:
        unit: what one counted unit is, in words (``incident``).
        key: the column identifying a unit (counted once per cell).
        columns: every column, with its meaning.
    """

    unit: str
    key: str
    columns: Mapping[str, str]


_PERSON = {
    "jurisdiction": "Jurisdiction code of the submission.",
    "year": "Calendar year of the incident.",
    "age_group": "Child's age group at the incident.",
    "sex": "Child's sex.",
    "race_ethnicity": "Child's race and ethnicity (combined OMB category).",
}

#: Every source relation measures may count from.
SOURCES: Mapping[str, Source] = {
    "incidents": Source(
        "incident",
        "incident",
        {
            "incident": "Pseudonymous incident key.",
            **_PERSON,
            "incident_type": "fatality, near_fatality or serious_injury as recorded.",
            "prior_involvement": "yes, no or unknown: agency involvement before the incident.",
            "open_case": "yes, no or unknown: a case was open at the incident.",
        },
    ),
    "reviews": Source(
        "review",
        "incident",
        {
            "incident": "Pseudonymous key of the reviewed incident.",
            "jurisdiction": _PERSON["jurisdiction"],
            "year": _PERSON["year"],
            "on_time": "yes, no or pending: the review was completed by its due date.",
        },
    ),
    "classifications": Source(
        "incident",
        "incident",
        {
            "incident": "Pseudonymous incident key.",
            **_PERSON,
            "basis": "partnership (the partnership standard) or jurisdiction (its own profile).",
            "term": "The defined term (maltreatment_fatality, near_fatality, serious_injury …).",
            "outcome": "meets, does_not_meet or indeterminate.",
        },
    ),
    "triggers": Source(
        "incident",
        "incident",
        {
            "incident": "Pseudonymous incident key.",
            **_PERSON,
            "trigger": "Id of a review trigger of the jurisdiction's profile.",
            "outcome": "meets, does_not_meet or indeterminate.",
        },
    ),
    "factors": Source(
        "review",
        "incident",
        {
            "incident": "Pseudonymous key of the reviewed incident.",
            "jurisdiction": _PERSON["jurisdiction"],
            "year": _PERSON["year"],
            "level": "System level of the factor.",
            "element": "Work-system element of the factor.",
            "factor_type": "Factor type.",
        },
    ),
    "recommendations": Source(
        "recommendation",
        "recommendation",
        {
            "recommendation": "Pseudonymous recommendation key.",
            "jurisdiction": _PERSON["jurisdiction"],
            "year": _PERSON["year"],
            "strength": "Action strength (weaker, intermediate, stronger).",
            "status": "Status (proposed, accepted, implemented, verified, declined).",
            "overdue": "yes or no: past its due date at the end of the period and not done.",
        },
    ),
}
