"""npcs_review: standard definitions, classification and safety-science review of critical incidents."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from npcs_review.codelists import CodeList, CodeValue, codelist, codelists, definitions_version
from npcs_review.consistency import check_case
from npcs_review.errors import CaseFileError, DefinitionError, NpcsReviewError, Problem
from npcs_review.io import LoadResult, dump_case, iter_load, load_case, load_many, parse_case
from npcs_review.models import Case

try:
    __version__ = version("npcs-review")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = [
    "Case",
    "CaseFileError",
    "CodeList",
    "CodeValue",
    "DefinitionError",
    "LoadResult",
    "NpcsReviewError",
    "Problem",
    "__version__",
    "check_case",
    "codelist",
    "codelists",
    "definitions_version",
    "dump_case",
    "iter_load",
    "load_case",
    "load_many",
    "parse_case",
]
