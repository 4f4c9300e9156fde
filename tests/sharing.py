"""Helpers for the share and pool tests: generated cases of one jurisdiction, and submissions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generate import iter_cases
from npcs_review.share.agreements import Agreement, packaged_agreements
from npcs_review.share.pseudonyms import Pseudonymizer
from npcs_review.share.submission import ShareResult, share_cases

KEY = Pseudonymizer(bytes(range(32)), "")
OTHER_KEY = Pseudonymizer(bytes(range(1, 33)), "")


def cases_of(jurisdiction: str, n: int, *, seed: int = 7, start: int = 0) -> list[dict[str, Any]]:
    """``n`` generated (valid) cases moved to ``jurisdiction``, with distinct case ids."""
    out = []
    for i, case in enumerate(iter_cases(start + n, seed=seed)):
        if i < start:
            continue
        case["case"]["jurisdiction"] = jurisdiction
        case["case"]["case_id"] = f"SYN-{jurisdiction}-{i:06d}"
        case["extensions"] = {}
        out.append(case)
    return out


def write_jsonl(path: Path, cases: list[dict[str, Any]]) -> Path:
    """Write cases as JSON Lines."""
    path.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    return path


def submit(
    folder: Path,
    cases: list[dict[str, Any]],
    *,
    agreement: str | Agreement = "example_us_pa",
    period: str = "2025-Q3",
    key: Pseudonymizer = KEY,
    **options: Any,
) -> ShareResult:
    """Share ``cases`` under an agreement into ``folder`` (written beside it as JSON Lines)."""
    chosen = packaged_agreements()[agreement] if isinstance(agreement, str) else agreement
    source = write_jsonl(folder.with_suffix(".jsonl"), cases)
    return share_cases([source], agreement=chosen, key=key, period=period, output=folder, **options)
