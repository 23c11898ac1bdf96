"""``kpi-xl excel``: the Excel functions and how to set each way into Excel up."""

from __future__ import annotations

import argparse
import json
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kpi_xl import catalog
from kpi_xl.errors import InputFileError

HELP = "set up the Excel functions (=KPI_ROI...): classic add-in, xlwings Lite or Server"
EPILOG = """\
examples:
  kpi-xl excel                        the three ways into Excel, in short
  kpi-xl excel --list                 every function, its arguments and what it returns
  kpi-xl excel --list --format markdown --lang fr
  kpi-xl excel classic --out C:\\Reports   steps, and xlwings.conf next to your workbooks
  kpi-xl excel lite --out kpi_lite    steps, and the personal module to add to xlwings Lite
  kpi-xl excel server --out my_server steps, and the files to add to an xlwings Server project

Each way has its own help: kpi-xl excel classic --help (lite, server).
Functions never put a Python traceback in a cell: #DIV/0! for a zero
denominator, #VALUE! for invalid input (text, TRUE/FALSE, a negative count),
#N/A when a payback is never reached.
"""

HEADERS = {
    "en": ("Classic add-in", "xlwings Server / Lite", "Returns", "Arguments"),
    "fr": ("Complément classique", "xlwings Server / Lite", "Renvoie", "Arguments"),
}
#: The namespace the docs assume for Office.js (XLWINGS_FUNCTIONS_NAMESPACE, Lite's sub-namespace).
OFFICEJS_NAMESPACE = "KPI"


WAY_HELP = {
    "classic": (
        "desktop Excel on Windows: the xlwings add-in (open source) calls your Python",
        "kpi-xl excel classic --out C:\\Reports",
        "write xlwings.conf (the add-in's settings for this Python) into DIR",
    ),
    "lite": (
        "Excel on Windows, Mac or the web: xlwings Lite (free add-in), Python in the browser",
        "kpi-xl excel lite --out kpi_lite",
        "write the personal module DIR/personal/kpi_xl_functions.py (default: kpi_xl_lite)",
    ),
    "server": (
        "Excel on Windows, Mac or the web: your own xlwings Server (licensed by xlwings)",
        "kpi-xl excel server --out my_server",
        "add kpi_xl's files to the xlwings Server project DIR (created if missing)",
    ),
}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "excel",
        help=HELP,
        description=HELP.capitalize() + ".",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--list", action="store_true", help="list the functions")
    p.add_argument(
        "--format",
        choices=("table", "markdown"),
        default="table",
        help="with --list: table for the terminal (default) or markdown for docs",
    )
    p.add_argument("--lang", choices=catalog.LANGS, default="en", help="language (default: en)")
    p.set_defaults(func=run, way=None, out=None)
    ways = p.add_subparsers(title="ways into Excel", metavar="WAY", dest="way")
    for way, (summary, example, out_help) in WAY_HELP.items():
        w = ways.add_parser(
            way,
            help=summary,
            description=f"{summary}.\nPrints the steps for this installation of kpi_xl.",
            epilog=f"example:\n  {example}\n",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        w.add_argument("--out", type=Path, metavar="DIR", help=out_help)
        w.set_defaults(func=run)


# --------------------------------------------------------------------------- the function table


def rows(lang: str) -> list[tuple[str, str, str, str]]:
    """One row per Excel function, in the column order of :data:`HEADERS`."""
    from udfs.functions import specs

    out = []
    for spec in specs():
        args = "; ".join(
            f"{p.name}{' (optional)' if p.optional else ''}: {p.help(lang)}" for p in spec.params
        )
        officejs = spec.usage(f"{OFFICEJS_NAMESPACE}.{spec.short_name}")
        out.append((spec.usage(), officejs, spec.summary(lang), args))
    return out


def markdown(lang: str) -> str:
    """The function table in Markdown (the README's table is this output)."""
    lines = ["| " + " | ".join(HEADERS[lang]) + " |", "|" + "---|" * len(HEADERS[lang])]
    for classic, officejs, summary, args in rows(lang):
        cells = [f"`{classic}`", f"`{officejs}`", summary, args]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _print_table(lang: str) -> None:
    table = Table(*HEADERS[lang], show_lines=True)
    for row in rows(lang):
        table.add_row(*(Text(c) for c in row))  # Text: '[margin]' is not markup
    Console().print(table)


# --------------------------------------------------------------------------- the three ways in


def _package_root() -> Path:
    """The folder that holds the ``udfs`` package: what PYTHONPATH must contain."""
    import udfs

    return Path(udfs.__file__).resolve().parent.parent


def classic_config() -> dict[str, str]:
    """The xlwings add-in settings (keys of xlwings.conf) that load the functions."""
    return {
        "UDF MODULES": "udfs.classic",
        "PYTHONPATH": str(_package_root()),
        "INTERPRETER_WIN": sys.executable,
    }


def classic_conf_text() -> str:
    """``xlwings.conf`` as xlwings reads it: one ``"KEY","value"`` line per setting."""
    return "".join(f'"{k}","{v}"\n' for k, v in classic_config().items())


def install_command() -> str:
    """How to install kpi_xl the way this copy was: from its clone, or from the package index."""
    root = _package_root()
    if (root / "pyproject.toml").is_file():  # running from a clone (or an editable install)
        return f'python -m pip install "{root}"'
    try:
        url = json.loads(distribution("kpi-xl").read_text("direct_url.json") or "{}").get("url", "")
    except PackageNotFoundError:
        url = ""
    if url.startswith("file://"):  # installed from a local folder or wheel
        return f'python -m pip install "{url.removeprefix("file://")}"'
    return "python -m pip install kpi-xl"


def _steps(title: str, *lines: str) -> None:
    print(title)
    for line in lines:
        print(f"  {line}" if line else "")


def _classic(out: Path | None) -> None:
    config = classic_config()
    _steps(
        "Classic add-in: desktop Excel on Windows, xlwings (open source) calls this Python.",
        "1. In the Python Excel should use, install kpi_xl (it brings xlwings):",
        f"     {install_command()}",
        "2. python -m xlwings addin install      (adds the xlwings tab to Excel's ribbon)",
        "3. The workbook needs xlwings' VBA code; either",
        "     a. xlwings quickstart my_report    makes my_report\\my_report.xlsm, ready, or",
        "     b. in your own workbook saved as .xlsm: Alt+F11 (VBA editor) > Tools >",
        "        References, tick 'xlwings', OK.",
        "4. File > Options > Trust Center > Trust Center Settings > Macro Settings:",
        "   tick 'Trust access to the VBA project object model'.",
        "5. xlwings tab, set:",
        f"     Interpreter:  {config['INTERPRETER_WIN']}",
        f"     PYTHONPATH:   {config['PYTHONPATH']}",
        f"     UDF Modules:  {config['UDF MODULES']}",
        "6. xlwings tab > Import Functions.  Type =KPI_ROI(150, 100): 0.5 (format it as %).",
        "",
        "Errors show as text: xlwings cannot return a real Excel error from a classic",
        "function, so a cell shows the text #DIV/0!, #VALUE! or #N/A.  ISERROR and",
        "IFERROR do not see it; test a result with ISNUMBER.  The reason is logged:",
        "tick 'Show Console' on the xlwings tab to read it.  Blank cells are blank.",
    )
    if out is None:
        print("\nNothing written; with --out DIR, DIR\\xlwings.conf gets the settings of step 5.")
        return
    path = _write(out / "xlwings.conf", classic_conf_text())
    print(f"\nWrote {path}: the settings of step 5, for the workbooks of that folder")
    print("(xlwings reads them instead of the ribbon's).")


def _lite(out: Path | None) -> None:
    from udfs import lite

    folder = out if out is not None else Path("kpi_xl_lite")
    try:
        module = lite.write(folder)
    except OSError as exc:
        raise InputFileError(folder, f"cannot write there ({exc.strerror or exc})",
                             hint="give a folder you can write to with --out") from exc  # fmt: skip
    _steps(
        "xlwings Lite: Excel on Windows, Mac or the web; free add-in, Python in the browser.",
        f"Wrote {module}: a personal module, added beside your own main.py.",
        "1. Excel: Home > Add-ins, search 'xlwings Lite', Add; open it (Home > xlwings Lite).",
        f"2. In its editor, make sure requirements.txt has the line: {lite.REQUIREMENT}",
        "   (keep main.py and your other requirements as they are).",
        "3. xlwings Lite menu > Files > Import/Export: drop the folder",
        f"     {module.parent}",
        "   (desktop Excel on Windows: or mount it as /personal under Local Folders).",
        "4. xlwings Lite menu > Restart.",
        f"5. Type ={lite.LITE_NAMESPACE}.ROI(150, 100): 0.5.  The reason for an error is printed",
        "   in Lite's output pane.  Run this again and re-upload after upgrading kpi_xl;",
        "   Lite forgets uploaded files when the Office cache is cleared.",
    )


def _server(out: Path | None) -> None:
    from udfs import server

    project = out if out is not None else Path("my_server")
    _steps(
        "xlwings Server: Excel on Windows, Mac or the web, through your own server.",
        f"Licence: xlwings Server is not open source.  Tested with xlwings-server "
        f"{server.XLWINGS_SERVER_VERSION}.",
        'Free under the PolyForm Noncommercial licence (XLWINGS_LICENSE_KEY="noncommercial");',
        "any commercial use needs a paid licence key from xlwings (www.xlwings.org/pricing).",
        "1. In the server's Python:",
        f'     python -m pip install "xlwings-server=={server.XLWINGS_SERVER_VERSION}"',
        f"     {install_command()}",
        f"2. xlwings-server init {project}     (skip if it is a project already)",
        f"3. kpi-xl excel server --out {project}",
        f"4. In {project}: xlwings-server run (Excel needs HTTPS: certificates and hosting",
        "   at server.xlwings.org).",
        "5. Excel: Home > Add-ins > My add-ins > Upload my add-in: the file from the",
        "   server's /manifest page.",
        f"6. Type ={server.NAMESPACE}.ROI(150, 100): 0.5.",
        "",
        "Blank cells: Excel on the web and the Mac send them as blanks; desktop Excel on",
        "Windows sends 0.  For survey answers use =KPI.NPS_COUNTS, or",
        '=KPI.NPS(FILTER(B2:B500,B2:B500<>"")).',
    )
    if out is None:
        print("\nNothing written; with --out DIR, step 3 writes kpi_xl's files into DIR.")
        return
    try:
        written = server.write_project(out)
    except OSError as exc:
        raise InputFileError(out, f"cannot write there ({exc.strerror or exc})",
                             hint="give a folder you can write to with --out") from exc  # fmt: skip
    print()
    for path in written.files:
        print(f"Wrote {path}")
    for path, line in written.to_add:
        print(f"Add to {path} the line:\n    {line}")


def _overview() -> None:
    print("The KPI functions reach Excel three ways (details: kpi-xl excel WAY --help):")
    print("  kpi-xl excel classic   Windows desktop Excel, xlwings add-in     =KPI_ROI(B2, B3)")
    print("  kpi-xl excel lite      Excel Windows/Mac/web, xlwings Lite       =KPI.ROI(B2, B3)")
    print("  kpi-xl excel server    your own xlwings Server (Office.js)      =KPI.ROI(B2, B3)")
    print("  kpi-xl excel --list    every function and its arguments")


def _write(path: Path, content: str) -> Path:
    from udfs.files import write_text

    try:
        write_text(path, content)
    except OSError as exc:
        raise InputFileError(path, f"cannot write it ({exc.strerror or exc})",
                             hint="give a folder you can write to with --out") from exc  # fmt: skip
    return path


def run(args: argparse.Namespace) -> int:
    if args.list:
        if args.format == "markdown":
            sys.stdout.write(markdown(args.lang))
        else:
            _print_table(args.lang)
        return 0
    if args.way == "classic":
        _classic(args.out)
    elif args.way == "lite":
        _lite(args.out)
    elif args.way == "server":
        _server(args.out)
    else:
        _overview()
    return 0
