"""The portfolio overview and the batch summary: right figures, attention first, safe text."""

from __future__ import annotations

import csv
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_writer_workbooks import defined_values

from kpi_xl import catalog, sample_data
from kpi_xl.batch import SUMMARY_NAME, ClientResult, run_batch, summary_csv
from kpi_xl.cli import main
from kpi_xl.portfolio import MEMORY_NAME, overview_rows, row_of, write_overview

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(autouse=True)
def _french(monkeypatch: pytest.MonkeyPatch) -> None:
    """French clients (no kpi_xl.toml language): the system's language decides."""
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")


INJECTIONS = ('=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\tx")


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three clients: two full ones (one with a tough target) and one with only its FEC."""
    folder = tmp_path_factory.mktemp("pf")
    sample_data.write_portfolio(folder, 2)
    (folder / "client_002" / "kpi_xl.toml").write_text(
        'company = "Martin & Fils"\n\n[targets]\nnet_margin = 0.5\nrevenue_growth = 0.9\n',
        encoding="utf-8",
    )
    fec_only = folder / "client_003"
    fec_only.mkdir()
    for fec in (folder / "client_001").glob("*FEC*.txt"):
        shutil.copy(fec, fec_only / fec.name)
    return folder


def _sheet_rows(path: Path) -> tuple[list[str], list[list[object]], openpyxl.Workbook]:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    return [str(h) for h in rows[0]], rows[1:], wb


def test_overview_rows_equal_each_report_cached_values(portfolio: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["batch", str(portfolio), "--out", str(out), "--jobs", "2"]) == 0
    heads, rows, wb = _sheet_rows(out / "portefeuille.xlsx")
    ws = wb.worksheets[0]
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref is not None
    assert ws.page_setup.paperSize == 9 and ws.print_title_rows == "$1:$1"
    assert len(rows) == 3
    checked = 0
    for i, row in enumerate(rows, start=2):
        link = ws.cell(i, len(heads)).hyperlink
        assert link is not None
        report = openpyxl.load_workbook(out / link.target, data_only=True)
        assert row[0] == defined_values(report, "set_company")[0]
        off = sum(defined_values(report, f"kpi_{k.id}_status")[0] == "Hors objectif"
                  for k in catalog.KPIS)  # fmt: skip
        assert row[heads.index("KPI hors objectif")] == off
        for kpi in catalog.KPIS:
            if kpi.name("fr") not in heads:
                continue
            col = heads.index(kpi.name("fr"))
            value = defined_values(report, f"kpi_{kpi.id}_value")[0]
            status = defined_values(report, f"kpi_{kpi.id}_status")[0]
            expected = value if value not in ("", None) else None
            # XlsxWriter stores 16 significant digits, the report's writer 17
            assert row[col] == (expected if expected is None else pytest.approx(expected, 1e-15))
            assert row[col + 1] == (status or None)
            checked += 1
    assert checked >= 10


def test_clients_needing_attention_come_first(portfolio: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_overview(run_batch(portfolio, out, jobs=1), out, "fr")
    results = run_batch(portfolio, out, jobs=1)  # all skipped: the rows come from memory
    assert {r.status for r in results} == {"skipped"}
    assert (out / MEMORY_NAME).is_file()
    path = write_overview(results, out, "fr")
    heads, rows, _ = _sheet_rows(path)
    off = [r[heads.index("KPI hors objectif")] for r in rows]
    assert off == sorted(off, reverse=True) and off[0] >= 2
    assert rows[0][0] == "Martin & Fils"
    assert all(r[1] == "à jour" for r in rows)
    failed = ClientResult("zz", "failed", "zz/orders.csv, line 3: bad date", None)
    first = overview_rows([*results, failed], {})[0]
    assert first.status == "failed" and "line 3" in first.message


def test_english_clients_get_an_english_overview_and_summary(tmp_path: Path) -> None:
    folder, out = tmp_path / "pf", tmp_path / "out"
    sample_data.write_portfolio(folder, 1)
    sample_data.write_sample_config(folder / "client_001", lang="en")
    assert main(["batch", str(folder), "--out", str(out)]) == 0
    assert (out / "portfolio.xlsx").is_file() and not (out / "portefeuille.xlsx").exists()
    first = (out / SUMMARY_NAME).read_text(encoding="utf-8-sig").splitlines()[0]
    assert first == "client,status,message,warnings,output"


def test_warnings_make_the_status_ok_with_warnings(tmp_path: Path) -> None:
    figures = None
    result = ClientResult("a", "ok, with warnings", "9 mois", Path("a.xlsx"), warnings=("w1",),
                          figures=figures)  # fmt: skip
    text = summary_csv([result], "fr")
    row = list(csv.reader(text.splitlines(), delimiter=";"))[1]
    assert row[1] == "ok, avec avertissements" and row[3] == "w1"
    assert row_of(result).warnings == ("w1",)


@pytest.mark.parametrize("name", INJECTIONS)
def test_summary_cells_are_escaped_against_formulas(name: str) -> None:
    result = ClientResult(name, "failed", name, None)
    for lang, sep in (("fr", ";"), ("en", ",")):
        row = list(csv.reader(summary_csv([result], lang).splitlines(), delimiter=sep))[1]
        assert row[0] == "'" + name and row[2] == "'" + name


def test_injection_folder_names_stay_text_in_summary_and_overview(tmp_path: Path) -> None:
    folder, out = tmp_path / "pf", tmp_path / "out"
    for name in INJECTIONS[:3]:
        client = folder / name.replace("/", "")
        sample_data.write_sample_exports(client, sample_data.Company(name="x", scale=0.05))
    assert main(["batch", str(folder), "--out", str(out), "--jobs", "1"]) == 0
    with open(out / SUMMARY_NAME, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))[1:]
    assert all(r[0].startswith("'") and r[4].startswith("/") for r in rows)
    _, overview, _ = _sheet_rows(out / "portefeuille.xlsx")
    assert {r[0] for r in overview} == {n.replace("/", "") for n in INJECTIONS[:3]}


@pytest.mark.skipif(os.name == "nt", reason="Windows file names are always Unicode")
def test_a_folder_name_that_is_not_utf8_does_not_lose_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, out = tmp_path / "pf", tmp_path / "out"
    sample_data.write_portfolio(folder, 1)
    raw = os.fsencode(folder) + b"/caf\xe9_latin1"
    os.rename(os.fsencode(folder / "client_001"), raw)
    assert main(["batch", str(folder), "--out", str(out), "--jobs", "1"]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    summary = (out / SUMMARY_NAME).read_text(encoding="utf-8-sig")
    assert "caf\ufffd_latin1" in summary and "ok" in summary
    (report,) = out.glob("caf\ufffd_latin1_*.xlsx")  # + a digest of the name's bytes
    assert zipfile.ZipFile(report).testzip() is None
    _, rows, _ = _sheet_rows(out / "portefeuille.xlsx")
    assert rows[0][0] == "Caf\ufffd Latin1"


def test_out_inside_a_client_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "pf"
    sample_data.write_portfolio(folder, 2)
    before = sorted(p.name for p in (folder / "client_001").iterdir())
    out = folder / "client_001" / "reports"
    assert main(["batch", str(folder), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "inside the client folder" in err and "client_001" in err and "--out" in err
    assert not out.exists()
    assert sorted(p.name for p in (folder / "client_001").iterdir()) == before
