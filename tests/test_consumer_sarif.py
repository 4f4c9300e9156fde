"""The lint SARIF in the tools that read it: the SARIF 2.1.0 schema, the SARIF Multitool's
SARIF and GitHub rules (what GitHub code scanning requires), and sarif-tools.

Every example is linted, plus a YAML case with flagged phrases inside `>-` and `|` block
scalars, the same case as JSON, both in a folder whose name needs percent-encoding, and a case
with hundreds of findings. Tests skip, saying how to install, where a tool is missing.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from npcs_review.cli import app
from npcs_review.io import read_yaml
from npcs_review.lint import lint
from npcs_review.models import Case
from npcs_review.render.lint import artifact_location, to_sarif
from tests.conftest import EXAMPLES, ROOT
from tests.tools import node_package, program, run

runner = CliRunner()
REVIEWED = EXAMPLES / "fatality-open-case-prior-reports.yaml"
MULTITOOL = "@microsoft/sarif-multitool-linux/Sarif.Multitool"
SCHEMA = "@microsoft/sarif-multitool-linux/sarif-2.1.0.json"

BLOCKS = """\
  debrief_notes: >-
    The intake worker failed to
    ask about the partner, and the
    supervisor should have checked. Human error.
"""
LITERAL = """\
      description: |
        First line.

        The caseworker missed the
        second report.
"""


def _phrased_yaml() -> str:
    """The reviewed example with phrases inside a folded and a literal block scalar."""
    text = REVIEWED.read_text(encoding="utf-8")
    text = re.sub(r"  debrief_notes: >-\n(?:    .*\n)+", BLOCKS, text, count=1)
    return re.sub(r"      description: >-\n(?:        .*\n)+", LITERAL, text, count=1)


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The phrased case as YAML and JSON in an awkward folder, and a many-findings case."""
    folder = tmp_path_factory.mktemp("sarif") / "review files #2 é"
    folder.mkdir()
    phrased = folder / "phrased case.yaml"
    phrased.write_text(_phrased_yaml(), encoding="utf-8")
    data, _, problems = read_yaml(phrased.read_bytes(), file=str(phrased))
    assert problems == []
    as_json = folder / "phrased case.json"
    as_json.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    assert isinstance(data, dict)
    many = copy.deepcopy(data)
    for i in range(150):
        many["review"]["factors"].append(
            {
                "id": f"f_generated_{i}",
                "statement": "The worker failed to call and should have known; careless work.",
                "level": "frontline_practice",
                "factor_type": "condition",
            }
        )
    Case.model_validate(many)
    many_file = folder / "many findings.json"
    many_file.write_text(json.dumps(many, indent=1), encoding="utf-8")
    return {"yaml": phrased, "json": as_json, "many": many_file}


def _sarif(path: Path, out: Path, base: Path) -> Path:
    result = runner.invoke(
        app, ["lint", str(path), "--format", "sarif", "-o", str(out), "--base", str(base)]
    )
    assert result.exit_code in (0, 1), result.output
    return out


@pytest.fixture(scope="module")
def reports(cases: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """SARIF of every example and of the test cases, written by `npcs-review lint`."""
    out = tmp_path_factory.mktemp("reports")
    inputs = [*sorted(EXAMPLES.glob("*.yaml")), *cases.values()]
    return [
        _sarif(p, out / f"{i}.sarif", ROOT if p.is_relative_to(ROOT) else p.parent.parent)
        for i, p in enumerate(inputs)
    ]


def _results(path: Path) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["runs"][0][
        "results"
    ]
    return results


def test_regions_point_at_the_phrase_in_yaml_blocks_and_json(
    cases: dict[str, Path], tmp_path: Path
) -> None:
    """Start and end line and column of the phrase itself, with a snippet, in both files."""
    found: dict[str, dict[str, Any]] = {}
    for kind in ("yaml", "json"):
        sarif = _sarif(cases[kind], tmp_path / f"{kind}.sarif", cases[kind].parent.parent)
        lines = cases[kind].read_text(encoding="utf-8").splitlines()
        regions: dict[str, Any] = {}
        found[kind] = regions
        for result in _results(sarif):
            region = result["locations"][0]["physicalLocation"].get("region", {})
            if "snippet" in region:
                regions[region["snippet"]["text"]] = region
        for phrase in ("failed to", "should have", "missed", "Human error"):
            region = regions[phrase]
            line = lines[region["startLine"] - 1]
            assert line[region["startColumn"] - 1 : region["endColumn"] - 1] == phrase, kind
            assert region["endLine"] == region["startLine"]
    yaml_text = cases["yaml"].read_text(encoding="utf-8").splitlines()
    for phrase in ("failed to", "missed"):  # inside the blocks, not on their `>-`/`|` lines
        line = yaml_text[found["yaml"][phrase]["startLine"] - 1]
        assert phrase in line
        assert line.startswith("    ")


def test_artifact_uris_are_relative_percent_encoded_or_file_uris(
    cases: dict[str, Path], tmp_path: Path
) -> None:
    """Relative to --base with %SRCROOT%, encoded; outside it an absolute file:// URI."""
    sarif = _sarif(cases["yaml"], tmp_path / "y.sarif", cases["yaml"].parent.parent)
    location = _results(sarif)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {
        "uri": "review%20files%20%232%20%C3%A9/phrased%20case.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    outside = artifact_location(str(cases["yaml"]), tmp_path)
    assert outside["uri"].startswith("file:///")
    assert "uriBaseId" not in outside
    inside = artifact_location(str(tmp_path / "a" / ".." / "b" / "c d.yaml"), tmp_path)
    assert inside == {"uri": "b/c%20d.yaml", "uriBaseId": "%SRCROOT%"}


def test_rules_carry_help_preset_levels_and_results_fingerprints(cases: dict[str, Path]) -> None:
    """Full description, help with the rewrite, help URI, the preset's level; fingerprints
    that stay when the findings move to other lines."""
    text = cases["yaml"].read_text(encoding="utf-8")
    data, positions, _ = read_yaml(text.encode(), file="x")
    case = Case.model_validate(data)
    report = lint(case, preset="strict", file="x.yaml", positions=positions, text=text)
    sarif = json.loads(to_sarif(report, docs_url="https://docs.example/npcs/"))
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://docs.example/npcs/lint.md"
    for rule in driver["rules"]:
        assert rule["fullDescription"]["text"]
        assert "Rewrite:" in rule["help"]["text"]
        assert "**Rewrite:**" in rule["help"]["markdown"]
        assert rule["helpUri"] == f"https://docs.example/npcs/lint.md#{rule['id'].lower()}"
        level = report.levels[rule["id"]]
        assert rule["defaultConfiguration"]["level"] == _LEVEL[level]
    strict = {r["id"]: r["defaultConfiguration"]["level"] for r in driver["rules"]}
    plain = json.loads(to_sarif(lint(case, file="x.yaml")))["runs"][0]["tool"]["driver"]
    assert strict != {r["id"]: r["defaultConfiguration"]["level"] for r in plain["rules"]}
    shifted = "# a comment\n# and another\n" + text  # every finding two lines lower
    data, positions, _ = read_yaml(shifted.encode(), file="x")
    moved = lint(case, preset="strict", file="x.yaml", positions=positions, text=shifted)
    before, after = sarif["runs"][0]["results"], json.loads(to_sarif(moved))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in before]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] == [
        n + 2 for n in lines
    ]
    assert len({r["partialFingerprints"]["npcsReviewFinding/v1"] for r in before}) == len(before)


_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def test_every_report_fits_the_sarif_schema(reports: list[Path]) -> None:
    """The SARIF 2.1.0 JSON Schema (as the Multitool ships it) accepts every report."""
    schema = json.loads(node_package(SCHEMA).read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    for path in reports:
        errors = [e.message for e in validator.iter_errors(json.loads(path.read_text("utf-8")))]
        assert errors == [], (path.name, errors[:3])


def test_sarif_multitool_github_rules_find_no_error(reports: list[Path], tmp_path: Path) -> None:
    """`sarif-multitool validate --rule-kind "Gh;Sarif"`: no error on any report, including
    the one with hundreds of findings."""
    tool = node_package(MULTITOOL)
    many = _results(reports[-1])
    assert len(many) >= 300
    log = tmp_path / "validation.sarif"
    done = run(
        [
            tool,
            "validate",
            "--rule-kind",
            "Gh;Sarif",
            "--level",
            "Error;Warning;Note",
            "--log",
            "ForceOverwrite",
            "--output",
            log,
            *reports,
        ],
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    results = json.loads(log.read_text(encoding="utf-8"))["runs"][0]["results"]
    problems = [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in results
        if r.get("level", "warning") == "error"
    ]
    assert problems == []
    warnings = {r["ruleId"] for r in results if r.get("level", "warning") == "warning"}
    assert warnings <= {"SARIF2005"}  # informationUri: only once a docs URL is declared


def test_sarif_tools_summarises_every_report(reports: list[Path]) -> None:
    """sarif-tools (`sarif summary`) reads every report and counts what lint found."""
    tool = program("sarif", "pip install -c constraints.txt -e '.[dev]'")
    done = run([tool, "summary", *reports])  # one start: it counts all files together
    assert done.returncode == 0, done.stderr
    levels = [r["level"] for path in reports for r in _results(path)]
    for sarif_level in ("error", "warning", "note"):
        assert f"{sarif_level}: {levels.count(sarif_level)}" in done.stdout


def test_yaml_fixture_really_uses_block_scalars(cases: dict[str, Path]) -> None:
    """The phrases sit in a `>-` and a `|` block (the fixture is what the tests claim)."""
    text = cases["yaml"].read_text(encoding="utf-8")
    assert BLOCKS in text
    assert LITERAL in text
    assert yaml.safe_load(text)["review"]["debrief_notes"].startswith("The intake worker failed")
