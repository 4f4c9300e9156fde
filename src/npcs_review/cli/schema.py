"""``npcs-review schema export`` and ``npcs-review migrate``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Annotated

import typer

from npcs_review.cli._console import fail, library_errors

__all__ = ["app", "migrate"]

app = typer.Typer(
    help="JSON Schemas of every document this project reads or writes.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("export")
def export(
    folder: Annotated[Path, typer.Argument(help="Where to write the *.schema.json files.")] = Path(
        "schemas"
    ),
) -> None:
    """Write the JSON Schema (2020-12) of every document type into a folder."""
    from npcs_review.schema import export_schemas  # noqa: PLC0415

    with library_errors():
        paths = export_schemas(folder)
    for path in paths:
        typer.echo(str(path))


def migrate(
    path: Annotated[
        Path,
        typer.Argument(
            help="A case file (.json or .yaml).", exists=True, dir_okay=False, show_default=False
        ),
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the upgraded case here.")
    ] = None,
    in_place: Annotated[
        bool,
        typer.Option(
            "--in-place", help="Replace the input, keeping a backup next to it (FILE.bak)."
        ),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what would change.")] = (
        False
    ),
) -> None:
    """Upgrade a case file to the current schema version, step by step.

    Without --output or --in-place this is a dry run that prints the diff. The input is only
    replaced with --in-place, and then a backup is kept.
    """
    from npcs_review.io import read_yaml, write_text_atomic  # noqa: PLC0415
    from npcs_review.migrate import migrate_document  # noqa: PLC0415

    if output is not None and in_place:
        fail("give --output or --in-place, not both", code=2)
    raw = path.read_bytes()
    is_yaml = path.suffix.lower() in (".yaml", ".yml")
    with library_errors():
        if is_yaml:
            document, _, problems = read_yaml(raw, file=str(path))
            if problems:
                fail("\n".join(str(p) for p in problems))
        else:
            try:
                document = json.loads(raw)
            except (ValueError, UnicodeDecodeError) as exc:
                fail(f"{path}: not valid JSON ({exc}); run `npcs-review validate` for details")
        result = migrate_document(document, file=str(path))
    if not result.changed:
        typer.echo(f"{path} is already at schema version {result.to_version}")
        return
    for note in result.notes:
        typer.echo(f"- {note}")
    if dry_run or (output is None and not in_place):
        typer.echo(result.diff(document if isinstance(document, dict) else {}, path.name), nl=False)
        typer.echo("dry run: nothing written (use --output FILE or --in-place)")
        return
    from npcs_review.io import dump_yaml  # noqa: PLC0415

    text = (
        dump_yaml(result.document)
        if is_yaml
        else json.dumps(result.document, indent=2, ensure_ascii=False) + "\n"
    )
    target = output or path
    if in_place:
        backup = path.with_name(path.name + ".bak")
        shutil.copy2(path, backup)
        typer.echo(f"backup: {backup}")
        if is_yaml:
            typer.echo("note: YAML comments are not carried over; they remain in the backup")
    write_text_atomic(target, text)
    typer.echo(f"wrote {target} (schema version {result.to_version})")
