"""A real xlwings Server over the project ``kpi-xl excel server --out`` writes.

The server's own ASGI app (xlwings-server, pinned in the ``test`` extra) runs
in a subprocess with Starlette's test client (see ``tests/udfs_runtimes.py``):
it serves the metadata, the JS glue and the manifest Excel loads, and answers
calls posted in the payload the glue sends (``custom-functions-code.js``,
``base()``): every argument a 2-D matrix; a blank cell ``null`` (Excel on the
web, Mac), ``""`` (a formula giving ``""``) or ``0`` (desktop Excel on
Windows); an error cell an error object; a left-out argument ``null``.
"""

from __future__ import annotations

import json
import re
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import xlwings
from udfs_cases import CASES, Err, from_officejs, officejs_args, same
from udfs_runtimes import payload, serve

from udfs import server
from udfs.functions import help_text, specs

ROOT = Path(__file__).resolve().parents[1]
GET = {
    "meta": "/xlwings/custom-functions-meta.json",
    "code": "/xlwings/custom-functions-code.js",
    "manifest": "/manifest",
}
#: Office.js naming rules (learn.microsoft.com, custom-functions-naming).
ID_RULE = re.compile(r"[A-Z][A-Z0-9_.]{2,}")
NAME_RULE = re.compile(r"[^\W\d_][^\W\d]{2,}")  # letters, "_" and "." (no digits)
CELL_REFERENCE = re.compile(r"(?:[A-Z]{1,3}[0-9]+|R[0-9]+C[0-9]+)")

#: Desktop Excel sends an empty cell as 0: nothing tells it from a typed 0.
DESKTOP_BLANKS = [
    ("KPI_NPS", [[[10], [0], [9], [3]]], 0.0),  # the blank counts as a 0 answer
    ("KPI_NPS", [[[10], [9], [3]]], 100 / 3),  # =KPI.NPS(FILTER(B2:B5,B2:B5<>"")) sends this
    ("KPI_NPS_COUNTS", [[[2]], [[0]], [[1]]], 100 / 3),  # the counts form: no blank to mistake
]


def _calls() -> list[dict[str, Any]]:
    calls = [payload(c.func, officejs_args(c, blank=None)) for c in CASES]
    calls += [payload(c.func, officejs_args(c, blank="")) for c in CASES]
    calls += [payload(func, args) for func, args, _ in DESKTOP_BLANKS]
    calls += [payload(c.func, officejs_args(c), runtime="1.3") for c in CASES]
    return calls


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("xlwings_server_project")
    written = server.write_project(folder)
    assert not written.to_add  # a fresh folder gets every file
    return folder


@pytest.fixture(scope="module")
def served(project: Path) -> dict[str, Any]:
    return serve(project, _calls(), GET)


def test_metadata_lists_every_function_with_office_js_valid_names(served):
    meta = json.loads(served["meta"])
    assert meta["allowErrorForDataTypeAny"] is True  # error cells arrive as error objects
    functions = {f["id"]: f for f in meta["functions"]}
    assert set(functions) == {s.name for s in specs()}
    for spec in specs():
        info = functions[spec.name]
        assert ID_RULE.fullmatch(info["id"]) and NAME_RULE.fullmatch(info["name"]), info
        assert not CELL_REFERENCE.fullmatch(info["name"])
        assert info["name"] == spec.short_name  # =KPI.ROI under the add-in's namespace
        assert info["description"] == help_text(spec.summary)
        assert info["result"] == {"dimensionality": "matrix", "type": "any"}
        params = info["parameters"]
        assert [p["name"] for p in params] == [p.name for p in spec.params]
        for got, param in zip(params, spec.params, strict=True):
            assert got["description"] == help_text(param.help) and len(got["description"]) <= 255
            assert (got["type"], got["dimensionality"]) == ("any", "matrix")
            assert got.get("optional", False) == param.optional


def test_manifest_namespace_and_js_glue_register_every_function(served):
    assert 'id="Functions.Namespace" DefaultValue="KPI"' in served["manifest"]
    code = served["code"]
    for spec in specs():
        assert f'CustomFunctions.associate("{spec.name}", {spec.name});' in code
    assert f'version: "{xlwings.__version__}"' in code  # the version the glue posts


@pytest.mark.parametrize("blank", ["null", '""'])
def test_calls_give_the_table_answers_and_real_error_objects(served, blank):
    start = 0 if blank == "null" else len(CASES)
    for case, call in zip(CASES, served["calls"][start : start + len(CASES)], strict=True):
        assert call["status"] == 200, (case.id, call)
        got = from_officejs(call["body"]["result"])
        assert same(got, case.want), (case.id, blank, got)
        if isinstance(case.want, Err):  # {"type": "Error", "errorType": "Div0"}: a real error
            assert call["body"]["result"][0][0]["type"] == "Error"


def test_desktop_zero_blanks_and_the_documented_workarounds(served):
    calls = served["calls"][2 * len(CASES) : 2 * len(CASES) + len(DESKTOP_BLANKS)]
    for (func, args, want), call in zip(DESKTOP_BLANKS, calls, strict=True):
        assert call["body"]["result"] == [[pytest.approx(want)]], (func, args)


def test_runtime_1_3_gets_error_texts_excel_shows_as_errors(served):
    for case, call in zip(CASES, served["calls"][-len(CASES) :], strict=True):
        cell = call["body"]["result"][0][0]
        if isinstance(case.want, Err):
            assert cell == case.want.code, case.id
        else:
            assert same(from_officejs([[cell]], "1.3"), case.want), case.id


def test_write_project_adds_beside_an_existing_project(tmp_path):
    init = tmp_path / "custom_functions" / "__init__.py"
    init.parent.mkdir()
    init.write_text("from .functions import *\n", encoding="utf-8")
    (tmp_path / ".env").write_text('XLWINGS_LICENSE_KEY="paid-key"\n', encoding="utf-8")
    written = server.write_project(tmp_path)
    assert init.read_text(encoding="utf-8") == "from .functions import *\n"  # left alone
    assert (tmp_path / "custom_functions" / "kpi_xl_functions.py").is_file()
    assert (init, server.IMPORT_LINE) in written.to_add
    assert (tmp_path / ".env", 'XLWINGS_FUNCTIONS_NAMESPACE="KPI"') in written.to_add
    assert all("LICENSE" not in line for _, line in written.to_add)  # the user's key stays
    assert (tmp_path / "lifespan.py").read_text(encoding="utf-8") == server.LIFESPAN_TEXT


def test_the_tested_xlwings_server_is_the_pinned_and_documented_one():
    assert version("xlwings-server") == server.XLWINGS_SERVER_VERSION
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"xlwings-server=={server.XLWINGS_SERVER_VERSION}"' in pyproject
    docs = (ROOT / "docs" / "excel_functions.md").read_text(encoding="utf-8")
    assert f"xlwings-server {server.XLWINGS_SERVER_VERSION}" in docs
