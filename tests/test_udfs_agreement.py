"""One answer everywhere: the table of ``tests/udfs_cases.py`` through every way in.

The same cells (values, blanks, errors, left-out optional arguments, text,
booleans) go through the Python API, the classic add-in's wrappers, the xlwings
Lite module ``kpi-xl excel lite`` writes and a real xlwings Server, each in
the shape that runtime hands them over; every runtime must give the table's
answer, so all give the same.  Error values compare by code: the classic
add-in can only show an error as its text (see ``udfs.classic``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from udfs_cases import (
    CASES,
    classic_args,
    from_officejs,
    from_python,
    officejs_args,
    python_args,
    same,
)
from udfs_runtimes import lite, payload, serve

import udfs.classic
from udfs import lite as lite_setup
from udfs import server
from udfs.functions import plain_functions, specs

PLAIN = {f.__name__: f for f in plain_functions()}
RUNTIMES = ("python", "classic", "lite", "server")


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Any]]:
    calls = [payload(c.func, officejs_args(c)) for c in CASES]
    lite_folder = tmp_path_factory.mktemp("lite")
    module = lite_setup.write(lite_folder)
    project = tmp_path_factory.mktemp("server")
    server.write_project(project)
    lite_out = lite(module.parent, module.stem, calls)
    server_out = serve(project, calls, {})
    return {
        "python": [from_python(PLAIN[c.func](*python_args(c))) for c in CASES],
        "classic": [from_python(getattr(udfs.classic, c.func)(*classic_args(c))) for c in CASES],
        "lite": [from_officejs(r) for r in lite_out["results"]],
        "server": [from_officejs(r["body"]["result"]) for r in server_out["calls"]],
    }


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_every_runtime_gives_the_table_answer(answers, runtime):
    wrong = [
        (case.id, got, case.want)
        for case, got in zip(CASES, answers[runtime], strict=True)
        if not same(got, case.want)
    ]
    assert not wrong, wrong


def test_classic_errors_are_plain_text_the_cell_shows():
    got = udfs.classic.KPI_ROI(150.0, 0.0)
    assert got == "#DIV/0!" and type(got) is str


def test_lite_module_runs_on_its_own_copy_of_the_pure_modules(tmp_path: Path):
    module = lite_setup.write(tmp_path)
    assert module == tmp_path / "personal" / "kpi_xl_functions.py"
    out = lite(module.parent, module.stem, [payload("KPI_ROI", [[[150]], [[100]]])])
    assert "kpi_xl_lite_" in out["functions_file"]
    assert out["modules"] == sorted(lite_setup.VENDORED)  # nothing else of kpi_xl: pure modules
    names = {f["name"] for f in out["meta"]["functions"]}
    assert names == {f"{lite_setup.LITE_NAMESPACE}.{s.short_name}" for s in specs()}
    assert out["results"] == [[[0.5]]]
