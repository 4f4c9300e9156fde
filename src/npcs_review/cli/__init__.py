"""The ``npcs-review`` command line: one module per command group, the library does the work.

Exit codes: 0 ok, 1 invalid input or findings, 2 usage error.
"""

from __future__ import annotations

import typer

from npcs_review.cli import classify, definitions, lint, schema, validate

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
app.add_typer(definitions.app, name="definitions")
app.add_typer(schema.app, name="schema")
app.command("migrate")(schema.migrate)


def main() -> None:
    """Run the command line."""
    app()
