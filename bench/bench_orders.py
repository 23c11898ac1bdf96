"""Benchmark: the orders reader against a polars script computing the same monthly figures.

Generates a Shopify orders export of ``--lines`` lines (default 1,000,000,
about 170 MB: 18 columns, one line per order, 250,000 customers over three
years, statuses paid/pending/refunded/voided written as Shopify and users do)
into a temporary folder, then runs in fresh subprocesses, interleaved
(``--repeat`` pairs):

* kpi_xl: ``read_orders(path).monthly``, every rule of the reader kept;
* polars: ``bench/baseline_polars.py``'s ``orders_monthly(path)``: the same
  counted orders, revenue excl. VAT net of refunds, new and active customers.

Asserts both sides computed the same figures, then prints the median time of
the work (imports excluded on both sides), the spread, the ratio of medians
(target <= 1.5x) and each side's peak memory against the file size (target
<= 3x).  Needs polars (``pip install polars`` or ``pip install '.[bench]'``).
Run with ``python bench/bench_orders.py [--lines N] [--repeat R]``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
from paired import check_polars, compare_on_file, reader_args, reader_child

HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Shipping,Taxes,"
    "Total,Discount Code,Created at,Lineitem quantity,Lineitem name,Lineitem price,"
    "Billing Name,Cancelled at,Refunded Amount"
)
STATUSES = np.array(["paid", "paid", "paid", "Paid", "pending", "refunded", "voided",
                     "partially_refunded"])  # fmt: skip


def generate(path: Path, lines: int, seed: int = 7) -> None:
    """One line per order; 1 % cancelled, some partly refunded, 5 % without email."""
    rng = np.random.default_rng(seed)
    customer = rng.integers(0, max(lines // 4, 1), lines)
    day = rng.integers(0, 3 * 365, lines).astype("timedelta64[D]")
    minute = rng.integers(0, 1440, lines).astype("timedelta64[m]")
    stamps = (np.datetime64("2023-01-01T00:00") + day + minute).astype(str)
    net = np.maximum(rng.normal(64, 18, lines), 9.0)
    status = rng.choice(STATUSES, lines)
    cancelled = rng.random(lines) < 0.01
    no_email = rng.random(lines) < 0.05
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\n")
        chunk: list[str] = []
        for i in range(lines):
            stamp = stamps[i].replace("T", " ") + ":00 +0100"
            taxes = net[i] * 0.2
            refund = f"{net[i] / 2:.2f}" if status[i] == "partially_refunded" else "0.00"
            email = "" if no_email[i] else f"client{customer[i]}@example.fr"
            chunk.append(
                f"#{1001 + i},{email},{status[i]},{stamp},fulfilled,EUR,{net[i] - 4.9:.2f},"
                f"4.90,{taxes:.2f},{net[i] + taxes:.2f},,{stamp},1,Savon lavande bio,8.90,"
                f"Client {customer[i]},{stamp if cancelled[i] else ''},{refund}\n"
            )
            if len(chunk) >= 50_000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))


CHILD = reader_child("kpi_xl.importers.orders", "read_orders", "orders_monthly", "ORDER_FIGURES")


def main() -> int:
    args = reader_args(__doc__)
    check_polars()
    with tempfile.TemporaryDirectory() as folder:
        compare_on_file(
            f"Shopify orders, {args.lines:,} lines",
            Path(folder) / "orders_export.csv",
            lambda path: generate(path, args.lines),
            CHILD,
            args.repeat,
            1.5,
            lambda f: len(f["orders"]) == 36 and min(f["customers_end"]) > 0,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
