"""The base model of every document part: strict, frozen, no unknown fields; text kinds."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

__all__ = [
    "CONFIDENTIAL",
    "DATE",
    "GEOGRAPHY",
    "LABEL",
    "NARRATIVE",
    "OPAQUE",
    "TOKEN",
    "Label",
    "Model",
    "Text",
    "TextKind",
]

Kind = Literal["narrative", "label", "token", "date", "confidential", "geography", "opaque"]


@dataclasses.dataclass(frozen=True)
class TextKind:
    """Marks what a ``str`` field holds, so that lint and the audience filter find every one.

    - ``narrative``: prose people wrote (lint reads it for blame, hindsight and identifiers;
      shared outputs withhold it when it holds an identifier and make its dates relative).
    - ``label``: a short free-text label or role (identifiers checked and withheld likewise).
    - ``token``: a local id or similar token (checked as a token; shared outputs replace one
      that looks like an identifier with a neutral one, everywhere it is used).
    - ``date``: a partial or bounded date (shown as each audience may see it).
    - ``confidential``: the agency's own case id, which never leaves the agency.
    - ``geography``: a place smaller than a state (county, region): shared only as a sharing
      agreement allows, never in a summary or export outside the agency.
    - ``opaque``: jurisdiction extension data, kept unchanged and never shown or shared.

    Code-list fields are marked by :class:`npcs_review.models._types.Coded` instead. A test
    fails when a ``str`` field of the model carries neither mark.
    """

    kind: Kind


NARRATIVE = TextKind("narrative")
LABEL = TextKind("label")
TOKEN = TextKind("token")
DATE = TextKind("date")
CONFIDENTIAL = TextKind("confidential")
GEOGRAPHY = TextKind("geography")
OPAQUE = TextKind("opaque")

#: Prose written by people: linted and filtered for each audience.
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000), NARRATIVE]
#: A short free-text label or role ("CPS supervisor (not involved in the case)").
Label = Annotated[str, StringConstraints(min_length=1, max_length=200), LABEL]


class Model(BaseModel):
    """Strict (no silent conversions), frozen, extra fields forbidden."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        use_attribute_docstrings=True,
        validate_default=False,
    )
