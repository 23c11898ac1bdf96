"""Benchmark: how fast ``kpi-xl`` answers ``--help`` and ``--version``, against ``python -c pass``.

Runs each command line as a new process, ``--rounds`` times, interleaved (one
round runs every command once, in a shuffled order) so that a busy moment of
the machine weighs on all of them alike.  The baseline is ``python -c pass``
with the same interpreter and environment: kpi-xl can start no faster.
Prints, per command, the median and the spread (first to third quartile) of
the wall time, and the ratio of the medians to the baseline's (target: under
5x for every line).

The commands run as ``python -m kpi_xl ...`` with this checkout first on
PYTHONPATH: the ``kpi-xl`` script does the same import, and a version
manager's shim in front of it (pyenv) would add its own start-up.
``python -X importtime -m kpi_xl CMD --help`` shows what a line imports.
Run with ``python bench/bench_startup.py [--rounds N]``; not a pytest test.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "python -c pass"
LINES = {
    BASELINE: ["-c", "pass"],
    "kpi-xl --help": ["-m", "kpi_xl", "--help"],
    "kpi-xl --version": ["-m", "kpi_xl", "--version"],
    "kpi-xl kpis --help": ["-m", "kpi_xl", "kpis", "--help"],
    "kpi-xl compute --help": ["-m", "kpi_xl", "compute", "--help"],
    "kpi-xl fill --help": ["-m", "kpi_xl", "fill", "--help"],
    "kpi-xl batch --help": ["-m", "kpi_xl", "batch", "--help"],
    "kpi-xl excel --help": ["-m", "kpi_xl", "excel", "--help"],
}


def timed(args: list[str], env: dict[str, str]) -> float:
    """Wall time of one run, in seconds; a failing run stops the benchmark."""
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(rounds: int, seed: int = 0) -> dict[str, list[float]]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    times: dict[str, list[float]] = {name: [] for name in LINES}
    order = list(LINES)
    shuffle = random.Random(seed).shuffle
    for name in order:  # warm-up: the first run of a line reads files from disk
        timed(LINES[name], env)
    for _ in range(rounds):
        shuffle(order)
        for name in order:
            times[name].append(timed(LINES[name], env))
    return times


def report(times: dict[str, list[float]]) -> str:
    base = statistics.median(times[BASELINE])
    lines = [f"{'command':<24} {'median':>8} {'Q1-Q3':>15} {'ratio':>6}"]
    for name, values in times.items():
        q1, _, q3 = statistics.quantiles(values, n=4)
        median = statistics.median(values)
        spread = f"{1000 * q1:.0f}-{1000 * q3:.0f} ms"
        lines.append(f"{name:<24} {1000 * median:>5.0f} ms {spread:>15} {median / base:>5.2f}x")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="runs of each line (default 30)")
    args = parser.parse_args()
    print(f"{sys.executable} {sys.version.split()[0]}, {args.rounds} interleaved rounds")
    print(report(measure(args.rounds)))


if __name__ == "__main__":
    main()
