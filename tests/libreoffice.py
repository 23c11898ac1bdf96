"""Test support: recalculate workbooks with LibreOffice headless and render sheets to images.

Usage from any test module under ``tests/``::

    from libreoffice import recalc, recalc_many, render_pdf, render_png, require_soffice

    out = recalc(Path("filled.xlsx"), tmp_path)          # LibreOffice recomputed every formula
    values = openpyxl.load_workbook(out, data_only=True)  # read the results
    png = render_png(Path("filled.xlsx"), tmp_path, sheet="Dashboard")

Every call uses one private LibreOffice profile per test session whose
``registrymodifications.xcu`` sets ``OOXMLRecalcMode`` to 0 ("always
recalculate").  LibreOffice 7.x otherwise keeps the cached values stored in
the file, so a wrong formula would pass unnoticed; ``test_templates_engine``
proves the setting works with a deliberately wrong cached value.

When ``soffice`` is missing, :func:`require_soffice` skips the test locally
and fails it when the ``CI`` environment variable is set (CI must run them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from lxml import etree

TIMEOUT = 180  # seconds for one LibreOffice conversion batch

_RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

_profile: Path | None = None


def soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """The soffice path; skips the test locally, fails it in CI, when LibreOffice is missing."""
    exe = soffice()
    if exe is None:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run the LibreOffice tests)")
        pytest.skip(message)
    return exe


def profile_dir() -> Path:
    """A private LibreOffice profile for this test session, set to always recalculate."""
    global _profile
    if _profile is None:
        _profile = Path(tempfile.mkdtemp(prefix="kpi_xl_lo_profile_"))
        user = _profile / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(_RECALC_XCU, encoding="utf-8")
    return _profile


def _convert(paths: list[Path], out_dir: Path, target: str) -> list[Path]:
    """Run one soffice conversion of ``paths`` to ``target`` (e.g. ``xlsx``, ``pdf``)."""
    exe = require_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        exe,
        f"-env:UserInstallation={profile_dir().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(out_dir),
        *[str(p) for p in paths],
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    ext = target.split(":")[0]
    outs = [out_dir / f"{p.stem}.{ext}" for p in paths]
    missing = [o for o in outs if not o.is_file()]
    if proc.returncode != 0 or missing or "Error" in proc.stderr:
        raise RuntimeError(
            f"soffice failed (exit {proc.returncode}) converting {[p.name for p in paths]} "
            f"to {target}; missing {missing}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
        )
    return outs


def recalc_many(paths: list[Path], out_dir: Path) -> list[Path]:
    """Recalculate several xlsx files in one LibreOffice run; return the recalculated copies.

    The copies are written to ``out_dir`` under the same names (``out_dir``
    must not be the inputs' folder).  Read them with
    ``openpyxl.load_workbook(path, data_only=True)``.
    """
    if any(p.resolve().parent == out_dir.resolve() for p in paths):
        raise ValueError("out_dir must differ from the input files' folder")
    return _convert(paths, out_dir, "xlsx")


def recalc(path: Path, out_dir: Path) -> Path:
    """Recalculate one xlsx file with LibreOffice; return the recalculated copy in ``out_dir``."""
    return recalc_many([path], out_dir)[0]


def _only_sheet(path: Path, sheet: str, out_dir: Path) -> Path:
    """A copy of ``path`` whose only *visible, active* sheet is ``sheet`` (for PDF export).

    LibreOffice exports every sheet to PDF; hiding the others in the copy
    (workbook XML only, so charts and sparklines survive) leaves one page.
    """
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    out = out_dir / f"{path.stem}_{_slug(sheet)}.xlsx"
    out_dir.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = _hide_others(etree.fromstring(data), sheet, ns)
            dst.writestr(item, data)
    return out


def _hide_others(root: etree._Element, sheet: str, ns: dict[str, str]) -> bytes:
    sheets = root.findall(".//m:sheets/m:sheet", ns)
    names = [s.get("name") for s in sheets]
    if sheet not in names:
        raise ValueError(f"no sheet {sheet!r}; sheets: {names}")
    for s in sheets:
        if s.get("name") == sheet:
            s.attrib.pop("state", "")
        else:
            s.set("state", "hidden")
    view = root.find(".//m:bookViews/m:workbookView", ns)
    if view is not None:
        view.set("activeTab", str(names.index(sheet)))
        view.set("firstSheet", str(names.index(sheet)))
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text).strip("_").lower()


def render_pdf(path: Path, out_dir: Path, sheet: str) -> Path:
    """PDF of one sheet (after recalculation), laid out by the sheet's print setup."""
    single = _only_sheet(path, sheet, out_dir / "single")
    return _convert([single], out_dir, "pdf")[0]


def render_png(path: Path, out_dir: Path, sheet: str, dpi: int = 60) -> Path:
    """PNG of the first page of one sheet: LibreOffice to PDF, then poppler's ``pdftoppm``."""
    pdf = render_pdf(path, out_dir, sheet)
    exe = shutil.which("pdftoppm")
    if exe is None:
        message = "poppler-utils (pdftoppm) is not installed"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    stem = out_dir / pdf.stem
    subprocess.run(
        [exe, "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
        check=True,
        timeout=TIMEOUT,
        capture_output=True,
    )
    return stem.with_suffix(".png")
