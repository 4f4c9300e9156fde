"""Write one submission: the core data set of a jurisdiction's cases, shared under its agreement.

``share_cases`` streams cases from files, folders and JSON Lines; a case that fails validation
(or belongs to another jurisdiction, or repeats a case) is reported and left out, never half
shared. Every other case is pseudonymized under the jurisdiction's key, extracted at the levels
the agreement sets, its free text checked for identifiers (text that trips the check is
withheld for that case, the rest of the case is still shared), and appended to its tables. The
folder written holds a Frictionless Data Package (``datapackage.json``, one Parquet or CSV file
per table), the withholding log, the re-identification risk report and a manifest with the
SHA-256 of every file and the provenance. It is written beside the target and moved into place
at the end, so the target holds a whole submission or none.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from npcs_review.errors import NpcsReviewError, Problem
from npcs_review.render.data import to_data
from npcs_review.share.agreements import Agreement, period_span
from npcs_review.share.dataset import Column, CoreDataSet, core_data_set
from npcs_review.share.extract import CaseContext, Plan, TablePlan, compile_plan
from npcs_review.share.pseudonyms import Pseudonymizer
from npcs_review.share.risk import SUPPRESSED, RiskReport, assess, suppress

__all__ = [
    "MANIFEST",
    "LeftOut",
    "ShareResult",
    "SubmissionError",
    "TextWithheld",
    "arrow_schema",
    "share_cases",
    "share_submission",
    "submission_id_of",
]

TablesFormat = Literal["parquet", "csv"]
MANIFEST = "manifest.json"
DATAPACKAGE = "datapackage.json"
WITHHOLDING = "withholding.json"
RISK = "risk.json"
#: Cases between two runs of the cyclic garbage collector while sharing.
GC_EVERY = 20_000
#: Rows buffered per table before they are written (one Parquet row group).
BATCH_ROWS = 5_000
#: The most left-out cases and withheld texts a result keeps in detail (the rest are counted).
MAX_DETAILED = 10_000
MEDIA = {"parquet": "application/vnd.apache.parquet", "csv": "text/csv"}


class SubmissionError(NpcsReviewError):
    """A submission cannot be made or read (no output is written).

    Attributes:
        problems: every problem, with its code.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@attrs.frozen
class LeftOut:
    """A case that was not shared, and why (its problems; nothing of it is in the submission)."""

    source: str
    problems: tuple[Problem, ...]


@attrs.frozen
class TextWithheld:
    """A free text withheld from one case because the identifier check flagged it."""

    case_pseudonym: str
    table: str
    element: str
    row: int
    kinds: tuple[str, ...]
    """The kinds of identifier found (never the text)."""


@attrs.frozen
class ShareResult:
    """What ``share_cases`` wrote, and what it left out."""

    __data__ = (
        "submission_id",
        "folder",
        "jurisdiction",
        "period",
        "agreement",
        "cases_read",
        "cases_shared",
        ("cases_left_out", "left_out_count"),
        "left_out",
        ("texts_withheld", "text_withheld_count"),
        "rows",
        "risk",
        ("files", lambda r: [{"path": n, "sha256": h, "bytes": b} for n, h, b in r.files]),
    )

    submission_id: str
    folder: Path
    jurisdiction: str
    period: str
    agreement: str
    cases_read: int
    cases_shared: int
    left_out: tuple[LeftOut, ...]
    left_out_count: int
    text_withheld: tuple[TextWithheld, ...]
    text_withheld_count: int
    risk: RiskReport
    rows: Mapping[str, int]
    files: tuple[tuple[str, str, int], ...]
    """(file name, SHA-256, bytes) for every file but the manifest."""

    @property
    def complete(self) -> bool:
        """True when every case read was shared (none left out)."""
        return self.left_out_count == 0


# ------------------------------------------------------------------------------ tables


#: pandas' nullable types for the columns it would otherwise read as floats or objects.
_PANDAS_TYPES = {"integer": ("int64", "Int64"), "boolean": ("bool", "boolean")}


def arrow_schema(columns: Sequence[Column]) -> Any:
    """The Arrow schema of shared columns (Table Schema types mapped to Arrow types).

    The schema also carries Arrow's ``pandas`` metadata for integer and boolean columns, so that
    pandas (and the tools built on it, such as frictionless) reads them back as nullable
    integers and booleans instead of floats with NaN.
    """
    import pyarrow as pa  # noqa: PLC0415 - heavy

    types = {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
    }
    pandas = {
        "index_columns": [],
        "column_indexes": [],
        "columns": [
            {
                "name": c.name,
                "field_name": c.name,
                "pandas_type": _PANDAS_TYPES[c.type][0],
                "numpy_type": _PANDAS_TYPES[c.type][1],
                "metadata": None,
            }
            for c in columns
            if c.type in _PANDAS_TYPES
        ],
        "creator": {"library": "npcs_review"},
    }
    return pa.schema(
        [pa.field(c.name, types[c.type], nullable=not c.required) for c in columns],
        metadata={b"pandas": json.dumps(pandas, sort_keys=True).encode()},
    )


def _table_schema(plan: TablePlan, core: CoreDataSet) -> dict[str, Any]:
    """The Frictionless Table Schema of one shared table."""
    fields = []
    for c in plan.columns:
        field: dict[str, Any] = {"name": c.name, "type": c.type, "description": c.description}
        constraints: dict[str, Any] = {}
        if c.required:
            constraints["required"] = True
        if c.enum:
            constraints["enum"] = list(c.enum)
        if c.pattern:
            constraints["pattern"] = c.pattern
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "primaryKey": list(plan.table.key)}
    if plan.table.rows != "case":
        schema["foreignKeys"] = [
            {
                "fields": ["jurisdiction", "case_pseudonym"],
                "reference": {
                    "resource": "incidents",
                    "fields": ["jurisdiction", "case_pseudonym"],
                },
            }
        ]
    return schema


class _TableWriter:
    """Buffers one table's rows and writes them as Parquet row groups (or CSV)."""

    def __init__(self, path: Path, columns: Sequence[Column], fmt: TablesFormat) -> None:
        self.path = path
        self.schema = arrow_schema(columns)
        self.fmt = fmt
        self.rows: list[dict[str, Any]] = []
        self.count = 0
        self.writer: Any = None

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.rows.append(row)
        if len(self.rows) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa  # noqa: PLC0415

        if self.writer is None:
            self.writer = _open_writer(self.path, self.schema, self.fmt)
        if self.rows:  # column by column: ten times faster than Table.from_pylist
            rows = self.rows
            columns = {name: [row[name] for row in rows] for name in self.schema.names}
            batch = pa.Table.from_pydict(columns, schema=self.schema)
            self.writer.write_table(batch)
            self.count += len(self.rows)
            self.rows = []

    def close(self) -> None:
        self.flush()
        self.writer.close()


def _open_writer(path: Path, schema: Any, fmt: TablesFormat) -> Any:
    if fmt == "csv":
        import pyarrow.csv as pcsv  # noqa: PLC0415

        return pcsv.CSVWriter(str(path), schema)
    import pyarrow.parquet as pq  # noqa: PLC0415

    return pq.ParquetWriter(str(path), schema, compression="zstd")


# ------------------------------------------------------------------------------ sharing


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def submission_id_of(provenance: Mapping[str, Any], files: Sequence[Mapping[str, Any]]) -> str:
    """The submission's id: a digest of its provenance and of every file's SHA-256."""
    digest = hashlib.sha256(_canonical({"provenance": provenance, "files": files}))
    return "sub-" + digest.hexdigest()[:32]


def _sha256(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _write_json(path: Path, data: Any) -> None:
    path.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8"
    )


@attrs.define
class _Run:
    """The state of one share run."""

    core: CoreDataSet
    plan: Plan
    agreement: Agreement
    key: Pseudonymizer
    jurisdiction: str | None
    narrative: tuple[tuple[str, str, str], ...]
    """(table, element, column) of every free-text column shared."""
    qi_columns: tuple[str, ...]
    groups: tuple[tuple[int, ...], ...]
    counts: Counter[tuple[Any, ...]] = attrs.field(factory=Counter)
    seen: set[str] = attrs.field(factory=set)
    left_out: list[LeftOut] = attrs.field(factory=list)
    left_out_count: int = 0
    withheld: list[TextWithheld] = attrs.field(factory=list)
    withheld_count: int = 0
    read: int = 0
    shared: int = 0

    def leave_out(self, source: str, problems: Sequence[Problem]) -> None:
        self.left_out_count += 1
        if len(self.left_out) < MAX_DETAILED:
            self.left_out.append(LeftOut(source, tuple(problems)))


def _qi_layout(
    core: CoreDataSet, plan: Plan
) -> tuple[tuple[str, ...], tuple[tuple[int, ...], ...], list[tuple[str, tuple[str, ...]]]]:
    """The shared quasi-identifier columns (in suppression order) and each element's positions."""
    shared = {c.name for p in plan.tables for c in p.columns}
    columns: list[str] = []
    groups: list[tuple[int, ...]] = []
    described: list[tuple[str, tuple[str, ...]]] = []
    for element_id in core.risk_quasi_identifiers:
        element = core.elements[element_id]
        names = tuple(c.name for c in element.columns if c.name in shared)
        if not names:
            continue
        groups.append(tuple(range(len(columns), len(columns) + len(names))))
        columns.extend(names)
        described.append((element_id, names))
    return tuple(columns), tuple(groups), described


def _check_text(
    run: _Run, rows: dict[str, list[dict[str, Any]]], pseudonym: str, incident: Any
) -> None:
    """Withhold every shared free text that holds an identifier; relativize dates in the rest."""
    from npcs_review.audience import _relative_dates_in  # noqa: PLC0415 - one date rewriter
    from npcs_review.identifiers import identifier_kinds  # noqa: PLC0415 - the one detector

    for table, element, column in run.narrative:
        for index, row in enumerate(rows[table], start=1):
            text = row.get(column)
            if text is None:
                continue
            kinds = identifier_kinds(text)
            if kinds:
                row[column] = None
                run.withheld_count += 1
                if len(run.withheld) < MAX_DETAILED:
                    run.withheld.append(TextWithheld(pseudonym, table, element, index, kinds))
            else:
                row[column] = _relative_dates_in(text, incident)


def share_cases(
    paths: Iterable[str | os.PathLike[str]],
    *,
    agreement: Agreement,
    key: Pseudonymizer,
    period: str,
    output: str | os.PathLike[str],
    tables: TablesFormat = "parquet",
    suppress_locally: bool = False,
    registry: Any = None,
    progress: Callable[[int], None] | None = None,
) -> ShareResult:
    """Share the cases in ``paths`` as one submission written to the folder ``output``.

    Args:
        paths: case files (.json, .yaml, .jsonl) and folders.
        agreement: the sharing agreement (its levels, narrative rule and threshold).
        key: the jurisdiction's pseudonym key.
        period: the period the submission covers (``2025-Q3``, ``2025-07``, ``2025-H2``, ``2025``).
        output: the folder to write; it must not exist yet, or be empty.
        tables: ``parquet`` (default) or ``csv``.
        suppress_locally: blank quasi-identifiers of cases in classes smaller than the threshold.
        registry: the definitions to classify with (default: the packaged ones).
        progress: called with the number of cases read so far, every 1,000 cases.

    Returns:
        What was written and what was left out.

    Raises:
        SubmissionError: if the period is malformed or outside the agreement, or the output
            folder is not empty (nothing is written then).
    """
    from npcs_review import __version__  # noqa: PLC0415
    from npcs_review.codelists import definitions_version  # noqa: PLC0415
    from npcs_review.io import iter_case_files, iter_load  # noqa: PLC0415
    from npcs_review.models import SCHEMA_VERSION  # noqa: PLC0415
    from npcs_review.registry import default_registry  # noqa: PLC0415

    target = Path(output)
    try:
        first, last = period_span(period)
    except ValueError as exc:
        raise SubmissionError([Problem("NPR-P318", str(exc), "", "--period")]) from None
    if not agreement.in_force(first, last):
        until = agreement.effective_to or "now"
        raise SubmissionError(
            [
                Problem(
                    "NPR-P318",
                    f"agreement {agreement.id} {agreement.version} governs "
                    f"{agreement.effective_from} to {until}, not all of {period}",
                    "",
                    agreement.file,
                )
            ]
        )
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise SubmissionError(
            [
                Problem(
                    "NPR-P319",
                    "the output folder exists and is not empty; a submission is never written "
                    "over another: choose a new folder",
                    "",
                    str(target),
                )
            ]
        )
    core = core_data_set()
    plan = compile_plan(core, agreement.levels)
    narrative = tuple(
        (p.table.id, s.element.id, name)
        for p in plan.tables
        for s in p.steps
        if s.element.is_narrative
        for _, name in s.keep
    )
    qi_columns, groups, described = _qi_layout(core, plan)
    if agreement.jurisdiction is not None:
        key = attrs.evolve(key, jurisdiction=agreement.jurisdiction)
    run = _Run(
        core,
        plan,
        agreement,
        key,
        agreement.jurisdiction,
        narrative if agreement.narrative_allowed else (),
        qi_columns,
        groups,
    )
    if not agreement.narrative_allowed:  # the plan must not even read the text
        plan = compile_plan(
            core,
            {e: lv for e, lv in agreement.levels.items() if not core.elements[e].is_narrative},
        )
        run.plan = plan
    registry = registry or default_registry()
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    suffix = ".parquet" if tables == "parquet" else ".csv"
    try:
        writers = {
            p.table.id: _TableWriter(work / f"{p.table.id}{suffix}", p.columns, tables)
            for p in plan.tables
        }
        # The cyclic collector runs every GC_EVERY cases instead of on its own schedule: a case
        # leaves no reference cycle behind once its evaluator's results are cleared, so memory
        # stays bounded, and the time the collector would spend walking the heap is saved.
        automatic = gc.isenabled()
        gc.disable()
        gc.freeze()  # what is loaded now (definitions, models) lives on: never scan it again
        try:
            for file in iter_case_files(paths):
                for result in iter_load(file):
                    _share_one(run, result, registry, writers)
                    if run.read % GC_EVERY == 0:
                        gc.collect()
                    if progress is not None and run.read % 1000 == 0:
                        progress(run.read)
        finally:
            gc.unfreeze()
            if automatic:
                gc.enable()
        for writer in writers.values():
            writer.close()
        jurisdiction = run.jurisdiction or agreement.jurisdiction or "unknown"
        suppressed: dict[str, int] = {}
        counts: Mapping[tuple[Any, ...], int] = run.counts
        if suppress_locally and qi_columns:
            mapping, counts = suppress(run.counts, agreement.small_cell_threshold, groups)
            suppressed = _apply_suppression(work, plan, mapping, qi_columns, described, tables)
        risk = assess(counts, agreement.small_cell_threshold, described, suppressed)
        provenance = {
            "jurisdiction": jurisdiction,
            "period": period,
            "period_first_day": first.isoformat(),
            "period_last_day": last.isoformat(),
            "agreement_id": agreement.id,
            "agreement_version": agreement.version,
            "agreement_status": agreement.status,
            "core_data_set_version": core.version,
            "definitions_version": registry.version,
            "definitions_set_version": definitions_version(),
            "case_schema_version": SCHEMA_VERSION,
            "library_version": __version__,
            "key_id": key.key_id,
            "tables_format": tables,
            "local_suppression": suppress_locally,
        }
        _write_json(work / WITHHOLDING, _withholding_log(run, core, plan, suppressed))
        _write_json(work / RISK, to_data(risk))
        _write_json(work / DATAPACKAGE, _datapackage(plan, core, provenance, work, suffix, tables))
        names = sorted(p.name for p in work.iterdir())
        files: list[dict[str, Any]] = []
        for name in names:
            digest, size = _sha256(work / name)
            files.append({"path": name, "sha256": digest, "bytes": size})
        submission_id = submission_id_of(provenance, files)
        _write_json(
            work / MANIFEST,
            {
                "submission_id": submission_id,
                "provenance": provenance,
                "cases": {
                    "read": run.read,
                    "shared": run.shared,
                    "left_out": run.left_out_count,
                    "texts_withheld": run.withheld_count,
                },
                "rows": {t: w.count for t, w in writers.items()},
                "files": files,
            },
        )
        if target.exists():
            target.rmdir()  # empty (checked above)
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return ShareResult(
        submission_id,
        target,
        jurisdiction,
        period,
        f"{agreement.id} {agreement.version}",
        run.read,
        run.shared,
        tuple(run.left_out),
        run.left_out_count,
        tuple(run.withheld),
        run.withheld_count,
        risk,
        {t: w.count for t, w in writers.items()},
        tuple((str(f["path"]), str(f["sha256"]), int(f["bytes"])) for f in files),
    )


def _share_one(run: _Run, result: Any, registry: Any, writers: Mapping[str, _TableWriter]) -> None:
    run.read += 1
    if not result.ok or result.case is None:
        run.leave_out(result.source, [p for p in result.problems if p.severity == "error"])
        return
    case = result.case
    jurisdiction = case.case.jurisdiction
    if run.jurisdiction is None:
        run.jurisdiction = jurisdiction
        run.key = attrs.evolve(run.key, jurisdiction=jurisdiction)
    if jurisdiction != run.jurisdiction:
        run.leave_out(
            result.source,
            [
                Problem(
                    "NPR-P321",
                    f"this case belongs to {jurisdiction}; the submission is {run.jurisdiction}'s"
                    f" (agreement {run.agreement.id}): share each jurisdiction's cases apart",
                    "/case/jurisdiction",
                    result.source,
                )
            ],
        )
        return
    key = run.key
    pseudonym = key("case", case.case.case_id)
    if pseudonym in run.seen:
        run.leave_out(
            result.source,
            [
                Problem(
                    "NPR-P320",
                    "this case id was already shared in this submission (ids are compared "
                    "ignoring case and separators); only the first is shared",
                    "/case/case_id",
                    result.source,
                )
            ],
        )
        return
    run.seen.add(pseudonym)
    ctx = CaseContext(case, registry, key)
    rows = run.plan.extract(ctx)
    ctx.evaluator.results.clear()  # its indicators' traces point back at it: free them now
    if run.narrative:
        _check_text(run, rows, pseudonym, ctx.span)
    if run.qi_columns:
        merged = {**rows["children"][0], **rows["incidents"][0]}
        run.counts[tuple(merged.get(c) for c in run.qi_columns)] += 1
    for table, table_rows in rows.items():
        writers[table].add(table_rows)
    run.shared += 1


def _batches(path: Path, fmt: TablesFormat, schema: Any, columns: Sequence[str] | None) -> Any:
    """Stream a written table back, batch by batch (only ``columns`` when given)."""
    if fmt == "csv":
        import pyarrow.csv as pcsv  # noqa: PLC0415

        reader = pcsv.open_csv(
            str(path),
            convert_options=pcsv.ConvertOptions(
                column_types=schema,
                include_columns=list(columns) if columns else None,
                strings_can_be_null=True,  # an empty field is a missing value, as written
            ),
        )
        yield from reader
        return
    import pyarrow.parquet as pq  # noqa: PLC0415

    yield from pq.ParquetFile(str(path)).iter_batches(
        batch_size=BATCH_ROWS, columns=list(columns) if columns else None
    )


def _apply_suppression(
    work: Path,
    plan: Plan,
    mapping: Mapping[tuple[Any, ...], tuple[Any, ...]],
    qi_columns: Sequence[str],
    described: Sequence[tuple[str, tuple[str, ...]]],
    fmt: TablesFormat,
) -> dict[str, int]:
    """Rewrite the per-case tables with suppressed values blanked; count values per element.

    Streams: the quasi-identifier columns are read back batch by batch to mark the values to
    blank (one byte a case and column), then each table is rewritten batch by batch.
    """
    import pyarrow as pa  # noqa: PLC0415

    blanked = {orig: new for orig, new in mapping.items() if orig != new}
    if not blanked:
        return {}
    suffix = ".parquet" if fmt == "parquet" else ".csv"
    plans = {p.table.id: p for p in plan.tables}
    schemas = {t: arrow_schema(plans[t].columns) for t in ("incidents", "children")}
    own = {t: [c for c in qi_columns if c in schemas[t].names] for t in schemas}

    def rows(table: str) -> Any:
        for batch in _batches(work / f"{table}{suffix}", fmt, schemas[table], own[table]):
            yield from zip(*(batch.column(c).to_pylist() for c in own[table]), strict=True)

    marks = {c: bytearray() for c in qi_columns}
    for incident, child in zip(rows("incidents"), rows("children"), strict=True):
        values = dict(zip(own["incidents"], incident, strict=True))
        values.update(zip(own["children"], child, strict=True))
        new = blanked.get(tuple(values[c] for c in qi_columns))
        for i, c in enumerate(qi_columns):
            marks[c].append(1 if new is not None and new[i] == SUPPRESSED else 0)
    by_column = {c: e for e, cols in described for c in cols}
    counted: Counter[str] = Counter()
    for c in qi_columns:
        counted[by_column[c]] = max(counted[by_column[c]], sum(marks[c]))
    for table_id, schema in schemas.items():
        source = work / f"{table_id}{suffix}"
        rewritten = work / f".{table_id}.suppressed{suffix}"
        writer = _open_writer(rewritten, schema, fmt)
        offset = 0
        for batch in _batches(source, fmt, schema, None):
            arrays = []
            for field in schema:
                column = batch.column(field.name)
                if field.name in own[table_id]:
                    mask = marks[field.name][offset : offset + batch.num_rows]
                    values = column.to_pylist()
                    column = pa.array(
                        [None if m else v for v, m in zip(values, mask, strict=True)], field.type
                    )
                arrays.append(column)
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            offset += batch.num_rows
        writer.close()
        rewritten.replace(source)
    return {e: n for e, n in counted.items() if n}


def _withholding_log(
    run: _Run, core: CoreDataSet, plan: Plan, suppressed: Mapping[str, int]
) -> dict[str, Any]:
    """Every element withheld or coarsened, the rule that did it, and every text withheld."""
    a = run.agreement
    rule = f"agreement {a.id} {a.version}"
    elements = []
    for element in core.elements.values():
        level = a.levels.get(element.id)
        finest = element.levels[0]
        if level == finest and not (element.is_narrative and not a.narrative_allowed):
            continue
        if level is None or (element.is_narrative and not a.narrative_allowed):
            action, why = (
                "withheld",
                (
                    f"{rule}: narrative withheld"
                    if element.is_narrative and level is not None
                    else f"{rule}: {element.id} withheld"
                ),
            )
            shared: tuple[Column, ...] = ()
        else:
            action, why = "coarsened", f"{rule}: {element.id} at {level} (finest: {finest})"
            shared = element.columns_at(level)
        elements.append(
            {
                "element": element.id,
                "table": element.table or "every table",
                "action": action,
                "level": None if action == "withheld" else level,
                "rule": why,
                "columns_shared": [c.name for c in shared],
                "columns_not_shared": [c.name for c in element.columns if c not in shared],
            }
        )
    return {
        "agreement": {"id": a.id, "version": a.version, "status": a.status, "file": a.file},
        "narrative": {
            "allowed": a.narrative_allowed,
            "rule": f"{rule}: narrative {'allowed' if a.narrative_allowed else 'withheld'}"
            + (", each text shared only after the identifier check" if a.narrative_allowed else ""),
        },
        "elements": elements,
        "texts_withheld": run.withheld_count,
        "texts_withheld_listed": [
            {
                "case_pseudonym": t.case_pseudonym,
                "table": t.table,
                "row": t.row,
                "element": t.element,
                "identifier_kinds": list(t.kinds),
                "rule": "identifier check: the text may contain an identifier",
            }
            for t in run.withheld
        ],
        "local_suppression": [
            {
                "element": e,
                "values_blanked": n,
                "rule": f"k-anonymity: k = {a.small_cell_threshold} ({rule})",
            }
            for e, n in sorted(suppressed.items())
        ],
    }


def _datapackage(
    plan: Plan,
    core: CoreDataSet,
    provenance: Mapping[str, Any],
    work: Path,
    suffix: str,
    fmt: TablesFormat,
) -> dict[str, Any]:
    resources = []
    for p in plan.tables:
        path = work / f"{p.table.id}{suffix}"
        digest, size = _sha256(path)
        resources.append(
            {
                "name": p.table.id,
                "title": p.table.title,
                "description": p.table.description,
                "path": path.name,
                "profile": "tabular-data-resource",
                "format": fmt,
                "mediatype": MEDIA[fmt],
                # frictionless checks the hash and size of a CSV file; it cannot for Parquet
                # (the manifest holds every file's SHA-256 either way)
                **(
                    {"encoding": "utf-8", "hash": f"sha256:{digest}", "bytes": size}
                    if fmt == "csv"
                    else {}
                ),
                "schema": _table_schema(p, core),
            }
        )
    name = f"npcs-{provenance['jurisdiction']}-{provenance['period']}".lower().replace("_", "-")
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": (
            f"NPCS core data set {core.version}: {provenance['jurisdiction']}, "
            f"{provenance['period']}"
        ),
        "description": (
            "A de-identified submission of a jurisdiction's core data set to the partnership, "
            f"shared under agreement {provenance['agreement_id']} "
            f"{provenance['agreement_version']}. Case ids are keyed pseudonyms."
        ),
        "version": core.version,
        "npcs": dict(provenance),
        "resources": resources,
    }


def share_submission(
    paths: Iterable[str | os.PathLike[str]],
    *,
    agreement: str,
    key_file: str | os.PathLike[str],
    period: str,
    output: str | os.PathLike[str],
    overlays: Iterable[str | os.PathLike[str]] = (),
    tables: TablesFormat = "parquet",
    suppress_locally: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ShareResult:
    """Share cases under an agreement named by id (packaged or in ``overlays``) or file.

    Reads the key from ``key_file`` and calls :func:`share_cases`.

    Raises:
        DefinitionError: if the agreement is unknown or invalid.
        KeyFileError: if the key cannot be used.
        SubmissionError: see :func:`share_cases`.
    """
    from npcs_review.share.agreements import find_agreement  # noqa: PLC0415
    from npcs_review.share.pseudonyms import read_key  # noqa: PLC0415

    chosen = find_agreement(agreement, [Path(o) for o in overlays])
    key = read_key(key_file, chosen.jurisdiction or "")
    return share_cases(
        paths,
        agreement=chosen,
        key=key,
        period=period,
        output=output,
        tables=tables,
        suppress_locally=suppress_locally,
        progress=progress,
    )
