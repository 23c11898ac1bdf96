"""Benchmark: ``KPI_NPS`` over a 100,000-cell range through the Office.js call path.

Builds the payload Excel sends xlwings Server for ``=KPI.NPS(A1:A100000)``
(one argument, a 100,000 x 1 matrix of 0-10 answers, ``""`` for blank cells)
and times, in the same run:

* the pure calculation (the baseline): :func:`kpi_xl.kpis.nps` on the
  answers already in a float array, and on the answers as a Python list of
  ints (numpy converts the list);
* the whole call: ``await xlwings.server.custom_functions_call(payload,
  udfs.custom_functions)``: xlwings' dispatch, our ``raw`` argument, the
  conversion of :mod:`udfs.convert`, the calculation and xlwings' result
  conversion;
* for comparison, the same function declared with xlwings' default
  converter, which cleans every cell (and retries a failing ``pyodide`` import
  per cell in xlwings 0.37.8); ``--skip-default`` leaves it out (~3 s).

Prints the best of ``--repeat`` runs for a range of numbers only and one with
5 % blank cells, and the ratio of the whole call to the pure calculation
(target: the whole call under 50 ms).  Run with
``python bench/bench_udf_nps.py [--cells N] [--repeat R] [--skip-default]``;
not a pytest test.  xlwings' Office.js module needs ``XLWINGS_LICENSE_KEY``;
``noncommercial`` (PolyForm Noncommercial) is used if none is set.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import types
from collections.abc import Callable
from typing import Any

# Before xlwings is first imported: xw.func must be the Office.js decorator.
os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import numpy as np
import xlwings as xw
from xlwings.server import custom_functions_call

import udfs.custom_functions
from kpi_xl import kpis

BASE = {
    "client": "Office.js",
    "caller_address": "[Enquete.xlsx]Feuil1!C1",
    "culture_info_name": "fr-FR",
    "date_format": "dd/MM/yyyy",
    "version": xw.__version__,
    "runtime": "1.4",
}


def answers(cells: int, blank_share: float, seed: int = 4) -> list[list[object]]:
    """A column of 0-10 answers as Office.js sends it: ints, ``""`` for blanks."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 11, size=cells).tolist()
    blanks = rng.random(cells) < blank_share
    return [["" if blank else s] for s, blank in zip(scores, blanks, strict=True)]


def best(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Best wall time in seconds over ``repeat`` runs, and the last result."""
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    return min(times), out


def default_converter_module() -> types.ModuleType:
    """``KPI_NPS`` declared the ordinary way: xlwings' per-cell conversion of the range."""
    module = types.ModuleType("nps_default_conversion")

    @xw.func
    @xw.arg("scores", ndim=2)
    def KPI_NPS(scores: Any) -> float:
        return kpis.nps(scores)

    module.KPI_NPS = KPI_NPS  # type: ignore[attr-defined]
    return module


def call(payload: dict[str, Any], module: types.ModuleType) -> Any:
    return asyncio.run(custom_functions_call(payload, module))


def measure(cells: int, blank_share: float, repeat: int, skip_default: bool) -> None:
    column = answers(cells, blank_share)
    flat = np.array([row[0] for row in column if row[0] != ""], dtype=np.float64)
    payload = {**BASE, "func_name": "KPI_NPS", "args": [column]}

    listed = flat.astype(int).tolist()
    pure, expected = best(lambda: kpis.nps(flat), repeat)
    pure_list, _ = best(lambda: kpis.nps(listed), repeat)
    whole, got = best(lambda: call(payload, udfs.custom_functions), repeat)
    assert got == [[expected]], (got, expected)  # same answer, or the figures mean nothing

    print(f"\n{cells:,} cells, {blank_share:.0%} blank, NPS = {expected:.2f}")
    print(f"  pure calculation, kpis.nps(float array):       {pure * 1e3:8.2f} ms")
    print(f"  pure calculation, kpis.nps(list of ints):      {pure_list * 1e3:8.2f} ms")
    print(f"  whole Office.js call (raw argument):           {whole * 1e3:8.2f} ms")
    print(f"  ratio whole call / kpis.nps(float array):      {whole / pure:8.1f} x")
    print(f"  ratio whole call / kpis.nps(list of ints):     {whole / pure_list:8.1f} x")
    print(f"  target: whole call under 50 ms:                {'met' if whole < 0.05 else 'MISSED'}")
    if not skip_default:
        slow, got = best(lambda: call(payload, default_converter_module()), 1)
        assert got == [[expected]], (got, expected)
        print(f"  xlwings default converter (for comparison):    {slow * 1e3:8.0f} ms"
              f"  ({slow / whole:.0f} x the raw call)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--skip-default", action="store_true")
    args = parser.parse_args()
    print(f"xlwings {xw.__version__}, numpy {np.__version__}; best of {args.repeat} runs")
    for blank_share in (0.0, 0.05):
        measure(args.cells, blank_share, args.repeat, args.skip_default)


if __name__ == "__main__":
    main()
