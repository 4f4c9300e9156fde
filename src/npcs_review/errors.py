"""Errors and problems, with stable codes and JSON pointers.

Hierarchy::

    NpcsReviewError                     base of everything this library raises
    ├── CaseFileError (ValueError)      a case file could not be loaded or is invalid;
    │                                   carries every Problem found in it
    ├── DefinitionError                 a definitions file is missing or malformed (never a
    │                                   ValueError, so validators cannot mistake it for bad input)
    ├── CriteriaError (ValueError)      a criterion is malformed (the registry reports it as a
    │                                   DefinitionError problem with its file and pointer)
    ├── DefinitionNotFoundError         a lookup by id found nothing: no such definition,
    │   (KeyError)                      profile, indicator, crosswalk, code list, code, lint
    │                                   rule or preset; carries the id and the closest names
    ├── GraphTooLargeError (ValueError) a review graph is larger than the graph analyses and
    │                                   drawings take (``npcs_review.graph.limits``)
    ├── ParameterError (ValueError)     a parameter a user set is unknown or has a bad value
    └── UnknownFormatError (ValueError) an output format the result type does not have

A :class:`Problem` is a value, not an exception: loaders and checks return lists of them so
that every problem in a file is reported at once. Codes are stable; see ``docs/errors.md``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Literal

import attrs

__all__ = [
    "CODES",
    "CaseFileError",
    "CriteriaError",
    "DefinitionError",
    "DefinitionNotFoundError",
    "GraphTooLargeError",
    "NpcsReviewError",
    "ParameterError",
    "Problem",
    "Severity",
    "UnknownFormatError",
]

#: How serious a problem or a lint finding is; the one severity scale of the library.
Severity = Literal["error", "warning", "info"]

#: Every problem code with its one-line meaning. Codes never change meaning once released.
CODES: dict[str, str] = {
    # File and format (NPR-F…): the bytes could not be read as one document.
    "NPR-F001": "file not found or not readable",
    "NPR-F002": "file is not valid UTF-8 text",
    "NPR-F003": "file looks binary (contains NUL bytes)",
    "NPR-F004": "JSON syntax error",
    "NPR-F005": "YAML syntax error",
    "NPR-F006": "YAML anchors, aliases and custom tags are not allowed",
    "NPR-F007": "input is larger than the documented limit",
    "NPR-F008": "input is nested deeper than the documented limit",
    "NPR-F009": "the document is not a single JSON object",
    "NPR-F010": "the same key appears twice in one object",
    "NPR-F011": "unsupported file type",
    # Structure (NPR-S…): the document does not match the case model.
    "NPR-S100": "invalid value",
    "NPR-S101": "required field is missing",
    "NPR-S102": "unknown field",
    "NPR-S103": "wrong type",
    "NPR-S104": "value is not one of the allowed values",
    "NPR-S105": "code is not in its code list",
    "NPR-S106": "value is out of range",
    "NPR-S107": "badly formed date",
    "NPR-S108": "unsupported schema version",
    # Consistency (NPR-C…): fields are well formed but contradict each other.
    "NPR-C201": "dates are out of order",
    "NPR-C202": "a reference points at an id that does not exist",
    "NPR-C203": "an id is used twice",
    "NPR-C204": "age does not agree with the dates or the stage of life",
    "NPR-C205": "a fact required by another fact is missing",
    "NPR-C206": "facts contradict each other",
    # Definitions (NPR-D…): a definitions file or overlay is unusable.
    "NPR-D001": "definitions file could not be read",
    "NPR-D002": "definitions file does not match its meta-schema",
    "NPR-D003": "id does not equal the file name",
    "NPR-D004": "reference to something that does not exist",
    "NPR-D005": "an overlay may add or narrow, never redefine",
    "NPR-D006": "effective periods overlap",
    "NPR-D007": "malformed criterion",
    "NPR-D008": "crosswalk is incomplete or inconsistent",
    "NPR-D009": "test vector gives another outcome than expected",
    # Partnership report (NPR-R…): its inputs cannot be used as given.
    "NPR-R001": "the population table has a bad column or value",
    "NPR-R002": "the population table repeats a row",
    "NPR-R003": "the pooled database cannot be read or holds no current submission",
    "NPR-R004": "a report option is not valid",
    # Sharing and pooling (NPR-P3…): keys, agreements, submissions, the pooled database.
    "NPR-P301": "a pseudonym key cannot be written (a file is already there)",
    "NPR-P302": "a pseudonym key is missing, unreadable or malformed",
    "NPR-P303": "a pseudonym key file can be read by other users",
    "NPR-P310": "sharing agreement file could not be read or does not match its meta-schema",
    "NPR-P311": "an agreement names an unknown element, jurisdiction or agreement",
    "NPR-P312": "an agreement gives an element a detail level it does not have",
    "NPR-P313": "an agreement withholds an element that identifies the rows",
    "NPR-P314": "the partnership default agreement is missing or leaves out an element",
    "NPR-P315": "an agreement widens the partnership default",
    "NPR-P316": "an agreement's dates, jurisdiction or parent are inconsistent",
    "NPR-P317": "an agreement id is defined twice",
    "NPR-P318": "the period is malformed or outside the agreement's dates",
    "NPR-P319": "the submission folder exists and is not empty",
    "NPR-P320": "a case appears twice in one submission",
    "NPR-P321": "a case belongs to another jurisdiction than the submission",
    "NPR-P330": "a submission file is missing, unreadable or not listed in the manifest",
    "NPR-P331": "the submission id does not match the manifest",
    "NPR-P332": "a file's SHA-256 does not match the manifest",
    "NPR-P333": "the submission's provenance is incomplete or of another core data set version",
    "NPR-P334": "the submission was made under another version of the agreement",
    "NPR-P335": "a table or column is not in the core data set, or is missing",
    "NPR-P336": "a column shares more than the agreement allows",
    "NPR-P337": "a table's file does not match its declared schema or constraints",
    "NPR-P340": "the partnership database is missing or cannot be opened",
    "NPR-P341": "loading a submission failed and was undone",
    "NPR-P342": "no current submission with this id in the pool",
}


@attrs.frozen
class Problem:
    """One thing wrong with an input, located as precisely as the format allows.

    Attributes:
        code: stable code from :data:`CODES`.
        message: plain-language sentence for an analyst, naming the fix where there is one.
        pointer: RFC 6901 JSON pointer into the document ("" is the whole document).
        file: the file the document came from, if any.
        line: 1-based line, where the format has lines.
        column: 1-based column.
        expected: what would have been accepted.
        found: what was there (a short rendering).
        severity: ``error`` makes the file invalid; ``warning`` does not.
    """

    __data__ = (
        "code",
        "severity",
        "message",
        "file",
        "pointer",
        "line",
        "column",
        "expected",
        "found",
    )

    code: str
    message: str
    pointer: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    expected: str | None = None
    found: str | None = None
    severity: Severity = "error"

    def location(self) -> str:
        """Render ``file:line:column`` (as much as is known) and the pointer."""
        place = self.file or "<input>"
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return f"{place} at {self.pointer or '/'}"

    def __str__(self) -> str:
        return f"{self.location()}: {self.message} [{self.code}]"


class NpcsReviewError(Exception):
    """Base class of every error this library raises."""


class CaseFileError(NpcsReviewError, ValueError):
    """A case file could not be loaded or is invalid.

    Attributes:
        problems: every problem found, in document order.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0] if problems else None
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}" if first else "invalid case file")


class DefinitionError(NpcsReviewError):
    """A definitions file is missing or malformed.

    Attributes:
        problems: every problem found.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems) or "invalid definitions")


class CriteriaError(NpcsReviewError, ValueError):
    """A criterion is malformed: it names no fact or several, no operator or several.

    Attributes:
        pointer: where in the definition file the criterion is.
    """

    def __init__(self, message: str, pointer: str) -> None:
        super().__init__(message)
        self.pointer = pointer


class DefinitionNotFoundError(NpcsReviewError, KeyError):
    """A lookup by id found nothing.

    Attributes:
        kind: what was looked up, in words ("jurisdiction profile", "definition", ...).
        id: the id asked for.
        closest: the known ids closest to it (at most three), best first.
        known: every known id, sorted.
    """

    def __init__(self, kind: str, id: str, known: Iterable[str]) -> None:
        self.kind = kind
        self.id = id
        self.known = tuple(sorted(known))
        self.closest = tuple(difflib.get_close_matches(id, self.known, n=3, cutoff=0.5))
        super().__init__(kind, id)

    def __str__(self) -> str:
        listed = ", ".join(self.known) if len(self.known) <= 60 else f"{len(self.known)} ids"
        hint = f"; did you mean {' or '.join(self.closest)}?" if self.closest else ""
        return f"no {self.kind} {self.id}; known: {listed}{hint}"


class ParameterError(NpcsReviewError, ValueError):
    """A parameter set by the user is not one the definitions declare, or its value is wrong.

    Attributes:
        name: the parameter's name.
        allowed: the names (for an unknown name) or values (for a bad value) allowed.
    """

    def __init__(self, message: str, name: str, allowed: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.name = name
        self.allowed = tuple(allowed)


class GraphTooLargeError(NpcsReviewError, ValueError):
    """A review graph has more nodes or links than the graph analyses and drawings take.

    Attributes:
        problems: one ``NPR-F007`` problem at ``/review``, naming the limits.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems) or "review graph too large")


class UnknownFormatError(NpcsReviewError, ValueError):
    """A format name that a result type does not have (see ``render.formats``).

    Attributes:
        format: the name asked for.
        known: the names the result type has.
    """

    def __init__(self, result: str, format: str, known: tuple[str, ...]) -> None:
        self.format = format
        self.known = known
        super().__init__(f"no {result} format {format!r}; use {', '.join(known)}")
