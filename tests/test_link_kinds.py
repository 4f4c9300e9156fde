"""Link kinds are named once (models.LINK_KINDS); the model, checks and analyses read it."""

from __future__ import annotations

import pydantic
import pytest

from npcs_review.graph._view import CAUSAL_LINKS
from npcs_review.models import LINK_KINDS
from npcs_review.models.review import Link


def test_the_model_accepts_exactly_the_kinds_of_the_table() -> None:
    """Link.kind's allowed values (and the schema's enum) are the table's keys, in order."""
    schema = Link.model_json_schema()
    assert schema["properties"]["kind"]["enum"] == list(LINK_KINDS)
    for kind in LINK_KINDS:
        assert Link.model_validate({"kind": kind, "source": "a", "target": "b"}).kind == kind
    with pytest.raises(pydantic.ValidationError):
        Link.model_validate({"kind": "causes", "source": "a", "target": "b"})


def test_causal_links_come_from_the_table() -> None:
    """The analyses follow exactly the kinds the table marks causal."""
    assert {k for k, rule in LINK_KINDS.items() if rule.causal} == CAUSAL_LINKS
    assert {"contributes_to", "breaches", "holds"} == CAUSAL_LINKS
