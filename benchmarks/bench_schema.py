"""Validating generated cases against the exported case schema, beside pydantic.

python-jsonschema is slow on large records, so it runs on the first ``--slow-n`` cases; the
others run on all ``--n``. Cases per second for each.

    python benchmarks/bench_schema.py [--n 10000] [--slow-n 1000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import jsonschema
import jsonschema_rs

from generate import DEFAULT_SEED, iter_cases
from npcs_review.models import Case
from npcs_review.schema import document_schemas


def _rate(fn: Callable[[Any], object], items: Sequence[Any]) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return len(items) / (time.perf_counter() - start)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Schema validation throughput.")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--slow-n", type=int, default=1_000)
    args = parser.parse_args(argv)
    schema = document_schemas()["case"]
    documents = list(iter_cases(args.n, seed=DEFAULT_SEED))
    raw = [json.dumps(d).encode() for d in documents]
    python = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    rust = jsonschema_rs.validator_for(schema, validate_formats=True)
    assert all(rust.is_valid(d) for d in documents)
    rows = [
        ("pydantic Case.model_validate_json (bytes)", _rate(Case.model_validate_json, raw), args.n),
        ("pydantic Case.model_validate (dicts)", _rate(Case.model_validate, documents), args.n),
        ("jsonschema-rs is_valid (dicts, formats on)", _rate(rust.is_valid, documents), args.n),
        (
            "python-jsonschema is_valid (dicts, formats on)",
            _rate(python.is_valid, documents[: args.slow_n]),
            args.slow_n,
        ),
    ]
    print(f"case schema validation, generated cases (seed {DEFAULT_SEED})")
    for label, rate, n in rows:
        print(f"{label:50} {rate:10,.0f} cases/s  ({n:,} cases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
