"""Format tables (render/formats.py) and the commands that take their --format from them."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from npcs_review.cli import app
from npcs_review.errors import NpcsReviewError, UnknownFormatError
from npcs_review.render import SUMMARY_FORMATS
from npcs_review.render.classification import CLASSIFICATION_FORMATS, COMPARISON_FORMATS
from npcs_review.render.definitions import CATALOG_FORMATS, DIFF_FORMATS
from npcs_review.render.formats import Format, FormatTable
from npcs_review.render.graph import ANALYSIS_FORMATS, COMBINED_FORMATS, DRAWING_FORMATS
from npcs_review.render.lint import LINT_FORMATS
from npcs_review.render.partnership import PARTNERSHIP_FORMATS
from npcs_review.render.share import (
    CHECK_FORMATS,
    POOL_ADD_FORMATS,
    POOL_LIST_FORMATS,
    POOL_REMOVE_FORMATS,
    SHARE_FORMATS,
)
from npcs_review.render.validation import VALIDATION_FORMATS
from pool_data import generate_pool
from tests.conftest import EXAMPLES

runner = CliRunner()


def _upper(text: str, *, shout: bool = False) -> str:
    return text.upper() + ("!" if shout else "")


TABLE: FormatTable[str] = FormatTable(
    "greeting",
    Format("plain", str, "text/plain", ".txt"),
    Format("loud", _upper, "text/plain", ".txt", options=("shout",)),
)


def test_first_format_is_the_default_and_names_keep_table_order() -> None:
    """The table's first entry is its default; names() lists them in order."""
    assert TABLE.default == "plain"
    assert TABLE.names() == ("plain", "loud")
    assert "loud" in TABLE
    assert "html" not in TABLE
    assert [f.suffix for f in TABLE] == [".txt", ".txt"]


def test_render_passes_only_the_options_a_format_takes() -> None:
    """One call serves every format: options a format does not name are not passed to it."""
    assert TABLE.render("hi", "loud", shout=True) == "HI!"
    assert TABLE.render("hi", "plain", shout=True) == "hi"


def test_unknown_format_is_a_library_error_naming_the_choices() -> None:
    """An unknown name raises UnknownFormatError (a ValueError) listing the known names."""
    with pytest.raises(UnknownFormatError) as caught:
        TABLE.render("hi", "html")
    assert isinstance(caught.value, NpcsReviewError)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == "no greeting format 'html'; use plain, loud"
    assert caught.value.known == ("plain", "loud")


def test_a_table_needs_distinct_names() -> None:
    """Two formats with one name (or none at all) is a programming error caught at import."""
    with pytest.raises(ValueError, match="distinct"):
        FormatTable("x", Format("a", str, "text/plain", ".txt"), Format("a", str, "x/y", ".y"))
    with pytest.raises(ValueError, match="distinct"):
        FormatTable("x")


GRAPH_CASE = str(EXAMPLES / "fatality-open-case-prior-reports.yaml")
# a small generated pool for `report` (written once, when the module is collected)
POOL = Path(tempfile.mkdtemp(prefix="npcs-formats-")) / "pool.duckdb"
generate_pool(POOL, 200, seed=1)
atexit.register(shutil.rmtree, POOL.parent, ignore_errors=True)
COMMANDS: list[tuple[list[str], FormatTable[Any]]] = [
    (["classify", GRAPH_CASE], CLASSIFICATION_FORMATS),
    (["classify", GRAPH_CASE, "-p", "us_ky", "-p", "us_tx"], COMPARISON_FORMATS),
    (["lint", GRAPH_CASE], LINT_FORMATS),
    (["summary", GRAPH_CASE], SUMMARY_FORMATS),
    (["validate", GRAPH_CASE], VALIDATION_FORMATS),
    (["graph", "draw", GRAPH_CASE], DRAWING_FORMATS),
    (["graph", "analyze", GRAPH_CASE], ANALYSIS_FORMATS),
    (["graph", "combine", GRAPH_CASE], COMBINED_FORMATS),
    (["definitions", "list"], CATALOG_FORMATS),
    (["definitions", "diff", "us_ky", "us_tx"], DIFF_FORMATS),
    # share and pool on inputs that are refused (a clear message, exit 1): the formats parse
    (
        ["share", GRAPH_CASE, "-a", "example_us_pa", "-k", "no.key", "--period", "2025", "-o", "x"],
        SHARE_FORMATS,
    ),
    (["share", "check", str(EXAMPLES)], CHECK_FORMATS),
    (["pool", "add", str(EXAMPLES), "--db", "no-such.duckdb"], POOL_ADD_FORMATS),
    (["pool", "list", "--db", "no-such.duckdb"], POOL_LIST_FORMATS),
    (["pool", "remove", "sub-0", "--db", "no-such.duckdb"], POOL_REMOVE_FORMATS),
    (["report", "--db", str(POOL), "--period", "2025"], PARTNERSHIP_FORMATS),
]


@pytest.mark.parametrize(("command", "table"), COMMANDS, ids=lambda v: str(v)[:40])
def test_cli_format_choices_come_from_the_table(
    command: list[str], table: FormatTable[Any]
) -> None:
    """Every format in the table works on the command line; anything else is a usage error."""
    for name in table.names():
        result = runner.invoke(app, [*command, "--format", name])
        assert result.exit_code in (0, 1), (name, result.output)
        assert result.output.strip(), name
    bad = runner.invoke(app, [*command, "--format", "no-such-format"])
    assert bad.exit_code == 2
    assert f"choose one of {', '.join(table.names())}" in bad.output


def test_every_format_option_is_generated_from_a_table() -> None:
    """No command keeps its own list: each --format names a table's formats, with -o beside it."""
    import typer.main  # noqa: PLC0415

    tables = {f"<{'|'.join(t.names())}>" for _, t in COMMANDS}

    def commands(group: Any, path: str) -> Any:
        for name, command in getattr(group, "commands", {}).items():
            yield from commands(command, f"{path} {name}")
        if not hasattr(group, "commands"):
            yield path, group

    found = 0
    for path, command in commands(typer.main.get_command(app), "npcs-review"):
        options = {o: p for p in command.params for o in getattr(p, "opts", [])}
        if "--format" in options:
            found += 1
            assert options["--format"].metavar in tables, path
            assert options["--format"].opts == ["--format", "-f"], path
            assert "--output" in options, f"{path} has --format but no --output"
            assert options["--output"].opts == ["--output", "-o"], path
    assert found == len(COMMANDS) - 1  # classify serves two tables


def test_output_option_writes_the_same_bytes_as_standard_output(
    example_path: Path, tmp_path: Path
) -> None:
    """--output/-o writes exactly what would be printed (creating the folder), then says so."""
    printed = runner.invoke(app, ["classify", str(example_path), "--format", "json"])
    target = tmp_path / "new" / "classification.json"
    written = runner.invoke(app, ["classify", str(example_path), "-f", "json", "-o", str(target)])
    assert written.exit_code == 0, written.output
    assert written.output == f"wrote {target}\n"
    assert target.read_text(encoding="utf-8") == printed.output


def test_output_never_overwrites_the_input(example_path: Path, tmp_path: Path) -> None:
    """-o naming the command's own input is a usage error and leaves the input unchanged."""
    case = tmp_path / "case.yaml"
    case.write_bytes(example_path.read_bytes())
    result = runner.invoke(app, ["classify", str(case), "-o", str(case)])
    assert result.exit_code == 2
    assert "is an input of this command" in result.output
    assert case.read_bytes() == example_path.read_bytes()
