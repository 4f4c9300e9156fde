"""`npcs-review graph`, `lint`, `summary` and `init` from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

from npcs_review.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()
REVIEWED = EXAMPLES / "near-fatality-fentanyl-ingestion.yaml"


@pytest.mark.parametrize("fmt", ["svg", "dot", "mermaid", "graphml", "json"])
def test_graph_draws_every_format(fmt: str, tmp_path: Path) -> None:
    """`graph CASE --format F -o OUT` writes a non-empty drawing (CASE alone means draw)."""
    out = tmp_path / f"graph.{fmt}"
    result = runner.invoke(app, ["graph", str(REVIEWED), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    if fmt in ("svg", "graphml"):
        ElementTree.fromstring(text)
    elif fmt == "json":
        assert json.loads(text)["directed"] is True
    else:
        assert "f_pills_access" in text or "n_f_pills_access" in text


def test_graph_analyze_and_combine() -> None:
    """analyze prints the cut and coverage; combine aggregates the reviewed examples."""
    analyzed = runner.invoke(app, ["graph", "analyze", str(REVIEWED)])
    assert analyzed.exit_code == 0
    assert "minimal cut:" in analyzed.output
    as_json = runner.invoke(app, ["graph", "analyze", "--format", "json", str(REVIEWED)])
    assert "minimal_cut" in json.loads(as_json.output)
    combined = runner.invoke(app, ["graph", "combine", str(EXAMPLES)])
    assert combined.exit_code == 0
    from npcs_review.io import load_case  # noqa: PLC0415

    reviewed = [
        p
        for p in EXAMPLES.glob("*.yaml")
        if (c := load_case(p)).review is not None and c.review.links
    ]
    assert len(reviewed) >= 4
    assert json.loads(combined.output)["reviews"] == len(reviewed)


def test_graph_without_a_review_is_an_input_error() -> None:
    """A case without a review graph gets a plain message and exit code 1."""
    result = runner.invoke(app, ["graph", str(EXAMPLES / "many-unknowns.yaml")])
    assert result.exit_code == 1
    assert "has no review graph" in result.output


def test_lint_command_formats_and_exit_codes(tmp_path: Path) -> None:
    """A clean example exits 0; an identifier in text is an error (exit 1); SARIF is valid."""
    clean = runner.invoke(app, ["lint", str(REVIEWED)])
    assert clean.exit_code == 0, clean.output
    bad = tmp_path / "bad.yaml"
    text = (EXAMPLES / "many-unknowns.yaml").read_text(encoding="utf-8")
    bad.write_text(
        text.replace("summary: >-", "summary: >-\n    Call 555-201-3344.", 1), encoding="utf-8"
    )
    failed = runner.invoke(app, ["lint", str(bad)])
    assert failed.exit_code == 1
    assert "NPR-L401 identifier-in-text" in failed.output
    sarif = runner.invoke(app, ["lint", str(bad), "--format", "sarif"])
    assert json.loads(sarif.output)["runs"][0]["results"]
    unknown = runner.invoke(app, ["lint", str(bad), "--select", "nope"])
    assert unknown.exit_code == 2


def test_summary_and_init(tmp_path: Path) -> None:
    """summary writes HTML; init writes a starter that validates as it is."""
    out = tmp_path / "summary.html"
    result = runner.invoke(app, ["summary", str(REVIEWED), "-o", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = runner.invoke(app, ["summary", str(REVIEWED), "--audience", "press"])
    assert bad.exit_code == 2
    for template in ("near-fatality", "fatality", "serious-injury"):
        starter = tmp_path / f"{template}.yaml"
        made = runner.invoke(app, ["init", "--template", template, str(starter)])
        assert made.exit_code == 0, made.output
        checked = runner.invoke(app, ["validate", str(starter)])
        assert checked.exit_code == 0, checked.output
    again = runner.invoke(app, ["init", str(tmp_path / "fatality.yaml"), "--template", "fatality"])
    assert again.exit_code == 2


def test_graph_audience_defaults_to_internal_and_says_so() -> None:
    """Without --audience the drawing is internal, and standard error says so."""
    result = runner.invoke(app, ["graph", str(REVIEWED), "-f", "dot"])
    assert result.exit_code == 0
    assert "audience: internal (the default)" in result.stderr
    shared = runner.invoke(app, ["graph", str(REVIEWED), "-f", "dot", "--audience", "partnership"])
    assert shared.exit_code == 0
    assert "audience:" not in shared.stderr


def test_graph_audience_filters_and_refuses() -> None:
    """--audience partnership drops identifying text; public is refused where the
    jurisdiction does not publish review findings; an unknown audience is a usage error."""
    text = (EXAMPLES / "near-fatality-abusive-head-trauma.yaml").read_text(encoding="utf-8")
    assert "jurisdiction: us_ky" in text
    refused = runner.invoke(
        app,
        ["graph", str(EXAMPLES / "near-fatality-abusive-head-trauma.yaml"), "--audience", "public"],
    )
    assert refused.exit_code == 1
    assert "does not publish review findings" in refused.stderr
    bad = runner.invoke(app, ["graph", str(REVIEWED), "--audience", "everyone"])
    assert bad.exit_code == 2
