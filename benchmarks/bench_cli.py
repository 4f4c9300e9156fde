"""Command-line timings from process start to exit: ``--help`` and a full HTML summary.

python benchmarks/bench_cli.py [--repeat 9]

Each command runs once first (writing Python's bytecode and the compiled-registry cache, as a
user's first run does), then ``--repeat`` times; the table shows the median wall time (process
start to file written) and the median CPU time of the process (user + system, which a busy
machine inflates less). Targets (issue 9): ``--help`` under 150 ms, the summary of the largest
example under 500 ms. A cold run (empty registry cache) is shown for comparison.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TARGETS = {"help": 0.150, "summary": 0.500}


def largest_example() -> Path:
    """The example with the most bytes (the heaviest summary)."""
    return max(sorted(EXAMPLES.glob("*.yaml")), key=lambda p: p.stat().st_size)


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _time(argv: list[str], env: dict[str, str], repeat: int) -> tuple[list[float], list[float]]:
    _run(argv, env)  # warm: bytecode and the registry cache written, as after a first run
    runs = [_run(argv, env) for _ in range(repeat)]
    return [w for w, _ in runs], [c for _, c in runs]


def _line(label: str, walls: list[float], cpus: list[float], target: float | None) -> str:
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    verdict = "" if target is None else ("  ok" if wall < target else f"  over {target * 1000:.0f}")
    return (
        f"{label:52} {wall * 1000:6.0f} ms wall {cpu * 1000:6.0f} ms cpu "
        f"(wall min {min(walls) * 1000:.0f}, max {max(walls) * 1000:.0f}){verdict}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CLI start-up and summary timings.")
    parser.add_argument("--repeat", type=int, default=9, help="runs per command (median)")
    args = parser.parse_args(argv)
    cli = [sys.executable, "-m", "npcs_review"]
    example = largest_example()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["NPCS_REVIEW_CACHE_DIR"] = str(Path(tmp) / "cache")
        out = Path(tmp) / "summary.html"
        summary = [*cli, "summary", str(example), "-o", str(out)]
        help_walls, help_cpus = _time([*cli, "--help"], env, args.repeat)
        walls, cpus = _time(summary, env, args.repeat)
        cold = [
            _run(summary, {**env, "NPCS_REVIEW_CACHE_DIR": str(Path(tmp) / f"cold{i}")})
            for i in range(max(3, args.repeat // 3))
        ]
    print(f"median of {args.repeat} runs after one warm-up, process start to exit")
    print(_line("npcs-review --help", help_walls, help_cpus, TARGETS["help"]))
    print(_line(f"summary of {example.name} (HTML, written)", walls, cpus, TARGETS["summary"]))
    print(
        _line(
            "  the same, registry cache empty (first run)",
            [w for w, _ in cold],
            [c for _, c in cold],
            None,
        )
    )
    print(f"load average now: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
