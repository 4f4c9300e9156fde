"""``npcs-review share`` and ``pool`` as an analyst uses them: messages and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from npcs_review.cli import app
from tests.conftest import EXAMPLES
from tests.sharing import cases_of, write_jsonl

runner = CliRunner()


def _key(tmp_path: Path) -> Path:
    key = tmp_path / "pa.key"
    result = runner.invoke(app, ["share", "keygen", str(key)])
    assert result.exit_code == 0, result.output
    assert "mode 0600" in result.output
    return key


def _share(tmp_path: Path, *extra: str, cases: Path | None = None) -> object:
    source = cases or write_jsonl(tmp_path / "cases.jsonl", cases_of("us_pa", 6))
    return runner.invoke(
        app,
        [
            "share",
            str(source),
            "--agreement",
            "example_us_pa",
            "--key-file",
            str(_key(tmp_path)),
            "--period",
            "2025-Q3",
            "-o",
            str(tmp_path / "sub"),
            *extra,
        ],
    )


def test_share_check_and_pool_end_to_end(tmp_path: Path) -> None:
    """keygen, share, check, pool add/list/remove: exit 0 and plain sentences."""
    shared = _share(tmp_path)
    assert shared.exit_code == 0, shared.output  # type: ignore[attr-defined]
    assert "shared 6 of 6 case(s)" in shared.output  # type: ignore[attr-defined]
    checked = runner.invoke(app, ["share", "check", str(tmp_path / "sub")])
    assert checked.exit_code == 0
    assert "is valid" in checked.output
    db = tmp_path / "pool.duckdb"
    added = runner.invoke(app, ["pool", "add", str(tmp_path / "sub"), "--db", str(db)])
    assert added.exit_code == 0
    assert "added submission" in added.output
    again = runner.invoke(app, ["pool", "add", str(tmp_path / "sub"), "--db", str(db)])
    assert "nothing changed" in again.output
    listed = runner.invoke(app, ["pool", "list", "--db", str(db), "--format", "json"])
    [record] = json.loads(listed.output)
    assert record["status"] == "current"
    assert record["cases"] == 6
    removed = runner.invoke(app, ["pool", "remove", record["submission_id"], "--db", str(db)])
    assert removed.exit_code == 0
    assert "stays in the history" in removed.output


def test_left_out_cases_are_listed_and_the_exit_code_says_so(tmp_path: Path) -> None:
    """Every example of another jurisdiction is named with its reason; exit code 1."""
    result = _share(tmp_path, "--format", "json", cases=EXAMPLES)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    data = json.loads(result.output)  # type: ignore[attr-defined]
    assert data["cases_read"] == len(list(EXAMPLES.glob("*.yaml")))  # one case per example
    assert data["cases_shared"] == 1
    assert {p["code"] for x in data["left_out"] for p in x["problems"]} == {"NPR-P321"}


def test_unknown_agreement_missing_key_and_bad_period_are_plain_errors(tmp_path: Path) -> None:
    """No traceback: a sentence naming what to fix, exit code 1."""
    source = write_jsonl(tmp_path / "c.jsonl", cases_of("us_pa", 1))
    base = ["share", str(source), "--period", "2025-Q3", "-o", str(tmp_path / "o")]
    unknown = runner.invoke(app, [*base, "--agreement", "nope", "--key-file", "k"])
    assert unknown.exit_code == 1
    assert "no agreement 'nope'" in unknown.output
    missing = runner.invoke(
        app, [*base, "--agreement", "example_us_pa", "--key-file", str(tmp_path / "k")]
    )
    assert missing.exit_code == 1
    assert "share keygen" in missing.output
    key = _key(tmp_path)
    bad = runner.invoke(
        app,
        [
            "share",
            str(source),
            "--period",
            "Q3",
            "-o",
            str(tmp_path / "o"),
            "--agreement",
            "example_us_pa",
            "--key-file",
            str(key),
        ],
    )
    assert bad.exit_code == 1
    assert "not a period" in bad.output
    assert "Traceback" not in unknown.output + missing.output + bad.output


def test_check_reports_tampering_with_exit_1(tmp_path: Path) -> None:
    """A changed table fails the check, naming the file."""
    assert _share(tmp_path).exit_code == 0  # type: ignore[attr-defined]
    path = tmp_path / "sub" / "children.parquet"
    path.write_bytes(path.read_bytes() + b"\0")
    result = runner.invoke(app, ["share", "check", str(tmp_path / "sub")])
    assert result.exit_code == 1
    assert "children.parquet" in result.output
    assert "NPR-P332" in result.output
    refused = runner.invoke(
        app, ["pool", "add", str(tmp_path / "sub"), "--db", str(tmp_path / "p")]
    )
    assert refused.exit_code == 1
    assert not (tmp_path / "p").exists()


def test_share_help_shows_the_three_forms() -> None:
    """`share --help` shows how to share, make a key and check."""
    result = runner.invoke(app, ["share", "--help"])
    assert result.exit_code == 0
    assert "--agreement" in result.output
    assert "keygen KEY" in result.output
