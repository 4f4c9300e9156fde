"""npcs_review: define, classify and review child-welfare critical incidents.

The public API is every name in ``__all__``; each is imported from the module that defines it
on first use, so that ``import npcs_review`` (and the command line's ``--help``) stays fast.
"""

import typing as _typing
from importlib import import_module as _import_module

#: The one list of public names, each with the module that defines it. ``__all__`` is derived
#: from it; the imports for type checkers below mirror it (``tests/test_public_api.py``). A
#: name may not be that of a subpackage or module of ``npcs_review`` (importing the module
#: would replace it): ``lint`` is ``npcs_review.lint.lint``, ``codelists`` is
#: ``npcs_review.codelists.codelists``.
_EXPORTS: dict[str, str] = {
    "Case": "npcs_review.models",
    "CaseFileError": "npcs_review.errors",
    "Classification": "npcs_review.engine.classify",
    "CodeList": "npcs_review.codelists",
    "CodeValue": "npcs_review.codelists",
    "Combined": "npcs_review.graph.combine",
    "Comparison": "npcs_review.engine.classify",
    "CriteriaError": "npcs_review.errors",
    "Decision": "npcs_review.engine.decision",
    "DefinitionError": "npcs_review.errors",
    "DefinitionNotFoundError": "npcs_review.errors",
    "Finding": "npcs_review.lint",
    "LintReport": "npcs_review.lint",
    "LoadResult": "npcs_review.io",
    "NpcsReviewError": "npcs_review.errors",
    "ParameterError": "npcs_review.errors",
    "Problem": "npcs_review.errors",
    "Registry": "npcs_review.registry",
    "ReviewAnalysis": "npcs_review.graph.analysis",
    "TraceStep": "npcs_review.engine.decision",
    "ValidationReport": "npcs_review.validation",
    "PartnershipReport": "npcs_review.measures.report",
    "analyze": "npcs_review.graph.analysis",
    "build_report": "npcs_review.measures.report",
    "check_case": "npcs_review.consistency",
    "check_submission": "npcs_review.share.check",
    "classify": "npcs_review.engine.classify",
    "codelist": "npcs_review.codelists",
    "combine": "npcs_review.graph.combine",
    "compare_profiles": "npcs_review.engine.classify",
    "core_data_set": "npcs_review.share.dataset",
    "default_registry": "npcs_review.registry",
    "default_scope": "npcs_review.engine.scope",
    "definitions_version": "npcs_review.codelists",
    "dump_case": "npcs_review.io",
    "iter_load": "npcs_review.io",
    "load_case": "npcs_review.io",
    "load_many": "npcs_review.io",
    "load_registry": "npcs_review.registry",
    "overview": "npcs_review.render.overview",
    "parse_case": "npcs_review.io",
    "pool_add": "npcs_review.pool.database",
    "pool_list": "npcs_review.pool.database",
    "pool_remove": "npcs_review.pool.database",
    "share_submission": "npcs_review.share.submission",
    "summarize": "npcs_review.render",
    "to_networkx": "npcs_review.graph.bridge",
    "validate_paths": "npcs_review.validation",
}

__all__ = sorted([*_EXPORTS, "__version__"])  # noqa: PLE0605 - derived from the one list

if _typing.TYPE_CHECKING:  # the same names, for type checkers (kept equal to _EXPORTS by a test)
    from npcs_review.codelists import CodeList as CodeList
    from npcs_review.codelists import CodeValue as CodeValue
    from npcs_review.codelists import codelist as codelist
    from npcs_review.codelists import definitions_version as definitions_version
    from npcs_review.consistency import check_case as check_case
    from npcs_review.engine.classify import Classification as Classification
    from npcs_review.engine.classify import Comparison as Comparison
    from npcs_review.engine.classify import classify as classify
    from npcs_review.engine.classify import compare_profiles as compare_profiles
    from npcs_review.engine.decision import Decision as Decision
    from npcs_review.engine.decision import TraceStep as TraceStep
    from npcs_review.engine.scope import default_scope as default_scope
    from npcs_review.errors import CaseFileError as CaseFileError
    from npcs_review.errors import CriteriaError as CriteriaError
    from npcs_review.errors import DefinitionError as DefinitionError
    from npcs_review.errors import DefinitionNotFoundError as DefinitionNotFoundError
    from npcs_review.errors import NpcsReviewError as NpcsReviewError
    from npcs_review.errors import ParameterError as ParameterError
    from npcs_review.errors import Problem as Problem
    from npcs_review.graph.analysis import ReviewAnalysis as ReviewAnalysis
    from npcs_review.graph.analysis import analyze as analyze
    from npcs_review.graph.bridge import to_networkx as to_networkx
    from npcs_review.graph.combine import Combined as Combined
    from npcs_review.graph.combine import combine as combine
    from npcs_review.io import LoadResult as LoadResult
    from npcs_review.io import dump_case as dump_case
    from npcs_review.io import iter_load as iter_load
    from npcs_review.io import load_case as load_case
    from npcs_review.io import load_many as load_many
    from npcs_review.io import parse_case as parse_case
    from npcs_review.lint import Finding as Finding
    from npcs_review.lint import LintReport as LintReport
    from npcs_review.measures.report import PartnershipReport as PartnershipReport
    from npcs_review.measures.report import build_report as build_report
    from npcs_review.models import Case as Case
    from npcs_review.pool.database import pool_add as pool_add
    from npcs_review.pool.database import pool_list as pool_list
    from npcs_review.pool.database import pool_remove as pool_remove
    from npcs_review.registry import Registry as Registry
    from npcs_review.registry import default_registry as default_registry
    from npcs_review.registry import load_registry as load_registry
    from npcs_review.render import summarize as summarize
    from npcs_review.render.overview import overview as overview
    from npcs_review.share.check import check_submission as check_submission
    from npcs_review.share.dataset import core_data_set as core_data_set
    from npcs_review.share.submission import share_submission as share_submission
    from npcs_review.validation import ValidationReport as ValidationReport
    from npcs_review.validation import validate_paths as validate_paths

    __version__: str


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 - slow import

    try:
        return version("npcs-review")
    except PackageNotFoundError:  # pragma: no cover - a source tree without install
        return "0.0.0"


def __getattr__(name: str) -> object:
    if name == "__version__":
        globals()["__version__"] = _version()
        return globals()["__version__"]
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'npcs_review' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(_import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
