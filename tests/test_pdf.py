"""``--pdf``: the dashboard (or every sheet) as a PDF beside the report, through LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from libreoffice import require_soffice
from test_writer_workbooks import defined_values

from kpi_xl import pdf, sample_data
from kpi_xl.cli import main

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


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
