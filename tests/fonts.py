"""Advance widths of the fonts in the drawings' font stack, read from installed TrueType files.

The AcciMap's labels are measured with a table of advance widths (``npcs_review.graph._glyphs``)
so that they never overflow their boxes, whichever font of the stack the viewer has: for each
character the table holds the widest of DejaVu Sans (the first font of the stack, and the
default sans-serif of most Linux systems) and Liberation Sans (metric-compatible with Arial and
Helvetica, the next ones). This module reads those widths from the font files and writes the
table; ``tests/test_label_fit.py`` checks the table against the fonts where they are installed.

    python -m tests.fonts > src/npcs_review/graph/_glyphs.py   # then `ruff format` the file
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from pathlib import Path

#: The font files, by weight: the table takes the widest glyph of each list.
FONT_FILES = {
    "regular": (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
    ),
    "bold": (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
        Path("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ),
}
#: The characters the table covers: Latin, Latin-1, Latin Extended-A, punctuation, arrows.
RANGES = (
    (0x20, 0x7E),
    (0xA0, 0x17F),
    (0x2010, 0x2027),
    (0x2030, 0x203A),
    (0x20AC, 0x20AC),
    (0x2122, 0x2122),
    (0x2190, 0x2193),
)


def advance_widths(path: Path) -> dict[int, int]:
    """Each covered character's advance width in thousandths of an em (0 when missing)."""
    data = path.read_bytes()
    (count,) = struct.unpack_from(">H", data, 4)
    tables = {}
    for i in range(count):
        tag, _, offset, _ = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        tables[tag.decode("latin-1")] = offset
    (units,) = struct.unpack_from(">H", data, tables["head"] + 18)
    (metrics,) = struct.unpack_from(">H", data, tables["hhea"] + 34)
    glyphs = _cmap(data, tables["cmap"])
    result = {}
    for code in _codes():
        glyph = glyphs.get(code, 0)
        if glyph == 0:
            result[code] = 0
            continue
        index = min(glyph, metrics - 1)
        (advance,) = struct.unpack_from(">H", data, tables["hmtx"] + 4 * index)
        result[code] = round(advance * 1000 / units)
    return result


def _codes() -> Iterable[int]:
    for low, high in RANGES:
        yield from range(low, high + 1)


def _cmap(data: bytes, start: int) -> dict[int, int]:
    """Character → glyph from the Windows Unicode BMP subtable (format 4)."""
    (count,) = struct.unpack_from(">H", data, start + 2)
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, start + 4 + 8 * i)
        at = start + offset
        if (platform, encoding) == (3, 1) and struct.unpack_from(">H", data, at)[0] == 4:
            return _format4(data, at)
    msg = "no Unicode BMP cmap subtable"
    raise ValueError(msg)


def _format4(data: bytes, at: int) -> dict[int, int]:
    (doubled,) = struct.unpack_from(">H", data, at + 6)
    n = doubled // 2
    ends = struct.unpack_from(f">{n}H", data, at + 14)
    starts = struct.unpack_from(f">{n}H", data, at + 16 + 2 * n)
    deltas = struct.unpack_from(f">{n}h", data, at + 16 + 4 * n)
    offsets_at = at + 16 + 6 * n
    offsets = struct.unpack_from(f">{n}H", data, offsets_at)
    result = {}
    for k in range(n):
        for code in range(starts[k], ends[k] + 1):
            if code == 0xFFFF:
                continue
            if offsets[k] == 0:
                glyph = (code + deltas[k]) & 0xFFFF
            else:
                where = offsets_at + 2 * k + offsets[k] + 2 * (code - starts[k])
                (glyph,) = struct.unpack_from(">H", data, where)
                glyph = (glyph + deltas[k]) & 0xFFFF if glyph else 0
            result[code] = glyph
    return result


def widest(weight: str) -> dict[int, int]:
    """The widest advance of the weight's fonts, per covered character."""
    tables = [advance_widths(path) for path in FONT_FILES[weight]]
    return {code: max(t[code] for t in tables) for code in _codes()}


def module_text() -> str:
    """The source of ``npcs_review/graph/_glyphs.py``."""
    lines = [
        '"""Advance widths of the font stack, in thousandths of an em (generated: do not edit).',
        "",
        "For each character, the widest of DejaVu Sans and Liberation Sans (metric-compatible",
        "with Arial and Helvetica), regular and bold; ``python -m tests.fonts`` writes this file",
        "from the installed fonts and ``tests/test_label_fit.py`` checks it.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        '__all__ = ["BOLD", "REGULAR"]',
        "",
    ]
    for name, weight in (("REGULAR", "regular"), ("BOLD", "bold")):
        widths = widest(weight)
        lines.append(f"#: {weight.title()} advance widths by character, per range (first, widths).")
        lines.append(f"{name}: tuple[tuple[int, tuple[int, ...]], ...] = (")
        for low, high in RANGES:
            values = [widths[c] for c in range(low, high + 1)]
            lines.append(f"    (0x{low:04X}, (")
            for i in range(0, len(values), 14):
                lines.append("        " + ", ".join(str(v) for v in values[i : i + 14]) + ",")
            lines.append("    )),")
        lines.append(")")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(module_text(), end="")
