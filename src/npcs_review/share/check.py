"""Check a submission as the partnership does on receipt: files, checksums, tables, provenance.

``check_submission(folder)`` reads only what the submission says about itself and what this
library knows (the core data set, the agreements): the manifest lists every file with its
SHA-256, and no other file may be there; the submission id recomputes; each table is a core
data set table whose columns and types match the core data set and whose values keep its
constraints (required, enumerations, patterns); every column shared is one the named agreement
allows (no element finer than agreed, no free text where narrative is withheld). Every problem
is reported; the pool loads nothing that does not pass.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from npcs_review.errors import DefinitionError, Problem
from npcs_review.share.dataset import Column, CoreDataSet, core_data_set
from npcs_review.share.submission import (
    DATAPACKAGE,
    MANIFEST,
    _sha256,
    arrow_schema,
    submission_id_of,
)

__all__ = ["CheckedSubmission", "check_submission"]

#: The largest manifest or data package descriptor read (they are small).
MAX_DESCRIPTOR_BYTES = 8 * 1024 * 1024
_PROVENANCE = (
    "jurisdiction",
    "period",
    "agreement_id",
    "agreement_version",
    "core_data_set_version",
    "definitions_version",
    "case_schema_version",
    "library_version",
    "key_id",
    "tables_format",
)


@attrs.frozen
class CheckedSubmission:
    """A submission as checked: its id, provenance, files and every problem found."""

    __data__ = ("folder", ("valid", "ok"), "submission_id", "provenance", "rows", "problems")

    folder: Path
    submission_id: str | None
    provenance: Mapping[str, Any]
    files: tuple[tuple[str, str, int], ...]
    rows: Mapping[str, int]
    problems: tuple[Problem, ...]
    manifest_text: str = ""

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def _json(path: Path, problems: list[Problem]) -> Any:
    name = str(path)
    try:
        if not path.is_file() or path.is_symlink():
            problems.append(Problem("NPR-P330", "the file is missing", "", name))
            return None
        if path.stat().st_size > MAX_DESCRIPTOR_BYTES:
            problems.append(Problem("NPR-P330", "the file is too large for a descriptor", "", name))
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problems.append(Problem("NPR-P330", f"cannot read it as JSON: {exc}", "", name))
        return None


def check_submission(
    folder: str | os.PathLike[str], overlays: Iterable[str | Path] = ()
) -> CheckedSubmission:
    """Check the submission in ``folder`` (see the module docstring); never raises on bad input."""
    root = Path(folder)
    problems: list[Problem] = []
    if not root.is_dir():
        problems.append(Problem("NPR-P330", "no submission folder here", "", str(root)))
        return CheckedSubmission(root, None, {}, (), {}, tuple(problems))
    manifest_path = root / MANIFEST
    manifest = _json(manifest_path, problems)
    if not isinstance(manifest, dict):
        if manifest is not None:
            problems.append(Problem("NPR-P330", "the manifest is not an object", "", str(root)))
        return CheckedSubmission(root, None, {}, (), {}, tuple(problems))
    manifest_file = str(manifest_path)
    provenance = manifest.get("provenance")
    files = manifest.get("files")
    if not isinstance(provenance, dict) or not isinstance(files, list):
        problems.append(
            Problem("NPR-P330", "the manifest lacks provenance or files", "", manifest_file)
        )
        return CheckedSubmission(root, None, {}, (), {}, tuple(problems))
    for key in _PROVENANCE:
        if not isinstance(provenance.get(key), str) or not provenance.get(key):
            problems.append(
                Problem(
                    "NPR-P333",
                    f"provenance lacks {key!r}",
                    f"/provenance/{key}",
                    manifest_file,
                )
            )
    listed = _check_files(root, files, manifest_file, problems)
    claimed = manifest.get("submission_id")
    if submission_id_of(provenance, files) != claimed:
        problems.append(
            Problem(
                "NPR-P331",
                "the submission id does not match the manifest's provenance and files",
                "/submission_id",
                manifest_file,
            )
        )
    core = core_data_set()
    if provenance.get("core_data_set_version") != core.version:
        problems.append(
            Problem(
                "NPR-P333",
                f"made with core data set {provenance.get('core_data_set_version')}; this "
                f"library reads {core.version}",
                "/provenance/core_data_set_version",
                manifest_file,
            )
        )
    rows: dict[str, int] = {}
    package = _json(root / DATAPACKAGE, problems) if DATAPACKAGE in listed else None
    if isinstance(package, dict) and not any(p.code == "NPR-P331" for p in problems):
        rows = _check_tables(root, package, provenance, core, overlays, problems)
    elif DATAPACKAGE not in listed:
        problems.append(
            Problem("NPR-P330", f"{DATAPACKAGE} is not listed", "/files", manifest_file)
        )
    return CheckedSubmission(
        root,
        claimed if isinstance(claimed, str) else None,
        provenance,
        tuple((f["path"], f["sha256"], f["bytes"]) for f in files if isinstance(f, dict)),
        rows,
        tuple(problems),
        manifest_path.read_text(encoding="utf-8") if not problems else "",
    )


def _check_files(
    root: Path, files: list[Any], manifest_file: str, problems: list[Problem]
) -> set[str]:
    listed: set[str] = set()
    for i, entry in enumerate(files):
        ok = (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and re.fullmatch(r"[a-z_]+\.(parquet|csv|json)", entry["path"])
            and isinstance(entry.get("sha256"), str)
            and isinstance(entry.get("bytes"), int)
        )
        if not ok:
            problems.append(
                Problem("NPR-P330", "a malformed file entry", f"/files/{i}", manifest_file)
            )
            continue
        name = entry["path"]
        listed.add(name)
        path = root / name
        if not path.is_file() or path.is_symlink():
            problems.append(Problem("NPR-P330", "the file is missing", "", str(path)))
            continue
        digest, size = _sha256(path)
        if digest != entry["sha256"] or size != entry["bytes"]:
            problems.append(
                Problem(
                    "NPR-P332",
                    "the file's SHA-256 does not match the manifest: it changed or is corrupt "
                    "since the submission was made",
                    f"/files/{i}",
                    str(path),
                    expected=entry["sha256"],
                    found=digest,
                )
            )
    for path in sorted(root.iterdir()):
        if path.name not in listed and path.name != MANIFEST:
            problems.append(
                Problem(
                    "NPR-P330",
                    "this file is not in the manifest; a submission holds only its own files",
                    "",
                    str(path),
                )
            )
    return listed


def _check_tables(
    root: Path,
    package: Mapping[str, Any],
    provenance: Mapping[str, Any],
    core: CoreDataSet,
    overlays: Iterable[str | Path],
    problems: list[Problem],
) -> dict[str, int]:
    from npcs_review.share.agreements import find_agreement  # noqa: PLC0415

    file = str(root / DATAPACKAGE)
    agreement = None
    try:
        agreement = find_agreement(str(provenance.get("agreement_id")), overlays)
    except DefinitionError as exc:
        problems.extend(exc.problems)
    if agreement is not None and agreement.version != provenance.get("agreement_version"):
        problems.append(
            Problem(
                "NPR-P334",
                f"made under agreement {agreement.id} {provenance.get('agreement_version')}; "
                f"the agreement known here is version {agreement.version}",
                "/provenance/agreement_version",
                str(root / MANIFEST),
            )
        )
    rows: dict[str, int] = {}
    resources = package.get("resources")
    if not isinstance(resources, list):
        problems.append(Problem("NPR-P335", "the data package has no resources", "", file))
        return rows
    seen = set()
    for i, resource in enumerate(resources):
        ptr = f"/resources/{i}"
        name = resource.get("name") if isinstance(resource, dict) else None
        table = core.tables.get(str(name))
        if table is None or not isinstance(resource, dict):
            problems.append(
                Problem("NPR-P335", f"{name!r} is not a core data set table", ptr, file)
            )
            continue
        seen.add(table.id)
        columns = {c.name: c for c in table.columns}
        fields = (resource.get("schema") or {}).get("fields") or []
        declared = []
        for j, field in enumerate(fields):
            column = columns.get(str(field.get("name"))) if isinstance(field, dict) else None
            if column is None or field.get("type") != column.type:
                problems.append(
                    Problem(
                        "NPR-P335",
                        f"field {field.get('name') if isinstance(field, dict) else field!r} is "
                        f"not a column of {table.id} with that type",
                        f"{ptr}/schema/fields/{j}",
                        file,
                    )
                )
                continue
            declared.append(column)
        for key in table.key:
            if key not in {c.name for c in declared}:
                problems.append(
                    Problem("NPR-P335", f"the key column {key!r} is missing", ptr, file)
                )
        if agreement is not None:
            _check_agreement(agreement, declared, core, file, ptr, problems)
        path = root / str(resource.get("path"))
        fmt = provenance.get("tables_format")
        if path.name != f"{table.id}.{fmt}":
            problems.append(
                Problem("NPR-P335", f"the table's file should be {table.id}.{fmt}", ptr, file)
            )
            continue
        rows[table.id] = _check_data(path, declared, str(fmt), problems)
    for table_id in core.tables:
        if table_id not in seen:
            problems.append(Problem("NPR-P335", f"table {table_id!r} is missing", "", file))
    return rows


def _check_agreement(
    agreement: Any,
    declared: list[Column],
    core: CoreDataSet,
    file: str,
    ptr: str,
    problems: list[Problem],
) -> None:
    for column in declared:
        element = core.elements[column.element]
        level = agreement.levels.get(element.id)
        allowed = {c.name for c in element.columns_at(level)} if level else set()
        if element.is_narrative and not agreement.narrative_allowed:
            allowed = set()
        if column.name not in allowed:
            problems.append(
                Problem(
                    "NPR-P336",
                    f"column {column.name!r} shares {element.id} beyond agreement "
                    f"{agreement.id} {agreement.version} ({level or 'withheld'})",
                    ptr,
                    file,
                )
            )


def _check_data(path: Path, declared: list[Column], fmt: str, problems: list[Problem]) -> int:
    """Read the table back with its declared types and check required, enum and pattern."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    from npcs_review.share.submission import _batches  # noqa: PLC0415

    expected = arrow_schema(declared)
    name = str(path)
    if fmt == "parquet":
        import pyarrow.parquet as pq  # noqa: PLC0415

        try:
            found = pq.read_schema(str(path))
        except (OSError, pa.ArrowException) as exc:
            problems.append(Problem("NPR-P337", f"cannot read the Parquet file: {exc}", "", name))
            return 0
        if [(f.name, f.type) for f in found] != [(f.name, f.type) for f in expected]:
            problems.append(
                Problem(
                    "NPR-P337",
                    "the file's columns or types differ from its declared schema",
                    "",
                    name,
                )
            )
            return 0
    count = 0
    try:
        for batch in _batches(path, fmt, expected, None):  # type: ignore[arg-type]
            if not batch.num_rows:
                continue
            for column in declared:
                values = batch.column(column.name)
                if column.required and values.null_count:
                    problems.append(
                        Problem("NPR-P337", f"{column.name!r} is empty in some rows", "", name)
                    )
                if (
                    column.enum
                    and not pc.all(
                        pc.or_kleene(pc.is_null(values), pc.is_in(values, pa.array(column.enum))),
                        min_count=0,
                    ).as_py()
                ):
                    problems.append(
                        Problem(
                            "NPR-P337", f"{column.name!r} has a value outside its list", "", name
                        )
                    )
                if (
                    column.pattern
                    and not pc.all(
                        pc.or_kleene(
                            pc.is_null(values), pc.match_substring_regex(values, column.pattern)
                        ),
                        min_count=0,
                    ).as_py()
                ):
                    problems.append(
                        Problem("NPR-P337", f"{column.name!r} has a malformed value", "", name)
                    )
            count += batch.num_rows
    except (OSError, pa.ArrowException) as exc:
        problems.append(Problem("NPR-P337", f"cannot read the table: {exc}", "", name))
    return count
