"""The registry of definitions: loaded once from ``definitions/``, immutable, extendable.

Holds incident definitions, derived indicators, jurisdiction profiles and crosswalks, each
validated against its meta-schema (the models in :mod:`npcs_review.definitions`) and compiled
once. A jurisdiction may add its own folder of files (an *overlay*): it may add new ids and
narrow a standard definition (``extends``), never redefine one. Every problem in a folder is
reported at once, with file, pointer and line.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import attrs
import yaml
from pydantic import BaseModel, ValidationError

from npcs_review._pointer import join
from npcs_review._resources import definitions_root
from npcs_review._yaml import load_trusted_yaml
from npcs_review.codelists import codelists, definitions_version
from npcs_review.definitions import (
    CrosswalkEntry,
    CrosswalkFile,
    IncidentDefinitionFile,
    IndicatorFile,
    ProfileFile,
    ProfileTerm,
    ReviewTrigger,
    TestVector,
)
from npcs_review.engine.criteria import (
    AllNode,
    CriteriaError,
    Node,
    compile_expression,
    iter_references,
)
from npcs_review.engine.decision import Citation
from npcs_review.errors import DefinitionError, Problem

__all__ = [
    "Crosswalk",
    "Definition",
    "Indicator",
    "Profile",
    "Registry",
    "default_registry",
    "load_registry",
    "merge_patch",
]

#: Folder of each kind, relative to a definitions root (or an overlay folder).
FOLDERS: dict[str, type[BaseModel]] = {
    "incident_definitions": IncidentDefinitionFile,
    "indicators": IndicatorFile,
    "jurisdictions": ProfileFile,
    "crosswalks": CrosswalkFile,
}

M = TypeVar("M", bound=BaseModel)


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply a JSON Merge Patch (RFC 7386) and return the result (inputs are not changed)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _citations(models: Iterable[Any]) -> tuple[Citation, ...]:
    return tuple(Citation(c.document, c.section, c.url, c.verified) for c in models)


@attrs.frozen
class Definition:
    """A compiled incident definition."""

    id: str
    series: str
    version: str
    term: str
    title: str
    text: str
    status: str
    jurisdiction: str
    effective_from: date
    effective_to: date | None
    parameters: Mapping[str, Any]
    criteria: Node
    citations: tuple[Citation, ...]
    vectors: tuple[TestVector, ...]
    source: IncidentDefinitionFile
    file: str

    def in_force(self, day: date | None) -> bool:
        """True when the definition applies on ``day`` (``None``: is it current?)."""
        if day is None:
            return self.effective_to is None
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


@attrs.frozen
class Indicator:
    """A compiled derived indicator."""

    id: str
    title: str
    text: str
    value: str
    parameters: Mapping[str, Any]
    expression: Node
    vectors: tuple[TestVector, ...]
    source: IndicatorFile
    file: str


@attrs.frozen
class Profile:
    """A compiled jurisdiction profile."""

    id: str
    version: str
    title: str
    jurisdiction: str
    parameters: Mapping[str, Any]
    triggers: tuple[tuple[ReviewTrigger, Node], ...]
    source: ProfileFile
    file: str
    citations: Mapping[int, tuple[Citation, ...]] = attrs.field(factory=dict, eq=False)
    """The citations of each term choice and trigger, compiled once (keyed by object id)."""

    def cited(self, item: ProfileTerm | ReviewTrigger) -> tuple[Citation, ...]:
        """The compiled citations of one of this profile's term choices or triggers."""
        return self.citations.get(id(item)) or _citations(item.citations)

    def term(self, term: str, day: date | None) -> ProfileTerm | None:
        """The choice in force for ``term`` on ``day`` (``None``: the current one)."""
        for choice in self.source.terms.get(term, []):
            if day is None and choice.effective_to is None:
                return choice
            if (
                day is not None
                and choice.effective_from <= day
                and (choice.effective_to is None or day <= choice.effective_to)
            ):
                return choice
        return None


@attrs.frozen
class Crosswalk:
    """An executable mapping from a standard code list to another system."""

    id: str
    source: CrosswalkFile
    file: str

    def map(self, code: str) -> CrosswalkEntry:
        """Return the entry for a standard ``code``.

        Raises:
            KeyError: if the code is not in the source code list.
        """
        for entry in self.source.entries:
            if entry.source == code:
                return entry
        raise KeyError(code)

    def reverse(self, target: str) -> tuple[CrosswalkEntry, ...]:
        """Return every entry that maps to ``target`` in the other system."""
        return tuple(e for e in self.source.entries if e.target == target)


@attrs.frozen
class Registry:
    """Every definition, indicator, profile and crosswalk, compiled. Immutable."""

    version: str
    definitions: Mapping[str, Definition]
    indicators: Mapping[str, Indicator]
    profiles: Mapping[str, Profile]
    crosswalks: Mapping[str, Crosswalk]
    base_case: Mapping[str, Any]
    overlays: tuple[str, ...] = ()

    def definition(self, definition_id: str) -> Definition:
        """Return a definition by id.

        Raises:
            KeyError: with the known ids, if there is no such definition.
        """
        try:
            return self.definitions[definition_id]
        except KeyError:
            known = ", ".join(sorted(self.definitions))
            msg = f"no definition {definition_id!r}; known: {known}"
            raise KeyError(msg) from None

    def profile(self, profile_id: str) -> Profile:
        """Return a profile by id.

        Raises:
            KeyError: with the known ids, if there is no such profile.
        """
        try:
            return self.profiles[profile_id]
        except KeyError:
            known = ", ".join(sorted(self.profiles))
            msg = f"no jurisdiction profile {profile_id!r}; known: {known}"
            raise KeyError(msg) from None

    def standard_set(self, day: date | None) -> tuple[Definition, ...]:
        """The national definitions (partnership and federal) in force on ``day``, by id."""
        chosen = [
            d
            for d in self.definitions.values()
            if d.jurisdiction == "us"
            and d.source.deprecated is None
            and d.in_force(day)
            and d.source.extends is None
        ]
        return tuple(sorted(chosen, key=lambda d: (d.status != "proposed", d.term, d.id)))

    def vector_case(self, vector: TestVector) -> dict[str, Any]:
        """The case document of a test vector: the base case with the vector's patch."""
        result: dict[str, Any] = merge_patch(dict(self.base_case), vector.patch)
        return result

    def with_overlay(self, folder: str | Path) -> Registry:
        """Return a new registry with an overlay folder added (this one is unchanged).

        Raises:
            DefinitionError: with every problem found in the folder.
        """
        return _build(
            [
                (definitions_root(), False),
                *[(Path(o), True) for o in self.overlays],
                (Path(folder), True),
            ]
        )


# ------------------------------------------------------------------------------ loading


def _read(
    entry: Traversable, file: str, kind: type[M], problems: list[Problem], *, trusted: bool = False
) -> M | None:
    from npcs_review.io import read_yaml  # noqa: PLC0415 - avoid an import cycle

    raw = entry.read_bytes()
    if trusted:  # packaged files: parse fast; re-read strictly only to explain a problem
        try:
            return kind.model_validate(load_trusted_yaml(raw))
        except (ValidationError, yaml.YAMLError):
            pass
    data, positions, parse_problems = read_yaml(raw, file=file)
    if parse_problems:
        problems += [attrs.evolve(p, code="NPR-D001") for p in parse_problems]
        return None
    try:
        return kind.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(str(x) if not isinstance(x, int) else x for x in err["loc"])
            pointer = join(t for t in loc if not (isinstance(t, str) and t in _TAG_NAMES))
            line = None
            probe = pointer
            while probe not in positions and probe:
                probe = probe.rsplit("/", 1)[0]
            line, column = positions.get(probe, (None, None))
            problems.append(Problem("NPR-D002", str(err["msg"]), pointer, file, line, column))
        return None


_TAG_NAMES = frozenset({"all", "any", "not", "some", "count", "compare"})


def _files(root: Traversable | Path, folder: str) -> list[Traversable]:
    base = root.joinpath(folder)
    if not base.is_dir():
        return []
    return sorted((e for e in base.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name)


def _build(roots: list[tuple[Traversable | Path, bool]]) -> Registry:
    problems: list[Problem] = []
    raw: dict[str, dict[str, tuple[Any, str]]] = {k: {} for k in FOLDERS}
    for root, is_overlay in roots:
        label = str(root) if is_overlay else "definitions"
        for folder, kind in FOLDERS.items():
            for entry in _files(root, folder):
                file = f"{label}/{folder}/{entry.name}"
                model = _read(entry, file, kind, problems, trusted=not is_overlay)
                if model is None:
                    continue
                stem = entry.name.removesuffix(".yaml")
                model_id = getattr(model, "id", None)
                if model_id != stem:
                    problems.append(
                        Problem(
                            "NPR-D003",
                            f"the id {model_id!r} must equal the file name {stem!r}",
                            "/id",
                            file,
                        )
                    )
                    continue
                if stem in raw[folder]:
                    problems.append(
                        Problem(
                            "NPR-D005",
                            f"{stem!r} is already defined in {raw[folder][stem][1]}; an "
                            "overlay may add new ids, or narrow a definition under a new id with "
                            f"'extends: {stem}', but never redefine it",
                            "/id",
                            file,
                        )
                    )
                    continue
                raw[folder][stem] = (model, file)
    base_case = _base_case(problems)
    registry = _compile(raw, base_case, [str(r) for r, o in roots if o], problems)
    if problems:
        raise DefinitionError(problems)
    return registry


def _base_case(problems: list[Problem]) -> dict[str, Any]:
    data = load_trusted_yaml(definitions_root().joinpath("vectors", "base_case.yaml").read_bytes())
    if not isinstance(data, dict):
        problems.append(
            Problem(
                "NPR-D002",
                "the base case must be a mapping",
                "",
                "definitions/vectors/base_case.yaml",
            )
        )
        return {}
    return data


def _node(expr: Any, file: str, pointer: str, problems: list[Problem]) -> Node | None:
    try:
        return compile_expression(expr, pointer)
    except CriteriaError as exc:
        problems.append(Problem("NPR-D007", str(exc), exc.pointer, file))
        return None


def _compile(
    raw: dict[str, dict[str, tuple[Any, str]]],
    base_case: dict[str, Any],
    overlays: list[str],
    problems: list[Problem],
) -> Registry:
    terms = codelists()["definition_term"].codes
    indicators: dict[str, Indicator] = {}
    for ind_id, (model, file) in raw["indicators"].items():
        node = _node(model.expression, file, "/expression", problems)
        if node is None:
            continue
        _check_refs(
            node, set(model.parameters), set(raw["indicators"]), file, "/expression", problems
        )
        indicators[ind_id] = Indicator(
            ind_id,
            model.title,
            model.text,
            model.value,
            MappingProxyType(dict(model.parameters)),
            node,
            tuple(model.vectors),
            model,
            file,
        )
    indicator_params: set[str] = {p for i in indicators.values() for p in i.parameters}
    definitions: dict[str, Definition] = {}
    for def_id, (model, file) in raw["incident_definitions"].items():
        if model.term not in terms:
            problems.append(
                Problem(
                    "NPR-D004",
                    f"unknown term {model.term!r}; use one of: {', '.join(sorted(terms))}",
                    "/term",
                    file,
                )
            )
        node = _node(model.criteria, file, "/criteria", problems)
        if node is None:
            continue
        params = dict(model.parameters)
        if model.extends is not None:
            base = definitions.get(model.extends)  # bases load first: standard before overlays
            if base is None:
                problems.append(
                    Problem(
                        "NPR-D004",
                        f"extends unknown definition {model.extends!r}",
                        "/extends",
                        file,
                    )
                )
                continue
            node = AllNode(None, f"{base.title}, narrowed by {model.title}", (base.criteria, node))
            params = {**base.parameters, **params}
        _check_refs(
            node, set(params) | indicator_params, set(indicators), file, "/criteria", problems
        )
        definitions[def_id] = Definition(
            def_id,
            model.series or def_id,
            model.version,
            model.term,
            model.title,
            model.text,
            model.status,
            model.jurisdiction,
            model.effective_from,
            model.effective_to,
            MappingProxyType(params),
            node,
            _citations(model.citations),
            tuple(model.vectors),
            model,
            file,
        )
    _check_series(definitions, problems)
    for d in definitions.values():
        gone = d.source.deprecated
        for i, successor in enumerate(gone.replaced_by if gone else []):
            if successor not in definitions:
                problems.append(
                    Problem(
                        "NPR-D004",
                        f"replaced_by names unknown definition {successor!r}",
                        f"/deprecated/replaced_by/{i}",
                        d.file,
                    )
                )
    profiles: dict[str, Profile] = {}
    for prof_id, (model, file) in raw["jurisdictions"].items():
        profiles[prof_id] = _profile(
            model, file, definitions, indicators, indicator_params, problems
        )
    crosswalks: dict[str, Crosswalk] = {}
    for cw_id, (model, file) in raw["crosswalks"].items():
        _check_crosswalk(model, file, problems)
        crosswalks[cw_id] = Crosswalk(cw_id, model, file)
    return Registry(
        definitions_version(),
        MappingProxyType(definitions),
        MappingProxyType(indicators),
        MappingProxyType(profiles),
        MappingProxyType(crosswalks),
        MappingProxyType(base_case),
        tuple(overlays),
    )


def _check_refs(
    node: Node,
    params: set[str],
    indicators: set[str],
    file: str,
    pointer: str,
    problems: list[Problem],
    terms: set[str] | None = None,
) -> None:
    for kind, name in sorted(set(iter_references(node))):
        if kind == "term":
            if terms is None or name not in terms:
                where = (
                    "a term this profile defines"
                    if terms is not None
                    else ("a profile's review trigger")
                )
                problems.append(
                    Problem("NPR-D004", f"term {name!r} can only be used in {where}", pointer, file)
                )
            continue
        pool = params if kind == "param" else indicators
        if name not in pool:
            what = (
                "parameter (declare it with a default under 'parameters')"
                if kind == "param"
                else "indicator"
            )
            problems.append(Problem("NPR-D004", f"unknown {what} {name!r}", pointer, file))


def _check_series(definitions: dict[str, Definition], problems: list[Problem]) -> None:
    by_series: dict[str, list[Definition]] = {}
    for d in definitions.values():
        by_series.setdefault(d.series, []).append(d)
    for series, members in by_series.items():
        members.sort(key=lambda d: d.effective_from)
        for a, b in itertools.pairwise(members):
            if a.effective_to is None or a.effective_to >= b.effective_from:
                problems.append(
                    Problem(
                        "NPR-D006",
                        f"{a.id} and {b.id} (series {series!r}) are both in force on "
                        f"{b.effective_from}; end the earlier one the day before",
                        "/effective_to",
                        a.file,
                    )
                )


def _profile(
    model: ProfileFile,
    file: str,
    definitions: Mapping[str, Definition],
    indicators: Mapping[str, Indicator],
    indicator_params: set[str],
    problems: list[Problem],
) -> Profile:
    usable: set[str] = set(indicator_params) | set(model.parameters)
    for term, choices in model.terms.items():
        for i, choice in enumerate(choices):
            ptr = f"/terms/{term}/{i}/definition"
            d = definitions.get(choice.definition)
            if d is None:
                problems.append(
                    Problem("NPR-D004", f"unknown definition {choice.definition!r}", ptr, file)
                )
                continue
            if d.term != term:
                problems.append(
                    Problem("NPR-D004", f"{d.id!r} defines {d.term!r}, not {term!r}", ptr, file)
                )
            usable |= set(d.parameters)
            unknown = set(choice.parameters) - set(d.parameters)
            for name in sorted(unknown):
                problems.append(
                    Problem(
                        "NPR-D004",
                        f"{d.id!r} has no parameter {name!r}",
                        f"/terms/{term}/{i}/parameters/{name}",
                        file,
                    )
                )
        ordered = sorted(choices, key=lambda c: c.effective_from)
        for a, b in itertools.pairwise(ordered):
            if a.effective_to is None or a.effective_to >= b.effective_from:
                problems.append(
                    Problem(
                        "NPR-D006",
                        f"two choices for {term!r} overlap on {b.effective_from}",
                        f"/terms/{term}",
                        file,
                    )
                )
    for i, vector in enumerate(model.vectors):
        if vector.parameters:
            problems.append(
                Problem(
                    "NPR-D002",
                    "a profile's vectors use the profile's own parameters; remove 'parameters'",
                    f"/vectors/{i}/parameters",
                    file,
                )
            )
    triggers = []
    for i, trigger in enumerate(model.review_triggers):
        node = _node(trigger.criteria, file, f"/review_triggers/{i}/criteria", problems)
        if node is not None:
            _check_refs(
                node,
                usable,
                set(indicators),
                file,
                f"/review_triggers/{i}/criteria",
                problems,
                set(model.terms),
            )
            triggers.append((trigger, node))
    cited = {id(c): _citations(c.citations) for choices in model.terms.values() for c in choices}
    cited |= {id(t): _citations(t.citations) for t in model.review_triggers}
    return Profile(
        model.id,
        model.version,
        model.title,
        model.jurisdiction,
        MappingProxyType(dict(model.parameters)),
        tuple(triggers),
        model,
        file,
        MappingProxyType(cited),
    )


def _check_crosswalk(model: CrosswalkFile, file: str, problems: list[Problem]) -> None:
    lists = codelists()
    if model.source_codelist not in lists:
        problems.append(
            Problem(
                "NPR-D004", f"unknown code list {model.source_codelist!r}", "/source_codelist", file
            )
        )
        return
    codes = lists[model.source_codelist].codes
    seen: set[str] = set()
    for i, entry in enumerate(model.entries):
        ptr = f"/entries/{i}"
        if entry.source not in codes:
            problems.append(
                Problem(
                    "NPR-D008",
                    f"{entry.source!r} is not a code of {model.source_codelist!r}",
                    f"{ptr}/source",
                    file,
                )
            )
        if entry.source in seen:
            problems.append(
                Problem("NPR-D008", f"{entry.source!r} is mapped twice", f"{ptr}/source", file)
            )
        seen.add(entry.source)
        if (entry.target is None) != (entry.match == "no_equivalent"):
            problems.append(
                Problem(
                    "NPR-D008",
                    "a null target goes with match 'no_equivalent', and only then",
                    f"{ptr}/match",
                    file,
                )
            )
        if entry.target is not None and entry.target not in model.target_codes:
            problems.append(
                Problem(
                    "NPR-D008", f"{entry.target!r} is not among target_codes", f"{ptr}/target", file
                )
            )
        if entry.match != "exact" and not entry.note:
            problems.append(
                Problem(
                    "NPR-D008",
                    "explain every mapping that is not exact in a note",
                    f"{ptr}/note",
                    file,
                )
            )
    for code in sorted(codes - seen):
        problems.append(
            Problem(
                "NPR-D008",
                f"code {code!r} has no entry; map it, or mark it no_equivalent",
                "/entries",
                file,
            )
        )


@cache
def default_registry() -> Registry:
    """The packaged definitions, loaded once.

    Raises:
        DefinitionError: if a packaged file is malformed (a broken installation).
    """
    return _build([(definitions_root(), False)])


def load_registry(overlays: Iterable[str | Path] = ()) -> Registry:
    """The packaged definitions plus overlay folders, in order.

    Raises:
        DefinitionError: with every problem found in the overlays.
    """
    folders = [Path(o) for o in overlays]
    if not folders:
        return default_registry()
    return _build([(definitions_root(), False), *[(f, True) for f in folders]])
