"""Graph analyses of one review and of many: every expected answer below is worked out by hand."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from typing import Any

import networkx as nx
import pytest

from generate import generate_review, iter_reviews
from npcs_review.graph.analysis import analyze
from npcs_review.graph.bridge import to_networkx
from npcs_review.graph.combine import (
    NO_JURISDICTION,
    Chain,
    CodeLink,
    CoOccurrence,
    combine,
    factor_keys,
)
from npcs_review.graph.coverage import CoverageGap, StrengthMismatch, recommendation_coverage
from npcs_review.graph.cut import minimal_cut
from npcs_review.graph.levels import level_coverage
from npcs_review.graph.leverage import leverage
from npcs_review.graph.pathways import pathways
from npcs_review.graph.structure import DanglingEnd, LinkRef, WrongKindLink, check_structure
from npcs_review.models import Review
from npcs_review.render.data import to_data

# ------------------------------------------------------------------------------ builders


def factor(node_id: str, level: str, **extra: Any) -> dict[str, Any]:
    """A factor with a neutral statement."""
    return {
        "id": node_id,
        "statement": f"Factor {node_id}.",
        "level": level,
        "factor_type": "condition",
        **extra,
    }


def link(kind: str, source: str, target: str, **extra: Any) -> dict[str, Any]:
    """A link of the given kind."""
    return {"kind": kind, "source": source, "target": target, **extra}


def cause(source: str, target: str, **extra: Any) -> dict[str, Any]:
    """A contributes_to link."""
    return link("contributes_to", source, target, **extra)


def rec(
    node_id: str, strength: str, action_type: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A recommendation."""
    data = {"id": node_id, "text": f"Action {node_id}.", "action_strength": strength, **extra}
    if action_type is not None:
        data["action_type"] = action_type
    return data


def evidence(node_id: str) -> dict[str, Any]:
    """An evidence item."""
    return {
        "id": node_id,
        "source_type": "case_record",
        "description": "Case record.",
        "available_at": "2024-01-01",
    }


def event(node_id: str) -> dict[str, Any]:
    """A timeline event."""
    return {"id": node_id, "date": "2024-01-02", "description": f"Event {node_id}."}


def build(
    factors: Sequence[dict[str, Any]] = (),
    links: Sequence[dict[str, Any]] = (),
    outcome: dict[str, Any] | None = None,
    **parts: Any,
) -> nx.MultiDiGraph:
    """Validate a review and return its graph."""
    review = Review.model_validate(
        {"type": "case_specific_review", "factors": list(factors), "links": list(links), **parts}
    )
    return to_networkx(review, outcome=outcome)


def diamond(top: str = "supervision_team", **parts: Any) -> nx.MultiDiGraph:
    """s (at ``top``) feeds frontline factors a and b, which both feed the outcome."""
    front = "frontline_practice"
    factors = [factor("s", top), factor("a", front), factor("b", front)]
    links = [cause("s", "a"), cause("s", "b"), cause("a", "outcome"), cause("b", "outcome")]
    return build([*factors, *parts.pop("factors", [])], [*links, *parts.pop("links", [])], **parts)


# ----------------------------------------------------------------------- leverage and cut


def test_diamond_leverage() -> None:
    """In a diamond the top factor carries every path (1.0) and each branch half (0.5)."""
    result = leverage(diamond())
    assert result.total_paths == 2
    assert [(f.factor, f.paths_through, f.share) for f in result.factors] == [
        ("s", 2, 1.0),
        ("a", 1, 0.5),
        ("b", 1, 0.5),
    ]
    assert result.share("a") == 0.5
    assert result.share("nope") == 0.0


def test_diamond_cut_is_the_supervision_factor() -> None:
    """One supervision factor feeding both branches is the smallest cut: {s}, not {a, b}."""
    cut = minimal_cut(diamond())
    assert cut.nodes == ("s",)
    assert cut.size == 1
    assert cut.breakable
    assert cut.roots == ("s",)


def test_cut_prefers_the_upstream_node_among_equal_cuts() -> None:
    """In a chain s → a → outcome both {s} and {a} are minimum cuts; the upstream one wins."""
    graph = build(
        [factor("s", "agency_organization"), factor("a", "frontline_practice")],
        [cause("s", "a"), cause("a", "outcome")],
    )
    assert minimal_cut(graph).nodes == ("s",)


def test_barrier_paths_and_cut() -> None:
    """breaches → barrier → holds carries a path; two breaches of one barrier are cut there."""
    graph = build(
        [factor("g1", "agency_organization"), factor("g2", "supervision_team")],
        [
            link("breaches", "g1", "bar"),
            link("breaches", "g2", "bar"),
            link("holds", "bar", "outcome"),
        ],
        barriers=[
            {
                "id": "bar",
                "description": "Supervisory review of the safety plan.",
                "barrier_type": "supervisory_review",
                "state": "breached",
                "level": "supervision_team",
            }
        ],
    )
    cut = minimal_cut(graph)
    assert cut.nodes == ("bar",)
    assert cut.roots == ("g1", "g2")
    assert [p.nodes for p in pathways(graph).paths] == [
        ("g1", "bar", "outcome"),
        ("g2", "bar", "outcome"),
    ]
    result = leverage(graph)
    assert result.total_paths == 2
    assert (result.share("g1"), result.share("g2")) == (0.5, 0.5)
    assert check_structure(graph).unconnected_factors == ()
    coverage = recommendation_coverage(graph)
    assert CoverageGap("bar", "barrier", "supervision_team", ("minimal_cut",), 0.0) in (
        coverage.uncovered
    )


def test_events_are_never_cut() -> None:
    """Two factors meet in an event before the outcome; the event is uncuttable, so both go."""
    graph = build(
        [factor("f1", "frontline_practice"), factor("f2", "family_community_environment")],
        [cause("f1", "t1"), cause("f2", "t1"), cause("t1", "outcome")],
        events=[event("t1")],
    )
    cut = minimal_cut(graph)
    assert cut.nodes == ("f1", "f2")
    assert cut.breakable


def test_events_only_path_is_unbreakable() -> None:
    """A root event that reaches the outcome through events only cannot be cut; it is shown."""
    graph = build(
        [factor("f1", "frontline_practice")],
        [
            cause("f1", "outcome"),
            cause("t1", "t2"),
            link("precedes", "t2", "outcome"),
            cause("t2", "outcome"),
        ],
        events=[event("t1"), event("t2")],
    )
    cut = minimal_cut(graph)
    assert not cut.breakable
    assert cut.nodes == ()
    assert cut.roots == ("f1", "t1")
    assert cut.uncut_path == ("t1", "t2", "outcome")


# ------------------------------------------------------------------------------ pathways


def test_best_pathway_by_weakest_link_then_total() -> None:
    """Both paths' weakest link scores 2; s→b→outcome wins on its total (10 against 9).

    Step score = evidence items that are evidence nodes + strength rank + confidence rank:
    s→a 1+3+3 = 7 (the unknown id "zz" does not count), a→outcome 0+2+0 = 2,
    s→b 0+1+1 = 2, b→outcome 2+3+3 = 8.
    """
    graph = build(
        [
            factor("s", "supervision_team"),
            factor("a", "frontline_practice"),
            factor("b", "frontline_practice"),
        ],
        [
            cause("s", "a", strength="strong", confidence="high", evidence=["e1", "zz"]),
            cause("a", "outcome", strength="moderate"),
            cause("s", "b", strength="weak", confidence="low"),
            cause("b", "outcome", strength="strong", confidence="high", evidence=["e1", "e2"]),
        ],
        evidence=[evidence("e1"), evidence("e2")],
    )
    result = pathways(graph)
    assert result.sources == ("s",)
    best = result.best
    assert best is not None
    assert to_data(best) == {
        "nodes": ["s", "b", "outcome"],
        "level": "supervision_team",
        "links": 2,
        "evidence": 2,
        "strength": 4,
        "confidence": 4,
        "score": 10,
        "weakest": 2,
    }
    other = result.paths[1]
    assert (other.nodes, other.evidence, other.strength, other.confidence) == (
        ("s", "a", "outcome"),
        1,
        5,
        3,
    )
    assert (other.score, other.weakest) == (9, 2)


def test_parallel_links_count_once_with_the_best_score() -> None:
    """Two links between the same nodes make one step, scored by the better one."""
    graph = build(
        [factor("s", "agency_organization")],
        [cause("s", "outcome", strength="weak"), cause("s", "outcome", strength="strong")],
    )
    result = pathways(graph)
    assert len(result.paths) == 1
    assert result.paths[0].strength == 3


def test_weakest_link_outranks_a_longer_total() -> None:
    """A direct, well-rated link (3) beats a longer chain with more points but weaker links (2).

    s→outcome: strong, no confidence: 0+3+0 = 3. s→a, a→b, b→outcome: moderate, no
    confidence: 2 each, total 6, weakest 2.
    """
    graph = build(
        [
            factor("s", "agency_organization"),
            factor("a", "frontline_practice"),
            factor("b", "frontline_practice"),
        ],
        [
            cause("s", "outcome", strength="strong"),
            cause("s", "a", strength="moderate"),
            cause("a", "b", strength="moderate"),
            cause("b", "outcome", strength="moderate"),
        ],
    )
    result = pathways(graph)
    assert [(p.nodes, p.score, p.weakest) for p in result.paths] == [
        (("s", "outcome"), 3, 3),
        (("s", "a", "b", "outcome"), 6, 2),
    ]


def test_pathway_sources_follow_min_level() -> None:
    """Only factors at min_level or above start paths; unconnected ones are listed apart."""
    graph = diamond(factors=[factor("u", "law_policy_funding")])
    result = pathways(graph)
    assert result.sources == ("s", "u")
    assert result.unconnected_sources == ("u",)
    assert [p.nodes for p in result.paths] == [("s", "a", "outcome"), ("s", "b", "outcome")]
    upper = pathways(graph, "agency_organization")
    assert upper.sources == ("u",)
    assert upper.paths == ()
    assert upper.best is None
    assert len(pathways(graph, "frontline_practice").paths) == 4  # s twice, a once, b once
    with pytest.raises(ValueError, match="system_level"):
        pathways(graph, "no_such_level")


def test_max_paths_truncates() -> None:
    """Enumeration stops at max_paths and says so."""
    result = pathways(diamond(), max_paths=1)
    assert len(result.paths) == 1
    assert result.truncated
    assert not pathways(diamond()).truncated


# ------------------------------------------------------------------------------ structure


def test_feedback_loop_is_reported_and_safe() -> None:
    """A loop p ⇄ q fed by x: reported once, and leverage, cut and paths still work."""
    graph = build(
        [
            factor("x", "agency_organization"),
            factor("p", "frontline_practice"),
            factor("q", "frontline_practice"),
            factor("self", "frontline_practice"),
        ],
        [
            cause("x", "p"),
            cause("p", "q"),
            cause("q", "p"),
            cause("q", "outcome"),
            cause("self", "self"),
            cause("self", "outcome"),
        ],
    )
    structure = check_structure(graph)
    assert structure.feedback_loops == (("p", "q"), ("self",))
    assert not structure.loops_truncated
    assert structure.ok  # loops are reported, not errors
    result = leverage(graph)
    # roots x and self; x → {p,q} → outcome and self → outcome: 2 paths
    assert result.total_paths == 2
    assert [(f.factor, f.share) for f in result.factors] == [
        ("p", 0.5),
        ("q", 0.5),
        ("self", 0.5),
        ("x", 0.5),
    ]
    assert minimal_cut(graph).nodes == ("self", "x")
    assert [p.nodes for p in pathways(graph).paths] == [("x", "p", "q", "outcome")]


def test_loop_without_a_way_in() -> None:
    """A loop y ⇄ z with nothing feeding it: both are roots, z alone is the cut."""
    graph = build(
        [factor("y", "supervision_team"), factor("z", "frontline_practice")],
        [cause("y", "z"), cause("z", "y"), cause("z", "outcome")],
    )
    assert check_structure(graph).feedback_loops == (("y", "z"),)
    assert leverage(graph).factors[0].share == 1.0
    assert leverage(graph).factors[1].share == 1.0
    cut = minimal_cut(graph)
    assert cut.roots == ("y", "z")
    assert cut.nodes == ("z",)


def test_loops_can_be_capped() -> None:
    """max_loops limits the list and flags the rest."""
    graph = build(
        [factor("p", "frontline_practice"), factor("q", "frontline_practice")],
        [cause("p", "q"), cause("q", "p"), cause("p", "p"), cause("q", "outcome")],
    )
    assert len(check_structure(graph).feedback_loops) == 2
    capped = check_structure(graph, max_loops=1)
    assert len(capped.feedback_loops) == 1
    assert capped.loops_truncated


def test_wrong_kind_and_dangling_links_built_in_networkx() -> None:
    """Links to kind-less nodes and between wrong kinds are reported and left out of analysis."""
    graph = diamond(recommendations=[rec("r1", "stronger")])
    graph.add_edge("s", "ghost", kind="contributes_to")  # ghost has no kind
    graph.add_node("orphan")  # no kind, no links
    graph.add_edge("r1", "outcome", kind="addresses")  # addresses may not point at the outcome
    graph.add_edge("a", "b", kind="blames")  # no such link kind
    graph.add_edge("outcome", "s", kind="contributes_to")  # the outcome causes nothing
    structure = check_structure(graph)
    assert structure.dangling == (
        DanglingEnd("ghost", (LinkRef("s", "ghost", 0, "contributes_to"),)),
        DanglingEnd("orphan", ()),
    )
    assert structure.wrong_kind == (
        WrongKindLink(LinkRef("a", "b", 0, "blames"), "factor", "factor"),
        WrongKindLink(LinkRef("outcome", "s", 0, "contributes_to"), "outcome", "factor"),
        WrongKindLink(LinkRef("r1", "outcome", 0, "addresses"), "recommendation", "outcome"),
    )
    assert not structure.ok
    assert structure.feedback_loops == ()  # outcome → s would close a loop if it counted
    # the analyses see the clean diamond
    assert minimal_cut(graph).nodes == ("s",)
    assert leverage(graph).share("s") == 1.0
    assert recommendation_coverage(graph).uncovered[-1].node == "s"  # r1 covers nothing
    assert json.loads(json.dumps(to_data(structure)))["dangling"][0]["node"] == "ghost"


def test_unconnected_factor_and_missing_outcome() -> None:
    """A factor without a path to the outcome is flagged; a graph without an outcome is empty."""
    graph = diamond(factors=[factor("lonely", "agency_organization")])
    structure = check_structure(graph)
    assert structure.unconnected_factors == ("lonely",)
    assert not structure.ok
    assert leverage(graph).share("lonely") == 0.0

    bare = nx.MultiDiGraph()
    bare.add_node("f", kind="factor", level="frontline_practice")
    assert not check_structure(bare).outcome_present
    assert check_structure(bare).unconnected_factors == ("f",)
    assert leverage(bare).total_paths == 0
    assert minimal_cut(bare).nodes == ()
    assert pathways(bare, "frontline_practice").unconnected_sources == ("f",)


# ------------------------------------------------------------------------------ coverage


def coverage_graph(*recs: dict[str, Any], links: Sequence[dict[str, Any]] = ()) -> nx.MultiDiGraph:
    """Diamond with s at agency level; b has a no-action rationale."""
    return build(
        [
            factor("s", "agency_organization"),
            factor("a", "frontline_practice"),
            factor("b", "frontline_practice", no_action_rationale="Covered by a state project."),
        ],
        [cause("s", "a"), cause("s", "b"), cause("a", "outcome"), cause("b", "outcome"), *links],
        recommendations=list(recs),
    )


def test_coverage_gaps_and_strength_fit() -> None:
    """Declined recommendations cover nothing; a stronger-rated new policy is still weak.

    Priorities at 0.5: s (cut, 1.0), a and b (0.5). s is covered by r1; a only by the
    declined r2, so it is a gap; b has a rationale. r1 says "stronger" but its type
    (new_policy) is weaker on the RCA² hierarchy, so the agency-level s is a mismatch.
    """
    graph = coverage_graph(
        rec("r1", "stronger", "new_policy"),
        rec("r2", "stronger", "forcing_function", status="declined", status_reason="Cost."),
        links=[link("addresses", "r1", "s"), link("addresses", "r2", "a")],
    )
    result = recommendation_coverage(graph)
    assert result.priority == ("a", "b", "s")
    assert result.uncovered == (
        CoverageGap("a", "factor", "frontline_practice", ("leverage",), 0.5),
    )
    assert result.no_action == ("b",)
    assert result.strength_mismatches == (StrengthMismatch("s", "agency_organization", ("r1",)),)
    higher = recommendation_coverage(graph, leverage_threshold=0.6)
    assert higher.priority == ("s",)
    assert higher.uncovered == ()


def test_strength_fit_passes_with_one_strong_action() -> None:
    """One stronger action among weak ones fits an agency-level factor."""
    graph = coverage_graph(
        rec("r1", "weaker", "training"),
        rec("r3", "stronger", "leadership_resourcing"),
        links=[link("addresses", "r1", "s"), link("addresses", "r3", "s")],
    )
    assert recommendation_coverage(graph).strength_mismatches == ()


def test_strength_fit_uses_the_weaker_of_strength_and_type() -> None:
    """An intermediate action typed as training is weak; below agency level nothing is flagged."""
    graph = coverage_graph(
        rec("r1", "intermediate", "training"), links=[link("addresses", "r1", "s")]
    )
    assert [m.factor for m in recommendation_coverage(graph).strength_mismatches] == ["s"]
    lower = diamond(
        recommendations=[rec("r1", "weaker", "training")],
        links=[link("addresses", "r1", "s")],
    )
    assert recommendation_coverage(lower).strength_mismatches == ()  # s at supervision level


def test_uncovered_cut_factor_lists_both_reasons() -> None:
    """With nothing addressed, s is a gap both as the cut and for its leverage."""
    result = recommendation_coverage(diamond())
    assert result.uncovered[-1] == CoverageGap(
        "s", "factor", "supervision_team", ("leverage", "minimal_cut"), 1.0
    )
    assert [g.node for g in result.uncovered] == ["a", "b", "s"]


# ------------------------------------------------------------------------- level coverage


def test_level_coverage_counts_and_proximal_share() -> None:
    """Two family, one frontline, one supervision, one law factor: 3 of 5 proximal (0.6)."""
    graph = build(
        [
            factor("f1", "family_community_environment"),
            factor("f2", "family_community_environment"),
            factor("f3", "frontline_practice"),
            factor("f4", "supervision_team"),
            factor("f5", "law_policy_funding"),
        ]
    )
    result = level_coverage(graph)
    assert list(result.counts.items()) == [
        ("family_community_environment", 2),
        ("frontline_practice", 1),
        ("supervision_team", 1),
        ("agency_organization", 0),
        ("oversight_regulation", 0),
        ("law_policy_funding", 1),
    ]
    assert (result.total, result.proximal, result.upper, result.proximal_share) == (5, 3, 2, 0.6)
    assert level_coverage(graph, proximal_top="supervision_team").proximal == 4
    empty = level_coverage(build())
    assert (empty.total, empty.proximal_share) == (0, None)


# -------------------------------------------------------------------------------- analyze


def test_analyze_matches_the_parts_and_is_deterministic() -> None:
    """analyze equals the separate analyses, and its JSON does not depend on input order."""
    forward = coverage_graph(rec("r1", "weaker", "training"), links=[link("addresses", "r1", "s")])
    review = Review.model_validate(
        {
            "type": "case_specific_review",
            "factors": [
                factor(
                    "b", "frontline_practice", no_action_rationale="Covered by a state project."
                ),
                factor("a", "frontline_practice"),
                factor("s", "agency_organization"),
            ],
            "recommendations": [rec("r1", "weaker", "training")],
            "links": [
                link("addresses", "r1", "s"),
                cause("b", "outcome"),
                cause("a", "outcome"),
                cause("s", "b"),
                cause("s", "a"),
            ],
        }
    )
    backward = to_networkx(review)
    result = analyze(forward)
    assert result.leverage == leverage(forward)
    assert result.minimal_cut == minimal_cut(forward)
    assert result.pathways == pathways(forward)
    assert result.coverage == recommendation_coverage(forward)
    assert result.structure == check_structure(forward)
    assert result.levels == level_coverage(forward)
    text = json.dumps(to_data(result), sort_keys=False)
    assert text == json.dumps(to_data(analyze(backward)), sort_keys=False)
    assert json.loads(text)["minimal_cut"]["nodes"] == ["s"]


# -------------------------------------------------------------------------------- combine


C, F, H = "cw:caseload", "cw:funding", "cw:handoff"
U = "uncoded:family_community_environment"


def three_reviews() -> Iterator[tuple[str, nx.MultiDiGraph]]:
    """R1 (us_ky): F → C → H → outcome. R2 (us_ky): C → event → H → outcome, U → outcome.

    R3 (no jurisdiction): U → outcome. Yielded one at a time, as a stream.
    """
    yield (
        "R1",
        build(
            [
                factor("f1", "law_policy_funding", taxonomy_codes={"cw": "funding"}),
                factor(
                    "f2",
                    "agency_organization",
                    taxonomy_codes={"cw": "caseload"},
                    work_system_elements=["organization"],
                ),
                factor("f3", "frontline_practice", taxonomy_codes={"cw": "handoff"}),
            ],
            [cause("f1", "f2"), cause("f2", "f3"), cause("f3", "outcome")],
            outcome={"jurisdiction": "us_ky"},
        ),
    )
    yield (
        "R2",
        build(
            [
                factor(
                    "c",
                    "agency_organization",
                    taxonomy_codes={"cw": "caseload"},
                    work_system_elements=["organization", "tasks"],
                ),
                factor("h", "frontline_practice", taxonomy_codes={"cw": "handoff"}),
                factor("u", "family_community_environment"),
            ],
            [cause("c", "t1"), cause("t1", "h"), cause("h", "outcome"), cause("u", "outcome")],
            outcome={"jurisdiction": "us_ky"},
            events=[event("t1")],
        ),
    )
    yield ("R3", build([factor("u", "family_community_environment")], [cause("u", "outcome")]))


def test_combine_recurrence() -> None:
    """Counts and shares per key, with level, element and jurisdiction breakdowns."""
    result = combine(three_reviews())
    assert result.reviews == 3
    assert result.jurisdictions == {NO_JURISDICTION: 1, "us_ky": 2}
    assert [(f.code, f.reviews) for f in result.factors] == [(C, 2), (H, 2), (U, 2), (F, 1)]
    caseload = result.factor(C)
    assert caseload is not None
    assert caseload.share == 2 / 3
    assert caseload.by_level == {"agency_organization": 2}
    assert caseload.by_element == {"organization": 2, "tasks": 1}
    assert caseload.by_jurisdiction == {"us_ky": 2}
    family = result.factor(U)
    assert family is not None
    assert family.by_level == {"family_community_environment": 2}
    assert family.by_jurisdiction == {"us_ky": 1, NO_JURISDICTION: 1}
    funding = result.factor(F)
    assert funding is not None
    assert (funding.share, funding.by_level) == (1 / 3, {"law_policy_funding": 1})


def test_combine_co_occurrence_lift() -> None:
    """lift = n(a,b)·N / (n(a)·n(b)): C and H together in 2 of 3 reviews, each in 2 → 1.5."""
    result = combine(three_reviews())
    assert result.pairs == (
        CoOccurrence(C, H, 2, 1.5),
        CoOccurrence(C, F, 1, 1.5),
        CoOccurrence(F, H, 1, 1.5),
        CoOccurrence(C, U, 1, 0.75),
        CoOccurrence(H, U, 1, 0.75),
    )
    assert result.pair(H, C) == CoOccurrence(C, H, 2, 1.5)
    assert result.pair(F, U) is None
    assert len(combine(three_reviews(), min_pair_reviews=2).pairs) == 1


def test_combine_chains_and_aggregate_graph() -> None:
    """Chains end at the outcome (events in between are skipped); suffixes count too."""
    result = combine(three_reviews())
    assert result.chains == (
        Chain((H,), 2, 2 / 3),
        Chain((U,), 2, 2 / 3),
        Chain((C, H), 2, 2 / 3),
        Chain((F, C, H), 1, 1 / 3),
    )
    assert result.links == (
        CodeLink(C, H, 2),
        CodeLink(H, "outcome", 2),
        CodeLink(U, "outcome", 2),
        CodeLink(F, C, 1),
    )
    graph = result.to_networkx()
    assert graph.edges[C, H]["reviews"] == 2
    assert graph.nodes[U]["reviews"] == 2
    assert combine(three_reviews(), top_chains=1).chains == (Chain((H,), 2, 2 / 3),)
    data = json.loads(json.dumps(to_data(result)))
    assert data["chains"][-1] == {"codes": [F, C, H], "reviews": 1, "share": 1 / 3}


def test_combine_chains_do_not_go_round_a_loop() -> None:
    """p ⇄ q, both reaching the outcome: chains (p), (q), (p, q), (q, p), never (q, p, q)."""
    graph = build(
        [
            factor("p", "supervision_team", taxonomy_codes={"cw": "p"}),
            factor("q", "frontline_practice", taxonomy_codes={"cw": "q"}),
        ],
        [cause("p", "q"), cause("q", "p"), cause("p", "outcome"), cause("q", "outcome")],
    )
    chains = combine([("R", graph)]).chains
    assert [c.codes for c in chains] == [("cw:p",), ("cw:q",), ("cw:p", "cw:q"), ("cw:q", "cw:p")]


def test_combine_streams_and_rejects_duplicate_ids() -> None:
    """combine consumes a one-shot iterator; a review id given twice is an error."""
    stream = three_reviews()
    assert combine(stream).reviews == 3
    assert next(stream, None) is None  # consumed
    graph = build([factor("u", "family_community_environment")], [cause("u", "outcome")])
    with pytest.raises(ValueError, match="'R1' is given twice"):
        combine([("R1", graph), ("R1", graph)])
    assert to_data(combine([]))["factors"] == []


def test_factor_keys_and_taxonomy_choice() -> None:
    """A factor with two taxonomies counts under both, or under the one asked for."""
    data = {"taxonomy_codes": {"hfacs": "supervision", "cw": "caseload"}, "level": "x"}
    assert factor_keys(data) == ("cw:caseload", "hfacs:supervision")
    assert factor_keys(data, "cw") == ("cw:caseload",)
    assert factor_keys(data, "ssit") == ("uncoded:x",)
    graph = build(
        [
            factor(
                "f",
                "supervision_team",
                taxonomy_codes={"hfacs": "supervision", "cw": "caseload"},
            )
        ],
        [cause("f", "outcome")],
    )
    both = combine([("R", graph)])
    assert to_data(both.pairs) == [
        {"a": "cw:caseload", "b": "hfacs:supervision", "reviews": 1, "lift": 1.0}
    ]
    only = combine([("R", graph)], taxonomy="cw")
    assert [f.code for f in only.factors] == ["cw:caseload"]
    assert only.pairs == ()


# ----------------------------------------------------------------------------- generator


def test_generated_reviews_are_valid_and_clean() -> None:
    """Generated reviews validate, are well-formed, and come out the same for the same seed."""
    data = generate_review(random.Random(3), 0, nodes=60)
    graph = to_networkx(Review.model_validate(data))
    assert graph.number_of_nodes() == 61
    structure = check_structure(graph)
    assert structure.dangling == ()
    assert structure.wrong_kind == ()
    assert structure.unconnected_factors == ()
    assert minimal_cut(graph).breakable
    first = [(i, j, json.dumps(r)) for i, j, r in iter_reviews(5, seed=11)]
    assert first == [(i, j, json.dumps(r)) for i, j, r in iter_reviews(5, seed=11)]
    assert first[0][2] != first[1][2]
    with pytest.raises(ValueError, match="at least 12 nodes"):
        generate_review(random.Random(3), 0, nodes=5)


def test_protective_links_are_not_causes() -> None:
    """A protective influence is neither a cause nor an unconnected factor; its barrier is."""
    from npcs_review.graph.analysis import analyze  # noqa: PLC0415
    from npcs_review.graph.bridge import to_networkx  # noqa: PLC0415
    from npcs_review.models import Review  # noqa: PLC0415

    review = Review.model_validate(
        {
            "type": "case_specific_review",
            "factors": [
                {
                    "id": "cause",
                    "statement": "Caseloads above the standard",
                    "level": "agency_organization",
                    "factor_type": "condition",
                },
                {
                    "id": "kin",
                    "statement": "A grandparent checked on the infant daily",
                    "level": "family_community_environment",
                    "factor_type": "protective",
                },
            ],
            "links": [
                {
                    "kind": "contributes_to",
                    "source": "cause",
                    "target": "outcome",
                    "mechanism": "m",
                },
                {
                    "kind": "contributes_to",
                    "source": "kin",
                    "target": "outcome",
                    "mechanism": "m",
                    "polarity": "protective",
                },
            ],
        }
    )
    result = analyze(to_networkx(review))
    assert result.structure.unconnected_factors == ()
    assert result.minimal_cut.nodes == ("cause",)
    assert [f.factor for f in result.leverage.factors if f.share > 0] == ["cause"]
