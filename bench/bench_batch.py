"""Benchmark: a portfolio of clients with ``--jobs 2`` against ``--jobs 1``.

Generates a portfolio of ``--clients`` sample companies (default 200; the
orders files scaled down to about 40 orders a month, every other export at
full shape), then runs :func:`kpi_xl.batch.run_batch` with ``--force`` twice
into fresh output folders: one job (in this process), then two worker
processes (each parses the templates once, then fills its clients).  Prints
both times, the time per client and the speed-up (target >= 1.7x on 2
cores).  Run with ``python bench/bench_batch.py [--clients 200]``; not a test.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from kpi_xl import sample_data
from kpi_xl.batch import run_batch


def timed(portfolio: Path, out: Path, jobs: int) -> float:
    start = time.perf_counter()
    results = run_batch(portfolio, out, jobs=jobs, force=True)
    seconds = time.perf_counter() - start
    failed = [r for r in results if r.status != "ok"]
    if failed:
        raise SystemExit(
            f"{len(failed)} clients failed, e.g. {failed[0].client}: {failed[0].message}"
        )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2, help="parallel jobs compared with 1")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        start = time.perf_counter()
        sample_data.write_portfolio(base / "portfolio", args.clients)
        print(f"portfolio: {args.clients} clients generated in {time.perf_counter() - start:.1f} s "
              f"({os.cpu_count()} CPUs)")  # fmt: skip
        one = timed(base / "portfolio", base / "out1", 1)
        many = timed(base / "portfolio", base / "out2", args.jobs)
    n = args.clients
    print(f"--jobs 1        : {one:7.2f} s  ({one / n * 1000:6.1f} ms/client)")
    print(f"--jobs {args.jobs:<9d}: {many:7.2f} s  ({many / n * 1000:6.1f} ms/client)")
    print(f"speed-up        : {one / many:7.2f}x (target >= 1.7x with 2 jobs on 2 cores)")


if __name__ == "__main__":
    main()
