"""Coarsening along the detail ladders: one function per ladder, from a raw value to its columns.

Each function returns the value of every column the ladder has, as precise as the raw value
allows: an age recorded in months fills months, years and band but leaves days empty; a date
recorded to the month leaves the day empty. Sharing at a level then keeps only that level's
columns (``Element.columns_at``). Missingness tokens become empty (null) except in code columns,
where "unknown", "not collected" and "not applicable" stay distinct.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date
from functools import cache
from typing import Any

from npcs_review.codelists import codelist
from npcs_review.models import MISSING, Age
from npcs_review.share.dataset import Band, Element

#: What a shared list with no items reads as (CSV cannot tell an empty string from missing).
EMPTY_LIST = "none"

__all__ = ["LADDERS", "band_of", "date_parts", "days_between", "value_normalizer"]

DAYS_PER_MONTH = 30.4375
DAYS_PER_YEAR = 365.25

Parts = dict[str, Any]
Convert = Callable[[Any, Element, "date | None"], Parts]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value in MISSING)


def band_of(bands: tuple[Band, ...], low_years: int, high_years: int) -> str | None:
    """The band holding every age from ``low_years`` to ``high_years``, or None."""
    for band in bands:
        if band.holds(low_years):
            return band.code if band.holds(high_years) else None
    return None


def _settled(low: float, high: float, per: float) -> int | None:
    """The completed units when the whole span [low, high) falls in one unit, else None."""
    first, last = math.floor(low / per), math.floor((high - 1e-9) / per)
    return first if first == last else None


def _age(raw: Any, element: Element, incident: date | None) -> Parts:
    if not isinstance(raw, Age):
        return {"days": None, "months": None, "years": None, "band": None}
    low, high = raw.in_days()
    years_low = math.floor(low / DAYS_PER_YEAR)
    years_high = math.floor((high - 1e-9) / DAYS_PER_YEAR)
    return {
        "days": _settled(low, high, 1.0),
        "months": _settled(low, high, DAYS_PER_MONTH),
        "years": years_low if years_low == years_high else None,
        "band": band_of(element.bands, years_low, years_high),
    }


def date_parts(raw: Any) -> tuple[date | None, str | None, str | None, int | None]:
    """A partial ISO date as (day, YYYY-MM, YYYY-Qn, year), each None when not known."""
    if _missing(raw) or not isinstance(raw, str):
        return None, None, None, None
    year = int(raw[:4])
    if len(raw) < 7:
        return None, None, None, year
    month = int(raw[5:7])
    day = date(year, month, int(raw[8:10])) if len(raw) == 10 else None
    return day, raw[:7], f"{year}-Q{(month - 1) // 3 + 1}", year


def days_between(raw: Any, incident: date | None) -> int | None:
    """Days from the incident day to a full date (negative before it); None unless both known."""
    day = date_parts(raw)[0]
    return None if day is None or incident is None else (day - incident).days


def _calendar(raw: Any, element: Element, incident: date | None) -> Parts:
    day, month, quarter, year = date_parts(raw)
    return {"date": day, "month": month, "quarter": quarter, "year": year}


def _event_date(raw: Any, element: Element, incident: date | None) -> Parts:
    parts = _calendar(raw, element, incident)
    day = parts["date"]
    parts["days_from_incident"] = None if day is None or incident is None else (day - incident).days
    return parts


def _interval(raw: Any, element: Element, incident: date | None) -> Parts:
    if not isinstance(raw, int):
        return {"days": None, "months": None}
    return {"days": raw, "months": math.floor(raw / DAYS_PER_MONTH)}


def _geography(raw: Any, element: Element, incident: date | None) -> Parts:
    county, region, state = raw
    return {"county": county, "region": region, "state": state}


@cache
def _combined(role: str) -> str:
    """The race_ethnicity code marked ``combines: role`` (hispanic, several_races, no_race)."""
    return next(v.code for v in codelist("race_ethnicity") if v.attributes.get("combines") == role)


def _race_ethnicity(raw: Any, element: Element, incident: date | None) -> Parts:
    races, hispanic = raw
    if isinstance(races, list):
        order = codelist("race")
        recorded = sorted(set(races), key=order.rank)
        shown: str | None = ";".join(recorded)
        known = [r for r in recorded if r in _categories()]
    else:
        shown, known = races, []
    if hispanic == "yes":
        combined = _combined("hispanic")
    elif len(known) == 1:
        combined = known[0]
    elif len(known) > 1:
        combined = _combined("several_races")
    else:
        combined = _combined("no_race")
    return {"race": shown, "hispanic": hispanic, "race_ethnicity": combined}


@cache
def _categories() -> frozenset[str]:
    """Race codes that are also combined categories (all but 'unable to determine')."""
    return codelist("race").codes & codelist("race_ethnicity").codes


def value_normalizer(element: Element) -> Callable[[Any], Any]:
    """How a value-ladder element's raw value becomes its column's value (chosen once)."""
    kind = element.columns[0].type
    if element.multiple:
        order = codelist(element.codelist) if element.codelist is not None else None

        def joined(raw: Any) -> Any:
            if isinstance(raw, list) and order is not None:
                return ";".join(sorted(set(raw), key=order.rank)) or EMPTY_LIST
            return raw if isinstance(raw, str) else None

        return joined
    if kind == "string":
        return lambda raw: raw if raw is None or isinstance(raw, str) else str(raw)
    if kind == "boolean":
        return lambda raw: raw if isinstance(raw, bool) else None
    if kind == "integer":
        return lambda raw: raw if isinstance(raw, int) and not isinstance(raw, bool) else None
    if kind == "number":
        return lambda raw: (
            float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else None
        )
    return lambda raw: None if _missing(raw) else raw


def _value(raw: Any, element: Element, incident: date | None) -> Parts:
    return {"value": value_normalizer(element)(raw)}


def _text(raw: Any, element: Element, incident: date | None) -> Parts:
    return {"text": raw if isinstance(raw, str) and raw else None}


def _pseudonym(raw: Any, element: Element, incident: date | None) -> Parts:
    return {"pseudonym": raw}


#: The coarsening function of each ladder, by ladder id.
LADDERS: Mapping[str, Convert] = {
    "value": _value,
    "text": _text,
    "pseudonym": _pseudonym,
    "age": _age,
    "calendar_date": _calendar,
    "event_date": _event_date,
    "interval": _interval,
    "geography": _geography,
    "race_ethnicity": _race_ethnicity,
}
