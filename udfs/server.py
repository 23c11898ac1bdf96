"""The xlwings Server setup: the files ``kpi-xl excel server --out DIR`` writes.

An xlwings Server project (``xlwings-server init DIR``) imports its custom
functions from the package ``custom_functions`` of the project folder.  kpi_xl
adds one module beside the user's own, ``custom_functions/kpi_xl_functions.py``,
that star-imports :mod:`udfs.custom_functions`; the project's
``custom_functions/__init__.py`` imports it with one line.  In a folder that is
not a project yet, the two package ``__init__.py`` files and a ``.env`` are
written too, so that the folder runs as it is (``xlwings-server run``), and a
``lifespan.py`` that calls ``gc.freeze()`` at start-up (large ranges about 3x
faster, see :data:`LIFESPAN_TEXT`); files that exist are never overwritten:
the lines to add are printed instead.

xlwings Server is licensed by xlwings, not by this project: PolyForm
Noncommercial (``XLWINGS_LICENSE_KEY="noncommercial"``) or a paid key for
commercial use.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from udfs.files import write_text

#: The xlwings-server release the tests run (pyproject's ``test`` extra pins it).
XLWINGS_SERVER_VERSION = "1.20.0"
#: The namespace of the add-in: the functions read ``=KPI.ROI(...)``.
NAMESPACE = "KPI"
#: The module written beside the user's functions.
MODULE = "kpi_xl_functions"
#: The line ``custom_functions/__init__.py`` needs.
IMPORT_LINE = f"from .{MODULE} import *  # noqa: F403 (kpi_xl's =KPI.* functions)"

MODULE_TEXT = '''\
"""kpi_xl's Excel functions (=KPI.ROI, =KPI.NPS...), written by `kpi-xl excel server`."""

from udfs.custom_functions import *  # noqa: F403
'''

#: The settings kpi_xl relies on; the licence key is the user's choice.
ENV_LINES = (
    f'XLWINGS_FUNCTIONS_NAMESPACE="{NAMESPACE}"',
    'XLWINGS_LICENSE_KEY="noncommercial"',
)
ENV_TEXT = (
    "# xlwings Server settings written by `kpi-xl excel server`.\n"
    '# XLWINGS_LICENSE_KEY: "noncommercial" is the PolyForm Noncommercial licence;\n'
    "# commercial use needs a paid key from https://www.xlwings.org/pricing.\n"
    + "\n".join(ENV_LINES)
    + "\n"
)
SCRIPTS_INIT_TEXT = "# The project's custom scripts (none from kpi_xl).\n"
#: xlwings Server's start-up hook (``lifespan.py`` of the project folder).
LIFESPAN_TEXT = '''\
"""xlwings Server's start-up hook, written by `kpi-xl excel server`.

gc.freeze() moves the objects imported at start-up (FastAPI, pydantic,
xlwings: some 140,000) out of the garbage collector's way.  Without it, the
100,000 rows of a large range set off full collections that walk them all:
=KPI.NPS() over 100,000 cells takes about 100 ms instead of 30 ms
(kpi_xl's bench/bench_udf_nps.py).
"""

import gc
from contextlib import asynccontextmanager


@asynccontextmanager
async def lifespan(app):
    gc.freeze()
    yield
'''
#: What an existing ``lifespan.py`` should do at start-up.
FREEZE_LINE = "gc.freeze()  # at start-up, in lifespan(): large ranges 3x faster"


@dataclass(frozen=True)
class Written:
    """What :func:`write_project` did: files written, and lines the user must add."""

    files: tuple[Path, ...]
    to_add: tuple[tuple[Path, str], ...]  # (existing file, line it lacks)


def write_project(folder: Path) -> Written:
    """Write kpi_xl's files into the xlwings Server project ``folder`` (created if needed)."""
    functions = folder / "custom_functions"
    init = functions / "__init__.py"
    env = folder / ".env"
    files = [write_text(functions / f"{MODULE}.py", MODULE_TEXT)]
    to_add: list[tuple[Path, str]] = []
    if init.exists():
        if IMPORT_LINE.split("  #")[0] not in init.read_text(encoding="utf-8"):
            to_add.append((init, IMPORT_LINE))
    else:
        files.append(write_text(init, IMPORT_LINE + "\n"))
    scripts = folder / "custom_scripts" / "__init__.py"
    if not scripts.exists():
        files.append(write_text(scripts, SCRIPTS_INIT_TEXT))
    lifespan = folder / "lifespan.py"
    if not lifespan.exists():
        files.append(write_text(lifespan, LIFESPAN_TEXT))
    elif "gc.freeze()" not in lifespan.read_text(encoding="utf-8"):
        to_add.append((lifespan, FREEZE_LINE))
    if env.exists():
        present = env.read_text(encoding="utf-8")
        to_add += [(env, line) for line in ENV_LINES if line.split("=")[0] not in present]
    else:
        files.append(write_text(env, ENV_TEXT))
    return Written(tuple(files), tuple(to_add))
