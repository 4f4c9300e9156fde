"""Reading and writing case files: JSON, YAML (one case a file) and JSON Lines (many).

Every problem carries the file, a JSON pointer and, where the format has them, the line and
column. Input files are only ever read. Limits (see ``docs/limits.md``): a document may be
at most :data:`MAX_DOCUMENT_BYTES` and nest at most :data:`MAX_DEPTH` levels.
"""

from __future__ import annotations

import codecs
import functools
import gc
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

import attrs
import jiter
import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from npcs_review._pointer import escape, from_loc
from npcs_review._positions import json_positions, nearest, yaml_positions
from npcs_review._yaml import TrustedLoader, YamlDumper
from npcs_review.codelists import codelist
from npcs_review.consistency import check_case
from npcs_review.errors import CaseFileError, Problem
from npcs_review.models import MISSING, SCHEMA_VERSION, Case

__all__ = [
    "CASE_SUFFIXES",
    "CASE_TAGS",
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "Format",
    "LoadResult",
    "dump_case",
    "dump_yaml",
    "iter_case_files",
    "iter_load",
    "load_case",
    "load_many",
    "parse_case",
    "pointer_positions",
    "read_yaml",
    "source_text",
    "write_text_atomic",
]

#: Largest single case document (a file, or one JSON Lines record).
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
#: Deepest nesting of objects and arrays accepted in a document.
MAX_DEPTH = 64

Format = Literal["json", "yaml"]
CASE_SUFFIXES: dict[str, str] = {
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


@attrs.frozen
class LoadResult:
    """The outcome of loading one case document.

    Attributes:
        source: where it came from (``file`` or ``file:line`` for JSON Lines).
        case: the validated case, or None when it has errors.
        problems: every problem found (errors and warnings), in document order.
    """

    source: str
    case: Case | None
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return self.case is not None and not any(p.severity == "error" for p in self.problems)


# ---------------------------------------------------------------------------------- parsing


def parse_case(
    data: bytes, *, format: Format = "json", file: str | None = None, line: int | None = None
) -> LoadResult:
    """Validate one case document given as bytes.

    Args:
        data: the document.
        format: ``json`` or ``yaml``.
        file: the file name, for messages.
        line: for a JSON Lines record, its line number in the file.

    Returns:
        The case (when valid) and every problem found.
    """
    source = f"{file}:{line}" if file and line else (file or "<input>")
    locate = _Locator(file, line)
    if len(data) > MAX_DOCUMENT_BYTES:
        return _fail(
            source,
            locate.problem(
                "NPR-F007",
                f"the document is {len(data):,} bytes; the limit is {MAX_DOCUMENT_BYTES:,} bytes. "
                "Split a batch into one case a line (JSON Lines)",
            ),
        )
    if b"\x00" in data:
        return _fail(
            source,
            locate.problem(
                "NPR-F003", "this looks like a binary file, not a JSON or YAML case file"
            ),
        )
    data = data.removeprefix(codecs.BOM_UTF8)
    if format == "json":
        # jiter parses as fast as the model's own JSON parser and, unlike it, refuses a key
        # given twice, so that no value the user wrote is silently dropped.
        try:
            parsed = jiter.from_json(data, catch_duplicate_keys=True, allow_inf_nan=False)
        except ValueError as exc:
            return _fail(source, _json_syntax(data, str(exc), locate))
        locate.json_bytes = data
    else:
        try:
            parsed = _load_yaml(data, locate)
        except _NotYamlError as exc:
            return _fail(source, exc.problem)
    if not isinstance(parsed, dict):
        return _fail(source, locate.problem("NPR-F009", _NOT_A_MAPPING))
    try:
        case = Case.model_validate(parsed)
    except ValidationError as exc:
        problems = _dedupe([_from_pydantic(e, parsed) for e in exc.errors(include_url=False)])
        return LoadResult(source, None, tuple(locate.place(p) for p in problems))
    problems = check_case(case)
    if case.extensions and _depth(case.extensions) + 1 > MAX_DEPTH:
        problems.append(
            Problem("NPR-F008", f"the document nests deeper than {MAX_DEPTH} levels", "/extensions")
        )
    located = tuple(locate.place(p) for p in problems)
    failed = any(p.severity == "error" for p in located)
    return LoadResult(source, None if failed else case, located)


_NOT_A_MAPPING = "a case file holds one object (a mapping of fields) at the top level"
_TOO_DEEP = f"the document nests deeper than {MAX_DEPTH} levels"


def _fail(source: str, problem: Problem) -> LoadResult:
    return LoadResult(source, None, (problem,))


def _utf8_problem(data: bytes, exc: UnicodeDecodeError, locate: _Locator) -> Problem:
    line = data.count(b"\n", 0, exc.start) + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    return locate.problem(
        "NPR-F002",
        f"byte {exc.start} is not valid UTF-8; save the file as UTF-8 text",
        line=line,
        column=column,
    )


def _depth(value: object) -> int:
    """Nesting depth of JSON containers (an empty or flat object counts 1)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        current, level = stack.pop()
        if isinstance(current, dict | list):
            deepest = max(deepest, level)
            items = current.values() if isinstance(current, dict) else current
            stack.extend((item, level + 1) for item in items)
    return deepest


_JITER_PLACE = re.compile(r" at line (\d+) column (\d+)$")


def _json_syntax(data: bytes, message: str, locate: _Locator) -> Problem:
    """Explain why JSON bytes did not parse, as precisely as possible."""
    import json  # noqa: PLC0415 - error path only

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _utf8_problem(data, exc, locate)
    place = _JITER_PLACE.search(message)
    line, column = (int(place[1]), int(place[2])) if place else (None, None)
    if message.startswith("recursion limit"):
        return locate.problem("NPR-F008", _TOO_DEEP, line=line, column=column)
    if message.startswith("Detected duplicate key"):
        _, duplicates = json_positions(text)
        key = message.split('"')[1] if '"' in message else "?"
        problem = locate.problem(
            "NPR-F010",
            f"the key {key!r} appears twice in the same object; keep one",
            line=line,
            column=column,
        )
        return attrs.evolve(problem, pointer=duplicates[0] if duplicates else "")
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        ending = text.rstrip()[-1:]
        hint = "; the file may be cut short" if ending not in ("}", "]") else ""
        return locate.problem(
            "NPR-F004",
            f"invalid JSON: {exc.msg.removesuffix(' at')}{hint}",
            line=exc.lineno,
            column=exc.colno,
        )
    except RecursionError:
        return locate.problem("NPR-F008", _TOO_DEEP)
    return locate.problem("NPR-F004", f"invalid JSON: {message}", line=line, column=column)


def read_yaml(
    data: bytes, *, file: str
) -> tuple[object, dict[str, tuple[int, int]], list[Problem]]:
    """Parse a YAML document with the same safety rules as case files.

    Returns:
        The data, the position of every pointer, and the problems (empty when it parsed).
    """
    locate = _Locator(file, None)
    try:
        parsed = _load_yaml(data.removeprefix(codecs.BOM_UTF8), locate)
    except _NotYamlError as exc:
        return None, {}, [exc.problem]
    return parsed, locate.resolve_positions(), []


def source_text(path: str | os.PathLike[str]) -> str | None:
    """The text of a UTF-8 file as the positions count it (without a byte-order mark).

    ``None`` when it is not UTF-8 (positions are a courtesy).
    """
    try:
        return Path(path).read_bytes().removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError:
        return None


def pointer_positions(path: str | os.PathLike[str]) -> dict[str, tuple[int, int]]:
    """Map every JSON pointer of a JSON or YAML file to its (line, column), for messages.

    Returns an empty mapping when the file cannot be parsed (positions are a courtesy).
    """
    target = Path(path)
    data = target.read_bytes().removeprefix(codecs.BOM_UTF8)
    if _format_of(target) == "yaml":
        return read_yaml(data, file=str(target))[1]
    try:
        return json_positions(data.decode("utf-8"))[0]
    except UnicodeDecodeError:
        return {}


class _NotYamlError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _load_yaml(data: bytes, locate: _Locator) -> object:
    """Parse YAML safely (see :func:`_scan_yaml`), then load it with libyaml's parser."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _NotYamlError(_utf8_problem(data, exc, locate)) from None
    try:
        _scan_yaml(text)
        parsed = yaml.load(text, Loader=TrustedLoader)
    except _YamlRefusedError as exc:
        problem = locate.problem(exc.code, exc.message, line=exc.line, column=exc.column)
        raise _NotYamlError(attrs.evolve(problem, pointer=exc.pointer)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise _NotYamlError(
            locate.problem(
                "NPR-F005",
                f"invalid YAML: {exc.problem or exc.context}",
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            )
        ) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise _NotYamlError(locate.problem("NPR-F005", f"invalid YAML: {exc}")) from None
    locate.yaml_text = text
    return parsed


class _Frame:
    __slots__ = ("expecting_key", "index", "is_map", "key", "keys")

    def __init__(self, is_map: bool) -> None:
        self.is_map = is_map
        self.keys: set[str] = set()
        self.expecting_key = True
        self.key: str | None = None
        self.index = 0

    def token(self) -> str | int | None:
        return (self.key if not self.expecting_key else None) if self.is_map else self.index

    def done_value(self) -> None:
        if self.is_map:
            self.expecting_key = True
        else:
            self.index += 1


def _scan_yaml(text: str) -> None:
    """Refuse what could change or hide what the user typed, walking libyaml's events.

    Aliases (``*a``, which also allow "billion laughs" expansion), explicit tags, merge keys
    (``<<``), keys given twice in one mapping, more than one document, and nesting deeper than
    :data:`MAX_DEPTH` are refused with the place they occur.
    """
    stack: list[_Frame] = []
    documents = 0

    def pointer(extra: str | None = None) -> str:
        tokens = [f.token() for f in stack]
        if extra is not None:
            tokens.append(extra)
        return "".join("/" + escape(t) for t in tokens if t is not None)

    for event in yaml.parse(text, Loader=TrustedLoader):
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise yaml.MarkedYAMLError(
                    problem="a case file holds one YAML document, not "
                    "several (remove the '---' separator)",
                    problem_mark=event.start_mark,  # type: ignore[arg-type]
                )
            continue
        if not isinstance(event, yaml.NodeEvent | yaml.CollectionEndEvent):
            continue
        top = stack[-1] if stack else None
        if isinstance(event, yaml.AliasEvent):
            raise _YamlRefusedError(
                "NPR-F006",
                "YAML aliases (*name) are not allowed; write the value out",
                event.start_mark,
                pointer(),
            )
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            raise _YamlRefusedError(
                "NPR-F006",
                f"YAML tags ({tag}) are not allowed; write plain values",
                event.start_mark,
                pointer(),
            )
        if isinstance(event, yaml.ScalarEvent):
            if top is not None and top.is_map and top.expecting_key:
                key = event.value
                if key == "<<" and not event.style:
                    raise _YamlRefusedError(
                        "NPR-F006",
                        "YAML merge keys (<<) are not allowed; write the keys out",
                        event.start_mark,
                        pointer(),
                    )
                if key in top.keys:
                    raise _YamlRefusedError(
                        "NPR-F010",
                        f"the key {key!r} appears twice in the same mapping; keep one",
                        event.start_mark,
                        pointer(key),
                    )
                top.keys.add(key)
                top.key, top.expecting_key = key, False
            elif top is not None:
                top.done_value()
        elif isinstance(event, yaml.CollectionStartEvent):
            if top is not None and top.is_map and top.expecting_key:
                top.key, top.expecting_key = "?", False  # a complex key: rare, kept as a value
            stack.append(_Frame(isinstance(event, yaml.MappingStartEvent)))
            if len(stack) > MAX_DEPTH:
                stack.pop()
                raise _YamlRefusedError(
                    "NPR-F008",
                    f"the document nests deeper than {MAX_DEPTH} levels",
                    event.start_mark,
                    pointer(),
                )
        else:  # the end of a collection
            stack.pop()
            if stack:
                stack[-1].done_value()


# ------------------------------------------------------------------------------ YAML safety


class _YamlRefusedError(Exception):
    def __init__(self, code: str, message: str, mark: Any, pointer: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.pointer = code, message, pointer
        self.line = mark.line + 1 if mark else None
        self.column = mark.column + 1 if mark else None


# ------------------------------------------------------------------------ error translation


class _Locator:
    """Fill in file, line and column for problems located by JSON pointer."""

    def __init__(self, file: str | None, line: int | None) -> None:
        self.file, self.record_line = file, line
        self.positions: dict[str, tuple[int, int]] = {}
        self.json_bytes: bytes | None = None  # positions are computed only when needed
        self.yaml_text: str | None = None

    def problem(
        self, code: str, message: str, *, line: int | None = None, column: int | None = None
    ) -> Problem:
        if self.record_line is not None:
            line = self.record_line
        return Problem(code, message, "", self.file, line, column)

    def resolve_positions(self) -> dict[str, tuple[int, int]]:
        """Compute the pointer positions of the parsed text (once, on first need)."""
        if self.json_bytes is not None:
            self.positions = json_positions(self.json_bytes.decode("utf-8"))[0]
            self.json_bytes = None
        if self.yaml_text is not None:
            node = yaml.compose(self.yaml_text, Loader=TrustedLoader)
            self.positions = yaml_positions(node) if node is not None else {}
            self.yaml_text = None
        return self.positions

    def place(self, p: Problem) -> Problem:
        self.resolve_positions()
        line, column = nearest(self.positions, p.pointer)
        if self.record_line is not None:
            line = self.record_line  # a JSON Lines record is one line; the column is within it
        return attrs.evolve(p, file=self.file, line=line, column=column)


_CODES = {
    "missing": "NPR-S101",
    "extra_forbidden": "NPR-S102",
    "literal_error": "NPR-S104",
    "enum": "NPR-S104",
    "union_tag_invalid": "NPR-S104",
    "npr_code": "NPR-S105",
    "npr_date": "NPR-S107",
}
_RANGE = ("greater_than", "less_than", "too_short", "too_long", "string_too", "multiple_of")
#: Parts of a pydantic location that name a union member of the case model, not a key.
CASE_TAGS = frozenset({"npr:value", "npr:missing", "[key]"})


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _from_pydantic(err: ErrorDetails, data: object) -> Problem:
    kind = err["type"]
    loc = tuple(err["loc"])
    pointer = from_loc(loc, data, tag=CASE_TAGS.__contains__)
    tagged = bool(loc) and loc[-1] == "npr:value"  # the value-or-missing field as a whole
    code = _CODES.get(kind)
    if code is None:
        if kind.endswith(("_type", "_parsing")) or kind == "is_instance_of":
            code = "NPR-S103"
        elif kind.startswith(_RANGE):
            code = "NPR-S106"
        else:
            code = "NPR-S100"
    message, expected = str(err["msg"]), None
    field = pointer.rsplit("/", 1)[-1]
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    if code == "NPR-S101":
        message = f"required field {field!r} is missing"
    elif code == "NPR-S102":
        message = (
            f"unknown field {field!r}: check its spelling, or put jurisdiction-specific "
            "data under 'extensions' with a namespace"
        )
    elif code == "NPR-S105":
        codes = ", ".join(v.code for v in codelist(ctx["list_id"]))
        expected = f"one of: {codes} (or {', '.join(MISSING)})"
        message = f"{message}; use one of: {codes}"
    elif code in ("NPR-S103", "NPR-S104") and pointer == "/schema_version":
        code = "NPR-S108"
        given = err["input"]
        if isinstance(given, str):
            message = (
                f"this file uses schema version {given!r}; this version of "
                f"npcs_review reads {SCHEMA_VERSION!r}"
            )
        else:
            message = f'write the schema version as text in quotes: "{SCHEMA_VERSION}"'
        expected = repr(SCHEMA_VERSION)
    elif code == "NPR-S103" and _is_year(err.get("input")) and _is_date_field(pointer):
        year = err.get("input")
        message = (
            f'write the date as text in quotes: "{year}" (an unquoted {year} is read as a '
            "number, not as the year)"
        )
        expected, tagged = f'"{year}"', False
    elif code == "NPR-S100" and kind == "string_pattern_mismatch":
        expected = f"text matching {ctx.get('pattern')}"
        message = "the value is not in the expected form (letters, digits, '_', '.', '-')"
    if tagged and code in ("NPR-S103", "NPR-S104"):
        message += f" (or one of the missingness tokens {', '.join(MISSING)})"
    found = None if code == "NPR-S101" else _short(err.get("input"))
    return Problem(code, message, pointer, expected=expected, found=found)


def _is_year(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999


def _is_date_field(pointer: str) -> bool:
    """Whether ``pointer`` names a date field of the case model (by the model's text marks)."""
    path = ".".join(p for p in pointer.strip("/").split("/") if not p.isdigit())
    return path in _date_fields()


@functools.cache
def _date_fields() -> frozenset[str]:
    from npcs_review.models._text import string_kinds  # noqa: PLC0415

    return frozenset(path for path, kinds in string_kinds(Case).items() if "date" in kinds)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.code, p.pointer) not in seen:
            seen.add((p.code, p.pointer))
            out.append(p)
    return out


# ------------------------------------------------------------------------------ files


def _format_of(path: Path) -> str | None:
    return CASE_SUFFIXES.get(path.suffix.lower())


def iter_case_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Yield case files: each file given, and every case file below each folder (sorted)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and _format_of(p) is not None
            )
        else:
            yield path


def iter_load(path: str | os.PathLike[str]) -> Iterator[LoadResult]:
    """Load every case in a file: one for JSON or YAML, one per line for JSON Lines.

    JSON Lines files are streamed: memory stays bounded by the largest record.
    """
    path = Path(path)
    name = str(path)
    kind = _format_of(path)
    if kind is None:
        yield LoadResult(
            name,
            None,
            (
                Problem(
                    "NPR-F011",
                    f"unsupported file type {path.suffix or '(none)'!r}: use .json, .yaml, .yml "
                    "or .jsonl",
                    file=name,
                ),
            ),
        )
        return
    try:
        if kind == "jsonl":
            yield from _iter_jsonl(path, name)
            return
        with path.open("rb") as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        yield LoadResult(
            name,
            None,
            (Problem("NPR-F001", f"cannot read the file: {exc.strerror or exc}", file=name),),
        )
        return
    yield parse_case(data, format="yaml" if kind == "yaml" else "json", file=name)


def _iter_jsonl(path: Path, name: str) -> Iterator[LoadResult]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            record = raw.strip()
            if record:
                yield parse_case(record, format="json", file=name, line=number)


def load_case(path: str | os.PathLike[str]) -> Case:
    """Load and validate one case file (JSON or YAML).

    Raises:
        CaseFileError: with every problem found, if the file is not a valid case.
    """
    results = list(iter_load(path))
    if len(results) != 1:
        raise CaseFileError(
            [
                Problem(
                    "NPR-F009",
                    f"expected one case in the file, found {len(results)}",
                    file=str(path),
                )
            ]
        )
    result = results[0]
    if result.case is None or not result.ok:
        raise CaseFileError([p for p in result.problems if p.severity == "error"])
    return result.case


def load_many(paths: Iterable[str | os.PathLike[str]]) -> list[LoadResult]:
    """Load every case from files and folders, keeping the results.

    The cyclic garbage collector is paused during the load (it triples the cost of holding
    thousands of results) and resumed afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return [r for p in iter_case_files(paths) for r in iter_load(p)]
    finally:
        if enabled:
            gc.enable()


# ------------------------------------------------------------------------------ writing


def dump_yaml(data: object) -> str:
    """Write YAML that reads back exactly, keys in the order given.

    Strings that look like numbers, dates or yes/no are quoted.
    """
    return yaml.dump(data, Dumper=YamlDumper, sort_keys=False, allow_unicode=True, width=100)


def dump_case(case: Case, format: Format = "json") -> str:
    """Serialise a case deterministically, keeping exactly the fields it was given."""
    data = case.model_dump(mode="json", exclude_unset=True)
    if format == "yaml":
        return dump_yaml(data)
    import json  # noqa: PLC0415

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_text_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write ``text`` to ``path`` atomically: readers see the old file or the new, never half.

    Bytes (a binary format such as Parquet) are written as they are; text as UTF-8.
    """
    target = Path(path)
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
