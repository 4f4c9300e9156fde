"""The registry of definitions: loaded once from ``definitions/``, compiled, immutable, extendable.

Holds incident definitions, derived indicators, jurisdiction profiles and crosswalks, each
validated against its meta-schema (the models in :mod:`npcs_review.definitions`) and compiled
once into frozen, picklable objects: nothing past the registry sees the file models. A
jurisdiction may add its own folder of files (an *overlay*): it may add new ids and narrow a
standard definition (``extends``), never redefine one. Every problem in a folder is reported at
once, with file, pointer and line.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from npcs_review._definition_file import Citation, DefinitionModel, read_definition_file
from npcs_review._frozen import FrozenMap
from npcs_review._resources import definitions_root
from npcs_review._yaml import load_trusted_yaml
from npcs_review.codelists import codelists, definitions_version
from npcs_review.engine.criteria import Criterion, JunctionNode, compile_expression
from npcs_review.errors import (
    CriteriaError,
    DefinitionError,
    DefinitionNotFoundError,
    ParameterError,
    Problem,
)
from npcs_review.models._types import Outcome

if TYPE_CHECKING:  # the file models are needed only to build (a cached registry skips them)
    from npcs_review.definitions import (
        CrosswalkFile,
        IncidentDefinitionFile,
        IndicatorFile,
        ParameterSpec,
        ProfileFile,
        TestVector,
    )

__all__ = [
    "CodeMapping",
    "Crosswalk",
    "Definition",
    "Disclosure",
    "Indicator",
    "Parameter",
    "Profile",
    "Registry",
    "TermChoice",
    "Trigger",
    "Vector",
    "default_registry",
    "load_registry",
    "merge_patch",
]


def folders() -> dict[str, type[DefinitionModel]]:
    """Folder of each kind, relative to a definitions root (or an overlay folder)."""
    from npcs_review import definitions as d  # noqa: PLC0415 - only to build

    return {
        "incident_definitions": d.IncidentDefinitionFile,
        "indicators": d.IndicatorFile,
        "jurisdictions": d.ProfileFile,
        "crosswalks": d.CrosswalkFile,
    }


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


def _in_force(start: date, end: date | None, day: date | None) -> bool:
    if day is None:
        return end is None
    return start <= day and (end is None or day <= end)


# ------------------------------------------------------------------------------ compiled objects

_TRUE = {"true": True, "yes": True, "false": False, "no": False}
_NULL = {"null", "none", ""}


@attrs.frozen
class Parameter:
    """A setting a definition, indicator or profile declares: its default and what it accepts."""

    name: str
    default: Any
    text: str
    type: str
    """``boolean``, ``integer``, ``number``, ``code`` or ``codes`` (a list of codes)."""
    values: tuple[Any, ...] | None
    """The values allowed for ``code``/``codes`` (from the file or the code list)."""
    codelist: str | None
    nullable: bool
    minimum: float | None

    def describe(self) -> str:
        """What the setting accepts, in words (for usage errors and ``definitions show``)."""
        kinds = {
            "boolean": "true or false",
            "integer": "a whole number",
            "number": "a number",
            "code": "one of: " + ", ".join(map(str, self.values or ())),
            "codes": "a comma-separated list of: " + ", ".join(map(str, self.values or ())),
        }
        words = kinds[self.type]
        if self.minimum is not None:
            words += f" (at least {self.minimum:g})"
        return words + (", or null" if self.nullable else "")

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not acceptable, or None."""
        if value is None:
            return None if self.nullable else f"{self.name} cannot be null; give {self.describe()}"
        ok = {
            "boolean": isinstance(value, bool),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "code": isinstance(value, str) and value in (self.values or ()),
            "codes": isinstance(value, list)
            and all(isinstance(v, str) and v in (self.values or ()) for v in value),
        }[self.type]
        if ok and self.minimum is not None and value < self.minimum:
            ok = False
        return None if ok else f"{self.name} takes {self.describe()}, not {value!r}"

    def parse(self, text: str) -> Any:
        """Read a value written on a command line (``true``, ``24``, ``a,b``, ``null``).

        Raises:
            ParameterError: if the text is not an acceptable value.
        """
        raw = text.strip()
        value: Any = raw
        if self.nullable and raw.lower() in _NULL:
            value = None
        elif self.type == "boolean":
            value = _TRUE.get(raw.lower(), raw)
        elif self.type in ("integer", "number"):
            try:
                value = int(raw) if self.type == "integer" else float(raw)
            except ValueError:
                value = raw
        elif self.type == "codes":
            value = [v.strip() for v in raw.split(",") if v.strip()]
        problem = self.problem(value)
        if problem is not None:
            raise ParameterError(problem, self.name, [str(v) for v in self.values or ()])
        return value


@attrs.frozen
class Vector:
    """A test vector: a patch on the base case and the outcome it must give."""

    name: str
    expected: Outcome
    patch: Mapping[str, Any]
    parameters: Mapping[str, Any]
    missing: tuple[str, ...]
    trigger: str | None = None
    source: str | None = None


def _vectors(models: Iterable[TestVector]) -> tuple[Vector, ...]:
    return tuple(
        Vector(
            v.name,
            v.expected,
            FrozenMap(v.patch),
            FrozenMap(v.parameters),
            tuple(v.missing),
            v.trigger,
            v.source,
        )
        for v in models
    )


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
    parameters: Mapping[str, Parameter]
    criteria: Criterion
    citations: tuple[Citation, ...]
    vectors: tuple[Vector, ...]
    file: str
    extends: str | None = None
    deprecated: str | None = None
    """Why the definition should no longer be used (None while in use)."""
    replaced_by: tuple[str, ...] = ()
    differences_from_capta: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def defaults(self) -> dict[str, Any]:
        """The parameters' default values."""
        return {k: p.default for k, p in self.parameters.items()}

    def in_force(self, day: date | None) -> bool:
        """True when the definition applies on ``day`` (``None``: is it current?)."""
        return _in_force(self.effective_from, self.effective_to, day)


@attrs.frozen
class Indicator:
    """A compiled derived indicator."""

    id: str
    version: str
    title: str
    text: str
    status: str
    jurisdiction: str
    value: str
    parameters: Mapping[str, Parameter]
    expression: Criterion
    citations: tuple[Citation, ...]
    vectors: tuple[Vector, ...]
    file: str
    notes: tuple[str, ...] = ()

    @property
    def defaults(self) -> dict[str, Any]:
        """The parameters' default values."""
        return {k: p.default for k, p in self.parameters.items()}


@attrs.frozen
class TermChoice:
    """The definition a profile uses for a term over a span of time, with its parameters."""

    term: str
    definition: str
    parameters: Mapping[str, Any]
    effective_from: date
    effective_to: date | None
    citations: tuple[Citation, ...]
    note: str | None = None

    def in_force(self, day: date | None) -> bool:
        """True when the choice applies on ``day`` (``None``: is it current?)."""
        return _in_force(self.effective_from, self.effective_to, day)


@attrs.frozen
class Trigger:
    """A compiled review trigger: when it applies, who reviews, from when."""

    id: str
    text: str
    review: str
    criteria: Criterion
    effective_from: date
    effective_to: date | None
    citations: tuple[Citation, ...]

    def in_force(self, day: date | None) -> bool:
        """True when the rule applies on ``day`` (``None``: is it current?)."""
        return _in_force(self.effective_from, self.effective_to, day)


@attrs.frozen
class Disclosure:
    """A jurisdiction's public-disclosure rules."""

    text: str
    citations: tuple[Citation, ...]
    publishes: tuple[str, ...] = ()
    """Summary parts published beyond the federal minimum (see ``definitions.Disclosure``)."""


@attrs.frozen
class Profile:
    """A compiled jurisdiction profile."""

    id: str
    version: str
    title: str
    jurisdiction: str
    status: str
    summary: str
    parameters: Mapping[str, Any]
    """The profile's values (its own settings' defaults included)."""
    own_parameters: Mapping[str, Parameter]
    terms: Mapping[str, tuple[TermChoice, ...]]
    triggers: tuple[Trigger, ...]
    disclosure: Disclosure | None
    citations: tuple[Citation, ...]
    unverified: tuple[str, ...]
    vectors: tuple[Vector, ...]
    file: str

    def term(self, term: str, day: date | None) -> TermChoice | None:
        """The choice in force for ``term`` on ``day`` (``None``: the current one)."""
        return next((c for c in self.terms.get(term, ()) if c.in_force(day)), None)


@attrs.frozen
class CodeMapping:
    """One entry of a crosswalk: a standard code, its target, how well they match, and when."""

    source: str
    target: str | None
    match: str
    note: str | None
    effective_from: date | None = None
    effective_to: date | None = None

    def in_force(self, day: date | None) -> bool:
        """True when this mapping applies on ``day`` (``None``: is it current?)."""
        if day is None:
            return self.effective_to is None
        start = self.effective_from or date.min
        return start <= day and (self.effective_to is None or day <= self.effective_to)


@attrs.frozen
class Crosswalk:
    """An executable mapping from a standard code list to another system."""

    id: str
    version: str
    title: str
    source_codelist: str
    target_system: str
    target_codes: Mapping[str, str]
    entries: tuple[CodeMapping, ...]
    citations: tuple[Citation, ...]
    file: str

    def map(self, code: str, on: date | None = None) -> CodeMapping:
        """Return the entry for a standard ``code`` on a day (``None``: the current mapping).

        Raises:
            DefinitionNotFoundError: if the code is not in the source code list (a ``KeyError``).
        """
        for entry in self.entries:
            if entry.source == code and entry.in_force(on):
                return entry
        raise DefinitionNotFoundError(
            f"code of {self.source_codelist!r} in crosswalk {self.id}",
            code,
            sorted({e.source for e in self.entries}),
        )

    def reverse(self, target: str, on: date | None = None) -> tuple[CodeMapping, ...]:
        """Return every entry that maps to ``target`` in the other system (on a day)."""
        return tuple(e for e in self.entries if e.target == target and e.in_force(on))


def _lookup(kind: str, table: Mapping[str, Any], key: str) -> Any:
    try:
        return table[key]
    except KeyError:
        raise DefinitionNotFoundError(kind, key, table) from None


@attrs.frozen
class Registry:
    """Every definition, indicator, profile and crosswalk, compiled. Immutable and picklable."""

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
            DefinitionNotFoundError: with the closest ids, if there is no such definition.
        """
        return _lookup("definition", self.definitions, definition_id)  # type: ignore[no-any-return]

    def indicator(self, indicator_id: str) -> Indicator:
        """Return an indicator by id.

        Raises:
            DefinitionNotFoundError: with the closest ids, if there is no such indicator.
        """
        return _lookup("indicator", self.indicators, indicator_id)  # type: ignore[no-any-return]

    def profile(self, profile_id: str) -> Profile:
        """Return a jurisdiction profile by id.

        Raises:
            DefinitionNotFoundError: with the closest ids, if there is no such profile.
        """
        return _lookup("jurisdiction profile", self.profiles, profile_id)  # type: ignore[no-any-return]

    def crosswalk(self, crosswalk_id: str) -> Crosswalk:
        """Return a crosswalk by id.

        Raises:
            DefinitionNotFoundError: with the closest ids, if there is no such crosswalk.
        """
        return _lookup("crosswalk", self.crosswalks, crosswalk_id)  # type: ignore[no-any-return]

    def standard_set(self, day: date | None) -> tuple[Definition, ...]:
        """The national definitions (partnership and federal) in force on ``day``, by id."""
        chosen = [
            d
            for d in self.definitions.values()
            if d.jurisdiction == "us"
            and d.deprecated is None
            and d.in_force(day)
            and d.extends is None
        ]
        return tuple(sorted(chosen, key=lambda d: (d.status != "proposed", d.term, d.id)))

    def settings(self, profile: str | None = None) -> Mapping[str, Parameter]:
        """Every parameter a user may set for the national set or one profile, by name.

        Raises:
            DefinitionNotFoundError: if there is no such profile.
        """
        owners: list[Mapping[str, Parameter]] = [i.parameters for i in self.indicators.values()]
        if profile is None:
            owners += [d.parameters for d in self.definitions.values() if d.jurisdiction == "us"]
        else:
            chosen = self.profile(profile)
            owners += [
                self.definitions[c.definition].parameters
                for choices in chosen.terms.values()
                for c in choices
            ]
            owners.append(chosen.own_parameters)
        found: dict[str, Parameter] = {}
        for params in owners:
            for name, spec in params.items():
                found.setdefault(name, spec)
        return FrozenMap(sorted(found.items()))

    def check_parameters(
        self, values: Mapping[str, Any], profile: str | None = None
    ) -> dict[str, Any]:
        """Check values a user set (already typed); return them.

        Raises:
            ParameterError: naming the allowed names, or the allowed values.
        """
        allowed = self.settings(profile)
        for name, value in values.items():
            if name not in allowed:
                scope = f"profile {profile}" if profile else "the national set"
                msg = f"no parameter {name!r} in {scope}; parameters: {', '.join(allowed)}"
                raise ParameterError(msg, name, allowed)
            problem = allowed[name].problem(value)
            if problem is not None:
                raise ParameterError(problem, name, [str(v) for v in allowed[name].values or ()])
        return dict(values)

    def parse_parameters(self, pairs: Iterable[str], profile: str | None = None) -> dict[str, Any]:
        """Read ``NAME=VALUE`` settings written on a command line.

        Raises:
            ParameterError: for a malformed pair, an unknown name or a bad value.
        """
        allowed = self.settings(profile)
        values: dict[str, Any] = {}
        for pair in pairs:
            name, sep, text = pair.partition("=")
            name = name.strip()
            if not sep or not name:
                msg = f"--set takes NAME=VALUE, got {pair!r}; parameters: {', '.join(allowed)}"
                raise ParameterError(msg, name, allowed)
            if name not in allowed:
                self.check_parameters({name: None}, profile)
            values[name] = allowed[name].parse(text)
        return values

    def vector_case(self, vector: Vector) -> dict[str, Any]:
        """The case document of a test vector: the base case with the vector's patch."""
        result: dict[str, Any] = merge_patch(_thaw(self.base_case), _thaw(vector.patch))
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


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_thaw(v) for v in value]
    return value


# ------------------------------------------------------------------------------ loading


def _files(root: Traversable | Path, folder: str) -> list[Traversable]:
    base = root.joinpath(folder)
    if not base.is_dir():
        return []
    return sorted((e for e in base.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name)


def _build(roots: list[tuple[Traversable | Path, bool]]) -> Registry:
    problems: list[Problem] = []
    kinds = folders()
    raw: dict[str, dict[str, tuple[Any, str]]] = {k: {} for k in kinds}
    for root, is_overlay in roots:
        label = str(root) if is_overlay else "definitions"
        for folder, kind in kinds.items():
            for entry in _files(root, folder):
                file = f"{label}/{folder}/{entry.name}"
                model = read_definition_file(
                    entry.read_bytes(), file, kind, problems, trusted=not is_overlay
                )
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
    registry = _Compiler(raw, problems).registry(base_case, [str(r) for r, o in roots if o])
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


def _parameter(
    name: str, spec: ParameterSpec, file: str, pointer: str, out: list[Problem]
) -> Parameter:
    kind = spec.type
    if kind is None:
        default = spec.default
        kind = (
            "boolean"
            if isinstance(default, bool)
            else "integer"
            if isinstance(default, int)
            else "number"
            if isinstance(default, float)
            else "codes"
            if isinstance(default, list)
            else "code"
        )
    values: tuple[Any, ...] | None = tuple(spec.values) if spec.values is not None else None
    if spec.codelist is not None:
        lists = codelists()
        if spec.codelist not in lists:
            out.append(
                Problem(
                    "NPR-D004", f"unknown code list {spec.codelist!r}", f"{pointer}/codelist", file
                )
            )
        else:
            values = tuple(v.code for v in lists[spec.codelist].values)
    if kind in ("code", "codes") and values is None:
        out.append(
            Problem(
                "NPR-D002",
                f"parameter {name!r} takes codes: give 'values' or a 'codelist'",
                pointer,
                file,
            )
        )
        return Parameter(name, spec.default, spec.text, kind, (), None, spec.nullable, None)
    parameter = Parameter(
        name, spec.default, spec.text, kind, values, spec.codelist, spec.nullable, spec.minimum
    )
    problem = parameter.problem(spec.default)
    if problem is not None:
        out.append(Problem("NPR-D002", f"default: {problem}", f"{pointer}/default", file))
    return parameter


def _node(expr: Any, file: str, pointer: str, problems: list[Problem]) -> Criterion | None:
    try:
        return compile_expression(expr, pointer)
    except CriteriaError as exc:
        problems.append(Problem("NPR-D007", str(exc), exc.pointer, file))
        return None


def _check_refs(
    node: Criterion,
    pools: Mapping[str, set[str] | None],
    file: str,
    pointer: str,
    problems: list[Problem],
) -> None:
    """Check that every parameter, indicator and term a criterion uses exists in its pool."""
    found = {ref for n in node.walk() for ref in n.references()}
    for kind, name in sorted(found):
        pool = pools.get(kind)
        if kind == "term":
            if pool is None or name not in pool:
                where = (
                    "a term this profile defines"
                    if pool is not None
                    else "a profile's review trigger"
                )
                problems.append(
                    Problem("NPR-D004", f"term {name!r} can only be used in {where}", pointer, file)
                )
            continue
        if pool is not None and name not in pool:
            what = (
                "parameter (declare it with a default under 'parameters')"
                if kind == "param"
                else kind
            )
            problems.append(Problem("NPR-D004", f"unknown {what} {name!r}", pointer, file))


def _check_values(
    values: Mapping[str, Any],
    specs: Mapping[str, Parameter],
    file: str,
    pointer: str,
    problems: list[Problem],
    owner: str,
) -> None:
    for name, value in values.items():
        spec = specs.get(name)
        if spec is None:
            problems.append(
                Problem("NPR-D004", f"{owner} has no parameter {name!r}", f"{pointer}/{name}", file)
            )
            continue
        problem = spec.problem(value)
        if problem is not None:
            problems.append(Problem("NPR-D002", problem, f"{pointer}/{name}", file))


def _citations(models: Iterable[Citation]) -> tuple[Citation, ...]:
    return tuple(models)


class _Compiler:
    """Compiles the file models of one load into the registry's objects, collecting problems."""

    def __init__(self, raw: dict[str, dict[str, tuple[Any, str]]], problems: list[Problem]) -> None:
        self.raw = raw
        self.problems = problems
        self.indicators: dict[str, Indicator] = {}
        self.definitions: dict[str, Definition] = {}
        self.declared: dict[str, tuple[Parameter, str]] = {}

    def registry(self, base_case: dict[str, Any], overlays: list[str]) -> Registry:
        for ind_id, (model, file) in self.raw["indicators"].items():
            self._indicator(ind_id, model, file)
        for def_id, (model, file) in self.raw["incident_definitions"].items():
            self._definition(def_id, model, file)
        self._check_series()
        for d in self.definitions.values():
            for i, successor in enumerate(d.replaced_by):
                if successor not in self.definitions:
                    self.problems.append(
                        Problem(
                            "NPR-D004",
                            f"replaced_by names unknown definition {successor!r}",
                            f"/deprecated/replaced_by/{i}",
                            d.file,
                        )
                    )
        profiles = {p: self._profile(m, f) for p, (m, f) in self.raw["jurisdictions"].items()}
        crosswalks = {c: self._crosswalk(m, f) for c, (m, f) in self.raw["crosswalks"].items()}
        return Registry(
            definitions_version(),
            FrozenMap(self.definitions),
            FrozenMap(self.indicators),
            FrozenMap(profiles),
            FrozenMap(crosswalks),
            FrozenMap(base_case),
            tuple(overlays),
        )

    def _parameters(
        self, specs: Mapping[str, ParameterSpec], file: str, where: str = "/parameters"
    ) -> FrozenMap[str, Parameter]:
        out: dict[str, Parameter] = {}
        for name, spec in specs.items():
            pointer = f"{where}/{name}"
            parameter = _parameter(name, spec, file, pointer, self.problems)
            earlier = self.declared.get(name)
            if earlier is not None and _shape(earlier[0]) != _shape(parameter):
                self.problems.append(
                    Problem(
                        "NPR-D002",
                        f"parameter {name!r} is declared differently in {earlier[1]}; a name "
                        "means one setting everywhere (same type and values)",
                        pointer,
                        file,
                    )
                )
            self.declared.setdefault(name, (parameter, file))
            out[name] = parameter
        return FrozenMap(out)

    def _indicator(self, ind_id: str, model: IndicatorFile, file: str) -> None:
        node = _node(model.expression, file, "/expression", self.problems)
        if node is None:
            return
        params = self._parameters(model.parameters, file)
        pools = {"param": set(params), "indicator": set(self.raw["indicators"])}
        _check_refs(node, pools, file, "/expression", self.problems)
        for i, v in enumerate(model.vectors):
            _check_values(
                v.parameters, params, file, f"/vectors/{i}/parameters", self.problems, ind_id
            )
        self.indicators[ind_id] = Indicator(
            ind_id,
            model.version,
            model.title,
            model.text,
            model.status,
            model.jurisdiction,
            model.value,
            params,
            node,
            _citations(model.citations),
            _vectors(model.vectors),
            file,
            tuple(model.notes),
        )

    def _definition(self, def_id: str, model: IncidentDefinitionFile, file: str) -> None:
        terms = codelists()["definition_term"].codes
        if model.term not in terms:
            self.problems.append(
                Problem(
                    "NPR-D004",
                    f"unknown term {model.term!r}; use one of: {', '.join(sorted(terms))}",
                    "/term",
                    file,
                )
            )
        node = _node(model.criteria, file, "/criteria", self.problems)
        if node is None:
            return
        params: Mapping[str, Parameter] = self._parameters(model.parameters, file)
        if model.extends is not None:
            base = self.definitions.get(model.extends)  # bases load first: standard, then overlays
            if base is None:
                self.problems.append(
                    Problem(
                        "NPR-D004",
                        f"extends unknown definition {model.extends!r}",
                        "/extends",
                        file,
                    )
                )
                return
            node = JunctionNode(
                None, f"{base.title}, narrowed by {model.title}", (base.criteria, node), is_all=True
            )
            params = FrozenMap({**base.parameters, **params})
        indicator_params = {p for i in self.indicators.values() for p in i.parameters}
        pools = {
            "param": set(params) | indicator_params,
            "indicator": set(self.indicators),
            "term": None,
        }
        _check_refs(node, pools, file, "/criteria", self.problems)
        for i, v in enumerate(model.vectors):
            specs = {
                **params,
                **{p: s for i2 in self.indicators.values() for p, s in i2.parameters.items()},
            }
            _check_values(
                v.parameters, specs, file, f"/vectors/{i}/parameters", self.problems, def_id
            )
        gone = model.deprecated
        self.definitions[def_id] = Definition(
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
            params,
            node,
            _citations(model.citations),
            _vectors(model.vectors),
            file,
            model.extends,
            gone.reason if gone else None,
            tuple(gone.replaced_by) if gone else (),
            tuple(model.differences_from_capta),
            tuple(model.notes),
        )

    def _check_series(self) -> None:
        by_series: dict[str, list[Definition]] = {}
        for d in self.definitions.values():
            by_series.setdefault(d.series, []).append(d)
        for series, members in by_series.items():
            members.sort(key=lambda d: d.effective_from)
            for a, b in itertools.pairwise(members):
                if a.effective_to is None or a.effective_to >= b.effective_from:
                    self.problems.append(
                        Problem(
                            "NPR-D006",
                            f"{a.id} and {b.id} (series {series!r}) are both in force on "
                            f"{b.effective_from}; end the earlier one the day before",
                            "/effective_to",
                            a.file,
                        )
                    )

    def _profile(self, model: ProfileFile, file: str) -> Profile:
        problems = self.problems
        own = self._parameters(model.own_parameters, file, "/own_parameters")
        specs: dict[str, Parameter] = {
            p: s for i in self.indicators.values() for p, s in i.parameters.items()
        }
        terms: dict[str, tuple[TermChoice, ...]] = {}
        for term, choices in model.terms.items():
            compiled = []
            for i, choice in enumerate(choices):
                ptr = f"/terms/{term}/{i}"
                d = self.definitions.get(choice.definition)
                if d is None:
                    problems.append(
                        Problem(
                            "NPR-D004",
                            f"unknown definition {choice.definition!r}",
                            f"{ptr}/definition",
                            file,
                        )
                    )
                    continue
                if d.term != term:
                    problems.append(
                        Problem(
                            "NPR-D004",
                            f"{d.id!r} defines {d.term!r}, not {term!r}",
                            f"{ptr}/definition",
                            file,
                        )
                    )
                specs.update(d.parameters)
                _check_values(
                    choice.parameters, d.parameters, file, f"{ptr}/parameters", problems, repr(d.id)
                )
                compiled.append(
                    TermChoice(
                        term,
                        choice.definition,
                        FrozenMap(choice.parameters),
                        choice.effective_from,
                        choice.effective_to,
                        _citations(choice.citations),
                        choice.note,
                    )
                )
            _check_overlaps(
                [(c.effective_from, c.effective_to) for c in compiled],
                f"two choices for {term!r} overlap on {{day}}",
                f"/terms/{term}",
                file,
                problems,
            )
            terms[term] = tuple(sorted(compiled, key=lambda c: c.effective_from))
        specs.update(own)
        _check_values(model.parameters, specs, file, "/parameters", problems, f"profile {model.id}")
        for name in sorted(set(model.parameters) & set(own)):
            problems.append(
                Problem(
                    "NPR-D002",
                    f"{name!r} is both set and declared here; keep it under own_parameters",
                    f"/parameters/{name}",
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
        trigger_ids = {t.id for t in model.review_triggers}
        for i, vector in enumerate(model.vectors):
            if vector.trigger is not None and vector.trigger not in trigger_ids:
                problems.append(
                    Problem(
                        "NPR-D004",
                        f"no review trigger {vector.trigger!r} in this profile",
                        f"/vectors/{i}/trigger",
                        file,
                    )
                )
        usable = set(specs)
        triggers = []
        seen: set[str] = set()
        for i, trigger in enumerate(model.review_triggers):
            pointer = f"/review_triggers/{i}"
            if trigger.id in seen:
                problems.append(
                    Problem(
                        "NPR-D002",
                        f"review trigger {trigger.id!r} is listed twice",
                        f"{pointer}/id",
                        file,
                    )
                )
            seen.add(trigger.id)
            if trigger.effective_to is not None and trigger.effective_to < trigger.effective_from:
                problems.append(
                    Problem(
                        "NPR-D006",
                        "the rule ends before it starts",
                        f"{pointer}/effective_to",
                        file,
                    )
                )
            node = _node(trigger.criteria, file, f"{pointer}/criteria", problems)
            if node is None:
                continue
            pools = {"param": usable, "indicator": set(self.indicators), "term": set(model.terms)}
            _check_refs(node, pools, file, f"{pointer}/criteria", problems)
            triggers.append(
                Trigger(
                    trigger.id,
                    trigger.text,
                    trigger.review,
                    node,
                    trigger.effective_from,
                    trigger.effective_to,
                    _citations(trigger.citations),
                )
            )
        disclosure = model.disclosure
        return Profile(
            model.id,
            model.version,
            model.title,
            model.jurisdiction,
            model.status,
            model.summary,
            FrozenMap({**{n: p.default for n, p in own.items()}, **model.parameters}),
            own,
            FrozenMap(terms),
            tuple(triggers),
            Disclosure(
                disclosure.text, _citations(disclosure.citations), tuple(disclosure.publishes)
            )
            if disclosure
            else None,
            _citations(model.citations),
            tuple(model.unverified),
            _vectors(model.vectors),
            file,
        )

    def _crosswalk(self, model: CrosswalkFile, file: str) -> Crosswalk:
        problems = self.problems
        entries = tuple(
            CodeMapping(e.source, e.target, e.match, e.note, e.effective_from, e.effective_to)
            for e in model.entries
        )
        crosswalk = Crosswalk(
            model.id,
            model.version,
            model.title,
            model.source_codelist,
            model.target_system,
            FrozenMap(model.target_codes),
            entries,
            _citations(model.citations),
            file,
        )
        lists = codelists()
        if model.source_codelist not in lists:
            problems.append(
                Problem(
                    "NPR-D004",
                    f"unknown code list {model.source_codelist!r}",
                    "/source_codelist",
                    file,
                )
            )
            return crosswalk
        codes = lists[model.source_codelist].codes
        periods: dict[str, list[tuple[date, date | None]]] = {}
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
            periods.setdefault(entry.source, []).append(
                (entry.effective_from or date.min, entry.effective_to)
            )
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
                        "NPR-D008",
                        f"{entry.target!r} is not among target_codes",
                        f"{ptr}/target",
                        file,
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
        for code, spans in periods.items():
            if _overlapping(spans):
                problems.append(
                    Problem(
                        "NPR-D008", f"{code!r} is mapped twice for the same dates", "/entries", file
                    )
                )
            elif not any(end is None for _, end in spans):
                problems.append(
                    Problem(
                        "NPR-D008",
                        f"{code!r} has no current mapping (every entry has ended)",
                        "/entries",
                        file,
                    )
                )
        for code in sorted(codes - set(periods)):
            problems.append(
                Problem(
                    "NPR-D008",
                    f"code {code!r} has no entry; map it, or mark it no_equivalent",
                    "/entries",
                    file,
                )
            )
        return crosswalk


def _shape(p: Parameter) -> tuple[Any, ...]:
    return (p.type, p.values, p.nullable, p.minimum)


def _overlapping(spans: list[tuple[date, date | None]]) -> bool:
    ordered = sorted(spans, key=lambda s: s[0])
    return any(a[1] is None or a[1] >= b[0] for a, b in itertools.pairwise(ordered))


def _check_overlaps(
    spans: list[tuple[date, date | None]], message: str, pointer: str, file: str, out: list[Problem]
) -> None:
    ordered = sorted(spans, key=lambda s: s[0])
    for a, b in itertools.pairwise(ordered):
        if a[1] is None or a[1] >= b[0]:
            out.append(Problem("NPR-D006", message.format(day=b[0]), pointer, file))


@cache
def default_registry() -> Registry:
    """The packaged definitions, loaded once (compiled once, then kept in the cache folder).

    Raises:
        DefinitionError: if a packaged file is malformed (a broken installation).
    """
    from npcs_review._cache import cached, definitions_key  # noqa: PLC0415

    return cached(
        "registry", definitions_key(), lambda: _build([(definitions_root(), False)]), Registry
    )


def load_registry(overlays: Iterable[str | Path] = ()) -> Registry:
    """The packaged definitions plus overlay folders, in order.

    Raises:
        DefinitionError: with every problem found in the overlays.
    """
    folders = [Path(o) for o in overlays]
    if not folders:
        return default_registry()
    return _build([(definitions_root(), False), *[(f, True) for f in folders]])
