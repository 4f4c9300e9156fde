"""``npcs-review classify``: decisions with reasons, under the national set or profiles."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from npcs_review.cli._console import OutputFormat, fail, library_errors

if TYPE_CHECKING:
    from npcs_review.engine.classify import Classification, Comparison
    from npcs_review.engine.decision import Decision, TraceStep

__all__ = ["classify"]

_LABEL = {"meets": "MEETS", "does_not_meet": "DOES NOT MEET", "indeterminate": "INDETERMINATE"}


def _trace_lines(steps: tuple[TraceStep, ...]) -> list[str]:
    out = []
    for s in steps:
        where = (
            f" [{s.pointer} = {json.dumps(s.observed)}]"
            if s.pointer
            else (f" [{s.observed}]" if s.observed is not None else "")
        )
        out.append(f"{'    ' * (s.depth + 1)}{_LABEL[s.result].lower():14s}{s.text}{where}")
    return out


def _decision_lines(d: Decision, trace: bool) -> list[str]:
    lines = [
        f"  {_LABEL[d.outcome]:14s} {d.term}: {d.title} ({d.definition_id} {d.definition_version})",
        f"  {'':14s} {d.reason}",
    ]
    if trace:
        lines += _trace_lines(d.trace)
    return lines


def _render(c: Classification, trace: bool) -> str:
    scope = f"profile {c.profile_id} {c.profile_version}" if c.profile_id else "national set"
    when = f"in force on {c.effective_on}" if c.effective_on else "current (incident date unknown)"
    lines = [f"{scope} — definitions {c.definitions_version}, {when}"]
    for d in c.decisions:
        lines += _decision_lines(d, trace)
    if c.triggers:
        lines.append(f"  review required: {_LABEL[c.review_required or 'indeterminate']}")
        for t in c.triggers:
            lines.append(f"  {_LABEL[t.outcome]:14s} trigger {t.id}: {t.text}")
            if t.missing_facts:
                lines.append(f"  {'':14s} needs {', '.join(t.missing_facts)}")
            if t.outcome == "meets":
                lines.append(f"  {'':14s} review: {t.review}")
            if trace:
                lines += _trace_lines(t.trace)
    return "\n".join(lines)


def _render_comparison(c: Comparison) -> str:
    terms = sorted({d.term for cl in c.classifications.values() for d in cl.decisions})
    profiles = list(c.classifications)
    width = max([len(t) for t in terms] + [4])
    lines = [f"{'term':{width}}  " + "  ".join(f"{p:>13}" for p in profiles)]
    for term in terms:
        cells = []
        for p in profiles:
            found = c.classifications[p].decision(term)
            cells.append(f"{(_LABEL[found.outcome] if found else '-'):>13}")
        lines.append(f"{term:{width}}  " + "  ".join(cells))
    review = [c.classifications[p].review_required for p in profiles]
    lines.append(
        f"{'review':{width}}  " + "  ".join(f"{(_LABEL[r] if r else '-'):>13}" for r in review)
    )
    for d in c.disagreements:
        lines.append(f"\n{d.term}: profiles disagree")
        for name, values in d.parameters.items():
            shown = "; ".join(f"{p}={json.dumps(v)}" for p, v in values.items())
            lines.append(f"  parameter {name}: {shown}")
        for crit, results in d.criteria.items():
            shown = ", ".join(f"{p}: {_LABEL[r].lower()}" for p, r in results.items())
            lines.append(f"  {crit} — {shown}")
    return "\n".join(lines)


def classify(
    path: Annotated[
        Path,
        typer.Argument(
            help="One case file (.json or .yaml).", exists=True, dir_okay=False, show_default=False
        ),
    ],
    profile: Annotated[
        list[str] | None,
        typer.Option(
            "--profile",
            "-p",
            help="Jurisdiction profile(s), e.g. us_ky; 'case' "
            "for the case's own jurisdiction. Several: side by side.",
        ),
    ] = None,
    all_profiles: Annotated[
        bool, typer.Option("--all-profiles", help="Every jurisdiction profile, side by side.")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            help="Use the definitions in force on this date (YYYY-MM-DD) "
            "instead of the incident date."
        ),
    ] = None,
    trace: Annotated[bool, typer.Option(help="Show every criterion as evaluated.")] = False,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output as text or JSON.")
    ] = OutputFormat.text,
) -> None:
    """Say whether a case meets each definition, why, and which facts are missing.

    Without --profile: the partnership's proposed standard and the federal definitions,
    followed by the case's own jurisdiction profile when there is one.
    """
    from npcs_review.engine.classify import classify as run  # noqa: PLC0415
    from npcs_review.engine.classify import compare_profiles  # noqa: PLC0415
    from npcs_review.io import load_case  # noqa: PLC0415
    from npcs_review.registry import default_registry  # noqa: PLC0415

    day = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            fail(f"--as-of takes a date as YYYY-MM-DD, got {as_of!r}", code=2)
    with library_errors():
        case = load_case(path)
        registry = default_registry()
    chosen = [case.case.jurisdiction if p == "case" else p for p in profile or []]
    if all_profiles:
        chosen = sorted(registry.profiles)
    unknown = [p for p in chosen if p not in registry.profiles]
    if unknown:
        fail(
            f"no jurisdiction profile {', '.join(unknown)}; known: "
            f"{', '.join(sorted(registry.profiles))}",
            code=2,
        )
    if len(chosen) > 1:
        comparison = compare_profiles(case, chosen, as_of=day, registry=registry)
        if output is OutputFormat.json:
            typer.echo(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False))
        else:
            typer.echo(_render_comparison(comparison))
        return
    runs = [run(case, profile=p, as_of=day, registry=registry) for p in chosen] or [
        run(case, as_of=day, registry=registry)
    ]
    if not chosen and case.case.jurisdiction in registry.profiles:
        runs.append(run(case, profile=case.case.jurisdiction, as_of=day, registry=registry))
    if output is OutputFormat.json:
        typer.echo(json.dumps([r.to_dict() for r in runs], indent=2, ensure_ascii=False))
    else:
        typer.echo(f"Case {case.case.case_id}")
        typer.echo("\n\n".join(_render(r, trace) for r in runs))
