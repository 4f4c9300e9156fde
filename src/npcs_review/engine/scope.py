"""Which definitions a case is classified under by default, and the classify command's call.

The default scope is the national set (the partnership's proposed standard and the federal
reference definitions) followed by the case's own jurisdiction profile when the registry has
one. ``classify``, ``summary`` and ``lint`` all use :func:`default_scope`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import attrs

from npcs_review.engine.classify import Classification, Comparison, classify, compare_profiles
from npcs_review.errors import DefinitionNotFoundError
from npcs_review.models import Case
from npcs_review.registry import Registry, default_registry

__all__ = ["CaseClassification", "classify_case", "default_scope"]


def default_scope(case: Case, registry: Registry | None = None) -> tuple[str | None, ...]:
    """The profiles a case is classified under by default, national set (``None``) first.

    Returns:
        ``(None,)``, or ``(None, jurisdiction)`` when the case's jurisdiction has a profile.
    """
    registry = registry or default_registry()
    own = case.case.jurisdiction
    return (None, own) if own in registry.profiles else (None,)


@attrs.frozen
class CaseClassification:
    """One case's classifications, in scope order (national set first)."""

    case_id: str
    classifications: tuple[Classification, ...]


def classify_case(
    case: Case,
    profiles: Sequence[str] = (),
    *,
    as_of: date | None = None,
    registry: Registry | None = None,
) -> CaseClassification | Comparison:
    """Classify ``case`` as ``npcs-review classify`` does.

    Args:
        case: the case.
        profiles: jurisdiction profiles (``"case"`` names the case's own); none for the
            default scope. Two or more are compared side by side.
        as_of: choose the definitions in force on this day instead of the incident date.
        registry: the definitions to use (default: the packaged ones).

    Returns:
        A :class:`Comparison` for two or more profiles, else the case's classifications.

    Raises:
        DefinitionNotFoundError: if a profile does not exist (a ``KeyError``).
    """
    registry = registry or default_registry()
    chosen = [case.case.jurisdiction if p == "case" else p for p in profiles]
    for p in chosen:
        if p not in registry.profiles:
            raise DefinitionNotFoundError("jurisdiction profile", p, registry.profiles)
    if len(chosen) > 1:
        return compare_profiles(case, chosen, as_of=as_of, registry=registry)
    scope: Sequence[str | None] = chosen or default_scope(case, registry)
    return CaseClassification(
        case.case.case_id,
        tuple(classify(case, profile=p, as_of=as_of, registry=registry) for p in scope),
    )
