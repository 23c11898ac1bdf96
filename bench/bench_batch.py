"""Benchmark: a portfolio of small clients, ``--jobs 2`` against ``--jobs 1``.

Generates a portfolio of ``--clients`` sample companies (default 200; the
orders files scaled down to about 40 orders a month, every other export at
full shape: two FECs, GA4, Google Ads, a Typeform survey, manual inputs),
then runs :func:`kpi_xl.batch.run_batch` with ``--force`` into fresh output
folders, the two sides alternating for ``--rounds`` rounds (one job in this
process; two worker processes, each parsing the templates once).  Both sides
must fill every client and write the same reports (the bench compares the
bytes of each report's input sheet).  Prints the median time per client of
each side with the spread, the speed-up (target >= 1.7x on 2 cores), the
work per client (``--jobs 1``: target < 100 ms, with its spread over the rounds),
the time 5,000 clients would take with ``--jobs 2`` (extrapolated from the
median, and from the fastest and slowest rounds; target < 5 min) and the load
average at the end (a shared machine slows both sides).
Run with ``python bench/bench_batch.py [--clients 200] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import zipfile
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


def sheets(folder: Path) -> dict[str, bytes]:
    """Each report's worksheets (the zip's timestamps aside), by client."""
    out = {}
    for report in sorted(folder.rglob("*.xlsx")):
        with zipfile.ZipFile(report) as archive:
            names = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/"))
            out[str(report.relative_to(folder))] = b"".join(archive.read(n) for n in names)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2, help="parallel jobs compared with 1")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    n = args.clients
    runs: dict[int, list[float]] = {1: [], args.jobs: []}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        start = time.perf_counter()
        sample_data.write_portfolio(base / "portfolio", n)
        print(f"portfolio: {n} clients generated in {time.perf_counter() - start:.1f} s "
              f"({os.cpu_count()} CPUs)")  # fmt: skip
        for r in range(args.rounds):
            for jobs in runs:
                out = base / f"out{jobs}_{r}"
                runs[jobs].append(timed(base / "portfolio", out, jobs))
        one, many = sheets(base / "out1_0"), sheets(base / f"out{args.jobs}_0")
        assert one == many and len(one) == n, (len(one), len(many))
    print(f"  both sides wrote the same {n} reports (worksheets compared byte for byte)")
    medians = {jobs: statistics.median(t) for jobs, t in runs.items()}
    for jobs, times in runs.items():
        print(f"--jobs {jobs}: median {medians[jobs]:7.2f} s = {medians[jobs] / n * 1000:6.1f} "
              f"ms/client (spread {min(times):.2f}-{max(times):.2f} s, {args.rounds} rounds)")  # fmt: skip
    print(f"speed-up        : {medians[1] / medians[args.jobs]:7.2f}x (target >= 1.7x on 2 cores)")
    work = [t / n * 1000 for t in runs[1]]
    print(f"work per client : {medians[1] / n * 1000:7.1f} ms (--jobs 1, spread "
          f"{min(work):.1f}-{max(work):.1f}; target < 100 ms)")  # fmt: skip
    five_k = [t / n * 5000 / 60 for t in runs[args.jobs]]
    print(f"5,000 clients   : {medians[args.jobs] / n * 5000 / 60:7.1f} min with --jobs "
          f"{args.jobs} (spread {min(five_k):.1f}-{max(five_k):.1f}), extrapolated from {n} "
          "(target < 5 min)")  # fmt: skip
    print(f"load average    : {', '.join(f'{x:.1f}' for x in os.getloadavg())} (other jobs "
          "on the machine slow both sides)")  # fmt: skip


if __name__ == "__main__":
    main()
