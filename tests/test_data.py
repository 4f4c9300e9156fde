"""to_data: one converter from any result to JSON-ready data (no to_dict methods)."""

from __future__ import annotations

import datetime
from typing import Any

import attrs
import pydantic

from npcs_review.render.data import to_data
from tests.conftest import ROOT


@attrs.frozen
class Inner:
    """A nested result with a hidden field."""

    name: str
    hidden: Any = attrs.field(default=None, repr=False)
    _private: int = 0


@attrs.frozen
class Outer:
    """A result that renames, merges and adds a property."""

    __data__ = ("title", ("items", "children"), "*inner", "count")

    title: str
    children: tuple[Inner, ...]
    inner: Inner
    when: datetime.date

    @property
    def count(self) -> int:
        """How many children."""
        return len(self.children)


class Source(pydantic.BaseModel):
    """A pydantic value inside a result."""

    document: str
    day: datetime.date


def test_declared_keys_renames_merges_and_properties() -> None:
    """__data__ gives the keys in order: renamed, merged and computed ones included."""
    value = Outer("t", (Inner("a"), Inner("b")), Inner("c"), datetime.date(2020, 1, 2))
    assert to_data(value) == {"title": "t", "items": [{"name": "a"}, {"name": "b"}],
                              "name": "c", "count": 2}  # fmt: skip
    assert list(to_data(value)) == ["title", "items", "name", "count"]


def test_fields_by_default_and_values_made_json_ready() -> None:
    """Public shown fields by default; dates as ISO text, pydantic models dumped, maps kept."""

    @attrs.frozen
    class Plain:
        day: datetime.date
        source: Source
        counts: dict[str, tuple[int, ...]]

    value = Plain(datetime.date(2021, 5, 6), Source(document="d", day=datetime.date(2020, 1, 1)),
                  {"b": (1, 2), "a": ()})  # fmt: skip
    data = to_data(value)
    assert data == {"day": "2021-05-06", "source": {"document": "d", "day": "2020-01-01"},
                    "counts": {"b": [1, 2], "a": []}}  # fmt: skip
    assert list(data["counts"]) == ["b", "a"]  # a mapping keeps its order


def test_no_result_class_keeps_its_own_to_dict() -> None:
    """The library has one converter: no module defines a to_dict method any more."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in sorted((ROOT / "src" / "npcs_review").rglob("*.py"))
        if "def to_dict(" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []
