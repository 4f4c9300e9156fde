"""The command line: exit codes, text and JSON output, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from npcs_review.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()


def test_validate_examples_ok() -> None:
    """Every shipped example is valid: exit code 0 and a summary line."""
    result = runner.invoke(app, ["validate", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    assert " 0 invalid" in result.output


def test_validate_reports_problems_and_exit_1(tmp_path: Path) -> None:
    """An invalid file gives exit code 1 and one line per problem with its place."""
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "schema_version": "0.3",\n  "oops": 1\n}\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:3:11 at /oops: error: unknown field 'oops'" in result.output
    assert "Traceback" not in result.output


def test_validate_json_output(tmp_path: Path, example_path: Path) -> None:
    """--format json gives a machine-readable summary and per-case problems."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: '0.3'\ncase: 3\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--format", "json", str(example_path), str(bad)])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["summary"]["cases"] == 2
    assert report["summary"]["invalid"] == 1
    [bad_result] = [r for r in report["results"] if not r["valid"]]
    assert {p["pointer"] for p in bad_result["problems"]} >= {"/case", "/child"}


def test_usage_errors_exit_2() -> None:
    """A path that does not exist is a usage error."""
    result = runner.invoke(app, ["validate", "/no/such/place.json"])
    assert result.exit_code == 2


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    """Validating a folder with no case files says so and fails."""
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "no case files found" in result.output


def test_overview(example_path: Path) -> None:
    """The overview names the incident, the child and the agency history."""
    result = runner.invoke(app, ["overview", str(example_path)])
    assert result.exit_code == 0, result.output
    assert "Near fatality on 2025-03-14" in result.output
    assert "Child: male, 4 months" in result.output
    assert "Agency history (3 events)" in result.output


def test_overview_of_invalid_file_has_no_traceback(tmp_path: Path) -> None:
    """A broken file gives the problems and exit code 1, not a traceback."""
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    result = runner.invoke(app, ["overview", str(bad)])
    assert result.exit_code == 1
    assert "NPR-F004" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_python_dash_m_runs_the_cli() -> None:
    """`python -m npcs_review --help` works."""
    done = subprocess.run(
        [sys.executable, "-m", "npcs_review", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "validate" in done.stdout


def test_progress_shows_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many files on a terminal show progress on stderr; piped, nothing is written."""
    import io  # noqa: PLC0415

    from npcs_review.cli._console import progress  # noqa: PLC0415

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    for done in range(1, 51):
        progress(done, 50)
    assert "checked 50/50 files" in screen.getvalue()
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    progress(50, 50)
    assert piped.getvalue() == ""
