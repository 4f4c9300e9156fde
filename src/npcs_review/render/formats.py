"""Format tables: for each result type, its output formats in one place.

A :class:`FormatTable` maps a format name (``text``, ``json``, ``sarif``, ``svg``, ``md``,
``html`` …) to a :class:`Format`: the function that renders the result as that format, its
media type and its file suffix. The command line takes its ``--format`` choices from the table
(:meth:`FormatTable.names`), so a new output format is one entry in one table::

    CLASSIFICATION = FormatTable(
        "classification",
        Format("text", classification_text, "text/plain", ".txt", options=("trace",)),
        Format("json", classification_json, "application/json", ".json"),
    )
    CLASSIFICATION.render(result, "text", trace=True)

Renderers take the result as their one positional argument. A format that has display
options (``trace``) names them in ``options``; :meth:`FormatTable.render` passes a renderer the
options it names and no others, so one call serves every format. Tables are cheap to import:
renderers import heavy libraries inside themselves, when they run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, NamedTuple, TypeVar

__all__ = ["Format", "FormatTable"]

R = TypeVar("R")


class Format(NamedTuple, Generic[R]):
    """One output format of a result type.

    Attributes:
        name: the name users give (``--format NAME``).
        render: returns the result rendered as text (keyword arguments: ``options``).
        media_type: the IANA media type of the output (``text/html``…).
        suffix: the usual file suffix, with its dot (``.html``).
        options: the display options ``render`` takes as keyword arguments.
        hint: what a reader does with a written file ("open it in a browser"), if anything.
        binary: ``render`` returns bytes (Parquet), not text; use
            :meth:`FormatTable.render_bytes`.
    """

    name: str
    render: Callable[..., str] | Callable[..., bytes]
    media_type: str
    suffix: str
    options: tuple[str, ...] = ()
    hint: str = ""
    binary: bool = False


class FormatTable(Generic[R]):
    """The formats of one result type, in order; the first is the default.

    Attributes:
        result: the result type in words (for messages), e.g. ``"lint report"``.
        formats: every format, by name, in the order given.
    """

    __slots__ = ("formats", "result")

    def __init__(self, result: str, *formats: Format[R]) -> None:
        names = [f.name for f in formats]
        if not formats or len(set(names)) != len(names):
            msg = f"a format table needs formats with distinct names, got {names}"
            raise ValueError(msg)
        self.result = result
        self.formats: dict[str, Format[R]] = {f.name: f for f in formats}

    def __repr__(self) -> str:
        return f"FormatTable({self.result!r}, {', '.join(self.formats)})"

    @property
    def default(self) -> str:
        """The first format's name."""
        return next(iter(self.formats))

    def names(self) -> tuple[str, ...]:
        """Every format's name, in table order."""
        return tuple(self.formats)

    def __iter__(self) -> Iterator[Format[R]]:
        return iter(self.formats.values())

    def __contains__(self, name: object) -> bool:
        return name in self.formats

    def __getitem__(self, name: str) -> Format[R]:
        """The format called ``name``.

        Raises:
            UnknownFormatError: if the table has no such format.
        """
        try:
            return self.formats[name]
        except KeyError:
            from npcs_review.errors import UnknownFormatError  # noqa: PLC0415

            raise UnknownFormatError(self.result, name, self.names()) from None

    def render(self, result: R, name: str, **options: Any) -> str:
        """Render ``result`` as format ``name``, passing the options that format takes.

        Raises:
            UnknownFormatError: if the table has no such format.
        """
        chosen = self[name]
        out = chosen.render(result, **{k: v for k, v in options.items() if k in chosen.options})
        if isinstance(out, bytes):
            msg = f"the {name} format is binary: use render_bytes"
            raise TypeError(msg)
        return out

    def render_bytes(self, result: R, name: str, **options: Any) -> bytes:
        """Render ``result`` as format ``name`` as bytes (text formats in UTF-8).

        Raises:
            UnknownFormatError: if the table has no such format.
        """
        chosen = self[name]
        out = chosen.render(result, **{k: v for k, v in options.items() if k in chosen.options})
        return out if isinstance(out, bytes) else out.encode("utf-8")
