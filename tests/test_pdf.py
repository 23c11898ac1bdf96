"""``--pdf``: the dashboard (or every sheet) as a PDF beside the report, through LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from libreoffice import require_soffice
from test_writer_workbooks import defined_values

from kpi_xl import catalog, pdf, sample_data
from kpi_xl.catalog import Unit
from kpi_xl.cli import main
from kpi_xl.workbook.template import layout

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(autouse=True)
def _french(monkeypatch: pytest.MonkeyPatch) -> None:
    """French clients (no kpi_xl.toml language): the system's language decides."""
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    sample_data.write_sample_exports(folder, sample_data.Company(scale=0.05))
    sample_data.write_sample_config(folder)
    return folder


def _text(path: Path) -> str:
    exe = shutil.which("pdftotext")
    assert exe is not None, "poppler-utils (pdftotext) is needed by this test"
    proc = subprocess.run([exe, "-layout", str(path), "-"], capture_output=True, check=True)
    return proc.stdout.decode("utf-8")


def _shown(value: float, unit: str) -> list[str]:
    """How the dashboard prints ``value`` (either decimal separator: the reader's locale)."""
    if unit == "ratio":
        text = f"{value * 100:.1f}%"
    elif unit == "currency":
        text = f"{value:,.2f}".replace(",", " ")
    else:
        text = f"{value:.1f}"
    return [text, text.replace(".", ",")]


def test_fill_pdf_shows_the_dashboard_values(
    exports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    require_soffice()
    report = tmp_path / "rapport.xlsx"
    assert main(["fill", "--from", str(exports), "--out", str(report), "--pdf"]) == 0
    assert f"PDF: {tmp_path / 'rapport.pdf'}" in capsys.readouterr().out
    text = _text(tmp_path / "rapport.pdf")
    assert text.count("\f") == 1  # the dashboard: one page
    assert "Tableau de bord — Maison Lavande" in text and "septembre 2025" in text
    wb = openpyxl.load_workbook(report, data_only=True)
    shown = 0
    for slot in range(1, 6):
        name = defined_values(wb, f"dash_{slot}_name")[0]
        value = defined_values(wb, f"dash_{slot}_value")[0]
        status = defined_values(wb, f"dash_{slot}_status")[0]
        assert str(name).split()[0] in text
        if isinstance(value, float) and "Taux" in str(name):  # rates: "3.3%"
            assert any(s in text for s in _shown(value, "ratio")), (name, value)
            shown += 1
        if status:
            assert status in text
    assert shown >= 1
    assert " pt" in text  # a change of a rate reads in points
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_pdf_all_prints_every_sheet(exports: Path, tmp_path: Path) -> None:
    require_soffice()
    report = tmp_path / "r.xlsx"
    assert main(["fill", "--from", str(exports), "--out", str(report), "--pdf", "all"]) == 0
    text = _text(tmp_path / "r.pdf")
    assert text.count("\f") >= 6
    for title in ("Tableau de bord", "Paramètres", "Saisies", "Indicateurs"):
        assert title in text


def test_refresh_and_batch_write_pdfs_too(exports: Path, tmp_path: Path) -> None:
    require_soffice()
    report = tmp_path / "r.xlsx"
    assert main(["fill", "--from", str(exports), "--out", str(report)]) == 0
    assert main(["refresh", str(report), "--from", str(exports), "--pdf"]) == 0
    assert "Maison Lavande" in _text(tmp_path / "r.pdf")
    folder, out = tmp_path / "pf", tmp_path / "out"
    sample_data.write_portfolio(folder, 1)
    assert main(["batch", str(folder), "--out", str(out), "--pdf"]) == 0
    assert "Client 001" in _text(out / "client_001.pdf")


def test_without_libreoffice_the_command_says_how_to_install_it(
    exports: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    report = tmp_path / "r.xlsx"
    assert main(["fill", "--from", str(exports), "--out", str(report), "--pdf"]) == 2
    err = capsys.readouterr().err
    assert "LibreOffice" in err and "apt-get install" in err and "Traceback" not in err
    assert not report.exists()
    folder = tmp_path / "pf"
    sample_data.write_portfolio(folder, 1)
    assert main(["batch", str(folder), "--out", str(tmp_path / "out"), "--pdf"]) == 2
    assert "apt-get install" in capsys.readouterr().err


def test_a_failed_conversion_leaves_no_pdf(
    exports: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report = tmp_path / "r.xlsx"
    assert main(["fill", "--from", str(exports), "--out", str(report)]) == 0
    (tmp_path / "r.pdf").write_bytes(b"%PDF-1.4 the previous PDF")
    false = shutil.which("false")
    assert false is not None
    monkeypatch.setattr(pdf, "soffice", lambda: false)
    with pytest.raises(pdf.PdfError, match="could not write the PDF"):
        pdf.write_pdf(report)
    assert (tmp_path / "r.pdf").read_bytes() == b"%PDF-1.4 the previous PDF"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf", "r.xlsx"]


def test_a_conversion_over_the_timeout_is_stopped(
    exports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "r.xlsx"
    assert main(["fill", "--from", str(exports), "--out", str(report)]) == 0
    slow = tmp_path / "slow_soffice"
    slow.write_text("#!/bin/sh\nsleep 5\n", encoding="utf-8")
    slow.chmod(0o755)
    monkeypatch.setattr(pdf, "soffice", lambda: str(slow))
    with pytest.raises(pdf.PdfError, match=r"more than 0\.5 s"):
        pdf.write_pdf(report, timeout=0.5)
    assert not (tmp_path / "r.pdf").exists()


def test_every_template_sheet_prints_on_a4_one_page_wide() -> None:
    from kpi_xl.workbook.template.templates import template_path

    for lang in ("fr", "en"):
        wb = openpyxl.load_workbook(template_path(lang))
        for ws in wb.worksheets:
            assert ws.page_setup.paperSize == 9, ws.title
            assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
            assert ws.page_setup.fitToWidth in (None, 1), ws.title  # absent: 1 (OOXML default)
        dashboard = wb.worksheets[1]
        last = layout.DASH_LAST_PRINT_ROW + 1
        assert str(dashboard.print_area).endswith(f"!$A$1:$H${last}")  # helpers (J on) never print
        assert layout.DASH_COL_HELP_ROW > layout.DASH_LAST_PRINT_COL == 7
        inputs = wb["Saisies" if lang == "fr" else "Inputs"]
        assert inputs.print_title_rows == "$1:$4" and inputs.print_title_cols == "$A:$C"


def test_a_change_of_a_rate_is_shown_in_points(exports: Path, tmp_path: Path) -> None:
    report = tmp_path / "r.xlsx"
    assert main(["fill", "--from", str(exports), "--out", str(report)]) == 0
    wb = openpyxl.load_workbook(report, data_only=True)
    rates = 0
    for slot in range(1, 6):
        name = defined_values(wb, f"dash_{slot}_name")[0]
        kpi = catalog.get(str(name))
        change = defined_values(wb, f"dash_{slot}_change")[0]
        kpi_change = defined_values(wb, f"kpi_{kpi.id}_change")[0]
        if isinstance(change, float) and kpi.unit is Unit.RATIO:
            assert change == pytest.approx(kpi_change * 100)
            rates += 1
        elif isinstance(change, float):
            assert change == pytest.approx(kpi_change)
    assert rates >= 1
    formats = [
        rule.dxf.numFmt.formatCode
        for rng in wb.worksheets[1].conditional_formatting
        for rule in rng.rules
        if rule.dxf is not None and rule.dxf.numFmt is not None
    ]
    assert '+0.0" pt";-0.0" pt";0.0" pt"' in formats
