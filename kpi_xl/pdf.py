"""A PDF beside a report, through LibreOffice headless: the dashboard, or every sheet.

LibreOffice prints each sheet with the template's print setup (A4, one page
wide, the Dashboard on one landscape page).  To print the dashboard alone,
a private copy of the report hides the other sheets (``workbook.xml`` only,
so charts and sparklines stay).  The conversion runs in a temporary folder
with a private LibreOffice profile (one per process: two conversions never
share one, and the user's LibreOffice settings are never touched), under a
timeout; the PDF then replaces the old one atomically, so a reader never
sees half a PDF.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Literal

from lxml import etree

from kpi_xl.errors import KpiXlError, WorkbookError
from kpi_xl.workbook import contract
from kpi_xl.workbook.write.names import read_workbook_info
from kpi_xl.workbook.write.xlsx_package import (
    decompress,
    parse_xml,
    read_members,
    replaced,
    write_atomic,
    zip_bytes,
)

Pages = Literal["dashboard", "all"]
PAGES: tuple[Pages, ...] = ("dashboard", "all")
TIMEOUT = 180.0  # seconds for one conversion (a cold LibreOffice start included)
INSTALL_HINT = (
    "install LibreOffice (Debian/Ubuntu: sudo apt-get install libreoffice-calc-nogui; "
    "macOS: brew install --cask libreoffice; Windows: https://www.libreoffice.org), "
    "make sure `soffice` is on the PATH, and run the command again"
)
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_profiles: dict[int, Path] = {}  # per process id: forked workers never share a profile


class PdfError(KpiXlError):
    """The PDF could not be written (LibreOffice missing, failed or too slow)."""


def soffice() -> str:
    """The LibreOffice executable; a :class:`PdfError` saying how to install it when missing."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise PdfError(
            f"--pdf needs LibreOffice, which is not installed.\n  What to do: {INSTALL_HINT}"
        )
    return exe


def pdf_path(report: Path) -> Path:
    """Where a report's PDF goes: beside it, same name, ``.pdf``."""
    return Path(report).with_suffix(".pdf")


def write_pdf(report: Path, pages: Pages = "dashboard", timeout: float = TIMEOUT) -> Path:
    """Write ``report``'s PDF beside it (the dashboard, or ``all`` sheets); return its path."""
    report = Path(report)
    exe = soffice()
    with tempfile.TemporaryDirectory(prefix="kpi_xl_pdf_") as tmp:
        source = Path(tmp) / "report.xlsx"  # a plain name: any report name converts
        source.write_bytes(_printable_copy(report, pages))
        out = _convert(exe, source, Path(tmp) / "out", timeout, report)
        dest = pdf_path(report)
        write_atomic(dest, out.read_bytes())
    return dest


def _printable_copy(report: Path, pages: Pages) -> bytes:
    """The report's bytes; for the dashboard alone, with every other sheet hidden."""
    if pages == "all":
        return report.read_bytes()
    members = read_members(report)
    small = {
        m.name: decompress(report, m)
        for m in members
        if m.name.endswith(".rels") or m.name.endswith("workbook.xml")
    }
    info = read_workbook_info(report, small)
    ref = info.names.get(contract.DASH_MONTH)
    if ref is None:
        raise WorkbookError(
            report,
            "no dashboard to print (the workbook does not define dash_month)",
            hint="use --pdf all to print every sheet",
        )
    dashboard = next(name for name, part in info.sheets.items() if part == ref.part)
    xml = _only_sheet(report, small[info.workbook_part], info.workbook_part, dashboard)
    return zip_bytes([replaced(m, xml) if m.name == info.workbook_part else m for m in members])


def _only_sheet(report: Path, xml: bytes, part: str, sheet: str) -> bytes:
    """``workbook.xml`` with every sheet but ``sheet`` hidden, and ``sheet`` the active one."""
    root = parse_xml(report, part, xml)
    sheets = root.findall(f"{_MAIN}sheets/{_MAIN}sheet")
    names = [s.get("name") for s in sheets]
    for s in sheets:
        if s.get("name") == sheet:
            s.attrib.pop("state", "")
        else:
            s.set("state", "hidden")
    view = root.find(f"{_MAIN}bookViews/{_MAIN}workbookView")
    if view is not None:
        view.set("activeTab", str(names.index(sheet)))
        view.set("firstSheet", str(names.index(sheet)))
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def _profile() -> Path:
    """This process's private LibreOffice profile (created once, removed at exit)."""
    pid = os.getpid()
    if pid not in _profiles:
        path = Path(tempfile.mkdtemp(prefix="kpi_xl_lo_"))
        _profiles[pid] = path
        atexit.register(shutil.rmtree, path, True)
    return _profiles[pid]


def _convert(exe: str, source: Path, out_dir: Path, timeout: float, report: Path) -> Path:
    cmd = [exe, f"-env:UserInstallation={_profile().as_uri()}", "--headless", "--norestore",
           "--convert-to", "pdf", "--outdir", str(out_dir), str(source)]  # fmt: skip
    # A session of its own: on a timeout the whole LibreOffice process group is stopped.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # fmt: skip
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        raise PdfError(
            f"{report}: LibreOffice took more than {timeout:g} s to write the PDF; no PDF "
            "written.\n  What to do: close other LibreOffice windows and run the command again"
        ) from None
    out = out_dir / f"{source.stem}.pdf"
    if proc.returncode != 0 or not out.is_file():
        detail = (stderr or stdout).strip().splitlines()[-1:] or ["no output"]
        raise PdfError(
            f"{report}: LibreOffice could not write the PDF (exit {proc.returncode}: "
            f"{detail[0]}); no PDF written.\n  What to do: open the report in LibreOffice to "
            "check it, then run the command again"
        )
    return out


def _stop(proc: subprocess.Popen[str]) -> None:
    """Kill a conversion and every process it started."""
    killpg = getattr(os, "killpg", None)
    with contextlib.suppress(OSError):
        if killpg is not None:
            killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    proc.communicate()


def remove_pdf_temporaries(folder: Path) -> None:
    """Temporary PDFs an interrupted run left behind (``.<name>.pdf.<random>.tmp``)."""
    for path in Path(folder).glob(".*.pdf.*.tmp"):
        with contextlib.suppress(OSError):
            path.unlink()
