"""Classification throughput and memory of npcs_review on generated cases.

Generates ``--n`` synthetic cases (fixed seed), validates them once, then times, as the median
of ``--repeat`` runs over all cases: full validation (``parse_case``) for reference;
classification under the national set; under one profile (``--profile``, default ``us_ky``);
and under every profile (``compare_profiles``). Peak memory (``ru_maxrss``) is reported for
the whole process.

    python benchmarks/bench_classify.py [--n 10000] [--repeat 3] [--profile us_ky]
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence

from generate import DEFAULT_SEED, iter_case_bytes
from npcs_review.engine.classify import classify, compare_profiles
from npcs_review.io import parse_case
from npcs_review.models import Case
from npcs_review.registry import default_registry


def _median_seconds(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Classification throughput and memory.")
    parser.add_argument("--n", type=int, default=10_000, help="cases (default 10,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per method (median)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument("--profile", default="us_ky", help="the single profile to time")
    args = parser.parse_args(argv)

    registry = default_registry()
    if args.profile not in registry.profiles:
        print(f"no profile {args.profile!r}; known: {sorted(registry.profiles)}")
        return 2
    profiles = sorted(registry.profiles)
    lines = list(iter_case_bytes(args.n, seed=args.seed))
    cases: list[Case] = []
    for line in lines:
        result = parse_case(line)
        if result.case is None:
            print("a generated case is invalid:", result.problems[0])
            return 1
        cases.append(result.case)

    def validate() -> None:
        for line in lines:
            parse_case(line)

    def national() -> None:
        for case in cases:
            classify(case, registry=registry)

    def one() -> None:
        for case in cases:
            classify(case, profile=args.profile, registry=registry)

    def every() -> None:
        for case in cases:
            compare_profiles(case, profiles, registry=registry)

    rows = [
        ("validate (parse_case)", _median_seconds(validate, args.repeat)),
        (
            f"classify: national set ({len(registry.standard_set(None))} definitions)",
            _median_seconds(national, args.repeat),
        ),
        (f"classify: one profile ({args.profile})", _median_seconds(one, args.repeat)),
        (
            f"classify: all {len(profiles)} profiles side by side",
            _median_seconds(every, args.repeat),
        ),
    ]
    base = rows[0][1]
    print(
        f"npcs_review classification benchmark: {args.n:,} cases (seed {args.seed}), "
        f"median of {args.repeat}, python {sys.version.split()[0]}"
    )
    print(f"{'method':48} {'cases/s':>9} {'us/case':>9} {'x validate':>10}")
    for label, seconds in rows:
        print(
            f"{label:48} {args.n / seconds:9,.0f} {seconds / args.n * 1e6:9.1f} "
            f"{seconds / base:10.2f}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (ru_maxrss, whole process incl. {args.n:,} cases held): {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
