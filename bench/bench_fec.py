"""Benchmark: the FEC reader against a polars script computing the same monthly figures.

Generates two 1,000,000-line FECs (about 160 MB, 18 columns, UTF-8 with BOM,
``\\r\\n`` line ends, a trailing tab, space-padded journal codes, 8 journals,
781 accounts of which a few are busy) into a temporary folder: one with clean
amounts (``0000000069,60``), one with messy ones (``1 234,56`` and
``123,45-``, as old accounting tools write them).  For
each file, runs in fresh subprocesses, interleaved (``--repeat`` pairs):

* kpi_xl: ``read_fec(path)``, every tolerance of the reader kept;
* polars: ``bench/baseline_polars.py``'s ``fec_monthly(path)``, which reads
  the five needed columns and computes the same monthly figures.

Asserts both sides computed the same figures, then prints the median time of
the work (imports excluded on both sides: pandas, polars and kpi_xl are
imported before the clock starts), the spread, the ratio of medians (targets:
clean <= 1.0x, messy <= 1.5x) and each side's peak memory against the file
size (target <= 3x).  Needs polars (``pip install polars`` or ``pip install
'.[bench]'``).  Run with ``python bench/bench_fec.py [--lines N] [--repeat R]``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
from paired import check_polars, compare_on_file, reader_args, reader_child

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
# A FEC of a million lines has hundreds of accounts (the real sample in tests/data has
# 153 for 5,422 lines): customers', suppliers' and expense sub-accounts, few of them busy.
ACCOUNTS += [(f"411{k:03d}", f"Client {k}") for k in range(300)]
ACCOUNTS += [(f"401{k:03d}", f"Fournisseur {k}") for k in range(200)]
ACCOUNTS += [(f"{p}{k:02d}", f"Compte {p}{k:02d}") for p in ("6061", "6135", "6226", "6251",
             "6256", "6411", "6451", "7061", "7071") for k in range(30)]  # fmt: skip
JOURNALS = [("VEN ", "Ventes"), ("ACH ", "Achats"), ("BQ  ", "Banque"), ("OD  ", "Opérations"),
            ("CAI ", "Caisse"), ("BQ2 ", "Banque 2"), ("SAL ", "Salaires"), ("HA  ", "Achats 2")]  # fmt: skip


def clean_amount(cents: int) -> str:
    return f"{cents // 100:010d},{cents % 100:02d}"


def messy_amount(cents: int) -> str:
    """``1 234,56``: a space as thousands mark (no padding)."""
    return f"{cents // 100:,d},{cents % 100:02d}".replace(",", " ", 1 if cents >= 100_000 else 0)


def generate(path: Path, lines: int, messy: bool, seed: int = 7) -> None:
    """Write a balanced FEC of ``lines`` entry lines (pairs debit/credit).

    In the messy file every amount is written without padding and with a
    thousands space, and every fifth pair is a correction written with a
    trailing minus on the other side (``123,45-``), which keeps it balanced.
    """
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 365, size=lines // 2)
    cents = rng.integers(100, 500_000, size=lines // 2)
    weight = 1 / np.arange(1, len(ACCOUNTS) + 1)  # the first accounts are the busiest
    acc = rng.choice(len(ACCOUNTS), size=lines // 2, p=weight / weight.sum())
    jour = rng.integers(0, len(JOURNALS), size=lines // 2)
    start = np.datetime64("2024-01-01")
    zero = "0,00" if messy else "0000000000,00"
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        out.write(HEADER + "\r\n")
        chunk: list[str] = []
        for i in range(lines // 2):
            date = str(start + days[i]).replace("-", "")
            code, jlib = JOURNALS[jour[i]]
            num, lib = ACCOUNTS[acc[i]]
            amount = messy_amount(int(cents[i])) if messy else clean_amount(int(cents[i]))
            common = f"{code}\t{jlib}\t{i + 1}\t{date}\t"
            tail = f"\tFA{i:07d}\t{date}\tFacture client n°{i} réf. commande été\t"
            end = "\t\t\t20250115\t\t\t\r\n"
            if messy and i % 5 == 0:  # the sides swapped, the sign written last
                chunk.append(f"{common}{num}\t{lib}\t\t{tail}{zero}\t{amount}-{end}")
                chunk.append(f"{common}512000\tBanque\t\t{tail}{amount}-\t{zero}{end}")
            else:
                chunk.append(f"{common}{num}\t{lib}\t\t{tail}{amount}\t{zero}{end}")
                chunk.append(f"{common}512000\tBanque\t\t{tail}{zero}\t{amount}{end}")
            if len(chunk) >= 20_000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))


CHILD = reader_child("kpi_xl.importers.fec", "read_fec", "fec_monthly", "FEC_FIGURES")


def main() -> int:
    args = reader_args(__doc__)
    check_polars()
    with tempfile.TemporaryDirectory() as folder:
        for kind, target in {"clean": 1.0, "messy": 1.5}.items():
            compare_on_file(
                f"FEC {kind} amounts, {args.lines:,} lines",
                Path(folder) / f"FEC-{kind}.txt",
                lambda path, messy=kind == "messy": generate(path, args.lines, messy=messy),
                CHILD,
                args.repeat,
                target,
                lambda f: len(f["revenue"]) == 12 and abs(sum(f["revenue"])) > 0,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
