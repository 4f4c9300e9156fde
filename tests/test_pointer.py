"""RFC 6901 pointers from pydantic locations, and the nearest line for a pointer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from npcs_review._pointer import from_loc, join, split
from npcs_review._positions import nearest


def test_from_loc_escapes_per_rfc_6901() -> None:
    """`~` and `/` inside a key are escaped; integers are array indices."""
    assert from_loc(("extensions", "us/ky~x", 0)) == "/extensions/us~1ky~0x/0"
    assert from_loc(()) == ""


def test_from_loc_drops_union_tags_but_keeps_real_keys() -> None:
    """A tag is dropped where the input has no such key; a key with a tag's name is kept."""
    data = {"criteria": {"all": [{"not": {"fact": 3}}]}}
    loc = ("criteria", "all", "all", 0, "not", "not", "compare", "fact")
    tags = {"all", "not", "compare"}
    assert from_loc(loc, data, tag=tags.__contains__) == "/criteria/all/0/not/fact"
    assert (
        from_loc(loc, tag=tags.__contains__) == "/criteria/0/fact"
    )  # without the input: every tag goes
    missing = ("criteria", "all", 1, "fact")  # a missing value keeps its name
    assert from_loc(missing, data, tag=tags.__contains__) == "/criteria/all/1/fact"


@given(st.lists(st.one_of(st.text(), st.integers(min_value=0, max_value=99)), max_size=6))
def test_from_loc_round_trips_through_split(loc: list[str | int]) -> None:
    """Without tags, the pointer splits back into the location's parts."""
    assert split(from_loc(loc)) == tuple(str(t) for t in loc)
    assert from_loc(loc) == join(loc)


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ("/review/findings/0/text", (40, 9)),
        ("/review/findings/0/missing_field", (39, 5)),
        ("/review/nothing/here", (2, 1)),
        ("/elsewhere", (1, 1)),
    ],
)
def test_nearest_walks_up_to_the_closest_placed_ancestor(
    pointer: str, expected: tuple[int, int]
) -> None:
    """A value without a position is placed at its nearest ancestor that has one."""
    positions = {"": (1, 1), "/review": (2, 1), "/review/findings/0": (39, 5)}
    positions["/review/findings/0/text"] = (40, 9)
    assert nearest(positions, pointer) == expected


def test_nearest_without_any_position() -> None:
    """Nothing placed on the path: no line, no column."""
    assert nearest({}, "/a/b") == (None, None)
    assert nearest({"/x": (3, 1)}, "/a/b") == (None, None)
