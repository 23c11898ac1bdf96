"""Paired benchmark runs: each side in a fresh subprocess, sides interleaved, medians.

Each run prints one JSON line: ``seconds`` (the work, timed inside the child
after its imports), ``peak_kib`` (``ru_maxrss``: the child's peak resident
memory, imports included) and ``figures`` (what it computed, compared across
sides by the bench).  Sides alternate A, B, A, B... so that a busy moment of
the machine falls on both, and the summary is the median with the spread
(min-max) of the runs, never the best one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
POLARS_HINT = "the baseline needs polars: pip install polars (or pip install '.[bench]')"


def check_polars() -> None:
    try:
        import polars  # noqa: F401
    except ImportError:
        raise SystemExit(POLARS_HINT) from None


def run_child(code: str, *args: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter (the worktree first on the path); its JSON line."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if done.returncode:
        raise SystemExit(f"child failed ({args}):\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def interleaved(sides: Mapping[str, tuple[str, ...]], code: str, repeat: int) -> dict[str, list]:
    """``repeat`` runs of each side, alternating (A B, then B A: neither side always
    runs first on a warm cache); the runs of each side."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in sides}
    order = list(sides)
    for _ in range(repeat):
        for name in order:
            runs[name].append(run_child(code, *sides[name]))
        order.reverse()
    return runs


#: The child of a reader bench: kpi_xl's reader or the polars baseline on one file,
#: both with pandas and polars imported before the clock starts.
READER_CHILD = r"""
import json, resource, sys, time
import pandas as pd, polars
sys.path.insert(0, "bench")
import baseline_polars
from {module} import {function}
path, side = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if side == "polars":
    figures = baseline_polars.{baseline}(path)
else:
    monthly = {function}(path).monthly
    figures = {{name: monthly[name].tolist() for name in baseline_polars.{figures}}}
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": elapsed, "peak_kib": peak, "figures": figures}}))
"""


def reader_child(module: str, function: str, baseline: str, figures: str) -> str:
    """The child code timing ``module.function(path).monthly`` against ``baseline(path)``."""
    return READER_CHILD.format(module=module, function=function, baseline=baseline,
                               figures=figures)  # fmt: skip


def same_figures(runs: Mapping[str, list[dict[str, Any]]]) -> dict[str, list[float]]:
    """Every run of every side computed the same monthly figures (to the cent); kpi_xl's."""
    first, *others = (r["figures"] for side in runs.values() for r in side)
    for other in others:
        for name, values in first.items():
            assert np.allclose(values, other[name], rtol=1e-9, atol=0.005), name
    return dict(first)


def summary(runs: list[dict[str, Any]]) -> tuple[float, float, float, float]:
    """Median seconds, min, max, and the median peak memory in bytes."""
    seconds = [r["seconds"] for r in runs]
    peak = statistics.median(r["peak_kib"] for r in runs) * 1024
    return statistics.median(seconds), min(seconds), max(seconds), peak


def report(label: str, runs: dict[str, list[dict[str, Any]]], size: int, target: float) -> float:
    """Print each side and the ratio of medians (kpi_xl first, the baseline second)."""
    names = list(runs)
    medians = {}
    for name in names:
        median, low, high, peak = summary(runs[name])
        medians[name] = median
        print(
            f"  {name:>8}: median {median:6.3f} s (spread {low:.3f}-{high:.3f}, "
            f"{len(runs[name])} runs), peak RSS {peak / 2**20:,.0f} MiB = {peak / size:.2f}x the file"
        )
    ratio = medians[names[0]] / medians[names[1]]
    verdict = "ok" if ratio <= target else "OVER TARGET"
    print(f"  {label}: {names[0]} / {names[1]} = {ratio:.2f}x (target <= {target}x) {verdict}")
    return ratio


def reader_args(doc: str) -> argparse.Namespace:
    """``--lines`` and ``--repeat``, the options of a reader bench."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()


def compare_on_file(
    label: str,
    path: Path,
    write: Callable[[Path], None],
    child: str,
    repeat: int,
    target: float,
    plausible: Callable[[dict[str, list[float]]], bool],
) -> float:
    """Write the file, time both sides on it, check they computed the same (plausible)
    figures, print the report; the ratio of medians.  The file is deleted afterwards."""
    start = time.perf_counter()
    write(path)
    size = path.stat().st_size
    print(f"{label}: {size / 2**20:,.1f} MiB (generated in {time.perf_counter() - start:.1f} s)")
    sides = {"kpi_xl": (str(path), "kpi_xl"), "polars": (str(path), "polars")}
    runs = interleaved(sides, child, repeat)
    figures = same_figures(runs)
    assert plausible(figures), "the bench file gave implausible figures"
    print("  same monthly figures on both sides: yes")
    ratio = report(label, runs, size, target)
    path.unlink()
    return ratio
