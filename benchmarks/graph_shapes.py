"""Review graphs of chosen shapes and sizes, for the graph benchmark and the bounded-work tests.

Every function returns a review (a dict valid under ``npcs_review.models.Review``) whose factor
graph has a given shape: a long chain, a star around the outcome, random links with a few
feedback loops, or a mix of factors, barriers and events of a given number of nodes and links.
All are deterministic (seeded by a string, so ``PYTHONHASHSEED`` does not matter) and carry
neutral, synthetic text only.

    from graph_shapes import chain_review, star_review, random_review, sized_review
"""

from __future__ import annotations

import itertools
import random
from typing import Any

from npcs_review.codelists import codelist

__all__ = ["chain_review", "random_review", "sized_review", "star_review"]

JsonDict = dict[str, Any]


def _levels() -> list[str]:
    """The system level codes, highest first."""
    return [v.code for v in reversed(codelist("system_level").values)]


def _factor(i: int, level: str) -> JsonDict:
    return {
        "id": f"f{i:05d}",
        "statement": f"Synthetic factor number {i} of a large review graph.",
        "level": level,
        "factor_type": "condition",
    }


def _review(nodes: dict[str, list[JsonDict]], links: list[JsonDict]) -> JsonDict:
    return {"type": "systemic_critical_incident_review", **nodes, "links": links}


def _link(source: str, target: str, kind: str = "contributes_to") -> JsonDict:
    return {"kind": kind, "source": source, "target": target}


def chain_review(n: int = 1000) -> JsonDict:
    """``n`` factors in one chain to the outcome, their levels cycling through every level.

    Each link joins two factors of neighbouring levels, and every sixth link leaps from the
    lowest level back to the highest: links span every band of the map.
    """
    levels = _levels()
    factors = [_factor(i, levels[i % len(levels)]) for i in range(n)]
    links = [_link(a["id"], b["id"]) for a, b in itertools.pairwise(factors)]
    links.append(_link(factors[-1]["id"], "outcome"))
    return _review({"factors": factors}, links)


def star_review(n: int = 1000) -> JsonDict:
    """``n`` factors, each linked straight to the outcome, spread over every level."""
    levels = _levels()
    factors = [_factor(i, levels[i % len(levels)]) for i in range(n)]
    return _review({"factors": factors}, [_link(f["id"], "outcome") for f in factors])


def random_review(n: int = 1200, links: int = 3000, loops: int = 5, seed: int = 1) -> JsonDict:
    """``n`` factors with ``links`` random causal links and ``loops`` feedback links.

    The factors are put in a random order; links run forward in that order (so they alone
    make no loop), the last tenth of the factors link to the outcome, and ``loops`` pairs of
    factors are linked both ways, each pair a feedback loop.
    """
    rng = random.Random(f"npcs-graph-shapes:random:{seed}:{n}:{links}:{loops}")
    levels = _levels()
    factors = [_factor(i, rng.choice(levels)) for i in range(n)]
    ids = [f["id"] for f in factors]
    rng.shuffle(ids)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < min(links, n * (n - 1) // 2):
        a, b = sorted(rng.sample(range(n), 2))
        pairs.add((a, b))
    out = [_link(ids[a], ids[b]) for a, b in sorted(pairs)]
    out += [_link(i, "outcome") for i in ids[-max(1, n // 10) :]]
    for _ in range(loops):
        a, b = sorted(rng.sample(range(n), 2))
        if (a, b) not in pairs:
            out.append(_link(ids[a], ids[b]))
        out.append(_link(ids[b], ids[a]))
    return _review({"factors": factors}, out)


def sized_review(nodes: int, links: int, seed: int = 1) -> JsonDict:
    """A review of ``nodes`` nodes (besides the outcome) and about ``links`` links.

    Three in five nodes are factors, one in five barriers and one in five timeline events
    (some with a level, most without). Causal links run forward in a random order of the nodes
    (``contributes_to``, ``breaches`` into barriers, ``holds`` out of them), one in a hundred
    backwards (feedback loops); events are also chained by ``precedes`` links, and the last
    twentieth of the order links to the outcome.
    """
    rng = random.Random(f"npcs-graph-shapes:sized:{seed}:{nodes}:{links}")
    levels = _levels()
    kinds = ["factor"] * 3 + ["barrier", "event"]
    found: dict[str, list[JsonDict]] = {"events": [], "factors": [], "barriers": []}
    order: list[tuple[str, str]] = []  # (id, kind)
    for i in range(nodes):
        kind = kinds[i % len(kinds)]
        if kind == "factor":
            node = _factor(i, rng.choice(levels))
            found["factors"].append(node)
        elif kind == "barrier":
            node = {
                "id": f"b{i:05d}",
                "description": f"Synthetic barrier number {i}.",
                "barrier_type": "policy",
                "state": rng.choice(["held", "partially_held", "breached", "absent"]),
                "level": rng.choice(levels),
            }
            found["barriers"].append(node)
        else:
            node = {
                "id": f"e{i:05d}",
                "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "description": f"Synthetic event number {i}.",
            }
            if rng.random() < 0.3:
                node["level"] = rng.choice(levels)
            found["events"].append(node)
        order.append((node["id"], kind))
    rng.shuffle(order)
    out: list[JsonDict] = []
    seen: set[tuple[int, int]] = set()
    events = [i for i, (_, kind) in enumerate(order) if kind == "event"]
    out += [_link(order[a][0], order[b][0], "precedes") for a, b in itertools.pairwise(events)]
    out += [_link(node, "outcome") for node, _ in order[-max(1, nodes // 20) :]]
    while len(out) < links:
        a, b = sorted(rng.sample(range(nodes), 2))
        if (a, b) in seen:
            continue
        seen.add((a, b))
        if rng.random() < 0.01:
            a, b = b, a
        (u, ku), (v, kv) = order[a], order[b]
        if kv == "barrier" and ku != "barrier":
            kind = "breaches"
        elif ku == "barrier" and kv != "barrier":
            kind = "holds"
        else:
            kind = "contributes_to"
        out.append(_link(u, v, kind))
    return _review(found, out)
