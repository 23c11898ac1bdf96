"""``kpi-xl batch``, ``fill`` and ``refresh`` from the command line: failures, skips, safety."""

from __future__ import annotations

import csv
import datetime as dt
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from test_writer_workbooks import defined_values

from kpi_xl import batch, sample_data
from kpi_xl.batch import (
    STATUS_TEXT,
    SUMMARY_FIELDS,
    SUMMARY_HEADER,
    SUMMARY_NAME,
    ClientResult,
    Job,
    run_batch,
)
from kpi_xl.batch import run_client as real_run_client
from kpi_xl.cli import main

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
INJECTIONS = ('=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1)")
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("portfolio")
    sample_data.write_portfolio(folder, 4)
    return folder


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small company's exports, shared read-only (kpi-xl never writes into exports)."""
    folder = tmp_path_factory.mktemp("exports")
    sample_data.write_sample_exports(folder, sample_data.Company(scale=0.05))
    return folder


def _summary(out: Path, sep: str | None = None) -> list[dict[str, str]]:
    """The summary's rows by English field name, statuses as codes (``skipped``, not ``à jour``).

    The clients' language (the system's here) decides the separator unless ``sep`` is given.
    """
    content = (out / SUMMARY_NAME).read_text(encoding="utf-8-sig")
    sep = sep or (";" if content.startswith("client;") else ",")
    lang = "fr" if sep == ";" else "en"
    codes = {text(lang): code for code, text in STATUS_TEXT.items()}
    with open(out / SUMMARY_NAME, encoding="utf-8-sig", newline="") as handle:
        head, *rows = list(csv.reader(handle, delimiter=sep))
    assert tuple(head) == SUMMARY_HEADER[lang]
    found = [dict(zip(SUMMARY_FIELDS, row, strict=True)) for row in rows]
    return [{**r, "status": codes[r["status"]]} for r in found]


def test_batch_fills_every_client_and_skips_up_to_date(portfolio: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    assert main(["batch", str(portfolio), "--out", str(out), "--jobs", "2"]) == 0
    rows = _summary(out)
    assert [r["status"] for r in rows] == ["ok"] * 4
    assert all(Path(r["output"]).is_file() for r in rows)
    assert main(["batch", str(portfolio), "--out", str(out), "--jobs", "2"]) == 0
    assert [r["status"] for r in _summary(out)] == ["skipped"] * 4
    time.sleep(0.01)
    (portfolio / "client_002" / "saisie_manuelle.csv").touch()
    assert main(["batch", str(portfolio), "--out", str(out), "--jobs", "1"]) == 0
    assert [r["status"] for r in _summary(out)] == ["skipped", "ok", "skipped", "skipped"]
    assert main(["batch", str(portfolio), "--out", str(out), "--force"]) == 0
    assert [r["status"] for r in _summary(out)] == ["ok"] * 4


def test_until_is_applied_to_up_to_date_reports_and_undone_by_the_next_plain_run(
    tmp_path: Path,
) -> None:
    from kpi_xl.batch import run_batch
    from kpi_xl.sample_data import write_portfolio

    write_portfolio(tmp_path / "pf", 1)
    out = tmp_path / "out"
    (first,) = run_batch(tmp_path / "pf", out, jobs=1)
    assert first.message.startswith("9 months (2025-01 to 2025-09)")
    (cut,) = run_batch(tmp_path / "pf", out, jobs=1, until="2025-06")
    assert cut.status != "skipped"  # the report was up to date, but --until is news
    (plain,) = run_batch(tmp_path / "pf", out, jobs=1)
    assert plain.status == "ok" and plain.message.startswith("9 months")
    (again,) = run_batch(tmp_path / "pf", out, jobs=1)
    assert again.status == "skipped"


def test_one_bad_client_does_not_stop_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "pf"
    sample_data.write_portfolio(folder, 3)
    bad = folder / "client_002" / "commandes_shopify.csv"
    lines = bad.read_text(encoding="utf-8").splitlines()
    fields = lines[5].split(",")
    fields[11] = "le 32 du mois"  # Created at
    lines[5] = ",".join(fields)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(folder), "--out", str(out), "--jobs", "2"]) == 1
    rows = {r["client"]: r for r in _summary(out)}
    assert rows["client_002"]["status"] == "failed"
    assert "commandes_shopify.csv" in rows["client_002"]["message"]
    assert "line 6" in rows["client_002"]["message"]
    assert rows["client_001"]["status"] == rows["client_003"]["status"] == "ok"
    assert not (out / "client_002.xlsx").exists()


@pytest.mark.parametrize("name", INJECTIONS)
def test_company_names_and_export_text_stay_strings(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "pf"
    client = folder / name.replace("/", "")  # the client folder names the company
    sample_data.write_sample_exports(client, sample_data.Company(name="x", scale=0.05))
    orders = client / "commandes_shopify.csv"
    text = orders.read_text(encoding="utf-8").replace(
        ",Camille Martin,", ',"' + name.replace('"', '""') + '",'
    )
    assert name in text.replace('""', '"')
    orders.write_text(text, encoding="utf-8")
    results = run_batch(folder, tmp_path / "out", jobs=1)
    assert results[0].status == "ok", results[0].message
    out = results[0].output
    assert out is not None
    with zipfile.ZipFile(out) as z:
        sheets = {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")}
    company = [
        c
        for data in sheets.values()
        for c in etree.fromstring(data).iterfind(".//m:c", NS)
        if "".join(str(t) for t in c.itertext()) == client.name
    ]
    assert company and all(c.find("m:f", NS) is None for c in company)
    assert all(c.get("t") == "inlineStr" for c in company)
    for data in sheets.values():  # the customer name in the orders never became a formula
        for f in etree.fromstring(data).iterfind(".//m:f", NS):
            assert "cmd|" not in (f.text or "") and "http://x" not in (f.text or "")


def test_read_only_output_folder_is_a_clear_error(
    exports: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "ro"
    out.mkdir()
    if os.geteuid() == 0:  # root writes anywhere: simulate what the OS says to a user
        import tempfile

        def denied(*args: object, **kw: object) -> None:
            raise PermissionError(13, "Permission denied", str(out))

        monkeypatch.setattr(tempfile, "mkstemp", denied)
    else:
        out.chmod(0o555)
    code = main(["fill", "--from", str(exports), "--out", str(out / "r.xlsx")])
    err = capsys.readouterr().err
    assert code == 2
    assert "Permission denied" in err and str(out) in err and "Traceback" not in err
    assert list(out.iterdir()) == []


def test_refresh_refuses_a_workbook_open_in_excel(
    exports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.xlsx"
    assert main(["fill", "--from", str(exports), "--out", str(report)]) == 0
    (tmp_path / "~$report.xlsx").write_bytes(b"\x00owner")
    before = report.read_bytes()
    assert main(["refresh", str(report), "--from", str(exports)]) == 2
    err = capsys.readouterr().err
    assert "open" in err and "~$report.xlsx" in err and "close it" in err
    assert report.read_bytes() == before
    (tmp_path / "~$report.xlsx").unlink()
    assert main(["refresh", str(report), "--from", str(exports)]) == 0


def test_fill_refuses_to_write_into_the_exports(
    exports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = sorted(p.name for p in exports.iterdir())
    assert main(["fill", "--from", str(exports), "--out", str(exports / "r.xlsx")]) == 2
    assert "inside the exports folder" in capsys.readouterr().err
    assert sorted(p.name for p in exports.iterdir()) == files


def test_missing_output_folder_or_workbook_is_a_clear_error(
    exports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "no_such_folder" / "r.xlsx"
    assert main(["fill", "--from", str(exports), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"the folder {out.parent} does not exist" in err and ".tmp" not in err
    assert main(["refresh", str(tmp_path / "r.xlsx"), "--from", str(exports)]) == 2
    err = capsys.readouterr().err
    assert "r.xlsx: no such workbook" in err and "kpi-xl fill" in err


def test_corrupt_template_is_a_clear_error(
    exports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "t.xlsx"
    template.write_bytes(b"this is not an xlsx")
    code = main(["fill", "--from", str(exports), "--template", str(template), "--out",
                 str(tmp_path / "r.xlsx")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "t.xlsx" in err and "not an xlsx workbook" in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_killed_batch_leaves_no_half_written_workbook(tmp_path: Path) -> None:
    folder = tmp_path / "pf"
    sample_data.write_portfolio(folder, 40)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "kpi_xl", "batch", str(folder), "--out", str(out), "--jobs", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.xlsx"))) < 3:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    written = list(out.glob("*.xlsx"))
    assert 3 <= len(written) < 40, "kill the batch while it runs"
    for path in written:
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None
        openpyxl.load_workbook(path, read_only=True).close()
    leftovers = [p.name for p in out.iterdir() if p.suffix != ".xlsx"]
    # A kill -9 leaves hidden temp files and lock files (the lock itself dies with the
    # process; the next command reuses and removes the file), never a visible half report.
    assert all(
        name.startswith(".") and name.endswith((".tmp", ".kpi-xl-lock")) for name in leftovers
    )
    assert main(["batch", str(folder), "--out", str(out), "--jobs", "2"]) == 0
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert len(list(out.glob("client_*.xlsx"))) == 40
    assert len(list(out.glob("portfolio.xlsx")) + list(out.glob("portefeuille.xlsx"))) == 1


def test_a_year_the_exports_do_not_cover_is_a_clear_error(
    exports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.xlsx"
    assert main(["fill", "--from", str(exports), "--year", "2030", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "2030-01 to 2030-12" in err and "2023-01 to 2025-09" in err and "--year" in err
    assert not out.exists()


def test_refresh_with_exports_of_another_year_is_a_clear_error(
    exports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.xlsx"
    assert main(["fill", "--from", str(exports), "--year", "2024", "--out", str(report)]) == 0
    other = tmp_path / "other"
    company = sample_data.Company(scale=0.05, last_month=dt.date(2023, 6, 1))
    sample_data.write_sample_exports(other, company)
    before = report.read_bytes()
    capsys.readouterr()
    assert main(["refresh", str(report), "--from", str(other)]) == 2
    assert "2024-01 to 2024-12" in capsys.readouterr().err
    assert report.read_bytes() == before


def test_refresh_with_the_same_exports_changes_nothing(
    exports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.xlsx"
    assert main(["fill", "--from", str(exports), "--out", str(report)]) == 0
    before = report.read_bytes()
    capsys.readouterr()
    assert main(["refresh", str(report), "--from", str(exports)]) == 0
    assert "already up to date" in capsys.readouterr().out
    assert report.read_bytes() == before
    assert not (tmp_path / "r.xlsx.bak").exists()


def _dying(job: Job) -> ClientResult:
    """A client whose worker process dies (as under the OOM killer)."""
    if job.client.name == "client_002":
        os._exit(9)
    return real_run_client(job)


def test_a_dead_worker_fails_its_clients_not_the_batch(
    portfolio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "run_client", _dying)  # forked workers inherit the patch
    results = run_batch(portfolio, tmp_path / "out", jobs=2, force=True)
    by_client = {r.client: r for r in results}
    assert by_client["client_002"].status == "failed"
    assert "worker process died" in by_client["client_002"].message
    assert len(results) == 4
    for r in results:
        if r.status == "ok":
            assert r.output is not None and zipfile.ZipFile(r.output).testzip() is None


def test_summary_follows_the_language_csv_convention(portfolio: Path, tmp_path: Path) -> None:
    out = tmp_path / "en"
    assert main(["batch", str(portfolio), "--out", str(out), "--lang", "en"]) == 0
    assert [r["status"] for r in _summary(out, sep=",")] == ["ok"] * 4
    first = (out / SUMMARY_NAME).read_text(encoding="utf-8-sig").splitlines()[0]
    assert first == "client,status,message,warnings,output"


def test_reports_inside_the_portfolio_and_the_config_company(tmp_path: Path) -> None:
    folder = tmp_path / "pf"
    sample_data.write_portfolio(folder, 2)
    config = folder / "client_001" / "kpi_xl.toml"
    config.write_text('company = "Boulangerie Martin SARL"\n', encoding="utf-8")
    out = folder / "reports"  # the reports folder is not a client, even on a second run
    for _ in range(2):
        assert main(["batch", str(folder), "--out", str(out), "--jobs", "1", "--force"]) == 0
        assert [r["client"] for r in _summary(out)] == ["client_001", "client_002"]
    wb = openpyxl.load_workbook(out / "client_001.xlsx")
    assert defined_values(wb, "set_company") == ["Boulangerie Martin SARL"]
    wb = openpyxl.load_workbook(out / "client_002.xlsx")
    assert defined_values(wb, "set_company") == ["Client 002"]  # the folder name, readable
