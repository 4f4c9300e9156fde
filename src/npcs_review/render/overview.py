"""A short plain-text overview of one case, for a terminal or a quick read."""

from __future__ import annotations

from npcs_review.consistency import age_text
from npcs_review.models import MISSING, Case
from npcs_review.models._types import code_text as _label
from npcs_review.models._types import is_missing

__all__ = ["overview"]


def _say(value: object) -> str:
    """Render a value for reading; missingness tokens as words ("not collected")."""
    return str(value).replace("_", " ") if value in MISSING else str(value)


def _labels(list_id: str, codes: object) -> str:
    if isinstance(codes, list):
        return ", ".join(_label(list_id, c) for c in codes) or "none"
    return _label(list_id, codes if isinstance(codes, str) else None)


def overview(case: Case) -> str:
    """Render ``case`` as a short plain-text overview (internal audience: includes the case id)."""
    inc, child = case.incident, case.child
    lines = [
        f"Case {case.case.case_id} · {_label('jurisdiction', case.case.jurisdiction)}",
        f"{_label('incident_type', inc.type)} on {inc.date}"
        + (f", died {inc.date_of_death}" if not is_missing(inc.date_of_death) else "")
        + (
            f" — cause: {_label('cause_category', inc.cause_category)}"
            if inc.cause_category
            else ""
        )
        + (
            f"; manner: {_label('manner_of_death', inc.manner_of_death)}"
            if inc.manner_of_death
            else ""
        ),
        f"Child: {_label('sex', child.sex).lower()}, {age_text(child.age)}; race: "
        f"{_labels('race', child.race)}; Hispanic: {child.hispanic.replace('_', ' ')}",
    ]
    med = inc.medical
    if med is not None:
        parts = []
        cert = med.physician_certification
        if cert is not None:
            text = f"certified: {cert.certified.replace('_', ' ')}"
            if cert.condition:
                text += f", {_label('physical_condition', cert.condition).lower()}"
            if cert.certifier_role:
                text += f" ({_label('certifier_role', cert.certifier_role).lower()})"
            parts.append(text)
        if med.critical_care_hours is not None:
            hours = med.critical_care_hours
            shown = f"{hours:g} h" if isinstance(hours, float | int) else _say(hours)
            parts.append(f"critical care: {shown}")
        if med.life_saving_procedures is not None:
            done = _labels("life_saving_procedure", med.life_saving_procedures)
            parts.append(f"life-saving: {done.lower()}")
        lines.append("Medical: " + "; ".join(parts))
    if case.persons:
        lines.append("People:")
        for p in case.persons:
            role = _label("relationship", p.relationship)
            if p.parent_type:
                role += f" ({_label('parent_type', p.parent_type).lower()})"
            care = {"yes": "caregiver", "no": "not a caregiver"}.get(
                p.caregiver, f"caregiver: {_say(p.caregiver)}"
            )
            age = f", {age_text(p.age)}" if p.age is not None else ""
            lines.append(f"  {p.id}: {role}, {care}{age}")
    if case.maltreatments:
        lines.append("Maltreatments:")
        for m in case.maltreatments:
            who = ", ".join(m.alleged_responsible) or "no one named"
            lines.append(
                f"  {m.id}: {_label('maltreatment_type', m.type)} — "
                f"{_label('finding', m.finding).lower()}; "
                f"{_label('causal_role', m.causal_role).lower()}; alleged responsible: {who}"
            )
    if case.determinations:
        lines.append("Determinations:")
        for d in case.determinations:
            said = [
                _label(lst, v).lower()
                for lst, v in (
                    ("finding", d.finding),
                    ("causal_role", d.causal_role),
                    ("manner_of_death", d.manner_of_death),
                )
                if v is not None
            ]
            when = d.date if d.date is not None else "undated"
            lines.append(
                f"  {when} {_label('authority', d.authority)}: "
                f"{'; '.join(said) or 'no ruling recorded'}"
            )
    if case.history:
        lines.append(f"Agency history ({len(case.history)} events):")
        for h in case.history:
            span = f"{h.date} to {h.end_date}" if h.end_date is not None else str(h.date)
            finding = f" — {_label('finding', h.finding).lower()}" if h.finding else ""
            lines.append(
                f"  {span} {_label('history_event_type', h.type)}"
                f" ({', '.join(h.subjects)}){finding}"
            )
    else:
        lines.append("Agency history: none recorded")
    if case.review is not None:
        r = case.review
        lines.append(
            f"Review: {_label('review_type', r.type)}, "
            f"{r.started or '?'} to {r.completed or 'ongoing'}"
        )
    return "\n".join(lines) + "\n"
