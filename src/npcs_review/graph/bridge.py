"""The review graph as a networkx ``MultiDiGraph`` and as node-link JSON, both ways.

Nodes carry ``kind`` (outcome, event, factor, barrier, finding, recommendation, evidence) and
their fields; links carry ``kind`` and theirs, keyed by their position in ``review.links``.
The review's other fields travel in ``G.graph["review"]``. Round trips lose nothing.
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from npcs_review.models import NODE_FIELDS, OUTCOME_ID, Case, Review

__all__ = ["from_networkx", "from_node_link", "to_networkx", "to_node_link"]

_GRAPH_FIELDS = (*NODE_FIELDS.values(), "links")


def to_networkx(review: Review | Case, *, outcome: dict[str, Any] | None = None) -> nx.MultiDiGraph:
    """Build the graph of a review (or of a case's review).

    Args:
        review: the review, or a case (its incident becomes the outcome node's attributes).
        outcome: attributes for the outcome node when a bare review is given.

    Raises:
        ValueError: if a case has no review.
    """
    if isinstance(review, Case):
        case = review
        if case.review is None:
            msg = "the case has no review to draw a graph from"
            raise ValueError(msg)
        outcome = {
            "incident_type": case.incident.type,
            "date": case.incident.date,
            "jurisdiction": case.case.jurisdiction,
        }
        review = case.review
    graph = nx.MultiDiGraph()
    graph.graph["review"] = review.model_dump(
        mode="json", exclude_unset=True, exclude=set(_GRAPH_FIELDS)
    )
    # which lists the review spelled out, even empty, so the round trip keeps them
    graph.graph["review_lists"] = sorted(set(_GRAPH_FIELDS) & review.model_fields_set)
    graph.add_node(OUTCOME_ID, kind="outcome", **(outcome or {}))
    for kind, field in NODE_FIELDS.items():
        for item in getattr(review, field):
            data = item.model_dump(mode="json", exclude_unset=True)
            graph.add_node(data.pop("id"), kind=kind, **data)
    for i, link in enumerate(review.links):
        data = link.model_dump(mode="json", exclude_unset=True)
        graph.add_edge(data.pop("source"), data.pop("target"), key=i, **data)
    return graph


def from_networkx(graph: nx.MultiDiGraph) -> Review:
    """Rebuild the review from a graph made by :func:`to_networkx` (or by hand, same shape).

    Raises:
        pydantic.ValidationError: if a node or link does not fit the review model.
    """
    parts: dict[str, Any] = dict(graph.graph.get("review", {}))
    for kind, field in NODE_FIELDS.items():
        parts[field] = [
            {"id": node, **{k: v for k, v in data.items() if k != "kind"}}
            for node, data in graph.nodes(data=True)
            if data.get("kind") == kind
        ]
    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: _order(e[2]))
    parts["links"] = [{"source": u, "target": v, **data} for u, v, _, data in edges]
    spelled = set(graph.graph.get("review_lists", ()))
    for field in _GRAPH_FIELDS:
        if not parts[field] and field not in spelled:
            del parts[field]
    return Review.model_validate(parts)


def _order(key: Any) -> tuple[int, str]:
    return (key, "") if isinstance(key, int) else (1 << 30, str(key))


def to_node_link(graph: nx.MultiDiGraph) -> str:
    """Serialise a graph as node-link JSON (deterministic: sorted keys)."""
    data = nx.node_link_data(graph, edges="links")
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def from_node_link(text: str) -> nx.MultiDiGraph:
    """Read node-link JSON written by :func:`to_node_link`."""
    graph: nx.MultiDiGraph = nx.node_link_graph(
        json.loads(text), directed=True, multigraph=True, edges="links"
    )
    return graph
