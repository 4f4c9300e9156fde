"""The ``npcs-review`` command line: one module per command group, the library does the work.

Exit codes: 0 ok, 1 invalid input or findings, 2 usage error, 3 internal error (a bug).
"""

from __future__ import annotations

import typer

from npcs_review.cli import (
    classify,
    definitions,
    graph,
    lint,
    pool,
    report,
    schema,
    share,
    summary,
    validate,
)

app = typer.Typer(
    name="npcs-review",
    help="Define, classify and review child-welfare critical incidents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command("validate")(validate.validate)
app.command("overview")(validate.overview)
app.command("classify")(classify.classify)
app.command("lint")(lint.lint)
app.command("summary")(summary.summary)
app.command("init")(summary.init)
app.command("report")(report.report)
app.add_typer(definitions.app, name="definitions")
app.add_typer(schema.app, name="schema")
app.add_typer(graph.app, name="graph")
app.command("migrate")(schema.migrate)
app.add_typer(share.app, name="share")
app.add_typer(pool.app, name="pool")


def main() -> None:
    """Run the command line; an unexpected error becomes a short message and exit code 3."""
    import os  # noqa: PLC0415
    import sys  # noqa: PLC0415

    try:
        app()
    except Exception as exc:  # the last line of defence against tracebacks
        if os.environ.get("NPCS_REVIEW_DEBUG"):
            raise
        sys.stderr.write(
            f"npcs-review stopped on an internal error ({type(exc).__name__}: {exc}).\n"
            "This is a bug in npcs_review, not in your file: please report it, with the "
            "command you ran.\nRun again with NPCS_REVIEW_DEBUG=1 to see the details.\n"
        )
        sys.exit(3)
