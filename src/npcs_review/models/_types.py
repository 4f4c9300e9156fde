"""Field types shared by the models: codes, partial dates, typed missingness."""

from __future__ import annotations

import calendar
import dataclasses
import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    Tag,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from npcs_review.codelists import codelist
from npcs_review.models._base import DATE, TOKEN

__all__ = [
    "DATE_PATTERN",
    "DATE_PATTERNS",
    "MISSING",
    "Answer",
    "Coded",
    "Id",
    "Maybe",
    "Missing",
    "Outcome",
    "PartialDate",
    "code_text",
    "date_bounds",
    "is_missing",
]

#: The typed missingness tokens. "unknown": asked, but nobody knows; "not_collected": the
#: agency did not ask or record it; "not_applicable": the question does not apply.
MISSING: tuple[str, ...] = ("unknown", "not_collected", "not_applicable")
Missing = Literal["unknown", "not_collected", "not_applicable"]

#: The outcome of a definition, criterion or trigger: "not enough facts" is an outcome too.
Outcome = Literal["meets", "does_not_meet", "indeterminate"]

#: A yes/no question whose answer may also be missing. "no" is a fact; "unknown" is not.
Answer = Literal["yes", "no", "unknown", "not_collected", "not_applicable"]

_ONE_DATE = r"\d{4}(-\d{2}(-\d{2})?)?"
#: A calendar date with its precision (YYYY-MM-DD, YYYY-MM, YYYY), or a bounded range of two
#: such dates, earliest/latest (an ISO 8601-2 / EDTF interval: ``2018-07/2019-03``).
#: The model then checks each date is a real day (clear messages).
DATE_PATTERN = rf"^{_ONE_DATE}(/{_ONE_DATE})?$"
_DATE_RE = re.compile(DATE_PATTERN)

#: A full date of the Gregorian calendar, years 0001-9999: months 01-12, the days each month
#: has, and 29 February only in leap years (divisible by 4, centuries only by 400).
_YEAR = r"(?:000[1-9]|00[1-9]\d|0[1-9]\d{2}|[1-9]\d{3})"
_LEAP_YEAR = r"(?:\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_MONTH = r"(?:0[1-9]|1[0-2])"
_MONTH_DAY = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)"
    r"|02-(?:0[1-9]|1\d|2[0-8]))"
)
_DAY = rf"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
_PARTIAL = rf"(?:{_DAY}|{_YEAR}(?:-{_MONTH})?)"
#: Every pattern the exported schemas use for dates: a real day; and a partial date (a real
#: day, a year-month or a year) or a range of two, earliest/latest.
DATE_PATTERNS = {
    "date": rf"^{_DAY}$",
    "date-time": (
        rf"^{_DAY}T(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?"
        r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$"
    ),
    "partial": rf"^{_PARTIAL}(?:/{_PARTIAL})?$",
}


Id = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"),
    Field(description="A local id, unique in the case file; a role label, never a name."),
    TOKEN,
]


def code_text(list_id: str, code: object) -> str:
    """A code as a reader sees it: its label, a missingness token in words, or "not recorded"."""
    if code is None:
        return "not recorded"
    if isinstance(code, str) and code in MISSING:
        return code.replace("_", " ")
    return codelist(list_id).label(str(code))


def is_missing(value: object) -> bool:
    """Return True when ``value`` is absent (None) or one of the missingness tokens."""
    return value is None or (isinstance(value, str) and value in MISSING)


@lru_cache(maxsize=8192)
def date_bounds(value: str) -> tuple[date, date]:
    """Return the earliest and latest day a partial or bounded date covers.

    ``YYYY``, ``YYYY-MM`` and ``YYYY-MM-DD`` cover their year, month or day; ``A/B`` (an
    ISO 8601-2 interval of two such dates) covers from the first day of ``A`` to the last of ``B``.

    Raises:
        ValueError: if ``value`` is not such a date, or the range ends before it starts.
    """
    if "/" in value:
        start, end = value.split("/", 1)
        earliest, latest = date_bounds(start)[0], date_bounds(end)[1]
        if latest < earliest:
            msg = f"the range {value} ends before it starts"
            raise ValueError(msg)
        return earliest, latest
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return date(parts[0], parts[1], 1), date(parts[0], parts[1], last)
    day = date(parts[0], parts[1], parts[2])
    return day, day


def _check_date(value: str) -> str:
    if not _DATE_RE.match(value):
        raise PydanticCustomError(
            "npr_date",
            "expected a date as YYYY-MM-DD (or YYYY-MM, or YYYY when only the year is known, "
            "or a range earliest/latest such as 2018-07/2019-03)",
        )
    try:
        date_bounds(value)
    except ValueError as exc:
        reason = str(exc) if "range" in str(exc) else f"{value} is not a real calendar date"
        raise PydanticCustomError("npr_date", reason) from None
    return value


PartialDate = Annotated[
    str,
    AfterValidator(_check_date),
    DATE,
    Field(
        description="An ISO 8601 calendar date with its precision: YYYY-MM-DD, YYYY-MM or YYYY; "
        "or a bounded range of two such dates, earliest/latest (2018-07/2019-03).",
        json_schema_extra={"pattern": DATE_PATTERNS["partial"]},
    ),
]


def _code_check(list_id: str) -> Callable[[str], str]:
    codes: frozenset[str] | None = None

    def check(value: str) -> str:
        nonlocal codes
        if value in MISSING:
            return value
        if codes is None:
            codes = codelist(list_id).codes
        if value not in codes:
            raise PydanticCustomError(
                "npr_code",
                "'{value}' is not a code in the '{list_id}' code list",
                {"value": value, "list_id": list_id},
            )
        return value

    return check


@dataclasses.dataclass(frozen=True)
class Coded:
    """Marks a ``str`` field whose values come from code list ``list_id``.

    Use as ``Annotated[str, Coded("sex")]``. The field accepts a code of the list or a
    missingness token; the list itself lives only in ``definitions/codelists/<list_id>.yaml``.
    """

    list_id: str

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            _code_check(self.list_id), handler(source)
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        result = handler(schema)
        result["x-npcs-codelist"] = self.list_id
        return result


def _value_or_missing(value: object) -> str:
    return "npr:missing" if isinstance(value, str) and value in MISSING else "npr:value"


T = TypeVar("T")

#: ``T`` or a missingness token, as a tagged union so errors name only the branch that applies.
Maybe = Annotated[
    Annotated[T, Tag("npr:value")] | Annotated[Missing, Tag("npr:missing")],
    Discriminator(_value_or_missing),
]
