"""Every string of a document, found through the model's own marks (never a hand-kept list).

:func:`iter_text` yields each string with its pointer and kind (``narrative``, ``label``,
``token``, ``date``, ``confidential``, ``code``, or ``opaque`` for extension values);
:func:`map_text` rebuilds a model with strings replaced. Lint, the audience filter and the
seeded-identifier tests use them, so a field added to the model is covered the day it is added.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

import attrs
from pydantic import BaseModel

from npcs_review._pointer import escape
from npcs_review.models._base import TextKind
from npcs_review.models._types import Coded

__all__ = ["TextValue", "iter_text", "map_text", "string_kinds"]

M = TypeVar("M", bound=BaseModel)


@attrs.frozen
class TextValue:
    """One string of a document: where it is, what kind of text it is, and the text."""

    pointer: str
    kind: str
    value: str
    key: bool = False
    """The string is a mapping key (at ``pointer``), not a value."""


Visit = Callable[[TextValue], str]


def _mark(metadata: typing.Iterable[Any]) -> str | None:
    for m in metadata:
        if isinstance(m, TextKind):
            return m.kind
        if isinstance(m, Coded):
            return "code"
    return None


def _is_union(origin: Any) -> bool:
    return origin is typing.Union or origin is types.UnionType


def _literal_values(annotation: Any) -> set[Any]:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _literal_values(get_args(annotation)[0])
    if origin is Literal:
        return set(get_args(annotation))
    if _is_union(origin):
        return set().union(*(_literal_values(a) for a in get_args(annotation)))
    return set()


def _accepts(annotation: Any, value: Any) -> bool:
    """Whether ``value``'s shape (str, list, dict, model) fits this branch of a union."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _accepts(get_args(annotation)[0], value)
    if _is_union(origin):
        return any(_accepts(a, value) for a in get_args(annotation))
    if isinstance(value, BaseModel):
        return isinstance(annotation, type) and isinstance(value, annotation)
    if isinstance(value, str):
        return annotation is str
    if isinstance(value, list):
        return origin is list
    if isinstance(value, dict):
        return origin is dict
    return False


def _walk(annotation: Any, kind: str | None, value: Any, pointer: str, visit: Visit) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, BaseModel):
        return _model(value, pointer, visit)
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *metadata = get_args(annotation)
        return _walk(base, _mark(metadata) or kind, value, pointer, visit)
    if isinstance(value, str):
        if value in _literal_values(annotation):
            return value
        if _is_union(origin):
            branches = [a for a in get_args(annotation) if _accepts(a, value)]
            if branches:
                return _walk(branches[0], kind, value, pointer, visit)
        found = kind or ("opaque" if annotation in (Any, object) else "unmarked")
        if annotation is not str and annotation not in (Any, object) and kind is None:
            found = "opaque"
        return visit(TextValue(pointer, found, value))
    if _is_union(origin):
        branches = [a for a in get_args(annotation) if _accepts(a, value)]
        target = branches[0] if branches else Any
        return _walk(target, kind, value, pointer, visit)
    if isinstance(value, list):
        item = get_args(annotation)[0] if origin is list else Any
        return [_walk(item, kind, v, f"{pointer}/{i}", visit) for i, v in enumerate(value)]
    if isinstance(value, dict):
        key_type, value_type = get_args(annotation) if origin is dict else (Any, Any)
        out = {}
        for k, v in value.items():
            here = f"{pointer}/{escape(str(k))}"
            new_key = k
            if isinstance(k, str):
                new_key = _walk_key(key_type, kind, k, here, visit)
            where = here if new_key == k else f"{pointer}/{escape(str(new_key))}"
            out[new_key] = _walk(value_type, kind, v, where, visit)
        return out
    return value


def _walk_key(annotation: Any, kind: str | None, key: str, pointer: str, visit: Visit) -> str:
    if get_origin(annotation) is Annotated:
        base, *metadata = get_args(annotation)
        return _walk_key(base, _mark(metadata) or kind, key, pointer, visit)
    found = kind or ("unmarked" if annotation is str else "opaque")
    return visit(TextValue(pointer, found, key, key=True))


def _model(model: BaseModel, pointer: str, visit: Visit) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        if name not in model.model_fields_set:
            continue
        out[name] = _walk(
            field.annotation,
            _mark(field.metadata),
            getattr(model, name),
            f"{pointer}/{name}",
            visit,
        )
    return out


def iter_text(model: BaseModel) -> Iterator[TextValue]:
    """Yield every string the document holds (values and mapping keys), in document order."""
    found: list[TextValue] = []

    def visit(item: TextValue) -> str:
        found.append(item)
        return item.value

    _model(model, "", visit)
    yield from found


def map_text(model: M, replace: Visit) -> M:
    """Return a copy of ``model`` with each string replaced by ``replace(TextValue)``.

    A mapping key is visited at its own pointer; the value under a renamed key is visited at
    the pointer it will have (under the new key).

    Raises:
        pydantic.ValidationError: if a replacement does not fit its field.
    """
    return type(model).model_validate(_model(model, "", replace))


def string_kinds(model_type: type[BaseModel]) -> dict[str, set[str]]:
    """The kinds of string each field of ``model_type`` and its parts can hold, by dotted path.

    A field's kinds come from its marks (:class:`TextKind`, ``Coded``); ``unmarked`` means a
    ``str`` with neither — a field that lint and the audience filter would not know how to treat.
    """
    out: dict[str, set[str]] = {}

    def visit_type(annotation: Any, kind: str | None, path: str, seen: frozenset[type]) -> None:
        origin = get_origin(annotation)
        if origin is Annotated:
            base, *metadata = get_args(annotation)
            visit_type(base, _mark(metadata) or kind, path, seen)
        elif _is_union(origin) or origin in (list, dict):
            for i, arg in enumerate(get_args(annotation)):
                key = path + ("{key}" if origin is dict and i == 0 else "")
                visit_type(arg, kind, key, seen)
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in seen:
                for name, field in annotation.model_fields.items():
                    visit_type(
                        field.annotation,
                        _mark(field.metadata),
                        f"{path}.{name}" if path else name,
                        seen | {annotation},
                    )
        elif annotation is str:
            out.setdefault(path, set()).add(kind or "unmarked")

    visit_type(model_type, None, "", frozenset())
    return out
