"""Benchmark: filling reports with kpi_xl's writer against an openpyxl round trip.

Both sides fill the bundled French template from the same monthly table: the
sample company's exports generated for the template's own fiscal year (its
``months`` cells, 2026), read through the importers, so that every input
cell the data covers is written (the bench asserts both sides wrote the same
values (to 1e-12) into the same ``in_*`` cells, and that there are some):

* baseline: ``openpyxl.load_workbook`` + write every ``in_*`` cell + ``save``,
  which is what a naive filler does (and it drops cached values, sparklines
  and x14 conditional formats on the way);
* kpi_xl: one :class:`kpi_xl.workbook.write.writer.Template` (the template parsed
  once, as a batch worker does), then ``Template.fill`` per report: inputs,
  settings, every contract formula's cached value (``compute_kpis`` +
  ``formula_values`` each time), the zip and an atomic, fsynced write;
* for information, ``writer.fill(path, ...)`` which parses the template
  again for each report (what one ``kpi-xl fill`` does).

The sides run in alternating rounds (``--rounds``): each round times
``--baseline`` openpyxl reports then ``--reports`` kpi_xl reports.  Prints the
median time per report of each side with the spread over the rounds, and the
ratio of the medians (target <= 0.4).  Run with ``python bench/bench_fill.py
[--reports 200] [--baseline 20] [--rounds 5]``; not a test.
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd

from kpi_xl import catalog, sample_data
from kpi_xl.importers import fiscal_year_table, read_exports
from kpi_xl.workbook.template.templates import template_path
from kpi_xl.workbook.write.writer import Template, fill


def monthly_table(folder: Path, template: Template) -> pd.DataFrame:
    """The sample company's data for the template's fiscal year, as the importers give it."""
    months = template.workbook.months()
    first, last = months[0], months[-1]
    company = sample_data.Company(scale=0.2, last_month=last)
    sample_data.write_sample_exports(folder, company)
    return fiscal_year_table(read_exports(folder).monthly, first.year, first.month)


def openpyxl_round_trip(template: Path, table: pd.DataFrame, out: Path) -> None:
    wb = openpyxl.load_workbook(template)
    for input_id in table.columns.intersection([i.id for i in catalog.INPUTS]):
        sheet, ref = next(iter(wb.defined_names[f"in_{input_id}"].destinations))
        for cell, value in zip(wb[sheet][ref][0], table[input_id], strict=False):
            cell.value = None if pd.isna(value) else float(value)
    wb.save(out)


def input_cells(path: Path) -> dict[tuple[str, int], float]:
    """Every number in an ``in_*`` range of a workbook: (input, month position) -> value."""
    wb = openpyxl.load_workbook(path, data_only=True)
    found = {}
    for spec in catalog.INPUTS:
        sheet, ref = next(iter(wb.defined_names[f"in_{spec.id}"].destinations))
        for pos, cell in enumerate(wb[sheet][ref][0]):
            if isinstance(cell.value, int | float):
                found[(spec.id, pos)] = float(cell.value)
    return found


def rounds(sides: dict[str, tuple[Callable[[int], object], int]], count: int) -> dict[str, list]:
    """Seconds per call of each side, one figure per round, the sides alternating."""
    for func, _ in sides.values():
        func(-1)  # warm up: imports, caches
    out: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(count):
        for name, (func, n) in sides.items():
            start = time.perf_counter()
            for i in range(n):
                func(i)
            out[name].append((time.perf_counter() - start) / n)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=200, help="kpi_xl reports a round")
    parser.add_argument("--baseline", type=int, default=20, help="openpyxl reports a round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # openpyxl: "extension is not supported and will be removed"
    template = template_path("fr")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        tpl = Template(template)
        table = monthly_table(base / "exports", tpl)
        (base / "out").mkdir()
        openpyxl_round_trip(template, table, base / "out" / "check_o.xlsx")
        summary = tpl.fill(table, base / "out" / "check_k.xlsx")
        theirs = input_cells(base / "out" / "check_o.xlsx")
        ours = input_cells(base / "out" / "check_k.xlsx")
        assert ours.keys() == theirs.keys() and len(ours) > 100, (len(ours), len(theirs))
        assert all(math.isclose(ours[k], theirs[k], rel_tol=1e-12) for k in ours)
        print(f"template: {template.name}, months {table.index[0]:%Y-%m} to "
              f"{table.index[-1]:%Y-%m}; both sides wrote the same {len(ours)} input cells "
              f"(kpi_xl summary: {summary.cells} cells)")  # fmt: skip
        times = rounds(
            {
                "openpyxl": (
                    lambda i: openpyxl_round_trip(template, table, base / "out" / "o.xlsx"),
                    args.baseline,
                ),
                "kpi_xl": (lambda i: tpl.fill(table, base / "out" / f"r{i}.xlsx"), args.reports),
                "fill()": (lambda i: fill(template, table, base / "out" / "one.xlsx"), 10),
            },
            args.rounds,
        )
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, label in (("openpyxl", "openpyxl load + write inputs + save"),
                        ("kpi_xl", "kpi_xl Template.fill (cached values)"),
                        ("fill()", "kpi_xl fill() parsing the template")):  # fmt: skip
        spread = f"{min(times[name]) * 1000:.2f}-{max(times[name]) * 1000:.2f}"
        print(f"{label:37s}: median {medians[name] * 1000:7.2f} ms/report "
              f"(spread {spread}, {args.rounds} rounds)")  # fmt: skip
    ratio = medians["kpi_xl"] / medians["openpyxl"]
    print(f"  ratio kpi_xl / openpyxl (medians)  : {ratio:7.2f}x  (target <= 0.40)")


if __name__ == "__main__":
    main()
