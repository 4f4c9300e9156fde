"""The one identifier detector: names, numbers, addresses and dates of birth in text.

Lint (``identifier-in-text``), the audience filter of summaries and graph exports, and the
free-text check of shared submissions all call :func:`identifier_kinds`. The patterns are data
(``definitions/lint/identifiers.yaml``, after HIPAA Safe Harbor, 45 CFR 164.514(b)(2), and the
forms names take in published state fatality reviews). Text is normalised first
(:func:`normalize`), so zero-width characters or a non-breaking hyphen inside a number do not
hide it. A match names the kind of identifier, never the matched text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

import attrs

__all__ = [
    "IdentifierMatch",
    "contains_identifier",
    "find_identifiers",
    "identifier_kinds",
    "normalize",
]

# Hyphens and dashes that stand for "-", and spaces that stand for " ", after NFKC.
_TRANSLATE = {
    **{ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"},
    **{ord(c): " " for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"},
    **{ord(c): " " for c in "\u2008\u2009\u200a\u202f\u205f\u3000"},
}
_TOKEN_SPLIT = re.compile(r"[_.\-]+")


@attrs.frozen
class IdentifierMatch:
    """One identifier found: its kind and where it lies in the normalised text."""

    kind: str
    start: int
    end: int


def normalize(text: str) -> str:
    """Return ``text`` as the detector reads it.

    Unicode NFKC (full-width digits become ASCII), then every format character removed
    (zero-width spaces and joiners, soft hyphens, byte-order marks, direction overrides), then
    typographic hyphens and dashes read as ``-`` and other spaces as `` ``.
    """
    folded = unicodedata.normalize("NFKC", text)
    kept = "".join(c for c in folded if unicodedata.category(c) != "Cf")
    return kept.translate(_TRANSLATE)


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str], bool], ...]:
    from npcs_review.lint.config import IdentifierFile, read_lint_file  # noqa: PLC0415

    model = read_lint_file("identifiers.yaml", IdentifierFile)
    assert isinstance(model, IdentifierFile)
    lists = {
        "given_names": "|".join(re.escape(n) for n in sorted(set(model.given_names), key=str)),
        "initials_exceptions": "|".join(
            re.escape(x) for x in sorted(set(model.initials_exceptions), key=len, reverse=True)
        ),
    }
    out = []
    for p in model.patterns:
        source = re.sub(r"\{(given_names|initials_exceptions)\}", lambda m: lists[m[1]], p.pattern)
        flags = 0 if p.case_sensitive else re.IGNORECASE
        out.append((p.kind, re.compile(source, flags), p.tokens))
    return tuple(out)


def find_identifiers(text: str, *, token: bool = False) -> tuple[IdentifierMatch, ...]:
    """Every identifier in ``text``, in order (positions in :func:`normalize`'s text).

    Args:
        text: the text.
        token: ``text`` is a local id or other token (``marcus_lee``): its parts are also read
            as capitalised words, so a name spelled as an id is found too.
    """
    plain = normalize(text)
    found = [
        IdentifierMatch(kind, m.start(), m.end())
        for kind, pattern, _ in _patterns()
        for m in pattern.finditer(plain)
    ]
    if token and not found:
        spaced = " ".join(part.capitalize() for part in _TOKEN_SPLIT.split(plain) if part)
        found = [
            IdentifierMatch(kind, 0, len(plain))
            for kind, pattern, tokens in _patterns()
            if tokens and pattern.search(spaced)
        ]
    return tuple(sorted(found, key=lambda m: (m.start, m.end, m.kind)))


def identifier_kinds(text: str, *, token: bool = False) -> tuple[str, ...]:
    """The kinds of identifier in ``text``, sorted, each once (empty when there are none)."""
    return tuple(sorted({m.kind for m in find_identifiers(text, token=token)}))


def contains_identifier(text: Any, *, token: bool = False) -> bool:
    """Whether ``text`` (a string; anything else is not text) holds an identifier."""
    return isinstance(text, str) and bool(find_identifiers(text, token=token))
