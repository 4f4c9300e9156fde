"""Sharing agreements as data: what a jurisdiction shares of the core data set, at which detail.

The partnership's default agreement (``definitions/sharing/partnership_default.yaml``) gives
every element its detail level (or ``withheld``), whether narrative text may be shared, and the
small-cell threshold. A jurisdiction's agreement *narrows* it: it may withhold more, coarsen
more, forbid narrative or raise the threshold, never widen anything. Packaged examples live
beside the default; a jurisdiction keeps its own in an overlay folder (``<folder>/sharing/``)
or gives one file. Every problem in every file is reported at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Literal

import attrs
from pydantic import BaseModel, ConfigDict, Field

from npcs_review._definition_file import read_definition_file
from npcs_review._resources import definitions_root
from npcs_review.codelists import codelists
from npcs_review.definitions import Citation
from npcs_review.errors import DefinitionError, Problem
from npcs_review.share.dataset import CoreDataSet, core_data_set

__all__ = [
    "DEFAULT_AGREEMENT",
    "WITHHELD",
    "Agreement",
    "AgreementFile",
    "find_agreement",
    "load_agreements",
    "packaged_agreements",
    "period_span",
]

#: Where agreements live, relative to a definitions root or an overlay folder.
FOLDER = "sharing"
#: The id of the partnership's default agreement, which every other one narrows.
DEFAULT_AGREEMENT = "partnership_default"
#: The level that shares nothing of an element.
WITHHELD = "withheld"
_ID = r"^[a-z][a-z0-9_]*$"


class AgreementFile(BaseModel):
    """A sharing agreement file under ``definitions/sharing/`` (or an overlay's ``sharing/``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    id: Annotated[str, Field(pattern=_ID)]
    """Equals the file name without extension."""
    kind: Literal["sharing_agreement"]
    """The kind of definition file."""
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    """Version of the agreement; recorded in every submission made under it."""
    title: str = Field(min_length=1)
    """Its name."""
    status: Literal["proposed", "example", "signed"]
    """``signed``: in force between the parties; ``proposed``: a draft; ``example``: synthetic,
    to show the format (never a real jurisdiction's terms)."""
    jurisdiction: str | None = None
    """The jurisdiction whose data it governs (code list ``jurisdiction``); null for the
    partnership default, which applies to every member."""
    narrows: Annotated[str, Field(pattern=_ID)] | None = None
    """The agreement this one narrows (the partnership default); null only for the default."""
    effective_from: date
    """First day of the periods it governs."""
    effective_to: date | None = None
    """Last day; null while in force."""
    signed_agreement: Citation
    """The signed agreement (or draft) this file encodes: document, section, where to read it."""
    narrative: Literal["allowed", "withheld"]
    """Whether free text (summaries, notes, statements) may be shared at all. Even where
    allowed, text is shared only after the identifier check passes."""
    small_cell_threshold: int = Field(ge=2, le=1000)
    """The smallest count the jurisdiction allows in anything published from its data; also the
    k of the re-identification risk report (k-anonymity)."""
    elements: dict[Annotated[str, Field(pattern=_ID)], Annotated[str, Field(pattern=_ID)]] = Field(
        default_factory=dict
    )
    """Detail level per element id (``withheld`` to share none of it). The default lists every
    element; a narrowing agreement lists only what it changes."""
    notes: list[str] = Field(default_factory=list)
    """Anything a reader should know (reasons, the clause each choice comes from)."""


@attrs.frozen
class Agreement:
    """A checked agreement with every element's level resolved (None: withheld)."""

    id: str
    version: str
    title: str
    status: str
    jurisdiction: str | None
    narrows: str | None
    effective_from: date
    effective_to: date | None
    citation: Citation
    narrative_allowed: bool
    small_cell_threshold: int
    levels: Mapping[str, str | None]
    file: str

    def in_force(self, first: date, last: date) -> bool:
        """True when the agreement governs every day from ``first`` to ``last``."""
        return self.effective_from <= first and (
            self.effective_to is None or last <= self.effective_to
        )

    def shared_level(self, element_id: str) -> str | None:
        """The level ``element_id`` is shared at, or None when it is withheld."""
        return self.levels.get(element_id)


def period_span(period: str) -> tuple[date, date]:
    """The first and last day of a period: ``2025``, ``2025-H2``, ``2025-Q3`` or ``2025-07``.

    Raises:
        ValueError: naming the accepted forms.
    """
    import calendar  # noqa: PLC0415
    import re  # noqa: PLC0415

    m = re.fullmatch(r"(\d{4})(?:-(?:Q([1-4])|H([12])|(0[1-9]|1[0-2])))?", period)
    if not m:
        msg = (
            f"{period!r} is not a period; write a year (2025), a half (2025-H2), a quarter "
            "(2025-Q3) or a month (2025-07)"
        )
        raise ValueError(msg)
    year = int(m[1])
    if m[2]:
        first_month, months = (int(m[2]) - 1) * 3 + 1, 3
    elif m[3]:
        first_month, months = (int(m[3]) - 1) * 6 + 1, 6
    elif m[4]:
        first_month, months = int(m[4]), 1
    else:
        first_month, months = 1, 12
    last_month = first_month + months - 1
    return date(year, first_month, 1), date(
        year, last_month, calendar.monthrange(year, last_month)[1]
    )


# ------------------------------------------------------------------------------ loading


def _files(root: Traversable | Path) -> list[Traversable]:
    base = root.joinpath(FOLDER)
    if not base.is_dir():
        return []
    return sorted((e for e in base.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name)


def _read(
    entry: Traversable, file: str, problems: list[Problem], *, trusted: bool
) -> AgreementFile | None:
    before = len(problems)
    model = read_definition_file(entry.read_bytes(), file, AgreementFile, problems, trusted=trusted)
    for i in range(before, len(problems)):  # the shared reader's codes, ours for agreements
        problems[i] = attrs.evolve(problems[i], code="NPR-P310")
    if model is not None and model.id != entry.name.removesuffix(".yaml"):
        problems.append(
            Problem(
                "NPR-P310",
                f"the id {model.id!r} must equal the file name "
                f"{entry.name.removesuffix('.yaml')!r}",
                "/id",
                file,
            )
        )
        return None
    return model


def load_agreements(
    overlays: Iterable[str | Path] = (), files: Iterable[str | Path] = ()
) -> Mapping[str, Agreement]:
    """The packaged agreements, plus every agreement in overlay folders and single files.

    Raises:
        DefinitionError: with every problem in every file (``NPR-P31x``).
    """
    problems: list[Problem] = []
    raw: dict[str, tuple[AgreementFile, str]] = {}
    sources: list[tuple[Traversable, str, bool]] = [
        (e, f"definitions/{FOLDER}/{e.name}", True) for e in _files(definitions_root())
    ]
    for folder in overlays:
        sources += [(e, f"{folder}/{FOLDER}/{e.name}", False) for e in _files(Path(folder))]
    sources += [(Path(f), str(f), False) for f in files]
    for entry, file, trusted in sources:
        model = _read(entry, file, problems, trusted=trusted)
        if model is None:
            continue
        if model.id in raw:
            problems.append(
                Problem(
                    "NPR-P317",
                    f"agreement {model.id!r} is already defined in {raw[model.id][1]}; give "
                    "yours another id",
                    "/id",
                    file,
                )
            )
            continue
        raw[model.id] = (model, file)
    agreements = _compile(raw, core_data_set(), problems)
    if problems:
        raise DefinitionError(problems)
    return MappingProxyType(agreements)


@cache
def packaged_agreements() -> Mapping[str, Agreement]:
    """The packaged agreements (the default and the examples), loaded once.

    Raises:
        DefinitionError: if a packaged file is malformed (a broken installation).
    """
    return load_agreements()


def find_agreement(name: str, overlays: Iterable[str | Path] = ()) -> Agreement:
    """An agreement by id (packaged or in an overlay folder) or by file path.

    Raises:
        DefinitionError: with every problem found, or if there is no such agreement.
    """
    path = Path(name)
    as_file = name.endswith((".yaml", ".yml")) or path.is_file()
    found = load_agreements(overlays, [path] if as_file else [])
    key = path.name.removesuffix(".yaml").removesuffix(".yml") if as_file else name
    if key not in found:
        known = ", ".join(sorted(found))
        raise DefinitionError(
            [Problem("NPR-P311", f"no agreement {name!r}; known: {known}", "", name)]
        )
    return found[key]


def _compile(
    raw: Mapping[str, tuple[AgreementFile, str]], core: CoreDataSet, problems: list[Problem]
) -> dict[str, Agreement]:
    jurisdictions = codelists()["jurisdiction"].codes
    default = raw.get(DEFAULT_AGREEMENT)
    base_levels: dict[str, str | None] = {}
    if default is None:
        problems.append(
            Problem(
                "NPR-P314",
                f"the partnership default agreement {DEFAULT_AGREEMENT!r} is missing",
                "",
                f"definitions/{FOLDER}/{DEFAULT_AGREEMENT}.yaml",
            )
        )
    out: dict[str, Agreement] = {}
    ordered = sorted(raw.items(), key=lambda kv: kv[0] != DEFAULT_AGREEMENT)
    for agreement_id, (model, file) in ordered:
        is_default = agreement_id == DEFAULT_AGREEMENT
        levels = dict(base_levels)
        for element_id, level in sorted(model.elements.items()):
            ptr = f"/elements/{element_id}"
            element = core.elements.get(element_id)
            if element is None:
                problems.append(
                    Problem(
                        "NPR-P311",
                        f"the core data set {core.version} has no element {element_id!r}",
                        ptr,
                        file,
                    )
                )
                continue
            if level == WITHHELD:
                if element.required:
                    problems.append(
                        Problem(
                            "NPR-P313",
                            f"{element_id!r} identifies the rows and cannot be withheld",
                            ptr,
                            file,
                        )
                    )
                levels[element_id] = None
                continue
            if level not in element.levels:
                problems.append(
                    Problem(
                        "NPR-P312",
                        f"{element_id!r} has no detail level {level!r}; use one of "
                        f"{', '.join((*element.levels, WITHHELD))}",
                        ptr,
                        file,
                    )
                )
                continue
            if not is_default:
                base = base_levels.get(element_id)
                if base is None or not element.ladder.no_wider(level, base):
                    shown = base or WITHHELD
                    problems.append(
                        Problem(
                            "NPR-P315",
                            f"{element_id!r} at {level!r} widens the partnership default "
                            f"({shown}); an agreement may only narrow it",
                            ptr,
                            file,
                        )
                    )
                    continue
            levels[element_id] = level
        if is_default:
            for element_id in core.elements:
                if element_id not in model.elements:
                    problems.append(
                        Problem(
                            "NPR-P314",
                            f"the default must give every element a level (or withheld); "
                            f"{element_id!r} is missing",
                            "/elements",
                            file,
                        )
                    )
            if model.jurisdiction is not None or model.narrows is not None:
                problems.append(
                    Problem(
                        "NPR-P316",
                        "the partnership default applies to every jurisdiction and narrows "
                        "nothing: remove 'jurisdiction' and 'narrows'",
                        "/jurisdiction",
                        file,
                    )
                )
            base_levels = levels
        else:
            _check_narrowing(model, file, raw, jurisdictions, problems)
        if model.effective_to is not None and model.effective_to < model.effective_from:
            problems.append(
                Problem(
                    "NPR-P316",
                    "effective_to is before effective_from",
                    "/effective_to",
                    file,
                )
            )
        out[agreement_id] = Agreement(
            model.id,
            model.version,
            model.title,
            model.status,
            model.jurisdiction,
            model.narrows,
            model.effective_from,
            model.effective_to,
            model.signed_agreement,
            model.narrative == "allowed",
            model.small_cell_threshold,
            MappingProxyType(levels),
            file,
        )
    return out


def _check_narrowing(
    model: AgreementFile,
    file: str,
    raw: Mapping[str, tuple[AgreementFile, str]],
    jurisdictions: frozenset[str],
    problems: list[Problem],
) -> None:
    if model.narrows != DEFAULT_AGREEMENT:
        problems.append(
            Problem(
                "NPR-P316",
                f"a jurisdiction's agreement narrows the partnership default: write "
                f"'narrows: {DEFAULT_AGREEMENT}'",
                "/narrows",
                file,
            )
        )
    if model.jurisdiction not in jurisdictions:
        problems.append(
            Problem(
                "NPR-P311",
                f"jurisdiction {model.jurisdiction!r} is not in the jurisdiction code list",
                "/jurisdiction",
                file,
            )
        )
    default = raw.get(DEFAULT_AGREEMENT)
    if default is None:
        return
    base = default[0]
    if model.narrative == "allowed" and base.narrative == "withheld":
        problems.append(
            Problem(
                "NPR-P315",
                "narrative is withheld by the partnership default; an agreement cannot allow it",
                "/narrative",
                file,
            )
        )
    if model.small_cell_threshold < base.small_cell_threshold:
        problems.append(
            Problem(
                "NPR-P315",
                f"the small-cell threshold {model.small_cell_threshold} is below the default's "
                f"{base.small_cell_threshold}; an agreement may only raise it",
                "/small_cell_threshold",
                file,
            )
        )
