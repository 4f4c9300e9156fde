"""Validation throughput and memory of npcs_review on generated case files.

Generates ``--n`` synthetic cases in memory (compact JSON bytes, fixed seed), checks that
every one is valid, then times, each over all cases and as the median of ``--repeat`` runs:

(a) ``Case.model_validate_json(b)``: the bare pydantic model;
(b) ``parse_case(b, format="json")``: the library's full validation (model + consistency);
(c) ``json.loads(b, object_pairs_hook=...)`` with a duplicate-key-detecting hook, to price
    duplicate-key detection (plain ``json.loads`` is timed beside it as the reference).

Peak memory (``ru_maxrss``) is measured in a fresh process per mode: a streaming pass that
discards each result, and a load that keeps every result with the cyclic GC disabled.

    python benchmarks/bench_validate.py [--n 10000] [--repeat 3] [--seed S] [--no-memory]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import jiter

from generate import DEFAULT_SEED, iter_case_bytes
from npcs_review.io import parse_case
from npcs_review.models import Case

MB = 1e6  # throughput and memory in MB = 1,000,000 bytes
KB = 1e3  # case sizes in kB = 1,000 bytes (the 5-20 KB target)
#: The memory runs, each in a fresh process: mode -> label.
MEMORY_MODES = {
    "stream": "stream parse_case, discard",
    "keep": "keep all parse_case, gc.disable()",
    "keep-gc": "keep all parse_case, GC on (ref.)",
}


# -------------------------------------------------------------------- duplicate keys


class DuplicateKeyError(ValueError):
    """A JSON object gives the same key twice."""


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for :func:`json.loads` that refuses duplicate keys.

    Raises:
        DuplicateKeyError: naming the first key that appears twice.
    """
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                msg = f"the key {key!r} appears twice in one object"
                raise DuplicateKeyError(msg)
            seen.add(key)
    return result


def loads_unique(data: bytes) -> Any:
    """Parse JSON, refusing duplicate keys."""
    return json.loads(data, object_pairs_hook=unique_keys)


def jiter_unique(data: bytes) -> Any:
    """Parse JSON with jiter, refusing duplicate keys (the parse ``parse_case`` does)."""
    return jiter.from_json(data, catch_duplicate_keys=True, allow_inf_nan=False)


def jiter_then_model(data: bytes) -> Case:
    """The model step of ``parse_case``: a jiter parse, then validation of the dict."""
    return Case.model_validate(jiter_unique(data))


# ------------------------------------------------------------------------- harness


def _pass(fn: Callable[[bytes], object], lines: Sequence[bytes]) -> float:
    """Run ``fn`` on every line, discarding each result; return the seconds taken."""
    gc.collect()
    started = time.perf_counter()
    for line in lines:
        fn(line)
    return time.perf_counter() - started


class Timing:
    """The runs of one method over all cases."""

    def __init__(self, label: str, runs: list[float], n: int, nbytes: int) -> None:
        self.label, self.runs, self.n, self.nbytes = label, runs, n, nbytes
        self.median = statistics.median(runs)

    @property
    def per_second(self) -> float:
        return self.n / self.median

    @property
    def us_per_case(self) -> float:
        return self.median / self.n * 1e6

    @property
    def mb_per_second(self) -> float:
        return self.nbytes / MB / self.median


def _time(label: str, fn: Callable[[bytes], object], lines: Sequence[bytes], repeat: int) -> Timing:
    runs = [_pass(fn, lines) for _ in range(repeat)]
    return Timing(label, runs, len(lines), sum(len(b) for b in lines))


def _percentile(sorted_values: Sequence[int], p: float) -> float:
    """Nearest-rank percentile of an ascending sequence."""
    rank = max(0, min(len(sorted_values) - 1, round(p / 100 * (len(sorted_values) - 1))))
    return float(sorted_values[rank])


# -------------------------------------------------------------------------- memory


def _maxrss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _vm_hwm_bytes() -> int | None:
    """Peak RSS of this process image from /proc (Linux), a cross-check of ru_maxrss."""
    try:
        for row in Path("/proc/self/status").read_text().splitlines():
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) * 1024
    except OSError:
        pass
    return None


def _child(mode: str, n: int, seed: int) -> dict[str, Any]:
    """Memory run in this (fresh) process: generate the records, then stream or keep them."""
    lines = list(iter_case_bytes(n, seed))
    parse_case(lines[0], format="json")  # load code lists and build validators first
    gc.collect()
    base = _maxrss_bytes()
    started = time.perf_counter()
    ok = kept = 0
    if mode == "stream":
        for line in lines:
            ok += parse_case(line, format="json").ok
    else:
        if mode == "keep":
            gc.disable()
        try:
            results = [parse_case(line, format="json") for line in lines]
        finally:
            gc.enable()
        ok, kept = sum(r.ok for r in results), len(results)
    seconds = time.perf_counter() - started
    return {
        "mode": mode,
        "n": len(lines),
        "ok": ok,
        "kept": kept,
        "base": base,
        "peak": _maxrss_bytes(),
        "hwm": _vm_hwm_bytes(),
        "seconds": seconds,
    }


def _memory(n: int, seed: int) -> list[dict[str, Any]]:
    """Run each memory mode in a fresh interpreter.

    Linux carries a process's peak RSS across fork and exec into ``ru_maxrss``, so these
    children are started while this process is still small (before it generates its own
    copy of the records), and each child generates the same records itself.
    """
    results = []
    for mode in MEMORY_MODES:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--n", str(n), "--seed", str(seed)],
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(json.loads(proc.stdout))
    return results


# -------------------------------------------------------------------------- report


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def _duplicate_probe(first: bytes) -> str:
    """Does each path notice a key given twice? (A child's ``sex`` given twice.)"""
    doubled = first.replace(b'"child":{', b'"child":{"sex":"female",', 1)
    result = parse_case(doubled, format="json")
    try:
        loads_unique(doubled)
        hook = "accepts it"
    except DuplicateKeyError:
        hook = "rejects it"
    if result.ok and result.case is not None:
        verdict = f"accepts it (keeps child.sex={result.case.child.sex!r})"
    else:
        verdict = "rejects it: " + ", ".join(f"{p.code} {p.pointer}" for p in result.problems)
    return f"duplicate key probe (child.sex twice): parse_case {verdict}; (c)'s hook {hook}"


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    first, *rest = cells
    return f"{first:<{widths[0]}}" + "".join(
        f"{c:>{w}}" for c, w in zip(rest, widths[1:], strict=True)
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validation throughput and memory.")
    parser.add_argument("--n", type=int, default=10_000, help="cases (default 10,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per method (median)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    parser.add_argument("--child", choices=MEMORY_MODES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.n, args.seed)))
        return 0
    if args.n < 1 or args.repeat < 1:
        parser.error("--n and --repeat must be at least 1")

    memory = [] if args.no_memory else _memory(args.n, args.seed)  # first: see _memory
    started = time.perf_counter()
    lines = list(iter_case_bytes(args.n, args.seed))
    generated = time.perf_counter() - started
    total = sum(len(b) for b in lines)
    sizes = sorted(len(b) for b in lines)

    # Correctness first (this pass also warms up code lists and validators).
    invalid, warnings = [], 0
    for i, line in enumerate(lines):
        result = parse_case(line, format="json")
        warnings += sum(p.severity == "warning" for p in result.problems)
        if not result.ok:
            invalid.append((i, result.problems))

    timings = [
        _time("(a) Case.model_validate_json", Case.model_validate_json, lines, args.repeat),
        _time("(b) parse_case(format='json')", parse_case, lines, args.repeat),
        _time("(c) json.loads + dup-key hook", loads_unique, lines, args.repeat),
        _time("    json.loads, no hook (ref.)", json.loads, lines, args.repeat),
        _time("    jiter.from_json, dup keys off", jiter.from_json, lines, args.repeat),
        _time("    jiter.from_json, dup keys on", jiter_unique, lines, args.repeat),
        _time("    jiter + Case.model_validate", jiter_then_model, lines, args.repeat),
    ]

    a, b, c, ref, jit, jit_dup, jit_model = timings
    out = [
        "npcs_review validation benchmark",
        f"python {platform.python_version()}, pydantic {_version('pydantic')} "
        f"(pydantic-core {_version('pydantic-core')}), npcs-review {_version('npcs-review')}, "
        f"{platform.machine()}, {len(os.sched_getaffinity(0))} CPUs",
        f"cases: {args.n:,} (seed {args.seed}), generated in {generated:.1f} s, "
        f"{total / MB:.1f} MB of JSON",
        f"size per case (kB = 1,000 B): median {_percentile(sizes, 50) / KB:.1f}, "
        f"p5 {_percentile(sizes, 5) / KB:.1f}, p95 {_percentile(sizes, 95) / KB:.1f}, "
        f"min {sizes[0] / KB:.1f}, max {sizes[-1] / KB:.1f}",
        f"validity (parse_case): {args.n - len(invalid):,} valid, {len(invalid):,} invalid, "
        f"{warnings:,} warnings",
        _duplicate_probe(lines[0]),
        "",
        f"throughput, median of {args.repeat} run(s) over all {args.n:,} cases (GC on, "
        "each result discarded)",
    ]
    widths = (33, 10, 10, 8, 4 + 7 * args.repeat)
    out.append(_row(("method", "cases/s", "us/case", "MB/s", "runs (s)"), widths))
    for t in timings:
        runs = " ".join(f"{r:6.2f}" for r in t.runs)
        cells = (
            t.label,
            f"{t.per_second:,.0f}",
            f"{t.us_per_case:.1f}",
            f"{t.mb_per_second:.1f}",
            runs,
        )
        out.append(_row(cells, widths))
    out += [
        "",
        f"(b)/(a) throughput: {b.per_second / a.per_second:.3f} "
        f"(parse_case costs {b.us_per_case - a.us_per_case:+.1f} us/case over the bare model)",
        f"duplicate-key detection with (c) on top of (b): {c.us_per_case:+.1f} us/case, "
        f"(b)+(c) = {args.n / (b.median + c.median):,.0f} cases/s "
        f"({(b.median + c.median) / b.median:.2f}x the time of (b)); "
        f"the hook itself: {c.us_per_case - ref.us_per_case:+.1f} us/case over plain json.loads",
        f"jiter's duplicate-key check: {jit_dup.us_per_case - jit.us_per_case:+.1f} us/case; "
        f"parse_case's model step (jiter + model_validate) vs (a): "
        f"{jit_model.us_per_case - a.us_per_case:+.1f} us/case; the rest of (b) "
        f"(consistency checks, wrappers): {b.us_per_case - jit_model.us_per_case:+.1f} us/case",
    ]
    if memory:
        hwm_ok = all(
            m["hwm"] is None or abs(m["hwm"] - m["peak"]) < 0.02 * m["peak"] for m in memory
        )
        out += [
            "",
            "peak memory (ru_maxrss), fresh process per mode; base = interpreter, imports "
            f"and the {total / MB:.0f} MB of input records (VmHWM agrees: {hwm_ok})",
        ]
        mwidths = (33, 10, 10, 10, 10, 9)
        out.append(_row(("mode", "base MB", "peak MB", "growth MB", "KiB/case", "time s"), mwidths))
        for m in memory:
            growth = m["peak"] - m["base"]
            per_case = growth / 1024 / m["kept"] if m["kept"] else 0.0
            mcells = (
                MEMORY_MODES[m["mode"]],
                f"{m['base'] / MB:.0f}",
                f"{m['peak'] / MB:.0f}",
                f"{growth / MB:.0f}",
                f"{per_case:.1f}" if m["kept"] else "-",
                f"{m['seconds']:.2f}",
            )
            out.append(_row(mcells, mwidths))
    if invalid:
        out += ["", f"INVALID generated cases ({len(invalid)}), first 5:"]
        for i, problems in invalid[:5]:
            listed = "; ".join(f"{p.code} {p.pointer}: {p.message}" for p in problems)
            out.append(f"  case {i}: {listed}")
    print("\n".join(out))
    return 1 if invalid else 0


if __name__ == "__main__":
    raise SystemExit(main())
