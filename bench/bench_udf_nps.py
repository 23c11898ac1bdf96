"""Benchmark: ``=KPI.NPS(A1:A100000)`` through a real xlwings Server's call path.

Builds the request body the xlwings JS glue posts for a 100,000-cell column of
0-10 answers (JSON, ``null`` for a blank cell as Excel on the web sends it)
and times, interleaved run by run (A, B, B, A, ...: drift and warm-up hit both
sides alike):

* **A, the server**: the bytes posted to xlwings Server's own ASGI app
  (xlwings-server, over a project written by ``udfs.server.write_project``)
  through ``httpx.ASGITransport``, in process: routing, the JSON decoding of
  the request, xlwings' dispatch, kpi_xl's ``raw`` argument and bulk
  conversion, the calculation, xlwings' result conversion and the JSON
  response.  No network: Python time only.
* **B, the fastest fair baseline**: the same bytes decoded by ``json.loads``
  (what the server must do anyway), the answers taken out of the rows with
  the blanks dropped, and :func:`kpi_xl.kpis.nps`: the least any server of
  this function must do.

Each pair runs twice: with the garbage collector as it comes, then inside
the server's lifespan, whose ``lifespan.py`` (written by ``kpi-xl excel
server``) calls ``gc.freeze()``.  Decoding 100,000 rows allocates 100,000
lists, which sets off full collections that walk every object the server
imported (FastAPI, pydantic, xlwings: some 140,000): without the freeze, that,
not the work, is most of the time.

Both sides must give the same NPS, or the run stops.  Prints the medians of
the CPU time of this process (Python time: other processes on a shared machine
do not count), their spread (min-max), the wall-clock medians and the ratio
A / B of the CPU medians; the target is A's median under 50 ms.  ``python bench/bench_udf_nps.py [--cells N] [--repeat R]``; not a pytest
test.  xlwings Server is licensed by xlwings: ``XLWINGS_LICENSE_KEY`` is set to
``noncommercial`` (PolyForm Noncommercial) unless given.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import numpy as np

from kpi_xl import kpis
from udfs import server

TARGET_MS = 50.0


def body(cells: int, blank_share: float, seed: int = 4) -> bytes:
    """The JSON the JS glue posts: one argument, a cells x 1 matrix, null for blanks."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 11, size=cells).tolist()
    blanks = rng.random(cells) < blank_share
    column = [[None if blank else s] for s, blank in zip(scores, blanks, strict=True)]
    payload = {
        "client": "Office.js",
        "func_name": "KPI_NPS",
        "args": [column],
        "caller_address": "[Enquete.xlsx]Feuil1!C1",
        "session_id": "bench",
        "culture_info_name": "fr-FR",
        "date_format": "dd/MM/yyyy",
        "version": "0.37.8",
        "runtime": "1.4",
    }
    return json.dumps(payload).encode()


def baseline(raw: bytes) -> float:
    """B: decode, drop the blanks, compute: nothing a server could skip."""
    rows = json.loads(raw)["args"][0]
    answers = np.array([row[0] for row in rows if row[0] is not None], dtype=np.float64)
    return kpis.nps(answers)


Times = dict[str, list[float]]  # "cpu" (process time) and "wall", in ms


async def interleaved(
    a: Callable[[], Awaitable[float]], b: Callable[[], float], repeat: int
) -> tuple[Times, Times, float]:
    """Times of A and B, run in alternating order; the result both give."""
    times: dict[str, Times] = {side: {"cpu": [], "wall": []} for side in "ab"}
    results: set[float] = set()
    for i in range(repeat):
        for side in "ab" if i % 2 == 0 else "ba":
            cpu, wall = time.process_time(), time.perf_counter()
            value = await a() if side == "a" else b()
            times[side]["wall"].append((time.perf_counter() - wall) * 1e3)
            times[side]["cpu"].append((time.process_time() - cpu) * 1e3)
            results.add(value)
        assert len(results) == 1, f"A and B disagree: {results}"  # else the figures mean nothing
    return times["a"], times["b"], results.pop()


def _line(name: str, times: Times) -> str:
    cpu, wall = times["cpu"], times["wall"]
    return (
        f"  {name:<44} {statistics.median(cpu):6.1f} ms ({min(cpu):5.1f}-{max(cpu):5.1f})"
        f"  wall {statistics.median(wall):6.1f} ms"
    )


async def measure(client: Any, cells: int, blank_share: float, repeat: int) -> float:
    raw = body(cells, blank_share)

    async def via_server() -> float:
        response = await client.post(
            "/xlwings/custom-functions-call",
            content=raw,
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        value: float = response.json()["result"][0][0]
        return value

    await via_server()  # warm-up: first call imports and caches
    a, b, nps = await interleaved(via_server, lambda: baseline(raw), repeat)
    print(f"\n{cells:,} cells, {blank_share:.0%} blank (null), NPS = {nps:.4f}, {repeat} runs each")
    print(f"  {'':<44} CPU median (min-max)")
    print(_line("A  xlwings Server call (ASGI, JSON in, out)", a))
    print(_line("B  json.loads + drop blanks + kpis.nps", b))
    median_a = statistics.median(a["cpu"])
    ratio = median_a / statistics.median(b["cpu"])
    print(f"  A / B: {ratio:.2f} x; A under {TARGET_MS:.0f} ms of Python (CPU) time: "
          f"{'met' if median_a < TARGET_MS else 'MISSED'}")  # fmt: skip
    return median_a


async def main_async(cells: int, repeat: int) -> None:
    import httpx
    import xlwings
    from xlwings_server.main import app  # after the environment is set

    print(f"xlwings {xlwings.__version__}, xlwings-server {server.XLWINGS_SERVER_VERSION}, "
          f"numpy {np.__version__}")  # fmt: skip
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        print("\n== without the project's lifespan.py: the garbage collector as it comes")
        for blank_share in (0.0, 0.05):
            await measure(client, cells, blank_share, repeat)
        # What the server does at start-up: the lifespan.py kpi-xl writes calls gc.freeze().
        async with app.router.lifespan_context(app):
            frozen = gc.get_freeze_count()
            assert frozen > 0, "lifespan.py did not freeze the start-up objects"
            print(f"\n== with lifespan.py: gc.freeze() at start-up ({frozen:,} objects)")
            for blank_share in (0.0, 0.05):
                await measure(client, cells, blank_share, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cells", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as project:
        server.write_project(Path(project))
        # Before xlwings and xlwings Server are imported: they read these once.
        os.environ["XLWINGS_PROJECT_DIR"] = project
        os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
        os.environ.update(XLWINGS_ON_SERVER="true", XLWINGS_ENABLE_SOCKETIO="false")
        os.environ.update(XLWINGS_LOG_LEVEL="WARNING")
        asyncio.run(main_async(args.cells, args.repeat))


if __name__ == "__main__":
    main()
