"""Review lint: each rule on a hand-made case, selection, presets, formats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from npcs_review.io import load_case
from npcs_review.lint import RULES, lint
from npcs_review.models import Case
from npcs_review.registry import default_registry, merge_patch
from npcs_review.render.lint import to_json, to_sarif, to_text
from tests.conftest import EXAMPLES

BASE = dict(default_registry().base_case)


def _review(**review: Any) -> Case:
    doc = merge_patch(BASE, {"incident": {"summary": "The infant was found not breathing."}})
    doc["review"] = {"type": "systemic_critical_incident_review", **review}
    return Case.model_validate(doc)


def _factor(fid: str, level: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": fid,
        "statement": f"Condition {fid}",
        "level": level,
        "factor_type": "condition",
        **extra,
    }


def _codes(case: Case, **kwargs: Any) -> list[tuple[str, str]]:
    return [(f.code, f.pointer) for f in lint(case, **kwargs).findings]


def test_rule_codes_and_slugs_are_stable_and_unique() -> None:
    """Every rule has an NPR-L code, a unique slug and a summary."""
    slugs = [r.slug for r in RULES.values()]
    assert len(slugs) == len(set(slugs))
    assert all(code.startswith("NPR-L") for code in RULES)
    assert "hindsight-language" in slugs
    assert "identifier-in-text" in slugs


def test_hindsight_language_skips_quoted_interview_text() -> None:
    """'failed to' in team text is flagged with a rewrite; inside quotes it is not."""
    case = _review(
        findings=[
            {"id": "g1", "text": "The caseworker failed to check the sleep arrangement."},
            {"id": "g2", "text": 'The worker said "I should have asked" during the debrief.'},
        ]
    )
    [finding] = lint(case, select=["hindsight-language"]).findings
    assert finding.pointer == "/review/findings/0/text"
    assert "failed to" in finding.message
    assert finding.suggestion is not None
    assert "what in the system" in finding.suggestion


def test_blame_language() -> None:
    """Judgmental labels are a separate rule from counterfactuals."""
    case = _review(
        factors=[_factor("f1", "frontline_practice", statement="Careless documentation of visits")]
    )
    assert _codes(case, select=["NPR-L102"]) == [("NPR-L102", "/review/factors/0/statement")]


def test_recommendations_must_address_something_and_be_complete() -> None:
    """An untargeted recommendation is an error; missing owner/date/measure a warning."""
    case = _review(
        factors=[_factor("f1", "agency_organization")],
        recommendations=[
            {"id": "r1", "text": "Cap caseloads at 15", "action_strength": "stronger"}
        ],
        links=[
            {
                "kind": "contributes_to",
                "source": "f1",
                "target": "outcome",
                "mechanism": "Less time per family",
            }
        ],
    )
    report = lint(case, select=["recommendation-target", "action-completeness"])
    assert [(f.code, f.severity) for f in report.findings] == [
        ("NPR-L201", "error"),
        ("NPR-L204", "warning"),
    ]
    assert report.failed


def test_action_strength_mix_and_fit() -> None:
    """Mostly weaker actions warn; an agency-level factor answered by training is a misfit."""
    case = _review(
        factors=[_factor("f1", "agency_organization")],
        recommendations=[
            {
                "id": f"r{i}",
                "text": "Refresher training",
                "action_strength": "weaker",
                "action_type": "training",
                "owner_role": "trainer",
                "due_date": "2025-09",
                "measure": "attendance",
            }
            for i in range(2)
        ],
        links=[
            {
                "kind": "contributes_to",
                "source": "f1",
                "target": "outcome",
                "mechanism": "Less time",
            },
            {"kind": "addresses", "source": "r0", "target": "f1"},
            {"kind": "addresses", "source": "r1", "target": "f1"},
        ],
    )
    assert _codes(case, select=["action-strength-mix", "action-strength-fit"]) == [
        ("NPR-L205", "/review/factors/0"),
        ("NPR-L203", "/review/recommendations"),
    ]


def test_priority_factor_needs_action_or_rationale() -> None:
    """The only factor on the path is in the minimal cut: it needs an action or a reason."""
    links = [{"kind": "contributes_to", "source": "f1", "target": "outcome", "mechanism": "m"}]
    bare = _review(factors=[_factor("f1", "supervision_team")], links=links)
    assert _codes(bare, select=["priority-factor-action"]) == [("NPR-L202", "/review/factors/0")]
    reasoned = _review(
        factors=[
            _factor("f1", "supervision_team", no_action_rationale="Changed statewide already")
        ],
        links=links,
    )
    assert _codes(reasoned, select=["priority-factor-action"]) == []


def test_level_coverage_orphans_mechanisms_and_duties() -> None:
    """Frontline-only factors, an orphan, a link without mechanism, an omission without duty."""
    case = _review(
        factors=[
            _factor("f1", "frontline_practice"),
            _factor("f2", "family_community_environment", factor_type="omission"),
        ],
        links=[{"kind": "contributes_to", "source": "f1", "target": "outcome"}],
    )
    assert _codes(
        case, select=["level-coverage", "orphan-factor", "mechanism-missing", "omission-duty"]
    ) == [
        ("NPR-L301", "/review/factors"),
        ("NPR-L302", "/review/factors/1"),
        ("NPR-L304", "/review/factors/1/duty"),
        ("NPR-L303", "/review/links/0"),
    ]


def test_hindsight_leak() -> None:
    """A decision judged only by evidence that came later is flagged; add contemporaneous
    evidence and it is not."""
    events = [
        {"id": "e1", "date": "2025-03-01", "description": "Safety plan ended", "is_decision": True}
    ]
    later = {
        "id": "v1",
        "source_type": "autopsy_report",
        "description": "Autopsy",
        "available_at": "2025-07-01",
    }
    then = {
        "id": "v2",
        "source_type": "case_record",
        "description": "Plan note",
        "available_at": "2025-03-01",
    }
    leak = _review(
        events=events,
        evidence=[later],
        links=[{"kind": "evidenced_by", "source": "e1", "target": "v1"}],
    )
    assert _codes(leak, select=["hindsight-leak"]) == [("NPR-L305", "/review/events/0")]
    fair = _review(
        events=events,
        evidence=[later, then],
        links=[
            {"kind": "evidenced_by", "source": "e1", "target": "v1"},
            {"kind": "evidenced_by", "source": "e1", "target": "v2"},
        ],
    )
    assert _codes(fair, select=["hindsight-leak"]) == []


@pytest.mark.parametrize(
    "text",
    [
        "Call back at 555-867-5309.",
        "SSN 123-45-6789 was on the form.",
        "The family lives at 42 Maple Street.",
        "See case number CW-2025-00123.",
        "DOB: 03/04/2024",
        "Mrs. Holloway called the hotline.",
    ],
)
def test_identifiers_in_text(text: str) -> None:
    """Direct identifiers in narrative text are errors; the message never repeats them."""
    case = _review(findings=[{"id": "g1", "text": text}])
    [finding] = lint(case, select=["identifier-in-text"]).findings
    assert finding.severity == "error"
    assert finding.pointer == "/review/findings/0/text"
    assert all(
        part not in finding.message for part in text.split() if any(ch.isdigit() for ch in part)
    )


def test_completeness_and_indeterminate_classification() -> None:
    """Unknown core facts are listed; an undecided classification names its missing facts."""
    report = lint(
        Case.model_validate(BASE), select=["completeness", "indeterminate-classification"]
    )
    codes = {f.code for f in report.findings}
    assert codes == {"NPR-L501", "NPR-L502"}
    info = next(f for f in report.findings if f.code == "NPR-L501")
    assert "/child/in_foster_care" in info.message


def test_select_ignore_presets_and_unknown_rules() -> None:
    """Select and ignore by code or slug; presets change severity or switch rules off."""
    case = _review(findings=[{"id": "g1", "text": "The worker failed to call."}])
    assert _codes(case, select=["NPR-L101"]) == _codes(case, select=["hindsight-language"])
    assert all(f.code != "NPR-L101" for f in lint(case, ignore=["hindsight-language"]).findings)
    strict = lint(case, select=["hindsight-language"], preset="strict")
    assert strict.findings[0].severity == "error"
    drafting = lint(Case.model_validate(BASE), preset="drafting")
    assert all(f.code != "NPR-L501" for f in drafting.findings)
    with pytest.raises(KeyError, match="no lint rule"):
        lint(case, select=["no-such-rule"])
    with pytest.raises(KeyError, match="no lint preset"):
        lint(case, preset="nope")


def test_formats_text_json_sarif() -> None:
    """Text names code and slug; JSON round-trips; SARIF 2.1.0 has rules and located results."""
    case = _review(findings=[{"id": "g1", "text": "The worker failed to call."}])
    report = lint(
        case,
        select=["hindsight-language"],
        file="case.yaml",
        positions={"/review/findings/0/text": (40, 9)},
    )
    assert "case.yaml:40:9 at /review/findings/0/text: warning:" in to_text(report)
    assert json.loads(to_json(report))["findings"][0]["code"] == "NPR-L101"
    sarif = json.loads(to_sarif(report))
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert run["tool"]["driver"]["rules"][0]["id"] == "NPR-L101"
    [result] = run["results"]
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 40,
        "startColumn": 9,
    }
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == (
        "/review/findings/0/text"
    )


def test_shipped_examples_have_no_lint_errors() -> None:
    """The examples are written the way reviews should be: no error findings."""
    from npcs_review.io import load_case  # noqa: PLC0415

    for path in sorted(EXAMPLES.glob("*.yaml")):
        report = lint(load_case(path))
        assert not report.failed, (path.name, [f.message for f in report.findings])


@pytest.mark.parametrize(
    "text",
    [
        "According to the police report, the mother failed to call for help.",
        "The Office of the Child Advocate found that the agency failed to assess the risk.",
        "The police report stated that the father was careless with the medication.",
        "The worker wrote \u2018the home was poor\u2019 in the note.",
        "The caller said 'she should have known' and hung up.",
        "The medical examiner's note reads \u00abhuman error\u00bb.",
    ],
)
def test_attributed_and_quoted_words_are_not_the_teams(text: str) -> None:
    """Attribution to another body, and quotes of any kind, suppress blame and hindsight."""
    case = _review(findings=[{"id": "g1", "text": text}])
    assert _codes(case, select=["hindsight-language", "blame-language"]) == []


def test_the_teams_own_words_are_still_read() -> None:
    """The team's own sentence next to an attributed one is still flagged."""
    case = _review(
        findings=[
            {
                "id": "g1",
                "text": "According to the police report, the door was open. The team found that "
                "the worker failed to visit.",
            }
        ]
    )
    assert _codes(case, select=["hindsight-language"]) == [("NPR-L101", "/review/findings/0/text")]


def test_attributed_findings_and_determination_notes_are_skipped() -> None:
    """A finding with attributed_to, and an authority's own statement, are not the team's."""
    case = _review(
        findings=[
            {
                "id": "g1",
                "text": "The agency failed to follow its safety-planning policy.",
                "attributed_to": "Office of the Child Advocate",
            }
        ]
    )
    assert _codes(case, select=["hindsight-language", "blame-language"]) == []
    doc = merge_patch(
        BASE,
        {
            "determinations": [
                {
                    "id": "d1",
                    "authority": "oversight_office",
                    "note": "DCF failed to assess the household; practice was inadequate.",
                }
            ]
        },
    )
    assert _codes(Case.model_validate(doc), select=["hindsight-language", "blame-language"]) == []


def test_hindsight_leak_ignores_the_reviews_own_report() -> None:
    """An encoding of a published review cites the report itself: that is not hindsight."""
    events = [
        {"id": "e1", "date": "2025-03-01", "description": "Safety plan ended", "is_decision": True}
    ]
    report = {
        "id": "v1",
        "source_type": "review_report",
        "description": "The published review report",
        "available_at": "2025-12",
    }
    case = _review(
        events=events,
        evidence=[report],
        links=[{"kind": "evidenced_by", "source": "e1", "target": "v1"}],
    )
    assert _codes(case, select=["hindsight-leak"]) == []
    autopsy = {**report, "source_type": "autopsy_report"}
    later = _review(
        events=events,
        evidence=[autopsy],
        links=[{"kind": "evidenced_by", "source": "e1", "target": "v1"}],
    )
    assert _codes(later, select=["hindsight-leak"]) == [("NPR-L305", "/review/events/0")]


def test_strength_mix_ranks_only_what_is_known() -> None:
    """Unrecorded strength is not 'weaker'; an action type ranks it (legislation: stronger)."""

    def rec(i: int, **extra: Any) -> dict[str, Any]:
        return {"id": f"r{i}", "text": "Do something", **extra}

    unknown = _review(recommendations=[rec(0), rec(1), rec(2, action_strength="weaker")])
    assert _codes(unknown, select=["action-strength-mix"]) == [
        ("NPR-L203", "/review/recommendations")
    ]
    [finding] = lint(unknown, select=["action-strength-mix"]).findings
    assert "1 of 1" in finding.message
    assert "2 without a recorded strength" in finding.message
    ranked = _review(
        recommendations=[
            rec(0, action_type="legislation"),
            rec(1, action_type="legislation"),
            rec(2, action_strength="weaker"),
        ]
    )
    assert _codes(ranked, select=["action-strength-mix"]) == []
    nothing = _review(recommendations=[rec(0), rec(1)])
    assert _codes(nothing, select=["action-strength-mix"]) == []


def test_incidental_factors_are_not_orphans() -> None:
    """A non-causal finding recorded as an incidental factor needs no path to the outcome."""
    case = _review(
        factors=[
            _factor("f1", "agency_organization"),
            _factor("f2", "oversight_regulation", factor_type="incidental"),
        ],
        links=[{"kind": "contributes_to", "source": "f1", "target": "outcome", "mechanism": "m"}],
    )
    assert _codes(case, select=["orphan-factor"]) == []


def test_an_empty_review_is_warned_about() -> None:
    """No factors, findings or recommendations: a clear warning."""
    assert _codes(_review(), select=["empty-review"]) == [("NPR-L306", "/review")]
    assert _codes(_review(findings=[{"id": "g1", "text": "x"}]), select=["empty-review"]) == []


def test_every_narrative_field_of_the_model_is_linted() -> None:
    """Blame words written into every narrative field are found in each: the list of fields
    comes from the model's marks, so a new narrative field is linted the day it is added."""
    from npcs_review.models._text import iter_text, map_text  # noqa: PLC0415

    case = load_case(EXAMPLES / "fatality-open-case-prior-reports.yaml")
    blamed = map_text(
        case,
        lambda t: t.value + " The handling was careless." if t.kind == "narrative" else t.value,
    )
    narrative = {t.pointer for t in iter_text(blamed) if t.kind == "narrative"}
    attributed = {p for p in narrative if p.startswith("/determinations/")}
    flagged = {f.pointer for f in lint(blamed, select=["blame-language"]).findings}
    assert narrative - attributed <= flagged
    assert len(narrative) > 100


def test_rules_run_are_exactly_the_rules_that_ran() -> None:
    """A preset's `off` rules, ignored rules and unselected rules are not listed as run."""
    case = Case.model_validate(BASE)
    every = lint(case)
    assert every.rules_run == tuple(RULES)
    drafting = lint(case, preset="drafting")
    assert "NPR-L501" not in drafting.rules_run
    assert "NPR-L502" not in drafting.rules_run
    assert "NPR-L203" in drafting.rules_run  # information only, but it ran
    assert lint(case, ignore=["completeness"]).rules_run == tuple(
        c for c in RULES if c != "NPR-L501"
    )
    assert lint(case, select=["NPR-L101", "blame-language"]).rules_run == ("NPR-L101", "NPR-L102")
    sarif = json.loads(to_sarif(drafting))
    listed = [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]]
    assert listed == list(drafting.rules_run)
    assert json.loads(to_json(drafting))["rules_run"] == list(drafting.rules_run)


def test_unknown_rule_or_preset_is_a_typed_lookup_error() -> None:
    """An unknown name raises DefinitionNotFoundError (a KeyError) with the closest names."""
    from npcs_review.errors import DefinitionNotFoundError  # noqa: PLC0415

    case = Case.model_validate(BASE)
    with pytest.raises(DefinitionNotFoundError) as caught:
        lint(case, select=["hindsight-languge"])
    assert caught.value.closest[0] == "hindsight-language"
    with pytest.raises(DefinitionNotFoundError) as caught:
        lint(case, preset="stritc")
    assert caught.value.closest == ("strict",)


def test_a_preset_naming_no_rule_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Every key of a preset must be a rule's code or slug; each bad key is reported."""
    import shutil  # noqa: PLC0415

    from npcs_review.errors import DefinitionError  # noqa: PLC0415
    from npcs_review.lint import config  # noqa: PLC0415
    from tests.conftest import ROOT  # noqa: PLC0415

    shutil.copytree(ROOT / "definitions" / "lint", tmp_path / "lint")
    preset = tmp_path / "lint" / "presets" / "drafting.yaml"
    preset.write_text(
        preset.read_text(encoding="utf-8") + "  completenes: off\n  NPR-L999: error\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(config, "definitions_root", lambda: tmp_path)
    config.presets.cache_clear()
    try:
        with pytest.raises(DefinitionError) as caught:
            config.presets()
    finally:
        config.presets.cache_clear()
    assert [(p.code, p.pointer) for p in caught.value.problems] == [
        ("NPR-D004", "/rules/completenes"),
        ("NPR-D004", "/rules/NPR-L999"),
    ]
    assert caught.value.problems[0].file == "definitions/lint/presets/drafting.yaml"


def test_a_key_error_inside_a_rule_is_a_bug_not_a_usage_error() -> None:
    """The lint command reports a rule's own KeyError as an internal error (exit 3)."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    code = (
        "import attrs, sys\n"
        "from npcs_review.lint.core import RULES\n"
        "def broken(context):\n"
        "    raise KeyError('a bug in a rule')\n"
        "RULES['NPR-L101'] = attrs.evolve(RULES['NPR-L101'], check=broken)\n"
        "from npcs_review.cli import main\n"
        f"sys.argv = ['npcs-review', 'lint', {str(EXAMPLES / 'many-unknowns.yaml')!r}]\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert done.returncode == 3, done.stderr
    assert "internal error (KeyError" in done.stderr


def test_the_identifier_rule_reads_every_text_label_and_id() -> None:
    """Team roles, level labels, owner and actor roles, duty text, mechanisms, ids: an
    identifier seeded into any of them is an error at that field."""
    from tests.seeding import seed_identifiers  # noqa: PLC0415

    case = load_case(EXAMPLES / "fatality-open-case-prior-reports.yaml")
    seeded = seed_identifiers(case, kinds=("narrative", "label", "token"))
    flagged = {f.pointer for f in lint(seeded.case, select=["identifier-in-text"]).findings}
    missed = sorted(set(seeded.seeds) - flagged)
    assert missed == []
    for part in ("/review/team/0/role", "/review/level_labels/", "/owner_role", "/duty"):
        assert any(part in p for p in flagged), part


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("The mother missed three appointments with the provider.", False),
        ("A verified report of inadequate supervision was received.", False),
        ("The January screen was missed because of transport.", True),
        ("The worker missed the bruise on the child's back.", True),
        ("Supervision of the case was inadequate.", True),
    ],
)
def test_plain_facts_are_not_judgments(text: str, flagged: bool) -> None:
    """'Missed appointments' and 'inadequate supervision' (an allegation's name) are facts."""
    case = _review(findings=[{"id": "g1", "text": text}])
    found = _codes(case, select=["hindsight-language", "blame-language"])
    assert bool(found) is flagged
