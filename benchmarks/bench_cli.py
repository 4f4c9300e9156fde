"""Command-line timings from process start to exit: ``--help`` and a full HTML summary.

python benchmarks/bench_cli.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "fatality-open-case-prior-reports.yaml"


def _time(argv: list[str], repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return runs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CLI cold-start and summary timings.")
    parser.add_argument("--repeat", type=int, default=7, help="runs per command (median)")
    args = parser.parse_args(argv)
    cli = [sys.executable, "-m", "npcs_review"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "summary.html"
        rows = [
            ("npcs-review --help", _time([*cli, "--help"], args.repeat)),
            (
                f"summary of {EXAMPLE.name} (HTML, written)",
                _time([*cli, "summary", str(EXAMPLE), "-o", str(out)], args.repeat),
            ),
        ]
    print(f"median of {args.repeat} runs, process start to exit")
    for label, runs in rows:
        print(
            f"{label:60} {statistics.median(runs) * 1000:7.0f} ms "
            f"(min {min(runs) * 1000:.0f}, max {max(runs) * 1000:.0f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
