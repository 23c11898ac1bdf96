"""The Office.js runtimes as the tests run them: a real xlwings Server, and xlwings Lite.

xlwings picks its Office.js decorators only when ``XLWINGS_ON_SERVER=true`` is
set before it is first imported, and xlwings Server reads its settings when
imported; the pytest process has imported xlwings already (classic
decorators), so each runtime runs in a subprocess of its own:

* :func:`serve` imports xlwings Server's ASGI app over a project folder
  written by :func:`udfs.server.write_project` and talks to it with
  Starlette's ``TestClient`` (in-process HTTP: routing, JSON decoding,
  xlwings' dispatch and result conversion, exactly as served);
* :func:`live_server` starts the same app under uvicorn on 127.0.0.1, for
  the browser-side JavaScript run under node;
* :func:`lite` imports the module ``kpi-xl excel lite`` writes, from its own
  folder, and answers payloads with the call xlwings Lite makes.

``XLWINGS_LICENSE_KEY=noncommercial``: xlwings' PolyForm Noncommercial
licence, which covers this open-source project's tests.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import xlwings

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60  # seconds for a probe subprocess

#: A payload as the JS glue posts it (custom-functions-code.js, ``base()``), minus func/args.
BASE_PAYLOAD = {
    "client": "Office.js",
    "caller_address": "[Enquete.xlsx]Feuil1!B2",
    "session_id": "0123456789abcdef",
    "culture_info_name": "fr-FR",
    "date_format": "dd/MM/yyyy",
    "version": xlwings.__version__,
    "runtime": "1.4",
}

SERVER_PROBE = r"""
import json, sys
from xlwings_server.main import app
from starlette.testclient import TestClient

request = json.load(sys.stdin)
client = TestClient(app)
out = {name: client.get(path).text for name, path in request["get"].items()}
out["calls"] = []
for payload in request["calls"]:
    response = client.post("/xlwings/custom-functions-call", json=payload)
    out["calls"].append({"status": response.status_code, "body": response.json()})
json.dump(out, sys.stdout)
"""

LITE_PROBE = r"""
import asyncio, importlib, json, sys
request = json.load(sys.stdin)
sys.path.insert(0, request["folder"])
module = importlib.import_module(request["module"])
from xlwings.server import custom_functions_call, custom_functions_meta
results = [asyncio.run(custom_functions_call(call, module)) for call in request["calls"]]
import udfs.functions
json.dump({"meta": custom_functions_meta(module), "results": results,
           "functions_file": udfs.functions.__file__,
           "modules": sorted(m for m in sys.modules if m.split(".")[0] in ("kpi_xl", "udfs"))},
          sys.stdout)
"""


def payload(func: str, args: list[Any], **extra: Any) -> dict[str, Any]:
    """The body the JS glue posts for ``=KPI.<func>(...)``."""
    return {**BASE_PAYLOAD, "func_name": func, "args": args, **extra}


def server_env(project: Path) -> dict[str, str]:
    """The environment of an xlwings Server over ``project`` importing this worktree's kpi_xl."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    env.update(
        XLWINGS_PROJECT_DIR=str(project),
        XLWINGS_LICENSE_KEY="noncommercial",
        XLWINGS_ENABLE_SOCKETIO="false",
        XLWINGS_ENABLE_HOTRELOAD="false",
        XLWINGS_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def _probe(script: str, request: dict[str, Any], env: dict[str, str], cwd: Path) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout)


def serve(project: Path, calls: list[dict[str, Any]], get: dict[str, str]) -> dict[str, Any]:
    """GET ``get`` (name -> path) and POST ``calls`` to xlwings Server's app over ``project``."""
    out: dict[str, Any] = _probe(
        SERVER_PROBE, {"calls": calls, "get": get}, server_env(project), project
    )
    return out


def lite(folder: Path, module: str, calls: list[dict[str, Any]]) -> dict[str, Any]:
    """Import ``module`` from ``folder`` (only) and answer ``calls`` as xlwings Lite does."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    env.pop("PYTHONPATH", None)  # the module must bring its own kpi_xl
    env.update(XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial")
    out: dict[str, Any] = _probe(
        LITE_PROBE, {"folder": str(folder), "module": module, "calls": calls}, env, folder
    )
    return out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live_server(project: Path, ready_within: float = 30.0) -> Iterator[str]:
    """xlwings Server under uvicorn on a free port of 127.0.0.1; yields its base URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "uvicorn", "xlwings_server.main:main_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(  # stopped below by its own pid, whatever happens
        command,
        env=server_env(project),
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_up(base, proc, ready_within)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _wait_until_up(base: str, proc: subprocess.Popen[str], within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"xlwings Server exited: {proc.stderr.read() if proc.stderr else ''}"
            )
        try:
            with urllib.request.urlopen(f"{base}/xlwings/custom-functions-meta.json", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"xlwings Server not up on {base} within {within} s")
