"""The classic Windows contract, checked on any OS with xlwings' own VBA generator.

xlwings' classic decorators and ``generate_vba_wrapper`` live in
``xlwings.udfs``, which imports pywin32 at the top; a subprocess stubs
``pythoncom``, ``pywintypes`` and ``win32com.client``, decorates the functions of :mod:`udfs.classic` with them,
generates the VBA module "Import Functions" would write, and reports each
function's ``__xlfunc__`` (what ``MacroOptions`` gives Excel's function
wizard) and a few calls with the values classic xlwings passes in.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from udfs.convert import ErrorCode
from udfs.functions import help_text, specs

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import io, json, sys, types

class VARIANT:
    def __init__(self, vt, value):
        self.varianttype, self.value = vt, value

stubs = {"pythoncom": types.ModuleType("pythoncom"), "pywintypes": types.ModuleType("pywintypes"),
         "win32com": types.ModuleType("win32com"), "win32com.client": types.ModuleType("win32com.client")}
stubs["pythoncom"].VT_ERROR = 10
stubs["pythoncom"].CoInitialize = lambda: None
stubs["pywintypes"].com_error = type("com_error", (Exception,), {})
stubs["win32com.client"].Dispatch = lambda *a, **k: None
stubs["win32com.client"].VARIANT = VARIANT
stubs["win32com"].client = stubs["win32com.client"]
sys.modules.update(stubs)

from xlwings import udfs as classic_udfs
import udfs.classic

module = types.ModuleType("udfs.classic")
functions = udfs.classic.decorate(classic_udfs.xlfunc, classic_udfs.xlarg, module.__name__)
for name, f in functions.items():
    setattr(module, name, f)
vba = io.StringIO()
classic_udfs.generate_vba_wrapper("udfs.classic", module, vba, types.SimpleNamespace(Name="KPI.xlsm"))

def show(value):
    # A plain str (not a CellError) is what the VBA wrapper gets for an error.
    if isinstance(value, str) and value.startswith("#"):
        return {"type": type(value).__name__, "value": value}
    return value

f = functions
calls = {
    "roi": f["KPI_ROI"](150.0, 100.0),
    "div0": f["KPI_ROI"](150.0, 0.0),
    "text": f["KPI_ROI"]("abc", 100.0),
    "na_cell": f["KPI_ROI"]("#N/A", 100.0),
    "nps_column": f["KPI_NPS"]([10.0, None, 9.0, 3.0]),
    "nps_block": f["KPI_NPS"]([[10.0, 9.0], [None, 3.0]]),
    "nps_bool": f["KPI_NPS"]([[10.0, True]]),
    "payback_na": f["KPI_PAYBACK"](10000.0, [1000.0, 2000.0], None),
    "status": f["KPI_STATUS"](0.032, None, "conversion_rate", "en"),
    "status_blank": f["KPI_STATUS"](None, None, "conversion_rate", "en"),
}
json.dump({
    "vba": vba.getvalue(),
    "xlfunc": {name: {"name": g.__xlfunc__["name"], "category": g.__xlfunc__["category"],
                      "doc": g.__xlfunc__["ret"]["doc"],
                      "args": [{"name": a["name"], "doc": a["doc"], "optional": "optional" in a,
                                "options": {k: v for k, v in a["options"].items() if k != "convert"}}
                               for a in g.__xlfunc__["args"]]}
               for name, g in functions.items()},
    "calls": {k: show(v) for k, v in calls.items()},
}, sys.stdout)
"""


@pytest.fixture(scope="module")
def probe() -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_every_function_has_its_vba_wrapper(probe):
    vba = probe["vba"]
    for spec in specs():
        args = ", ".join(("Optional " if p.optional else "") + p.name for p in spec.params)
        assert f"Function {spec.name}({args})" in vba, spec.name
        assert f'XLPy.CallUDF("udfs.classic", "{spec.name}"' in vba
    assert "Function KPI_PAYBACK(initial_cost, cash_flows, Optional rate)" in vba


def test_function_wizard_texts_come_from_the_catalog(probe):
    for spec in specs():
        info = probe["xlfunc"][spec.name]
        assert info["category"] == "kpi_xl"
        assert info["doc"] == help_text(spec.summary) and len(info["doc"]) <= 255
        assert [a["name"] for a in info["args"]] == [p.name for p in spec.params]
        for arg, param in zip(info["args"], spec.params, strict=True):
            assert arg["doc"] == help_text(param.help) and len(arg["doc"]) <= 255
            assert arg["optional"] == param.optional
            assert arg["options"] == {"err_to_str": True}  # error cells arrive as "#N/A"


def test_results_and_errors_as_the_text_the_cell_shows(probe):
    """xlwings' classic return path cannot carry an Excel error: the cell shows its text."""
    calls = probe["calls"]
    assert calls["roi"] == 0.5
    assert calls["div0"] == {"type": "str", "value": ErrorCode.DIV0.value}
    assert calls["text"] == {"type": "str", "value": ErrorCode.VALUE.value}
    assert calls["na_cell"] == {"type": "str", "value": ErrorCode.NA.value}
    assert calls["nps_column"] == pytest.approx(100 * (2 - 1) / 3)
    assert calls["nps_block"] == calls["nps_column"]
    assert calls["nps_bool"] == {"type": "str", "value": ErrorCode.VALUE.value}
    assert calls["payback_na"] == {"type": "str", "value": ErrorCode.NA.value}
    assert calls["status"] == "Watch"
    assert calls["status_blank"] == ""  # a blank value: an empty result, as documented
