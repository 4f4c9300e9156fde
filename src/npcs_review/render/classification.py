"""Classifications and profile comparisons as text and JSON (``npcs-review classify``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from npcs_review.render.data import to_data
from npcs_review.render.formats import Format, FormatTable

if TYPE_CHECKING:
    from npcs_review.engine.classify import Classification, Comparison
    from npcs_review.engine.decision import Decision, TraceStep
    from npcs_review.engine.scope import CaseClassification

__all__ = [
    "CLASSIFICATION_FORMATS",
    "COMPARISON_FORMATS",
    "classification_text",
    "comparison_text",
]

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


def _run_text(c: Classification, trace: bool) -> str:
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


def classification_text(result: CaseClassification, *, trace: bool = False) -> str:
    """The case's id, then each classification: outcome, term, definition and reason.

    Args:
        result: the case's classifications.
        trace: also show every criterion as evaluated.
    """
    runs = "\n\n".join(_run_text(r, trace) for r in result.classifications)
    return f"Case {result.case_id}\n{runs}\n"


def _classification_json(result: CaseClassification) -> str:
    return json.dumps(to_data(result.classifications), indent=2, ensure_ascii=False) + "\n"


def comparison_text(c: Comparison) -> str:
    """Outcomes (a row per term, a column per profile), then why the profiles disagree."""
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
    return "\n".join(lines) + "\n"


def _comparison_json(c: Comparison) -> str:
    return json.dumps(to_data(c), indent=2, ensure_ascii=False) + "\n"


#: The formats of a case's classifications (``npcs-review classify``).
CLASSIFICATION_FORMATS: FormatTable[CaseClassification] = FormatTable(
    "classification",
    Format("text", classification_text, "text/plain", ".txt", options=("trace",)),
    Format("json", _classification_json, "application/json", ".json"),
)

#: The formats of one case under several profiles (``npcs-review classify -p A -p B``).
COMPARISON_FORMATS: FormatTable[Comparison] = FormatTable(
    "comparison",
    Format("text", comparison_text, "text/plain", ".txt"),
    Format("json", _comparison_json, "application/json", ".json"),
)
