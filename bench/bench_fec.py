"""Benchmark: the FEC reader against a bare ``pandas.read_csv`` of the same file.

Generates a 1,000,000-line FEC (about 160 MB, 18 columns, UTF-8 with BOM,
``\\r\\n`` line ends, a trailing tab, space-padded journal codes, zero-padded
amounts) into a temporary folder, then times, each in a fresh subprocess so
that peak memory is measured cleanly (``ru_maxrss``):

* the bare parse: ``pandas.read_csv(path, sep="\\t", dtype=str)``;
* ``kpi_xl.importers.fec.read_fec(path)``: the file to monthly figures, with
  every tolerance of the reader kept.

Prints both times (best of ``--repeat``), the ratio (target <= 0.75) and the
peak memory of each against the file size (target < 2.5x).  Run with
``python bench/bench_fec.py [--lines N] [--repeat R]``; not a pytest test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise"
)
ACCOUNTS = [
    ("706000", "Prestations de services"),
    ("707000", "Ventes de marchandises"),
    ("709000", "Rabais, remises et ristournes accordés"),
    ("607000", "Achats de marchandises"),
    ("623100", "Annonces et insertions"),
    ("641000", "Rémunérations du personnel"),
    ("626000", "Frais postaux et télécommunications"),
    ("411000", "Clients"),
    ("401000", "Fournisseurs"),
    ("512000", "Banque"),
    ("445710", "TVA collectée"),
]
JOURNALS = [("VEN ", "Ventes"), ("ACH ", "Achats"), ("BQ  ", "Banque"), ("OD  ", "Opérations")]


def generate(path: Path, lines: int, seed: int = 7) -> None:
    """Write a balanced FEC of ``lines`` entry lines (pairs debit/credit)."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 365, size=lines // 2)
    cents = rng.integers(100, 500_000, size=lines // 2)
    acc = rng.integers(0, len(ACCOUNTS), size=lines // 2)
    jour = rng.integers(0, len(JOURNALS), size=lines // 2)
    start = np.datetime64("2024-01-01")
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        out.write(HEADER + "\r\n")
        chunk: list[str] = []
        for i in range(lines // 2):
            date = str(start + days[i]).replace("-", "")
            code, jlib = JOURNALS[jour[i]]
            num, lib = ACCOUNTS[acc[i]]
            amount = f"{cents[i] // 100:010d},{cents[i] % 100:02d}"
            common = f"{code}\t{jlib}\t{i + 1}\t{date}\t"
            tail = f"\tFA{i:07d}\t{date}\tFacture client n°{i} réf. commande été\t"
            end = "\t\t\t20250115\t\t\t\r\n"
            chunk.append(f"{common}{num}\t{lib}\t\t{tail}{amount}\t0000000000,00{end}")
            chunk.append(f"{common}512000\tBanque\t\t{tail}0000000000,00\t{amount}{end}")
            if len(chunk) >= 20_000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))


CHILD = r"""
import json, resource, sys, time
import pandas as pd
from kpi_xl.importers.fec import read_fec
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
path, what = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if what == "bare":
    frame = pd.read_csv(path, sep="\t", dtype=str)
    rows = len(frame)
else:
    result = read_fec(path)
    rows = result.source.rows
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_kib": peak, "base_kib": base, "rows": rows}))
"""


def measure(path: Path, what: str) -> dict[str, float]:
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), what],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    if done.returncode:
        raise SystemExit(f"{what} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "FEC-bench.txt"
        start = time.perf_counter()
        generate(path, args.lines)
        size = path.stat().st_size
        print(
            f"generated {args.lines:,} lines, {size / 2**20:,.1f} MiB "
            f"in {time.perf_counter() - start:.1f} s"
        )
        runs: dict[str, list[dict[str, float]]] = {"bare": [], "read_fec": []}
        for _ in range(args.repeat):
            for what, results in runs.items():
                results.append(measure(path, what))
        best = {what: min(r["seconds"] for r in results) for what, results in runs.items()}
        for what, results in runs.items():
            peak = max(r["peak_kib"] for r in results) * 1024
            base = min(r["base_kib"] for r in results) * 1024
            print(
                f"{what:>9}: {best[what]:6.2f} s (best of {args.repeat}), peak RSS "
                f"{peak / 2**20:,.0f} MiB = {peak / size:.2f}x the file "
                f"({(peak - base) / 2**20:,.0f} MiB above the interpreter with pandas "
                f"= {(peak - base) / size:.2f}x)"
            )
        ratio = best["read_fec"] / best["bare"]
        print(f"ratio read_fec / bare parse: {ratio:.2f}x (target <= 0.75x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
