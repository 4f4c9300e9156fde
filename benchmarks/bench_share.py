"""Share benchmark: ``share`` over generated cases from JSON Lines, beside validate + classify.

Writes ``--n`` generated cases of one jurisdiction to a JSON Lines file (streamed, never held),
then runs, each in a fresh process so that its peak memory (``ru_maxrss``) is its own:

* **validate + classify**: ``iter_load`` over the file and ``classify`` of each valid case under
  the national set and under the jurisdiction's profile (what ``share`` classifies);
* **validate + classify (national only)**: the same with the national set alone;
* **share**: ``share_cases`` of the same file under ``--agreement`` (Parquet tables);
* **pool add**: the submission into a new DuckDB database.

Ratios are of CPU time (a busy machine skews wall time more); wall time is shown beside it.

    python benchmarks/bench_share.py [--n 100000] [--agreement example_us_pa]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from generate import DEFAULT_SEED, iter_cases

_MODES = ("classify", "classify_national", "share", "pool")


def _write_cases(path: Path, n: int, jurisdiction: str, seed: int) -> int:
    size = 0
    with path.open("w", encoding="utf-8") as out:
        for i, case in enumerate(iter_cases(n, seed=seed)):
            case["case"]["jurisdiction"] = jurisdiction
            case["case"]["case_id"] = f"SYN-{jurisdiction}-{i:07d}"
            case["extensions"] = {}
            line = json.dumps(case, separators=(",", ":")) + "\n"
            size += len(line)
            out.write(line)
    return size


def _run_mode(mode: str, work: Path, agreement: str) -> dict[str, float]:
    """One measurement, in this process (called in a child process)."""
    from npcs_review.engine.classify import CaseEvaluator  # noqa: PLC0415
    from npcs_review.io import iter_load  # noqa: PLC0415
    from npcs_review.registry import default_registry  # noqa: PLC0415
    from npcs_review.share.agreements import packaged_agreements  # noqa: PLC0415
    from npcs_review.share.dataset import core_data_set  # noqa: PLC0415

    registry = default_registry()
    core_data_set()
    chosen = packaged_agreements()[agreement]
    source = work / "cases.jsonl"
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu_start = _cpu()
    start = time.perf_counter()
    count = 0
    if mode.startswith("classify"):
        profile = chosen.jurisdiction
        for result in iter_load(source):
            count += 1
            if result.case is not None and result.ok:
                evaluator = CaseEvaluator(result.case, registry)
                evaluator.classify()
                if mode == "classify" and profile in registry.profiles:
                    evaluator.classify(profile)
    elif mode == "share":
        from npcs_review.share.pseudonyms import Pseudonymizer  # noqa: PLC0415
        from npcs_review.share.submission import share_cases  # noqa: PLC0415

        shared = share_cases(
            [source],
            agreement=chosen,
            key=Pseudonymizer(bytes(range(32)), ""),
            period="2024",
            output=work / "submission",
        )
        count = shared.cases_read
    else:
        from npcs_review.pool.database import pool_add  # noqa: PLC0415

        added = pool_add(work / "submission", work / "pool.duckdb")
        count = added.cases
    seconds = time.perf_counter() - start
    cpu = _cpu() - cpu_start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu": cpu, "cases": count, "base_mb": base, "peak_mb": peak}


def _cpu() -> float:
    """CPU seconds of this process (less sensitive than wall time to other busy processes)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="share throughput and memory")
    parser.add_argument("--n", type=int, default=100_000, help="cases (default 100,000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--agreement", default="example_us_pa", help="a packaged agreement")
    parser.add_argument(
        "--jurisdiction", default=None, help="default: the agreement's jurisdiction"
    )
    parser.add_argument("--work", type=Path, default=None, help="folder for the files")
    parser.add_argument("--mode", choices=_MODES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.mode:  # a child process: one measurement, printed as JSON
        print(json.dumps(_run_mode(args.mode, args.work, args.agreement)))
        return 0
    if args.jurisdiction is None:
        from npcs_review.share.agreements import packaged_agreements  # noqa: PLC0415

        args.jurisdiction = packaged_agreements()[args.agreement].jurisdiction or "us_pa"
    with tempfile.TemporaryDirectory(prefix="bench-share-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        size = _write_cases(work / "cases.jsonl", args.n, args.jurisdiction, args.seed)
        print(
            f"npcs_review share benchmark: {args.n:,} generated cases of {args.jurisdiction} "
            f"(seed {args.seed}), {size / 1e6:,.0f} MB of JSON Lines, written in "
            f"{time.perf_counter() - start:,.0f} s; agreement {args.agreement}; "
            f"python {sys.version.split()[0]}"
        )
        rows = {}
        for mode in _MODES:
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--mode",
                    mode,
                    "--work",
                    str(work),
                    "--agreement",
                    args.agreement,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            rows[mode] = json.loads(done.stdout)
        base = rows["classify"]["cpu"]
        labels = {
            "classify": "validate + classify (national + profile)",
            "classify_national": "validate + classify (national only)",
            "share": "share (Parquet, streamed)",
            "pool": "pool add (new DuckDB file)",
        }
        print(f"{'step':42} {'wall s':>8} {'CPU s':>8} {'cases/s':>9} {'x v+c':>7} {'peak MB':>8}")
        for mode, row in rows.items():
            print(
                f"{labels[mode]:42} {row['seconds']:8.1f} {row['cpu']:8.1f} "
                f"{row['cases'] / row['seconds']:9,.0f} {row['cpu'] / base:7.2f} "
                f"{row['peak_mb']:8,.0f}"
            )
        print("cases/s from wall time; x v+c = CPU time / CPU time of validate + classify")
        files = sorted((work / "submission").iterdir())
        total = sum(p.stat().st_size for p in files)
        print(f"submission: {len(files)} files, {total / 1e6:,.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
