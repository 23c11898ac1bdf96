"""``kpi-xl excel``: the Excel functions and how to set each way into Excel up."""

from __future__ import annotations

import argparse
import sys
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
  kpi-xl excel classic                the xlwings add-in settings (UDF Modules, PYTHONPATH)
  kpi-xl excel classic --out C:\\Reports   also write xlwings.conf next to your workbooks
  kpi-xl excel lite --out kpi_lite    main.py + requirements.txt to paste into xlwings Lite
  kpi-xl excel server                 what xlwings Server needs to import the functions

Functions return Excel errors, never a Python traceback: #DIV/0! for a zero
denominator, #VALUE! for invalid input (text, TRUE/FALSE, a negative count),
#N/A when a payback is never reached.
"""

HEADERS = {
    "en": ("Classic add-in", "xlwings Server / Lite", "Returns", "Arguments"),
    "fr": ("Complément classique", "xlwings Server / Lite", "Renvoie", "Arguments"),
}
#: The namespace the docs assume for Office.js (XLWINGS_FUNCTIONS_NAMESPACE, Lite's sub-namespace).
OFFICEJS_NAMESPACE = "KPI"
WAYS = ("classic", "lite", "server")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "excel",
        help=HELP,
        description=HELP.capitalize() + ".",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "way", nargs="?", choices=WAYS, help="print (and with --out write) the setup of one way in"
    )
    p.add_argument("--list", action="store_true", help="list the functions")
    p.add_argument(
        "--format",
        choices=("table", "markdown"),
        default="table",
        help="with --list: table for the terminal (default) or markdown for docs",
    )
    p.add_argument("--lang", choices=catalog.LANGS, default="en", help="language (default: en)")
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="classic: write xlwings.conf there; lite: write main.py and requirements.txt there",
    )
    p.set_defaults(func=run)


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


def _classic(out: Path | None) -> None:
    config = classic_config()
    print("Classic Windows add-in (xlwings, open source; Excel on Windows):")
    print("  1. pip install kpi-xl xlwings      (in the Python Excel should use)")
    print("  2. xlwings addin install           (adds the xlwings tab to Excel's ribbon)")
    print("  3. In Excel, xlwings tab, set:")
    print(f"       Interpreter:  {config['INTERPRETER_WIN']}")
    print(f"       PYTHONPATH:   {config['PYTHONPATH']}")
    print(f"       UDF Modules:  {config['UDF MODULES']}")
    print("  4. File > Options > Trust Center > Trust Center Settings > Macro Settings:")
    print("     tick 'Trust access to the VBA project object model'.")
    print("  5. Save your workbook as .xlsm, then xlwings tab > Import Functions.")
    print("     Type =KPI_ROI(150, 100) in a cell: 0.5 (format it as %).")
    if out is not None:
        path = _write(out / "xlwings.conf", classic_conf_text())
        print(f"\nWrote {path}: keep it in the folder of your workbooks (xlwings reads it")
        print("instead of the ribbon settings for the workbooks of that folder).")


def _lite(out: Path | None) -> None:
    from udfs import lite

    folder = out if out is not None else Path("kpi_xl_lite")
    try:
        paths = lite.write(folder)
    except OSError as exc:
        raise InputFileError(folder, f"cannot write there ({exc.strerror or exc})",
                             hint="give a folder you can write to with --out") from exc  # fmt: skip
    print("xlwings Lite (free add-in; Excel on Windows, Mac and the web):")
    for path in paths:
        print(f"  wrote {path}")
    print(
        "  1. Excel: Home > Add-ins, search 'xlwings Lite', Add; open it (Home tab > xlwings Lite)."
    )
    print("  2. In its editor, replace requirements.txt with the one written above;")
    print("     Lite installs the packages (the status bar says when it is done).")
    print("  3. Replace main.py with the one written above and save (Ctrl+S).")
    print("  4. Type =KPI.ROI(150, 100) in a cell: 0.5.  Errors explain themselves in the")
    print("     Lite output pane.")


def _server() -> None:
    import udfs

    package = Path(udfs.__file__).resolve().parent / "custom_functions"
    print("xlwings Server (self-hosted Office.js add-in), licensed by xlwings:")
    print("PolyForm Noncommercial, or a paid key for commercial use.")
    print(f"  custom functions module: udfs.custom_functions  ({package})")
    print("  1. In the server's Python: pip install kpi-xl")
    print("  2. In the server's app/custom_functions/__init__.py add the line:")
    print("         from udfs.custom_functions import *  # noqa: F403")
    print("  3. In the server's .env:")
    print(f'         XLWINGS_FUNCTIONS_NAMESPACE="{OFFICEJS_NAMESPACE}"')
    print('         XLWINGS_LICENSE_KEY="noncommercial"   (or your paid key)')
    print("  4. Restart the server, reload the manifest (/manifest) and the add-in.")
    print(f"  5. Type ={OFFICEJS_NAMESPACE}.ROI(150, 100) in a cell: 0.5.")


def _overview() -> None:
    print("The KPI functions reach Excel three ways (details: kpi-xl excel WAY --help):")
    print("  kpi-xl excel classic   Windows desktop Excel, xlwings add-in     =KPI_ROI(B2, B3)")
    print("  kpi-xl excel lite      Excel Windows/Mac/web, xlwings Lite       =KPI.ROI(B2, B3)")
    print("  kpi-xl excel server    your own xlwings Server (Office.js)      =KPI.ROI(B2, B3)")
    print("  kpi-xl excel --list    every function and its arguments")


def _write(path: Path, content: str) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
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
        _server()
    else:
        _overview()
    return 0
