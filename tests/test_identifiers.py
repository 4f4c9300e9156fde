"""The one identifier detector: forms real reports use, obfuscation, and what it leaves alone."""

from __future__ import annotations

import pytest

from npcs_review.identifiers import find_identifiers, identifier_kinds, normalize
from npcs_review.models import Case
from npcs_review.models._text import string_kinds


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Marcus Lee was found unresponsive.", "personal_name"),
        ("Baby Marcus was born prematurely.", "personal_name"),
        ("Baby Boy Whitfield was taken to the hospital.", "personal_name"),
        ("The child, B.B., lived with the mother.", "initials"),
        ("The siblings (J. M. and K.R.) were placed.", "initials"),
        ("A hotline report (intake #2018-737607) followed.", "case_number"),
        ("Intake 2018-737607 was screened in.", "case_number"),
        ("Referral no. CW-2025-00123 was assigned.", "case_number"),
        ("the Whitfield family home was visited", "personal_name"),
        ("Ms. Okafor called the hotline.", "personal_name"),
        ("Call back at (555) 867-5309.", "telephone_number"),
        ("SSN 123-45-6789 was on the form.", "social_security_number"),
        ("The family lives at 42 Maple Street.", "street_address"),
        ("Tampa, FL 33602 is the address.", "postal_code"),
        ("DOB: 03/04/2024", "date_of_birth"),
        ("born on March 4, 2024", "date_of_birth"),
        ("Write to someone@example.org.", "email_address"),
    ],
)
def test_names_and_numbers_in_the_forms_reports_use(text: str, kind: str) -> None:
    """Each form of identifier that appears in published reviews is found, by its kind."""
    assert kind in identifier_kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "123-45\u200b-6789",  # zero-width space
        "123\u201145\u20116789",  # non-breaking hyphens
        "123\u201345\u20136789",  # en dashes
        "1\u200c23-45-67\u200d89",  # zero-width non-joiner and joiner
        "123\u00ad-45-6789",  # soft hyphen
        "\uff11\uff12\uff13-45-6789",  # full-width digits
        "123-45-\u20626789",  # invisible times
    ],
)
def test_obfuscated_numbers_are_still_found(text: str) -> None:
    """Zero-width characters, non-breaking hyphens and look-alike digits are normalised away."""
    assert identifier_kinds(text) == ("social_security_number",)
    assert normalize(text) == "123-45-6789"


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. Department of Health and Human Services issued guidance.",
        "At 9 A.M. the caseworker arrived with the R.N. from the clinic.",
        "San Antonio police and the Martin County sheriff responded.",
        "The mother's partner moved back into the household.",
        "Five reports between 2014 and 2018; the last in June 2018.",
        "The infant was found not breathing by a caregiver.",
        "Report screened in for investigation.",
        "Safe sleep guidance was given at the hospital.",
        "Reviewed under F.S. 39.2015(2), 42 U.S.C. 5106a and C.G.S. \u00a746a-13l.",
    ],
)
def test_ordinary_report_text_is_left_alone(text: str) -> None:
    """Abbreviations, places and ordinary sentences are not identifiers."""
    assert find_identifiers(text) == ()


def test_ids_spelled_as_names_are_found_as_tokens() -> None:
    """An id like ``marcus_lee`` names a person; read as a token it is found, ``mother`` is not."""
    assert identifier_kinds("marcus_lee", token=True) == ("personal_name",)
    assert identifier_kinds("baby_marcus", token=True) == ("personal_name",)
    assert identifier_kinds("mothers_partner", token=True) == ()
    assert identifier_kinds("r_infant_injury_lock", token=True) == ()


def test_every_string_field_of_the_model_is_marked() -> None:
    """Each ``str`` field says what it holds, so lint and the audience filter cover it.

    A new field typed plain ``str`` fails here until it is marked as narrative, label, token,
    date, confidential, opaque or a code-list code.
    """
    kinds = string_kinds(Case)
    unmarked = sorted(path for path, found in kinds.items() if "unmarked" in found)
    assert unmarked == []
    assert kinds["incident.summary"] == {"narrative"}
    assert kinds["review.team.role"] == {"label"}
    assert kinds["persons.id"] == {"token"}
