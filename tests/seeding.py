"""Seed identifiers into every string field of a case, for leak tests.

``seed_identifiers(case)`` walks the model (:func:`npcs_review.models._text.map_text`), so a
field added to the model is seeded the day it is added. Each seed is unique, so a leak names the
field it came from. Narrative text and labels get an identifier in one of the forms real reports
use (a full name, "Baby" and a first name, initials, an intake number, a telephone number, a
social security number, a street address, a date of birth, an e-mail address), some written with
zero-width characters or non-breaking hyphens; ids become names spelled as ids
(``marcus_lee_q7``), consistently wherever they are used; the case id and extension data become
identifiers too. Codes and dates are not seeded: codes come from code lists, and dates have
their own tests (shown relative to the incident for the partnership).
"""

from __future__ import annotations

from collections.abc import Collection

import attrs

from npcs_review._pointer import escape
from npcs_review.identifiers import normalize
from npcs_review.models import Case
from npcs_review.models._text import TextValue, iter_text, map_text

__all__ = ["SEEDED_KINDS", "Seeded", "seed_identifiers"]

#: The kinds of string that are seeded by default.
SEEDED_KINDS = ("narrative", "label", "token", "confidential", "geography", "opaque")
#: Ids the model reserves (the outcome node, the child as a subject): never renamed.
_RESERVED = frozenset({"outcome", "child"})
_GIVEN = ("Marcus", "Jaylen", "Sofia", "Brianna", "Diego", "Aaliyah", "Tyrone", "Ximena")
_SURNAMES = ("Lee", "Okafor", "Ramirez", "Nguyen", "Whitfield", "Kowalski", "Baptiste")
_INITIALS = "BJKMQRTWXZ"


@attrs.frozen
class Seeded:
    """A seeded case and its seeds: pointer → the identifier written there."""

    case: Case
    seeds: dict[str, str]

    def leaks(self, output: str) -> dict[str, str]:
        """The seeds (by pointer) that appear in ``output``, as written or normalised."""
        plain = normalize(output)
        return {p: s for p, s in self.seeds.items() if s in output or normalize(s) in plain}


def _free_text_seed(n: int) -> str:
    """One identifier, in form ``n % 11`` of the forms real reports use (unique by ``n``)."""
    given, surname = _GIVEN[n % len(_GIVEN)], _SURNAMES[(n // len(_GIVEN)) % len(_SURNAMES)]
    a, b = _INITIALS[n % 10], _INITIALS[(n // 10) % 10]
    forms = (
        f"{given} {surname}",
        f"Baby {given}",
        f"{a}.{b}.",
        f"intake #2018-{737000 + n}",
        f"555-{200 + n // 10000:03d}-{n % 10000:04d}",
        f"{100 + n % 800:03d}-{10 + n % 90:02d}\u200b-{n % 10000:04d}",  # zero-width space
        f"{100 + n % 800:03d}\u2011{10 + n % 90:02d}\u2011{n % 10000:04d}",  # non-breaking hyphens
        f"{1000 + n} Juniper Street",
        f"DOB 03/{1 + n % 28:02d}/2019",
        f"ms.{surname.lower()}{n}@example.org",
        f"Ms. {surname}",
    )
    return forms[n % len(forms)]


def _seed_for(item: TextValue, n: int, tokens: dict[str, str]) -> tuple[str, str | None]:
    """The seeded string, and the seed to report (None for an id already reported)."""
    if item.kind == "token":
        if item.value in tokens:
            return tokens[item.value], None
        given = _GIVEN[len(tokens) % len(_GIVEN)].lower()
        tokens[item.value] = f"{given}_lee_q{len(tokens)}"
        return tokens[item.value], tokens[item.value]
    if item.kind == "geography":
        new = "99907" if item.value.isdigit() else f"region_marcus_q{n}"
        return new, new
    if item.kind == "confidential":
        new = f"CASE-555-867-{n:04d}"
        return new, new
    written = _free_text_seed(n)
    room = (200 if item.kind == "label" else 20_000) - len(written) - 1
    return f"{item.value[:room]} {written}", written


def seed_identifiers(case: Case, *, kinds: Collection[str] = SEEDED_KINDS) -> Seeded:
    """Write an identifier into every string of ``case`` whose kind is in ``kinds``.

    Returns:
        The seeded case (still valid) and, by pointer, each seed, which must never appear in a
        shared output. Ids are reported once, at their first use.
    """
    seeds: dict[str, str] = {}
    tokens: dict[str, str] = {}
    counter = iter(range(1_000_000))

    def seed(item: TextValue) -> str:
        if item.kind not in kinds or (item.kind == "token" and item.value in _RESERVED):
            return item.value
        new, secret = _seed_for(item, next(counter), tokens)
        if secret is not None:
            # a mapping key is reported where it now is: under its new name
            parent = item.pointer.rsplit("/", 1)[0]
            seeds[f"{parent}/{escape(new)}" if item.key else item.pointer] = secret
        return new

    seeded = map_text(case, seed)
    return Seeded(seeded, seeds)


def string_pointers(case: Case) -> list[str]:
    """Every string's pointer in ``case`` (to check that seeding reached them all)."""
    return [t.pointer for t in iter_text(case)]
