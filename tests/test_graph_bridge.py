"""The review graph to networkx and node-link JSON, and back, without loss."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npcs_review.graph.bridge import from_networkx, from_node_link, to_networkx, to_node_link
from npcs_review.models import LINK_KINDS, Review
from tests.strategies import code, text

KIND_FIELDS = {
    "event": "events",
    "factor": "factors",
    "barrier": "barriers",
    "finding": "findings",
    "recommendation": "recommendations",
    "evidence": "evidence",
}


@st.composite
def reviews(draw: st.DrawFn) -> dict[str, Any]:
    """A review with random nodes of every kind and well-typed links between them."""
    doc: dict[str, Any] = {"type": draw(code("review_type", missing=False))}
    kinds: dict[str, str] = {"outcome": "outcome"}
    counter = 0

    def new_id(kind: str) -> str:
        nonlocal counter
        counter += 1
        kinds[f"{kind[0]}{counter}"] = kind
        return f"{kind[0]}{counter}"

    for _ in range(draw(st.integers(0, 4))):
        doc.setdefault("events", []).append(
            {
                "id": new_id("event"),
                "date": "2025-01-02",
                "description": draw(text),
                "is_decision": draw(st.booleans()),
            }
        )
    for _ in range(draw(st.integers(1, 5))):
        factor: dict[str, Any] = {
            "id": new_id("factor"),
            "statement": draw(text),
            "level": draw(code("system_level", missing=False)),
            "factor_type": draw(code("factor_type", missing=False)),
        }
        if draw(st.booleans()):
            factor["taxonomy_codes"] = {"tn_ssit": draw(st.sampled_from(["A1", "B2"]))}
        doc.setdefault("factors", []).append(factor)
    for _ in range(draw(st.integers(0, 2))):
        doc.setdefault("barriers", []).append(
            {
                "id": new_id("barrier"),
                "description": draw(text),
                "barrier_type": draw(code("barrier_type", missing=False)),
                "state": draw(code("barrier_state", missing=False)),
                "level": draw(code("system_level", missing=False)),
            }
        )
    for _ in range(draw(st.integers(0, 2))):
        doc.setdefault("recommendations", []).append(
            {
                "id": new_id("recommendation"),
                "text": draw(text),
                "action_strength": draw(code("action_strength", missing=False)),
            }
        )
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(sorted(LINK_KINDS)))
        sources, targets = LINK_KINDS[kind].sources, LINK_KINDS[kind].targets
        left = [n for n, k in kinds.items() if k in sources]
        right = [n for n, k in kinds.items() if k in targets]
        if left and right:
            doc.setdefault("links", []).append(
                {
                    "kind": kind,
                    "source": draw(st.sampled_from(left)),
                    "target": draw(st.sampled_from(right)),
                }
            )
    return doc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews())
def test_networkx_round_trip(document: dict[str, Any]) -> None:
    """Review → MultiDiGraph → Review and → node-link JSON → Review keep every field."""
    review = Review.model_validate(document)
    graph = to_networkx(review)
    assert from_networkx(graph) == review
    assert from_networkx(graph).model_dump(mode="json", exclude_unset=True) == document
    text_form = to_node_link(graph)
    assert from_networkx(from_node_link(text_form)) == review
    assert to_node_link(from_node_link(text_form)) == text_form


def test_graph_shape() -> None:
    """Nodes carry their kind; parallel links between the same nodes are kept apart."""
    review = Review.model_validate(
        {
            "type": "case_specific_review",
            "factors": [
                {
                    "id": "f1",
                    "statement": "x",
                    "level": "supervision_team",
                    "factor_type": "condition",
                }
            ],
            "links": [
                {"kind": "contributes_to", "source": "f1", "target": "outcome", "mechanism": "a"},
                {"kind": "contributes_to", "source": "f1", "target": "outcome", "mechanism": "b"},
            ],
        }
    )
    graph = to_networkx(review)
    assert graph.nodes["f1"]["kind"] == "factor"
    assert graph.nodes["outcome"]["kind"] == "outcome"
    assert graph.number_of_edges("f1", "outcome") == 2
