"""``npcs-review definitions``: list, show, check and compare definitions and profiles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from npcs_review.cli._console import FAILED, OutputFormat, fail, problem_line

__all__ = ["app"]

app = typer.Typer(
    help="List, show, check and compare definitions, profiles and crosswalks.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("list")
def list_definitions(
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output as text or JSON.")
    ] = OutputFormat.text,
) -> None:
    """List every definition, indicator, jurisdiction profile and crosswalk."""
    from npcs_review.registry import default_registry  # noqa: PLC0415

    r = default_registry()
    rows = (
        [
            {
                "kind": "definition",
                "id": d.id,
                "version": d.version,
                "term": d.term,
                "status": d.status,
                "jurisdiction": d.jurisdiction,
                "effective": f"{d.effective_from} to {d.effective_to or 'now'}",
                "title": d.title,
            }
            for d in sorted(r.definitions.values(), key=lambda d: d.id)
        ]
        + [
            {
                "kind": "indicator",
                "id": i.id,
                "version": i.version,
                "term": i.value,
                "status": i.status,
                "jurisdiction": i.jurisdiction,
                "effective": "",
                "title": i.title,
            }
            for i in sorted(r.indicators.values(), key=lambda i: i.id)
        ]
        + [
            {
                "kind": "profile",
                "id": p.id,
                "version": p.version,
                "term": "",
                "status": p.status,
                "jurisdiction": p.jurisdiction,
                "effective": "",
                "title": p.title,
            }
            for p in sorted(r.profiles.values(), key=lambda p: p.id)
        ]
        + [
            {
                "kind": "crosswalk",
                "id": c.id,
                "version": c.version,
                "term": "",
                "status": "",
                "jurisdiction": "",
                "effective": "",
                "title": c.title,
            }
            for c in sorted(r.crosswalks.values(), key=lambda c: c.id)
        ]
    )
    if output is OutputFormat.json:
        typer.echo(json.dumps({"definitions_version": r.version, "items": rows}, indent=2))
        return
    typer.echo(f"definitions set {r.version}")
    for row in rows:
        typer.echo(f"{row['kind']:10} {row['id']:42} {row['version']:7} {row['title']}")


@app.command("show")
def show(
    item: Annotated[
        str, typer.Argument(help="Id of a definition, indicator or profile.", show_default=False)
    ],
) -> None:
    """Show one definition (criteria, parameters, sources) or profile."""
    from npcs_review.engine.explain import criteria_lines  # noqa: PLC0415
    from npcs_review.registry import default_registry  # noqa: PLC0415

    r = default_registry()
    if item in r.definitions:
        d = r.definitions[item]
        lines = [
            f"{d.title} ({d.id} {d.version}, {d.status})",
            f"term: {d.term}; "
            f"jurisdiction: {d.jurisdiction}; in force {d.effective_from} to "
            f"{d.effective_to or 'now'}",
            "",
            d.text.strip(),
            "",
            "criteria:",
        ]
        lines += list(criteria_lines(d.criteria, d.defaults))
        if d.parameters:
            lines += ["", "parameters (defaults):"]
            lines += [f"  {k}: {json.dumps(v.default)} — {v.text}" for k, v in d.parameters.items()]
        for title, items in (
            ("differences from CAPTA", d.differences_from_capta),
            ("notes", d.notes),
        ):
            if items:
                lines += ["", f"{title}:"] + [f"  - {n}" for n in items]
        lines += ["", "sources:"] + [
            f"  - {c.document}"
            + (f", {c.section}" if c.section else "")
            + (f" <{c.url}>" if c.url else "")
            + f" [{c.verified}]"
            for c in d.citations
        ]
        lines += ["", "test vectors:"] + [f"  - {v.expected}: {v.name}" for v in d.vectors]
        typer.echo("\n".join(lines))
    elif item in r.indicators:
        i = r.indicators[item]
        typer.echo(
            "\n".join(
                [
                    f"{i.title} ({i.id}, {i.value})",
                    "",
                    i.text.strip(),
                    "",
                    "expression:",
                    *criteria_lines(i.expression, i.defaults),
                ]
            )
        )
    elif item in r.profiles:
        p = r.profiles[item]
        lines = [
            f"{p.title} ({p.id} {p.version}, {p.status})",
            "",
            p.summary.strip(),
            "",
            "parameters:",
        ]
        lines += [f"  {k}: {json.dumps(v)}" for k, v in p.parameters.items()]
        lines += ["", "terms:"]
        for term, choices in p.terms.items():
            for c in choices:
                lines.append(
                    f"  {term}: {c.definition} from {c.effective_from} to "
                    f"{c.effective_to or 'now'} {json.dumps(dict(c.parameters))}"
                )
        for trigger in p.triggers:
            lines += [
                "",
                f"review trigger {trigger.id}: {trigger.text}",
                f"  in force {trigger.effective_from} to {trigger.effective_to or 'now'}",
                f"  review: {trigger.review}",
                *criteria_lines(trigger.criteria, p.parameters, 1),
            ]
        if p.unverified:
            lines += ["", "not yet verified:"] + [f"  - {u}" for u in p.unverified]
        typer.echo("\n".join(lines))
    else:
        known = sorted({*r.definitions, *r.indicators, *r.profiles})
        fail(f"no definition, indicator or profile {item!r}; known: {', '.join(known)}", 2)


@app.command("check")
def check(
    folder: Annotated[
        Path,
        typer.Argument(
            help="An overlay folder (incident_definitions/, "
            "indicators/, jurisdictions/, crosswalks/).",
            exists=True,
            file_okay=False,
            show_default=False,
        ),
    ],
) -> None:
    """Check a jurisdiction's overlay folder: every problem at once, then its test vectors."""
    from npcs_review.engine.vectors import iter_vector_results  # noqa: PLC0415
    from npcs_review.errors import DefinitionError  # noqa: PLC0415
    from npcs_review.registry import load_registry  # noqa: PLC0415

    try:
        registry = load_registry([folder])
    except DefinitionError as exc:
        for p in exc.problems:
            typer.echo(problem_line(p))
        fail(f"{len(exc.problems)} problem(s) in {folder}")
    prefix = str(folder)
    results = [v for v in iter_vector_results(registry) if v.file.startswith(prefix)]
    failed = [v for v in results if not v.passed]
    for v in failed:
        got = v.problem or f"got {v.actual}, missing facts {list(v.missing_actual)}"
        typer.echo(f"{v.file} at /vectors/{v.index}: {v.name!r}: expected {v.expected}; {got}")
    typer.echo(f"{folder}: {len(results) - len(failed)} of {len(results)} test vector(s) pass")
    if failed:
        raise typer.Exit(FAILED)


@app.command("diff")
def diff(
    left: Annotated[str, typer.Argument(help="A definition or profile id.", show_default=False)],
    right: Annotated[str, typer.Argument(help="Another of the same kind.", show_default=False)],
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output as text or JSON.")
    ] = OutputFormat.text,
) -> None:
    """Compare two definitions criterion by criterion, or two profiles rule by rule."""
    from npcs_review.engine.explain import diff_definitions, diff_profiles  # noqa: PLC0415
    from npcs_review.registry import default_registry  # noqa: PLC0415

    r = default_registry()
    if left in r.definitions and right in r.definitions:
        changes = diff_definitions(r.definitions[left], r.definitions[right])
    elif left in r.profiles and right in r.profiles:
        changes = diff_profiles(r.profiles[left], r.profiles[right])
    else:
        fail("give two definition ids or two profile ids (see 'npcs-review definitions list')", 2)
    if output is OutputFormat.json:
        typer.echo(json.dumps([c.to_dict() for c in changes], indent=2, ensure_ascii=False))
        return
    if not changes:
        typer.echo(f"{left} and {right} do not differ")
    for c in changes:
        if c.kind == "changed":
            typer.echo(f"~ {c.where}\n    {left}: {c.left}\n    {right}: {c.right}")
        else:
            side = right if c.kind == "added" else left
            typer.echo(
                f"{'+' if c.kind == 'added' else '-'} {c.where} (only in {side})\n"
                f"    {c.right or c.left}"
            )
