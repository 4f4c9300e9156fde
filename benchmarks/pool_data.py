"""Seeded generator of a synthetic pooled partnership database, at any scale.

Writes the pool's own layout (``npcs_review.pool.layout``) into a DuckDB file: current
submissions for several jurisdictions and years, and for every generated incident its child,
its classifications under the partnership standard, a federal reference definition and the
jurisdiction's own definitions, and for reviewed incidents their systemic factors and
recommendations. Vectorised with NumPy, so a million incidents take seconds. Every value is
synthetic: pseudonyms are random hex, not derived from anything.

Also writes the synthetic child population table shipped in ``examples/partnership/``.

    python benchmarks/pool_data.py 100000 -o pool.duckdb [--seed 7]
    python benchmarks/pool_data.py --population examples/partnership/population.csv
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa

__all__ = [
    "AGE_BANDS",
    "JURISDICTIONS",
    "RACES",
    "YEARS",
    "generate_pool",
    "write_population",
]

JURISDICTIONS = ("us_az", "us_ga", "us_ky", "us_pa", "us_tn", "us_tx", "us_wa")
#: Relative size of each jurisdiction's child population (synthetic).
_WEIGHTS = np.array([17, 25, 10, 26, 15, 74, 16], dtype=float)
#: The smallest count each jurisdiction may publish (synthetic agreements: 1-9, 1-10, under 5).
THRESHOLDS = {
    "us_az": 10,
    "us_ga": 11,
    "us_ky": 5,
    "us_pa": 11,
    "us_tn": 10,
    "us_tx": 10,
    "us_wa": 11,
}
YEARS = (2022, 2023, 2024, 2025)
AGE_BANDS = ("under_1", "1_4", "5_9", "10_14", "15_17")
_AGE_P = np.array([0.45, 0.30, 0.10, 0.09, 0.06])
SEXES = ("male", "female")
RACES = (
    "hispanic",
    "american_indian_or_alaska_native",
    "asian",
    "black_or_african_american",
    "native_hawaiian_or_other_pacific_islander",
    "white",
    "two_or_more_races",
)
#: Share of each group among children (synthetic) and its relative risk of a critical incident.
_RACE_POP = np.array([0.26, 0.01, 0.05, 0.14, 0.005, 0.475, 0.06])
_RACE_RISK = np.array([0.9, 2.2, 0.4, 2.4, 1.5, 1.0, 1.3])
_TERMS = ("maltreatment_fatality", "near_fatality", "serious_injury")
_PARTNERSHIP = {
    "maltreatment_fatality": "npcs_maltreatment_fatality",
    "near_fatality": "npcs_near_fatality",
    "serious_injury": "npcs_serious_injury",
}
LEVELS = (
    "family_community_environment",
    "frontline_practice",
    "supervision_team",
    "agency_organization",
    "oversight_regulation",
    "law_policy_funding",
)
_LEVEL_P = np.array([0.18, 0.32, 0.2, 0.2, 0.06, 0.04])
ELEMENTS = (
    "person",
    "tasks",
    "tools_technology",
    "organization",
    "internal_environment",
    "external_environment",
)
FACTOR_TYPES = ("condition", "decision", "omission", "variability")
STRENGTHS = ("weaker", "intermediate", "stronger")
STATUSES = ("proposed", "accepted", "implemented", "verified", "declined")


def _pick(
    rng: np.random.Generator, values: Sequence[str], n: int, p: np.ndarray | None = None
) -> pa.Array:
    codes = rng.choice(len(values), size=n, p=p)
    return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), pa.array(values)).cast(
        pa.string()
    )


def _hex(rng: np.random.Generator, n: int, prefix: str = "k1:") -> pa.Array:
    raw = rng.integers(0, 2**63, size=(n, 2), dtype=np.int64).view(np.uint64)
    return pa.array([f"{prefix}{a:016x}{b:016x}" for a, b in raw])


def _answer(rng: np.random.Generator, n: int, yes: float, unknown: float) -> pa.Array:
    draw = rng.random(n)
    values = np.where(draw < unknown, 2, np.where(draw < unknown + yes, 1, 0))
    return pa.array([None if v == 2 else bool(v) for v in values.tolist()], pa.bool_())


def generate_pool(path: str | Path, incidents: int, *, seed: int = 7) -> dict[str, int]:
    """Write a pool of ``incidents`` synthetic incidents to the DuckDB file ``path``.

    Returns the number of rows per table.
    """
    import duckdb  # noqa: PLC0415 - only when writing a pool

    from npcs_review.pool.layout import create_statements, pool_layout  # noqa: PLC0415

    rng = np.random.default_rng(seed)
    n = incidents
    jur_idx = rng.choice(len(JURISDICTIONS), size=n, p=_WEIGHTS / _WEIGHTS.sum())
    jurisdiction = pa.array(np.array(JURISDICTIONS)[jur_idx])
    year = rng.choice(np.array(YEARS), size=n)
    short = np.array([j[3:] for j in JURISDICTIONS])
    submission = pa.array(np.char.add(np.char.add("sub-", short[jur_idx]), year.astype(str)))
    pseudonym = _hex(rng, n)
    race_p = _RACE_POP * _RACE_RISK
    kind = rng.choice(3, size=n, p=[0.4, 0.35, 0.25])
    incident_type = pa.array(np.array(("fatality", "near_fatality", "serious_injury"))[kind])
    reviewed = rng.random(n) < 0.7
    review_days = np.where(reviewed & (rng.random(n) < 0.85), rng.integers(30, 300, size=n), -1)
    tables: dict[str, pa.Table] = {}
    tables["incidents"] = pa.table(
        {
            "submission_id": submission,
            "jurisdiction": jurisdiction,
            "case_pseudonym": pseudonym,
            "incident_type": incident_type,
            "incident_year": pa.array(year, pa.int64()),
            "prior_involvement": _answer(rng, n, 0.5, 0.08),
            "open_case_at_incident": _answer(rng, n, 0.2, 0.1),
            "review_required": _pick(
                rng, ("meets", "does_not_meet", "indeterminate"), n, np.array([0.7, 0.2, 0.1])
            ),
            "review_type": pa.array(
                ["systemic_critical_incident_review" if r else None for r in reviewed.tolist()]
            ),
            "review_completed_days_from_incident": pa.array(
                np.where(review_days >= 0, review_days, 0), pa.int64(), mask=review_days < 0
            ),
        }
    )
    tables["children"] = pa.table(
        {
            "submission_id": submission,
            "jurisdiction": jurisdiction,
            "case_pseudonym": pseudonym,
            "child_age_band": _pick(rng, AGE_BANDS, n, _AGE_P),
            "child_sex": _pick(rng, SEXES, n),
            "child_race_ethnicity": _pick(rng, RACES, n, race_p / race_p.sum()),
        }
    )
    # classifications: the partnership standard, a federal reference definition and the
    # jurisdiction's own definition of each term (its own differs on about 8% of incidents)
    parts = []
    for t, term in enumerate(_TERMS):
        meets = kind == t
        unsure = rng.random(n) < 0.05
        outcome = np.where(unsure, "indeterminate", np.where(meets, "meets", "does_not_meet"))
        own = np.where(rng.random(n) < 0.08, np.where(meets, "does_not_meet", "meets"), outcome)
        for scheme, definition, values in (
            ("national", _PARTNERSHIP[term], outcome),
            ("national", f"reference_{term}", outcome),
            (None, f"own_{term}", own),
        ):
            parts.append(
                pa.table(
                    {
                        "submission_id": submission,
                        "jurisdiction": jurisdiction,
                        "case_pseudonym": pseudonym,
                        "classification_scheme": jurisdiction
                        if scheme is None
                        else pa.array(np.full(n, scheme)),
                        "term": pa.array(np.full(n, term)),
                        "definition_id": pa.array(np.full(n, definition)),
                        "outcome": pa.array(values),
                    }
                )
            )
    tables["classifications"] = pa.concat_tables(parts)
    # systemic factors and recommendations of reviewed incidents
    owner = np.flatnonzero(reviewed)
    per = rng.integers(0, 6, size=owner.size)
    rows = np.repeat(owner, per)
    index = np.concatenate([np.arange(1, k + 1) for k in per]) if rows.size else np.zeros(0, int)
    m = rows.size
    first = rng.choice(len(ELEMENTS), size=m)
    second = rng.choice(len(ELEMENTS), size=m)
    both = rng.random(m) < 0.4
    names = np.array(ELEMENTS)
    joined = np.where(
        both & (first != second),
        np.char.add(
            np.char.add(names[np.minimum(first, second)], ";"), names[np.maximum(first, second)]
        ),
        names[first],
    )

    def take(column: pa.Array, picked: np.ndarray) -> pa.Array:
        return column.take(pa.array(picked))

    tables["systemic_factors"] = pa.table(
        {
            "submission_id": take(submission, rows),
            "jurisdiction": take(jurisdiction, rows),
            "case_pseudonym": take(pseudonym, rows),
            "factor_index": pa.array(index, pa.int64()),
            "factor_level": _pick(rng, LEVELS, m, _LEVEL_P),
            "factor_type": _pick(rng, FACTOR_TYPES, m),
            "work_system_elements": pa.array(joined),
        }
    )
    per = rng.integers(0, 4, size=owner.size)
    rows = np.repeat(owner, per)
    index = np.concatenate([np.arange(1, k + 1) for k in per]) if rows.size else np.zeros(0, int)
    m = rows.size
    due_year = year[rows] + rng.integers(0, 2, size=m)
    tables["recommendations"] = pa.table(
        {
            "submission_id": take(submission, rows),
            "jurisdiction": take(jurisdiction, rows),
            "case_pseudonym": take(pseudonym, rows),
            "recommendation_index": pa.array(index, pa.int64()),
            "action_strength": _pick(rng, STRENGTHS, m, np.array([0.5, 0.3, 0.2])),
            "recommendation_status": _pick(rng, STATUSES, m, np.array([0.25, 0.3, 0.3, 0.1, 0.05])),
            "recommendation_due_year": pa.array(due_year, pa.int64()),
        }
    )
    subs = sorted({(j, int(y)) for j in range(len(JURISDICTIONS)) for y in YEARS})
    tables["submissions"] = pa.table(
        {
            "submission_id": [f"sub-{JURISDICTIONS[j][3:]}{y}" for j, y in subs],
            "jurisdiction": [JURISDICTIONS[j] for j, _ in subs],
            "period": [str(y) for _, y in subs],
            "status": ["current"] * len(subs),
            "cases": [int(((jur_idx == j) & (year == y)).sum()) for j, y in subs],
            "cases_superseded": [0] * len(subs),
            "agreement_id": ["synthetic"] * len(subs),
            "agreement_version": ["0.1.0"] * len(subs),
            "core_data_set_version": ["0.1.0"] * len(subs),
            "definitions_version": ["0.1.0"] * len(subs),
            "case_schema_version": ["0.3"] * len(subs),
            "library_version": ["0.1.0"] * len(subs),
            "key_id": ["synthetic"] * len(subs),
            "manifest": ["{}"] * len(subs),
        }
    )
    path = Path(path)
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        for statement in create_statements():
            con.execute(statement)
        if "small_cell_threshold" not in {
            c.name for t in pool_layout() for c in t.columns if t.name == "submissions"
        }:
            con.execute("ALTER TABLE submissions ADD COLUMN small_cell_threshold BIGINT")
        thresholds = [THRESHOLDS[JURISDICTIONS[j]] for j, _ in subs]
        tables["submissions"] = tables["submissions"].append_column(
            "small_cell_threshold", pa.array(thresholds, pa.int64())
        )
        for name, table in tables.items():
            con.register("_incoming", table)
            columns = ", ".join(f'"{c}"' for c in table.column_names)
            extra = ", added_at, changed_at" if name == "submissions" else ""
            stamps = ", now(), now()" if name == "submissions" else ""
            con.execute(
                f'INSERT INTO "{name}" ({columns}{extra}) SELECT {columns}{stamps} FROM _incoming'
            )
            con.unregister("_incoming")
    finally:
        con.close()
    return {name: table.num_rows for name, table in tables.items()}


def write_population(path: str | Path, *, seed: int = 11) -> int:
    """Write the synthetic child population table (every jurisdiction, year, age band, sex and
    race of the generator); returns its number of rows."""
    rng = np.random.default_rng(seed)
    totals = (_WEIGHTS / _WEIGHTS.sum()) * 8_000_000
    rows = []
    for j, code in enumerate(JURISDICTIONS):
        for y in YEARS:
            drift = 1 + 0.01 * (y - YEARS[0])
            for a, band in enumerate(AGE_BANDS):
                width = (1, 4, 5, 5, 3)[a] / 18
                for sex in SEXES:
                    for r, race in enumerate(RACES):
                        mean = totals[j] * drift * width * 0.5 * _RACE_POP[r]
                        rows.append((code, y, band, sex, race, int(mean * rng.uniform(0.9, 1.1))))
    with Path(path).open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["jurisdiction", "year", "age_group", "sex", "race_ethnicity", "population"]
        )
        writer.writerows(rows)
    return len(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("incidents", type=int, nargs="?", default=0)
    parser.add_argument("-o", "--output", type=Path, default=Path("pool.duckdb"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--population", type=Path, help="write the population table here")
    args = parser.parse_args(argv)
    if args.population:
        print(f"wrote {write_population(args.population)} rows to {args.population}")
    if args.incidents:
        counts = generate_pool(args.output, args.incidents, seed=args.seed)
        print(f"wrote {args.output}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
