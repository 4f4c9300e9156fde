"""JSON-ready data of any result: one converter instead of a ``to_dict`` method per class.

:func:`to_data` turns the library's results (frozen attrs classes) into dicts, lists and
scalars that ``json.dumps`` writes as they are, recursively:

- an attrs instance becomes a dict of its public fields (``repr=True``, no leading ``_``), in
  the order they are declared; a class whose JSON differs lists its keys in ``__data__``: a
  name (a field or a property), ``("key", "attribute")`` to rename, ``("key", function)`` for
  a value computed from the object, or ``"*attribute"`` to merge that attribute's own keys in;
- a pydantic model becomes its JSON dump; a date, its ISO 8601 text; a path, its text;
- a mapping becomes a dict (its order kept), a tuple or list a list; anything else is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import PurePath
from typing import Any

__all__ = ["to_data"]


Entry = str | tuple[str, str | Callable[[Any], Any]]


def _fields(cls: type) -> tuple[Entry, ...]:
    import attrs  # noqa: PLC0415 - not at import: the command line's --help stays light

    spec: tuple[Entry, ...] | None = getattr(cls, "__data__", None)
    if spec is None:
        spec = tuple(f.name for f in attrs.fields(cls) if f.repr and not f.name.startswith("_"))
    return spec


def to_data(value: Any) -> Any:
    """The JSON-ready form of ``value`` (see the module docstring)."""
    if hasattr(type(value), "__attrs_attrs__"):  # an attrs class (as attrs.has checks)
        out: dict[str, Any] = {}
        for entry in _fields(type(value)):
            if isinstance(entry, tuple):
                key, name = entry
                out[key] = to_data(name(value) if callable(name) else getattr(value, name))
            elif entry.startswith("*"):
                out.update(to_data(getattr(value, entry[1:])))
            else:
                out[entry] = to_data(getattr(value, entry))
        return out
    if isinstance(value, Mapping):
        return {k: to_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    dump = getattr(value, "model_dump", None)  # a pydantic model (not imported to check)
    if callable(dump):
        return dump(mode="json")
    return value
