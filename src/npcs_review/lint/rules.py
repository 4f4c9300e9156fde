"""The lint rules. Each has a stable code (``NPR-L…``) and slug; see ``docs/lint.md``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from npcs_review.codelists import codelist
from npcs_review.identifiers import identifier_kinds
from npcs_review.lint.config import attribution_cues, phrases
from npcs_review.lint.core import Hit, LintContext, rule
from npcs_review.models import MISSING, Case
from npcs_review.models._text import iter_text

__all__ = ["team_text"]

# double, curly, guillemet and low-high quotes; straight single quotes only around words (not
# an apostrophe inside one: "the mother's partner")
_QUOTED = re.compile(
    r'"[^"\n]*"|\u201c[^\u201d\n]*\u201d|\u2018[^\u2019\n]*\u2019|\u00ab[^\u00bb\n]*\u00bb'
    r"|\u201e[^\u201c\u201d\n]*[\u201c\u201d]|(?<![\w])'[^'\n]+'(?![\w])"
)
# a sentence ends at . ! ? followed by space (kept with the sentence so positions hold)
_SENTENCES = re.compile(r"(?<=[.!?])(?=\s)")


def team_text(case: Case) -> Iterator[tuple[str, str]]:
    """Yield (pointer, text) for every narrative field (derived from the model's marks)."""
    for item in iter_text(case):
        if item.kind == "narrative":
            yield item.pointer, item.value


def _attributed(case: Case) -> set[str]:
    """Pointers of the objects whose text is another body's words.

    Findings with ``attributed_to``, and what an authority stated in its determination.
    """
    places = {f"/determinations/{i}" for i in range(len(case.determinations))}
    if case.review is not None:
        places |= {
            f"/review/findings/{i}"
            for i, f in enumerate(case.review.findings)
            if f.attributed_to is not None
        }
    return places


def _own_words(text: str) -> str:
    """Blank out what is not the team's own words, keeping positions.

    Quotes of any kind, and each sentence that attributes what it says to another body
    ("according to the police report…").
    """
    text = _QUOTED.sub(lambda m: " " * len(m.group(0)), text)
    cues = attribution_cues()
    return "".join(
        " " * len(sentence) if cues.search(sentence) else sentence
        for sentence in _SENTENCES.split(text)
    )


def _language(context: LintContext, categories: set[str]) -> Iterator[Hit]:
    attributed = _attributed(context.case)
    for pointer, text in team_text(context.case):
        if pointer.rsplit("/", 1)[0] in attributed:
            continue
        plain = _own_words(text)
        for phrase, pattern in phrases():
            if phrase.category in categories and (found := pattern.search(plain)):
                yield (
                    pointer,
                    f"{phrase.category.replace('_', ' ')} language: \u201c{phrase.phrase}\u201d",
                    phrase.suggestion,
                    found.span(),
                )


@rule(
    "NPR-L101",
    "hindsight-language",
    "warning",
    "Counterfactual or hindsight wording in team-written text (should have, failed to, "
    "missed…); quoted interview text is skipped.",
    source="Dekker; CAST; phrase list in ``definitions/lint/phrases.yaml``",
    rewrite="the phrase list's neutral, mechanism-based wording for the phrase found",
)
def hindsight_language(context: LintContext) -> Iterator[Hit]:
    """Flag counterfactual and hindsight wording in the team's own text.

    Phrases such as "should have", "failed to", "missed" and "if only", each with a neutral,
    mechanism-based rewrite; every narrative field of the model is read (the list comes from
    the model's marks). Words that are not the team's are skipped: quotes of any kind, a
    sentence that attributes what it says to another body ("according to the police
    report…", "the Child Advocate found that…"; cues in ``definitions/lint/phrases.yaml``), a
    finding with ``attributed_to``, and what an authority stated in its determination.
    """
    yield from _language(context, {"counterfactual", "hindsight"})


@rule(
    "NPR-L102",
    "blame-language",
    "warning",
    "Judgmental labels and negative descriptors (careless, human error, inadequate, poor…).",
    source="RCA² rule of causation 2",
    rewrite="the phrase list's neutral wording: the mechanism, not a judgment of the person",
)
def blame_language(context: LintContext) -> Iterator[Hit]:
    """Flag judgmental labels and negative descriptors where a mechanism belongs.

    Words such as "careless", "human error", "inadequate" and "poor"; skips what is not the
    team's own words, as NPR-L101 does.
    """
    yield from _language(context, {"judgmental", "negative_descriptor"})


@rule(
    "NPR-L201",
    "recommendation-target",
    "error",
    "Every recommendation addresses at least one factor or barrier.",
    source="RCA²",
    rewrite="Add a link {kind: addresses, source: <recommendation id>, target: <factor id>}.",
)
def recommendation_target(context: LintContext) -> Iterator[Hit]:
    """Every recommendation addresses at least one factor or barrier.

    A recommendation must say which factor or barrier it changes.
    """
    review = context.case.review
    if review is None:
        return
    targeted = {link.source for link in review.links if link.kind == "addresses"}
    for i, r in enumerate(review.recommendations):
        if r.id not in targeted:
            yield (
                f"/review/recommendations/{i}",
                f"recommendation {r.id} addresses no factor or barrier",
                "Add a link {kind: addresses, source: " + r.id + ", target: <factor id>}.",
            )


@rule(
    "NPR-L202",
    "priority-factor-action",
    "warning",
    "Every factor in the minimal cut or with high leverage has a recommendation or an "
    "explicit no-action rationale.",
    source="graph analyses",
    rewrite="Add a recommendation that addresses it, or record no_action_rationale.",
)
def priority_factor_action(context: LintContext) -> Iterator[Hit]:
    """Every priority factor has a recommendation or an explicit no-action rationale.

    A priority is a factor (or barrier) in the minimal cut or with high leverage.
    """
    analysis = context.analysis
    if analysis is None:
        return
    places = context.node_pointers
    for gap in analysis.coverage.uncovered:
        if gap.node in places:
            why = " and ".join(r.replace("_", " ") for r in gap.reasons) or "a priority"
            yield (
                places[gap.node],
                f"{gap.kind} {gap.node} is a priority ({why}) but no recommendation addresses it",
                None,  # the rule's rewrite
            )


@rule(
    "NPR-L203",
    "action-strength-mix",
    "warning",
    "Warn when most recommended actions whose strength is known (recorded, or from the action "
    "type) are weaker ones (RCA² action hierarchy); unranked ones are not counted.",
    source="RCA² action hierarchy",
    rewrite=(
        "Add stronger or intermediate actions that change the system: forcing "
        "functions, standardized pathways, staffing, decision aids."
    ),
)
def action_strength_mix(context: LintContext) -> Iterator[Hit]:
    """Flag a plan where most actions are weaker ones (training, memos, reminders).

    More than half of the actions whose strength is known are weaker ones. A strength comes
    from the recommendation, else from its action type (legislation ranks stronger);
    unranked ones are not counted. Most actions should not depend on people remembering.
    """
    review = context.case.review
    if review is None or not review.recommendations:
        return
    ranked = [s for r in review.recommendations if (s := r.ranked_strength()) is not None]
    weaker = [s for s in ranked if s == "weaker"]
    if ranked and len(weaker) / len(ranked) > 0.5:
        unranked = len(review.recommendations) - len(ranked)
        yield (
            "/review/recommendations",
            f"{len(weaker)} of {len(ranked)} recommendations whose strength is known are weaker "
            "actions (training, memos, reminders)"
            + (f"; {unranked} without a recorded strength or type not counted" if unranked else ""),
            None,  # the rule's rewrite
        )


@rule(
    "NPR-L204",
    "action-completeness",
    "warning",
    "Each recommendation has an owner role, a due date and a measure.",
    source="RCA²",
    rewrite="Name who owns it (a role), when it is due, and how its effect is measured.",
)
def action_completeness(context: LintContext) -> Iterator[Hit]:
    """Each recommendation has an owner role, a due date and a measure.

    Owner, date and measure make an action trackable; a declined recommendation needs none.
    """
    review = context.case.review
    if review is None:
        return
    for i, r in enumerate(review.recommendations):
        missing = [
            name
            for name, value in (
                ("owner_role", r.owner_role),
                ("due_date", r.due_date),
                ("measure", r.measure),
            )
            if value is None or value in MISSING
        ]
        if missing and r.status != "declined":
            yield (
                f"/review/recommendations/{i}",
                f"recommendation {r.id} has no {', '.join(missing)}",
                None,  # the rule's rewrite
            )


@rule(
    "NPR-L205",
    "action-strength-fit",
    "warning",
    "Organization-level factors answered only by weaker actions (training, reminders).",
    source="RCA²",
    rewrite="Pair it with a stronger or intermediate action.",
)
def action_strength_fit(context: LintContext) -> Iterator[Hit]:
    """Flag a factor at the organization level or above answered only by weaker actions.

    System-level causes need system-level actions.
    """
    analysis = context.analysis
    if analysis is None:
        return
    for mismatch in analysis.coverage.strength_mismatches:
        factor_id = mismatch.factor
        if factor_id in context.node_pointers:
            yield (
                context.node_pointers[factor_id],
                f"factor {factor_id} sits at the organization level or above but is "
                "addressed only by weaker actions",
                None,  # the rule's rewrite
            )


@rule(
    "NPR-L301",
    "level-coverage",
    "warning",
    "At least one factor sits above the frontline level (counters proximal bias).",
    source="AcciMap",
    rewrite=(
        "Ask what in supervision, the organization, oversight or policy made "
        "the frontline conditions possible."
    ),
)
def level_coverage(context: LintContext) -> Iterator[Hit]:
    """Flag a review whose factors all sit at the frontline or family level (proximal bias).

    A review that finds only frontline and family factors has stopped too early.
    """
    analysis = context.analysis
    if analysis is None or not analysis.levels.total:
        return
    if analysis.levels.upper == 0:
        yield (
            "/review/factors",
            "every factor sits at the frontline or family level",
            None,  # the rule's rewrite
        )


@rule(
    "NPR-L302",
    "orphan-factor",
    "warning",
    "Every factor lies on a causal path to the outcome (factors recorded as incidental, not "
    "causal, are exempt).",
    source="RCA² rule 1",
    rewrite="Link it (contributes_to) to what it influenced, or remove it.",
)
def orphan_factor(context: LintContext) -> Iterator[Hit]:
    """Flag a factor with no causal path to the outcome.

    A factor recorded as ``incidental`` (not causal) is exempt; any other factor that leads
    nowhere is not yet explained.
    """
    analysis = context.analysis
    if analysis is None:
        return
    incidental = {
        v.code for v in codelist("factor_type").values if v.attributes.get("causal") is False
    }
    review = context.case.review
    assert review is not None
    skip = {f.id for f in review.factors if f.factor_type in incidental}
    for factor_id in analysis.structure.unconnected_factors:
        if factor_id in context.node_pointers and factor_id not in skip:
            yield (
                context.node_pointers[factor_id],
                f"factor {factor_id} has no causal path to the outcome",
                None,  # the rule's rewrite
            )


@rule(
    "NPR-L306",
    "empty-review",
    "warning",
    "A review records at least one factor, finding or recommendation.",
    source="",
    rewrite=(
        "Record what the review found (findings), what shaped the outcome (factors) and what "
        "should change (recommendations), or remove the review until there is one."
    ),
)
def empty_review(context: LintContext) -> Iterator[Hit]:
    """Flag a review with no factors, findings or recommendations.

    A review with nothing in it is not yet a review.
    """
    review = context.case.review
    if review is not None and not (review.factors or review.findings or review.recommendations):
        yield (
            "/review",
            "the review records no factors, findings or recommendations",
            None,  # the rule's rewrite
        )


@rule(
    "NPR-L303",
    "mechanism-missing",
    "warning",
    "Every contributes_to link states its mechanism (RCA² rule of causation 1).",
    source="RCA² rule 1",
    rewrite="Add a mechanism: how the source made the target more likely.",
)
def mechanism_missing(context: LintContext) -> Iterator[Hit]:
    """Flag a contributes_to link without its mechanism.

    A causal link needs its mechanism: how the source made the target more likely.
    """
    review = context.case.review
    if review is None:
        return
    for i, link in enumerate(review.links):
        if link.kind == "contributes_to" and not link.mechanism:
            yield (
                f"/review/links/{i}",
                f"the link {link.source} → {link.target} does not say how",
                None,  # the rule's rewrite
            )


@rule(
    "NPR-L304",
    "omission-duty",
    "warning",
    "An omission cites the policy or standard in force at the time (RCA² rule 5).",
    source="RCA² rule 5",
    rewrite=(
        "Cite the policy, standard or expectation that called for the action, "
        "or record the factor as a condition."
    ),
)
def omission_duty(context: LintContext) -> Iterator[Hit]:
    """Flag an omission that cites no duty in force at the time.

    Failure to act is causal only where there was a duty to act.
    """
    review = context.case.review
    if review is None:
        return
    for i, f in enumerate(review.factors):
        if f.factor_type == "omission" and not f.duty:
            yield (
                f"/review/factors/{i}/duty",
                f"omission {f.id} cites no duty in force at the time",
                None,  # the rule's rewrite
            )


@rule(
    "NPR-L305",
    "hindsight-leak",
    "warning",
    "A judgment about a decision cites evidence available at the time of the decision (the "
    "review's own report, cited by an encoding of a published review, is not such evidence).",
    source="Dekker (local rationality)",
    rewrite=(
        "Add the evidence that existed at the time, and describe what made "
        "sense then (local_rationality)."
    ),
)
def hindsight_leak(context: LintContext) -> Iterator[Hit]:
    """Flag a decision judged only on evidence that became available after it.

    Decisions are judged by what could be known when they were made. The review's own report
    (``review_report``), cited by an encoding of a published review, is not such evidence.
    """
    from npcs_review.models._types import date_bounds  # noqa: PLC0415

    review = context.case.review
    if review is None:
        return
    exempt = {
        v.code for v in codelist("evidence_source").values if v.attributes.get("hindsight_exempt")
    }
    evidence = {e.id: e for e in review.evidence if e.source_type not in exempt}
    judged: dict[str, set[str]] = {}
    for link in review.links:
        if link.kind == "evidenced_by":
            judged.setdefault(link.source, set()).add(link.target)
    for link in review.links:
        if link.kind == "contributes_to":
            judged.setdefault(link.target, set()).update(link.evidence)
            judged.setdefault(link.source, set()).update(link.evidence)
    for i, e in enumerate(review.events):
        if not e.is_decision or e.date in MISSING:
            continue
        cited = [evidence[x] for x in judged.get(e.id, ()) if x in evidence]
        dated = [x for x in cited if x.available_at not in MISSING]
        decided = date_bounds(str(e.date))[1]
        if dated and all(date_bounds(str(x.available_at))[0] > decided for x in dated):
            yield (
                f"/review/events/{i}",
                f"decision {e.id} ({e.date}) is judged only on evidence that became "
                f"available later ({', '.join(sorted(x.id for x in dated))})",
                None,  # the rule's rewrite
            )


@rule(
    "NPR-L401",
    "identifier-in-text",
    "error",
    "No text field or id holds a direct identifier: names (full names, 'Baby …', initials), "
    "phone numbers, social security numbers, street addresses, case and intake numbers, "
    "exact dates of birth.",
    source="HIPAA Safe Harbor list; patterns in ``definitions/lint/identifiers.yaml``",
    rewrite="Replace it with a role or remove it (roles, never names).",
)
def identifier_in_text(context: LintContext) -> Iterator[Hit]:
    """Flag a direct identifier in any text field, label or id.

    Names (full names, "Baby …", initials such as "B.B."), phone numbers, social security
    numbers, street addresses, case and intake numbers and exact dates of birth; ids spelled
    as names (``marcus_lee``) too. Text is normalised first, so zero-width characters or
    non-breaking hyphens do not hide a number. The finding names the kind, never the text.
    """
    seen: set[str] = set()
    for item in iter_text(context.case):
        if item.kind not in ("narrative", "label", "token") or item.value in seen:
            continue
        seen.add(item.value)  # an id used in many places is reported once, where it first is
        for kind in identifier_kinds(item.value, token=item.kind == "token"):
            yield (
                item.pointer,
                f"the {'id' if item.kind == 'token' else 'text'} appears to contain a "
                f"{kind.replace('_', ' ')}",
                None,  # the rule's rewrite
            )


def _core_facts(case: Case) -> list[tuple[str, object]]:
    return [
        ("/child/age", case.child.age),
        ("/child/sex", case.child.sex),
        ("/child/race", case.child.race),
        ("/child/hispanic", case.child.hispanic),
        ("/child/in_foster_care", case.child.in_foster_care),
        ("/incident/date", case.incident.date),
        ("/incident/cause_category", case.incident.cause_category),
        ("/incident/medical", case.incident.medical),
    ]


def completeness(case: Case) -> tuple[int, int, list[str]]:
    """Core fields recorded: (known, total, pointers of unknown or not collected ones)."""
    core = _core_facts(case)
    unknown = [
        ptr for ptr, value in core if value is None or (isinstance(value, str) and value in MISSING)
    ]
    people = [
        f"/persons/{i}/caregiver" for i, p in enumerate(case.persons) if p.caregiver in MISSING
    ]
    findings = [
        f"/maltreatments/{i}/finding"
        for i, m in enumerate(case.maltreatments)
        if m.finding in MISSING
    ]
    unknown += people + findings
    total = len(core) + len(case.persons) + len(case.maltreatments)
    return total - len(unknown), total, unknown


@rule(
    "NPR-L501",
    "completeness",
    "info",
    "Scorecard of the core data set: fields unknown or not collected.",
    source="the core data set",
    rewrite="Fill in what the agency knows; keep 'unknown' honest.",
)
def completeness_rule(context: LintContext) -> Iterator[Hit]:
    """Score the core data set: which facts are unknown or not collected."""
    known, total, unknown = completeness(context.case)
    if unknown:
        yield (
            "",
            f"{known} of {total} core facts recorded; unknown or not collected: "
            f"{', '.join(unknown)}",
            None,  # the rule's rewrite
        )


@rule(
    "NPR-L502",
    "indeterminate-classification",
    "warning",
    "The case's classification under its jurisdiction is indeterminate.",
    source="the incident definitions and jurisdiction profiles in ``definitions/``",
    rewrite="Record the missing facts (or 'not_applicable' where they do not apply).",
)
def indeterminate_classification(context: LintContext) -> Iterator[Hit]:
    """Flag a classification that cannot be decided, naming the facts that would settle it.

    The classification is the one under the case's own jurisdiction profile, else under the
    national set.
    """
    result = context.classification
    scope = result.profile_id or "the national set"
    for d in result.decisions:
        if d.outcome == "indeterminate":
            yield (
                d.missing_facts[0] if d.missing_facts else "",
                f"{d.term} under {scope} ({d.definition_id}) cannot be decided: needs "
                f"{', '.join(d.missing_facts)}",
                None,  # the rule's rewrite
            )
