"""The Office.js contract (xlwings Server and Lite), checked through xlwings itself.

xlwings resolves ``xw.func`` to its Office.js decorators only when
``XLWINGS_ON_SERVER=true`` is set before it is first imported, so each check
runs in one subprocess: it reads ``custom_functions_meta`` and answers a batch
of ``custom_functions_call`` payloads shaped as Excel sends them (every
argument a 2-D matrix, ``None`` (JSON null) or ``""`` for a blank cell, an error
object for an error cell, ``None`` for a left-out optional argument).  ``XLWINGS_LICENSE_KEY=noncommercial``: xlwings'
PolyForm Noncommercial licence, fine for this open-source project.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from udfs import lite
from udfs.functions import help_text, specs
from udfs.functions import plain_functions as _plain

ROOT = Path(__file__).resolve().parents[1]
PLAIN = {f.__name__: f for f in _plain()}

PROBE = r"""
import asyncio, importlib, importlib.util, json, sys
request = json.load(sys.stdin)
if request["main"]:
    spec = importlib.util.spec_from_file_location("main", request["main"])
    module = importlib.util.module_from_spec(spec)
    sys.modules["main"] = module
    spec.loader.exec_module(module)
else:
    module = importlib.import_module("udfs.custom_functions")
from xlwings.server import custom_functions_call, custom_functions_meta
base = {"client": "Office.js", "caller_address": "[Book1.xlsx]Sheet1!B2",
        "culture_info_name": "fr-FR", "date_format": "dd/MM/yyyy", "version": "0.37.8"}
results = [asyncio.run(custom_functions_call({**base, **call}, module)) for call in request["calls"]]
import udfs.functions
out = {"meta": custom_functions_meta(module), "results": results,
       "functions_file": udfs.functions.__file__,
       "modules": sorted(m for m in sys.modules if m.split(".")[0] in ("kpi_xl", "udfs"))}
json.dump(out, sys.stdout)
"""

#: (func_name, args as cell values, expected plain-call equivalent or an error type).
CASES: list[tuple[str, list[object], object]] = [
    ("KPI_ROI", [[[150]], [[100]]], 0.5),
    ("KPI_ROI", [[[150]], [[0]]], "Div0"),
    ("KPI_ROI", [[["abc"]], [[100]]], "Value"),
    ("KPI_ROI", [[[True]], [[100]]], "Value"),
    (
        "KPI_ROI",
        [[[{"type": "Error", "errorType": "Div0", "basicValue": "#DIV/0!"}]], [[100]]],
        "Div0",
    ),
    ("KPI_ROI", [[[None]], [[100]]], "Value"),  # a blank cell (web): a required argument
    ("KPI_ROI", [[[""]], [[100]]], "Value"),  # a cell giving ""
    ("KPI_ROI", [[[1, 2]], [[100]]], "Value"),  # a range for one cell
    ("KPI_CLV", [[[60]], [[4]], [[3]], None], 720.0),  # optional left out
    ("KPI_CLV", [[[60]], [[4]], [[3]], [[""]]], 720.0),  # optional blank
    ("KPI_NPS", [[[10], [""], [9], [3], [""]]], "nps"),
    ("KPI_NPS", [[[10, 9, ""], [8, 3, 10]]], "nps"),
    ("KPI_NPS", [[[10], [None], [9]]], "nps"),  # null: a blank cell, skipped
    ("KPI_NPS", [[[10], [{"type": "Error", "errorType": "NotAvailable"}], [9]]], "NotAvailable"),
    ("KPI_NPS", [[[10], ["oui"], [9]]], "Value"),
    ("KPI_NPS", [[[""], [""]]], "Div0"),
    ("KPI_NPS", [[[9]]], 100.0),
    ("KPI_PAYBACK", [[[10000]], [[3000], [4000], [5000]], None], 2.6),
    ("KPI_PAYBACK", [[[12000]], [[1000]], [[0.01]]], "payback"),
    ("KPI_PAYBACK", [[[10000]], [[1000], [2000]], None], "NotAvailable"),
    ("KPI_STATUS", [[[0.032]], [[""]], [["conversion_rate"]], [["en"]]], "Watch"),
    ("KPI_TARGET", [[["KPI_NPS"]]], 45.0),
    ("KPI_ACTION", [[["roi"]], [[2.0]], None, None], ""),
    ("KPI_INFO", [[["ebitda"]], None], "Value"),
]
ERROR_TYPES = {"Div0": "#DIV/0!", "Value": "#VALUE!", "NotAvailable": "#N/A"}


def _run(main: Path | None, calls: list[dict[str, object]]) -> dict[str, object]:
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}
    request = json.dumps({"main": str(main) if main else None, "calls": calls})
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        input=request,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def _calls(runtime: str) -> list[dict[str, object]]:
    return [{"func_name": n, "args": a, "runtime": runtime} for n, a, _ in CASES]


@pytest.fixture(scope="module")
def server() -> dict[str, object]:
    """The server module: new runtime (errors as objects), then old (errors as strings)."""
    return _run(None, _calls("1.4") + _calls("1.3"))


def _by_id(meta: dict[str, object]) -> dict[str, dict[str, object]]:
    return {f["id"]: f for f in meta["functions"]}  # type: ignore[index,union-attr]


def test_metadata_of_every_function(server):
    functions = _by_id(server["meta"])
    assert set(functions) == {s.name for s in specs()}
    for spec in specs():
        meta = functions[spec.name]
        assert meta["name"] == spec.short_name  # shown as =<namespace>.ROI
        assert meta["description"] == help_text(spec.summary)
        params = meta["parameters"]
        assert [p["name"] for p in params] == [p.name for p in spec.params]
        for param, p in zip(params, spec.params, strict=True):
            assert param["description"] == help_text(p.help)
            assert param.get("optional", False) == p.optional
            assert param["dimensionality"] == "matrix"


def _check(results: list[object], as_strings: bool) -> None:
    for (name, args, expected), got in zip(CASES, results, strict=True):
        assert isinstance(got, list) and len(got) == 1 and len(got[0]) == 1, (name, got)
        cell = got[0][0]
        if expected in ERROR_TYPES:
            want = ERROR_TYPES[expected] if as_strings else {"type": "Error", "errorType": expected}
            assert cell == want, (name, args, cell)
        elif expected == "nps":
            flat = [c for row in args[0] for c in row if c not in ("", None)]
            assert cell == pytest.approx(PLAIN["KPI_NPS"](flat)), (name, args)
        elif expected == "payback":
            assert cell == pytest.approx(PLAIN["KPI_PAYBACK"](12000, 1000, 0.01))
        elif isinstance(expected, float):
            assert cell == pytest.approx(expected), (name, args, cell)
        else:
            assert cell == expected, (name, args, cell)


def test_calls_return_values_and_real_excel_errors(server):
    results = server["results"]
    _check(results[: len(CASES)], as_strings=False)


def test_old_runtime_gets_error_strings_excel_turns_into_errors(server):
    _check(server["results"][len(CASES) :], as_strings=True)


def test_lite_main_runs_on_its_own_copy_of_the_pure_modules(tmp_path):
    main, requirements = lite.write(tmp_path)
    assert requirements.read_text().splitlines()[0].startswith("xlwings==")
    out = _run(main, _calls("1.4")[:3])
    assert "kpi_xl_lite_" in out["functions_file"]
    assert out["modules"] == sorted(lite.VENDORED)  # nothing else of kpi_xl: pure modules
    names = {f["name"] for f in out["meta"]["functions"]}
    assert names == {f"{lite.LITE_NAMESPACE}.{s.short_name}" for s in specs()}
    div0, value = ({"type": "Error", "errorType": e} for e in ("Div0", "Value"))
    assert out["results"] == [[[0.5]], [[div0]], [[value]]]
