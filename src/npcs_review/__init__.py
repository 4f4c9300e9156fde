"""npcs_review: define, classify and review child-welfare critical incidents."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from npcs_review.codelists import (
        CodeList,
        CodeValue,
        codelist,
        codelists,
        definitions_version,
    )
    from npcs_review.consistency import check_case
    from npcs_review.engine.classify import Classification, classify, compare_profiles
    from npcs_review.engine.decision import Decision, TraceStep
    from npcs_review.errors import CaseFileError, DefinitionError, NpcsReviewError, Problem
    from npcs_review.io import (
        LoadResult,
        dump_case,
        iter_load,
        load_case,
        load_many,
        parse_case,
    )
    from npcs_review.models import Case
    from npcs_review.registry import Registry, default_registry, load_registry
    from npcs_review.render.overview import overview

# Public names and the module that defines each; imported on first use so that
# `import npcs_review` (and the CLI's --help) stays fast.
_EXPORTS = {
    "Case": "npcs_review.models",
    "Classification": "npcs_review.engine.classify",
    "Decision": "npcs_review.engine.decision",
    "Registry": "npcs_review.registry",
    "TraceStep": "npcs_review.engine.decision",
    "classify": "npcs_review.engine.classify",
    "compare_profiles": "npcs_review.engine.classify",
    "default_registry": "npcs_review.registry",
    "load_registry": "npcs_review.registry",
    "CaseFileError": "npcs_review.errors",
    "CodeList": "npcs_review.codelists",
    "CodeValue": "npcs_review.codelists",
    "DefinitionError": "npcs_review.errors",
    "LoadResult": "npcs_review.io",
    "NpcsReviewError": "npcs_review.errors",
    "Problem": "npcs_review.errors",
    "check_case": "npcs_review.consistency",
    "codelist": "npcs_review.codelists",
    "codelists": "npcs_review.codelists",
    "definitions_version": "npcs_review.codelists",
    "dump_case": "npcs_review.io",
    "iter_load": "npcs_review.io",
    "load_case": "npcs_review.io",
    "load_many": "npcs_review.io",
    "overview": "npcs_review.render.overview",
    "parse_case": "npcs_review.io",
}


__all__ = [
    "Case",
    "CaseFileError",
    "Classification",
    "CodeList",
    "CodeValue",
    "Decision",
    "DefinitionError",
    "LoadResult",
    "NpcsReviewError",
    "Problem",
    "Registry",
    "TraceStep",
    "__version__",
    "check_case",
    "classify",
    "codelist",
    "codelists",
    "compare_profiles",
    "default_registry",
    "definitions_version",
    "dump_case",
    "iter_load",
    "load_case",
    "load_many",
    "load_registry",
    "overview",
    "parse_case",
]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 - slow import

    try:
        return version("npcs-review")
    except PackageNotFoundError:  # pragma: no cover - a source tree without install
        return "0.0.0"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()["__version__"] = _version()
        return globals()["__version__"]
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'npcs_review' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
