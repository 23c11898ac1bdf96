"""The request the browser sends: xlwings Server's JS glue run once under node.

A live xlwings Server (uvicorn on a free port of 127.0.0.1, started and
stopped here) serves the task pane, ``utils.js`` and the generated
``custom-functions-code.js``; ``tests/udfs_server_harness.mjs`` loads them with
Office stubbed, calls the registered functions with arguments as Excel hands
them over, and reports the bodies it posted and the values it returned.  So
the payload the other tests post is checked against the one the real glue
builds, and the values travel the whole way back.  node is installed by
``scripts/test.sh`` when missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import xlwings
from udfs_cases import CASES, from_officejs, officejs_args, same
from udfs_runtimes import BASE_PAYLOAD, live_server

from udfs import server
from udfs.functions import specs

HARNESS = Path(__file__).with_name("udfs_server_harness.mjs")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    node = shutil.which("node")
    assert node, "node is missing: scripts/test.sh installs nodejs"
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    assert int(version.stdout.strip().lstrip("v").split(".")[0]) >= 18, "node >= 18 (fetch)"
    project = tmp_path_factory.mktemp("xlwings_server_live")
    server.write_project(project)
    cases = [{"id": c.func, "args": officejs_args(c)} for c in CASES]
    with live_server(project) as base:
        done = subprocess.run(
            [node, str(HARNESS), base],
            input=json.dumps(cases),
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_glue_registers_every_function(browser):
    assert sorted(browser["registered"]) == sorted(s.name for s in specs())


def test_glue_posts_the_payload_the_server_tests_post(browser):
    assert len(browser["requests"]) == len(CASES)
    for case, body in zip(CASES, browser["requests"], strict=True):
        assert body["func_name"] == case.func
        assert body["args"] == officejs_args(case)  # cells untouched: null, error objects
        assert body["version"] == xlwings.__version__
        same_keys = {k: body[k] for k in BASE_PAYLOAD if k != "session_id"}
        assert same_keys == {k: v for k, v in BASE_PAYLOAD.items() if k != "session_id"}
        assert body["session_id"]


def test_values_and_errors_come_back_to_the_cell(browser):
    for case, result in zip(CASES, browser["results"], strict=True):
        assert "value" in result, (case.id, result)
        assert same(from_officejs(result["value"]), case.want), (case.id, result)
