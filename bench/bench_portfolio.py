"""Benchmark: the monthly batch of a portfolio with and without the overview, and a PDF's cost.

Generates ``--clients`` sample companies (default 200), fills them once
(untimed), then times the accountant's monthly run, :func:`kpi_xl.batch.run_batch`
refreshing every report (``force``) plus ``batch_summary.csv``, without and
with the portfolio overview (:func:`kpi_xl.portfolio.write_overview`),
interleaved (A B A B ...) so a machine getting busier weighs on both alike.
Prints each median, the spread (min to max) and the overview's share (target
under 5 %), then the time of one dashboard PDF per client (LibreOffice, the
first conversion, which starts a fresh profile, apart).

Run with ``python bench/bench_portfolio.py [--clients 200] [--rounds 3] [--pdfs 5]``; not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from kpi_xl import sample_data
from kpi_xl.batch import run_batch, write_summary
from kpi_xl.pdf import write_pdf
from kpi_xl.portfolio import write_overview


def monthly_run(portfolio: Path, out: Path, jobs: int, overview: bool) -> tuple[float, float]:
    """Seconds of one refresh of every client (summary included), and of its overview part."""
    start = time.perf_counter()
    results = run_batch(portfolio, out, jobs=jobs, force=True)
    write_summary(results, out, "fr")
    before = time.perf_counter()
    if overview:
        write_overview(results, out, "fr")
    end = time.perf_counter()
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise SystemExit(
            f"{len(failed)} clients failed, e.g. {failed[0].client}: {failed[0].message}"
        )
    return end - start, end - before


def spread(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):6.2f} s (min {min(values):.2f}, max {max(values):.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each kind, interleaved")
    parser.add_argument("--pdfs", type=int, default=5, help="reports converted to PDF")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        portfolio, out = base / "portfolio", base / "out"
        sample_data.write_portfolio(portfolio, args.clients)
        start = time.perf_counter()
        run_batch(portfolio, out, jobs=args.jobs)  # the first month: every report is new
        print(f"{args.clients} clients, {os.cpu_count()} CPUs, --jobs {args.jobs}; first fill "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip
        without, with_, parts = [], [], []
        for _ in range(args.rounds):
            without.append(monthly_run(portfolio, out, args.jobs, False)[0])
            total, part = monthly_run(portfolio, out, args.jobs, True)
            with_.append(total)
            parts.append(part)
        reports = sorted(out.glob("client_*.xlsx"))[: args.pdfs + 1]
        pdf_times = []
        for report in reports:
            start = time.perf_counter()
            write_pdf(report)
            pdf_times.append(time.perf_counter() - start)
    a, b = statistics.median(without), statistics.median(with_)
    print(f"refresh, no overview  : {spread(without)}  ({a / args.clients * 1000:.0f} ms/client)")
    print(f"refresh, with overview: {spread(with_)}  ({b / args.clients * 1000:.0f} ms/client)")
    print(f"overview alone        : {spread(parts)}")
    print(
        f"overview share        : {(b - a) / a * 100:+.1f} % of the batch by medians, "
        f"{statistics.median(parts) / a * 100:.2f} % by its own time (target < 5 %)"
    )
    warm = pdf_times[1:] or pdf_times
    print(
        f"PDF (dashboard)       : first {pdf_times[0]:.2f} s (fresh profile), then median "
        f"{statistics.median(warm):.2f} s/client (min {min(warm):.2f}, max {max(warm):.2f})"
    )


if __name__ == "__main__":
    main()
