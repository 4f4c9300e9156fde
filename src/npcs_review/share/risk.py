"""Re-identification risk: k-anonymity over the quasi-identifiers a submission shares.

Each case's *equivalence class* is the tuple of the values it shares for the quasi-identifier
elements (age, sex, race and ethnicity, geography, incident date: what news of a death could
reveal). A class smaller than the agreement's small-cell threshold k singles out fewer than k
children (Sweeney 2002, k-anonymity). Local suppression blanks one quasi-identifier at a
time for the cases of classes still smaller than k, each time the one that leaves the fewest
cases at risk (then the fewest small classes), until every class reaches k or blanking no longer
helps: it never blanks what merges no class. It works on the class counts, never on the cases,
so memory is bounded by the number of distinct classes; the submission's tables are then
rewritten in one pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

__all__ = ["SUPPRESSED", "RiskReport", "assess", "suppress"]

#: Stands for a blanked value while counting (it matches nothing but itself).
SUPPRESSED = "*"
#: The most small classes a report lists (the count of the others is given).
MAX_LISTED = 1000

Cls = tuple[Any, ...]


@attrs.frozen
class RiskReport:
    """The k-anonymity of one submission."""

    __data__ = (
        "k",
        "k_anonymous",
        (
            "quasi_identifiers",
            lambda r: [{"element": e, "columns": c} for e, c in r.quasi_identifiers],
        ),
        "records",
        "classes",
        "smallest_class",
        ("small_classes", "small_class_count"),
        "records_in_small_classes",
        ("small_classes_listed", lambda r: r.listed()),
        ("local_suppression", lambda r: dict(sorted(r.suppressed.items())) or None),
    )

    k: int
    quasi_identifiers: tuple[tuple[str, tuple[str, ...]], ...]
    """(element, the columns shared for it), in order."""
    records: int
    classes: int
    smallest_class: int | None
    small_classes: tuple[tuple[Cls, int], ...]
    """The classes smaller than k with their sizes (at most :data:`MAX_LISTED`)."""
    small_class_count: int
    records_in_small_classes: int
    suppressed: Mapping[str, int] = attrs.field(factory=dict)
    """After local suppression: values blanked per element."""

    @property
    def k_anonymous(self) -> bool:
        """True when every class holds at least k cases."""
        return self.small_class_count == 0

    def listed(self) -> list[dict[str, Any]]:
        """The small classes listed: each class's size and its values by column."""
        columns = [c for _, cols in self.quasi_identifiers for c in cols]
        return [
            {"size": size, "values": dict(zip(columns, _shown(cls), strict=True))}
            for cls, size in self.small_classes
        ]


def _shown(cls: Cls) -> list[Any]:
    return [v if v is None or isinstance(v, str | int | float | bool) else str(v) for v in cls]


def assess(
    counts: Mapping[Cls, int],
    k: int,
    quasi_identifiers: Sequence[tuple[str, tuple[str, ...]]],
    suppressed: Mapping[str, int] | None = None,
) -> RiskReport:
    """The risk report for class ``counts`` (class → number of cases) at threshold ``k``."""
    small = sorted(
        ((c, n) for c, n in counts.items() if n < k), key=lambda cn: (cn[1], repr(cn[0]))
    )
    return RiskReport(
        k,
        tuple((e, tuple(cols)) for e, cols in quasi_identifiers),
        sum(counts.values()),
        len(counts),
        min(counts.values()) if counts else None,
        tuple(small[:MAX_LISTED]),
        len(small),
        sum(n for _, n in small),
        dict(suppressed or {}),
    )


def suppress(
    counts: Mapping[Cls, int], k: int, groups: Sequence[tuple[int, ...]]
) -> tuple[dict[Cls, Cls], Counter[Cls]]:
    """Greedy local suppression on class counts.

    Each round blanks, for the cases of the classes still smaller than ``k``, the one
    quasi-identifier element that leaves the fewest cases in small classes, then the fewest
    small classes (ties: the order of ``groups``); an element whose blanking neither lowers
    the cases at risk nor merges small classes is never blanked (the state, in a one-state
    submission). Rounds stop when every class reaches ``k`` or no element helps.

    Args:
        counts: class → number of cases.
        k: the threshold.
        groups: for each quasi-identifier element, the positions of its columns in a class
            tuple (an element is blanked as a whole).

    Returns:
        The class each original class becomes (with :data:`SUPPRESSED` where blanked), and the
        counts after suppression.
    """
    mapping = {c: c for c in counts}
    current: Counter[Cls] = Counter(counts)
    remaining = list(range(len(groups)))
    while remaining:
        small = {c for c, n in current.items() if n < k}
        score = (sum(current[c] for c in small), len(small))
        if not small:
            break
        best: tuple[tuple[int, int], int, dict[Cls, Cls], Counter[Cls]] | None = None
        for rank, g in enumerate(remaining):
            trial = {
                o: _blank(now, groups[g]) if now in small else now for o, now in mapping.items()
            }
            after: Counter[Cls] = Counter()
            for original, n in counts.items():
                after[trial[original]] += n
            still = [n for n in after.values() if n < k]
            left = (sum(still), len(still))
            if _better(left, score) and (best is None or (left, rank) < (best[0], best[1])):
                best = (left, rank, trial, after)
        if best is None:
            break
        _, rank, mapping, current = best
        remaining.pop(rank)
    return mapping, current


def _better(after: tuple[int, int], before: tuple[int, int]) -> bool:
    """Fewer cases at risk, or as many in fewer (so larger) small classes, and never worse."""
    return after[0] <= before[0] and after[1] <= before[1] and after != before


def _blank(cls: Cls, positions: tuple[int, ...]) -> Cls:
    blanked = list(cls)
    for p in positions:
        blanked[p] = SUPPRESSED
    return tuple(blanked)
