"""The base model of every document part: strict, frozen, no unknown fields."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

__all__ = ["Model", "Text"]

Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


class Model(BaseModel):
    """Strict (no silent conversions), frozen, extra fields forbidden."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        use_attribute_docstrings=True,
        validate_default=False,
    )
