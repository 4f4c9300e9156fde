"""Pydantic models of the documents this library reads and writes."""

from npcs_review.models._types import MISSING, Answer, Missing, date_bounds, is_missing
from npcs_review.models.case import (
    SCHEMA_VERSION,
    Age,
    Case,
    CaseInfo,
    Child,
    Determination,
    HistoryEvent,
    Incident,
    Maltreatment,
    Medical,
    Person,
    PhysicianCertification,
    Review,
)

__all__ = [
    "MISSING",
    "SCHEMA_VERSION",
    "Age",
    "Answer",
    "Case",
    "CaseInfo",
    "Child",
    "Determination",
    "HistoryEvent",
    "Incident",
    "Maltreatment",
    "Medical",
    "Missing",
    "Person",
    "PhysicianCertification",
    "Review",
    "date_bounds",
    "is_missing",
]
