"""`npcs-review classify` and `npcs-review definitions`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from npcs_review.cli import app
from tests.conftest import EXAMPLES, ROOT

runner = CliRunner()


def test_classify_text_names_outcome_definition_and_reason(example_path: Path) -> None:
    """Text output shows each outcome with its definition id, version and reason."""
    result = runner.invoke(app, ["classify", str(example_path)])
    assert result.exit_code == 0, result.output
    assert "national set — definitions" in result.output
    assert "MEETS          near_fatality: CAPTA near fatality (capta_near_fatality 1.0.0)" in (
        result.output
    )
    assert "not met: The child died" in result.output


def test_classify_json_is_deterministic(example_path: Path) -> None:
    """The same input gives byte-identical JSON, with traces and citations."""
    first = runner.invoke(app, ["classify", "--format", "json", str(example_path)])
    second = runner.invoke(app, ["classify", "--format", "json", str(example_path)])
    assert first.exit_code == 0
    assert first.output == second.output
    [national, *_] = json.loads(first.output)
    decision = national["decisions"][0]
    assert set(decision) >= {
        "outcome",
        "definition_id",
        "definition_version",
        "trace",
        "missing_facts",
        "citations",
    }


def test_classify_trace_and_indeterminate(tmp_path: Path) -> None:
    """--trace lists criteria with pointers; missing facts are named."""
    case = EXAMPLES / "many-unknowns.yaml"
    result = runner.invoke(app, ["classify", "--trace", str(case)])
    assert result.exit_code == 0, result.output
    assert "INDETERMINATE" in result.output
    assert "not enough facts: needs /" in result.output
    assert "[/incident/type = " in result.output


def test_classify_errors_are_usage_errors(example_path: Path) -> None:
    """An unknown profile or a bad date is a usage error with a plain message."""
    result = runner.invoke(app, ["classify", "--profile", "us_zz", str(example_path)])
    assert result.exit_code == 2
    assert "no jurisdiction profile us_zz" in result.output
    result = runner.invoke(app, ["classify", "--as-of", "2025-13-01", str(example_path)])
    assert result.exit_code == 2


def test_definitions_list_and_show() -> None:
    """list names every kind; show prints criteria, sources and vectors."""
    listed = runner.invoke(app, ["definitions", "list"])
    assert listed.exit_code == 0
    assert "definition capta_near_fatality" in listed.output
    assert "indicator  prior_involvement" in listed.output
    shown = runner.invoke(app, ["definitions", "show", "npcs_near_fatality"])
    assert shown.exit_code == 0
    assert "differences from CAPTA:" in shown.output
    assert "[certified_by_physician] The certifier is a physician" in shown.output
    missing = runner.invoke(app, ["definitions", "show", "nope"])
    assert missing.exit_code == 2


def test_definitions_diff() -> None:
    """diff shows the trafficking rule that the 2017 CAPTA text added."""
    result = runner.invoke(
        app,
        [
            "definitions",
            "diff",
            "capta_child_abuse_and_neglect_1996",
            "capta_child_abuse_and_neglect_2017",
        ],
    )
    assert result.exit_code == 0
    assert "+ criterion /any/trafficking_rule (only in capta_child_abuse_and_neglect_2017)" in (
        result.output
    )


def test_definitions_check_reports_every_problem(tmp_path: Path) -> None:
    """check lists all problems of a bad overlay at once, then passes a good one."""
    folder = tmp_path / "overlay" / "incident_definitions"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_text("id: b\nkind: incident_definition\n", encoding="utf-8")
    (folder / "c.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    result = runner.invoke(app, ["definitions", "check", str(tmp_path / "overlay")])
    assert result.exit_code == 1
    assert "a.yaml" in result.output
    assert "c.yaml" in result.output
    assert "NPR-D001" in result.output
    assert "NPR-D002" in result.output
    shutil.rmtree(folder)
    good = tmp_path / "overlay" / "incident_definitions"
    good.mkdir(parents=True)
    text = (
        (ROOT / "definitions/incident_definitions/capta_near_fatality.yaml")
        .read_text(encoding="utf-8")
        .replace("id: capta_near_fatality", "id: us_zz_near_fatality")
    )
    (good / "us_zz_near_fatality.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["definitions", "check", str(tmp_path / "overlay")])
    assert result.exit_code == 0, result.output
    assert "5 of 5 test vector(s) pass" in result.output
