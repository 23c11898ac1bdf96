"""``kpi-xl batch`` refreshes reports in place: user edits survive, --rebuild starts again.

The accountant's month: a first batch, edits made to a report (a sheet, a
chart, a note, cells outside the owned ranges), then new exports and a
second batch.  Every edit must come back byte for byte.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from test_writer_workbooks import defined_values

from kpi_xl import sample_data
from kpi_xl.batch import run_batch
from kpi_xl.cli import main
from kpi_xl.errors import WorkbookError
from kpi_xl.report import refresh_report
from kpi_xl.workbook.write.workbook import Workbook

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(autouse=True)
def _french(monkeypatch: pytest.MonkeyPatch) -> None:
    """French clients (no kpi_xl.toml language): the system's language decides."""
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")


JUNE, SEPTEMBER = dt.date(2025, 6, 1), dt.date(2025, 9, 1)


def _exports(folder: Path, name: str, seed: int, last: dt.date) -> None:
    """A client's exports up to ``last`` (the same history whatever ``last`` is)."""
    if folder.exists():
        shutil.rmtree(folder)
    company = sample_data.Company(name=name, seed=seed, scale=0.05, last_month=last)
    sample_data.write_sample_exports(folder, company)


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _cell_xml(sheet: bytes, ref: str) -> bytes:
    match = re.search(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', sheet, re.S)
    assert match is not None, ref
    return match.group(0)


def _edit(report: Path) -> None:
    """What an accountant adds to a report, made with openpyxl on a copy, then moved over it."""
    copy = report.with_name("copy.xlsx")
    wb = openpyxl.load_workbook(report)
    notes = wb.create_sheet("Suivi client")
    notes["A1"], notes["B1"] = "Mois", "Appels"
    for i in range(2, 6):
        notes.cell(i, 1, f"M{i}")
        notes.cell(i, 2, i * 3)
    chart = BarChart()
    chart.add_data(Reference(notes, min_col=2, min_row=1, max_row=5), titles_from_data=True)
    notes.add_chart(chart, "D2")
    wb["Tableau de bord"]["B40"] = "Appeler le client en octobre"
    wb["Tableau de bord"]["B40"].comment = Comment("Note du cabinet", "Cabinet")
    wb["Saisies"]["A45"] = "Chiffres vérifiés avec le client"
    wb["Saisies"]["R10"] = "=SUM(D10:O10)"
    wb.save(copy)
    copy.replace(report)


def test_second_batch_keeps_every_user_edit_and_adds_the_new_months(tmp_path: Path) -> None:
    folder, out = tmp_path / "pf", tmp_path / "out"
    _exports(folder / "dupont", "Dupont", 11, JUNE)
    _exports(folder / "martin", "Martin", 12, JUNE)
    run_batch(folder, out, jobs=1)
    report = out / "dupont.xlsx"
    wb = openpyxl.load_workbook(report, data_only=True)
    assert defined_values(wb, "months")[5] == dt.datetime(2025, 6, 1)
    _edit(report)
    before = _members(report)
    time.sleep(0.02)
    _exports(folder / "dupont", "Dupont", 11, SEPTEMBER)  # the month's new exports
    results = {r.client: r for r in run_batch(folder, out, jobs=1)}
    assert results["dupont"].status == "ok", results["dupont"].message
    assert results["martin"].status == "skipped"
    after = _members(report)
    assert _members(out / "dupont.xlsx.bak") == before  # the previous version is kept
    opened = Workbook(report)
    # Owned: the contract's sheets, and the sheets where the template's own formulas get
    # fresh cached values (the Accounts view), nothing else.
    owned = set(opened.sheets) | set(opened.template_cells("fr")) | {"xl/workbook.xml"}
    template_charts = {n for n in before if n.startswith("xl/charts/chart") and n in after}
    changed = {n for n in before if after.get(n) != before[n]}
    assert changed, "the new months were written"
    assert changed <= owned | template_charts
    assert list(after) == list(before)  # no member added, dropped or moved
    wb = openpyxl.load_workbook(report)
    user_sheet = wb["Suivi client"]
    assert [c.value for c in user_sheet["B"]][1:] == [6, 9, 12, 15]
    assert wb["Tableau de bord"]["B40"].comment.text.startswith("Note du cabinet")
    for part, ref in (("Saisies", "A45"), ("Saisies", "R10"), ("Tableau de bord", "B40")):
        sheet_part = Workbook(report).info.sheets[part]
        assert _cell_xml(after[sheet_part], ref) == _cell_xml(before[sheet_part], ref)
    revenue = defined_values(openpyxl.load_workbook(report, data_only=True), "in_revenue")
    assert all(isinstance(v, float | int) for v in revenue[:9])  # January to September now


def test_rebuild_starts_from_the_template_and_keeps_the_old_report(tmp_path: Path) -> None:
    folder, out = tmp_path / "pf", tmp_path / "out"
    _exports(folder / "dupont", "Dupont", 11, JUNE)
    run_batch(folder, out, jobs=1)
    report = out / "dupont.xlsx"
    _edit(report)
    edited = report.read_bytes()
    assert main(["batch", str(folder), "--out", str(out), "--rebuild", "--jobs", "1"]) == 0
    assert (out / "dupont.xlsx.bak").read_bytes() == edited
    assert "Suivi client" not in openpyxl.load_workbook(report).sheetnames


def test_batch_leaves_a_report_open_in_excel_alone(tmp_path: Path) -> None:
    folder, out = tmp_path / "pf", tmp_path / "out"
    _exports(folder / "dupont", "Dupont", 11, JUNE)
    run_batch(folder, out, jobs=1)
    report = out / "dupont.xlsx"
    before = report.read_bytes()
    (out / "~$dupont.xlsx").write_bytes(b"\x00owner")
    _exports(folder / "dupont", "Dupont", 11, SEPTEMBER)
    (result,) = run_batch(folder, out, jobs=1)
    assert result.status == "failed" and "the workbook is open" in result.message
    assert report.read_bytes() == before


def test_a_client_without_shop_data_sees_kpis_with_data_and_its_name(tmp_path: Path) -> None:
    full = tmp_path / "full"
    sample_data.write_sample_exports(full, sample_data.Company(scale=0.05))
    client = tmp_path / "pf" / "boulangerie_martin"
    client.mkdir(parents=True)
    for fec in [*full.glob("*FEC*.txt"), full / "saisie_manuelle.csv"]:
        shutil.copy(fec, client / fec.name)  # the accountant's files: no shop data
    (result,) = run_batch(tmp_path / "pf", tmp_path / "out", jobs=1)
    assert result.status == "ok", result.message
    wb = openpyxl.load_workbook(tmp_path / "out" / "boulangerie_martin.xlsx", data_only=True)
    assert defined_values(wb, "set_company") == ["Boulangerie Martin"]
    assert defined_values(wb, "set_client_id") == [sample_data.SIREN]
    names = [defined_values(wb, f"dash_{n}_name")[0] for n in range(1, 6)]
    values = [defined_values(wb, f"dash_{n}_value")[0] for n in range(1, 6)]
    assert "Taux de conversion" not in names and "Taux de rétention" not in names
    assert "Croissance du chiffre d'affaires" in names and "Marge nette" in names
    assert all(isinstance(v, float | int) for v in values), dict(zip(names, values, strict=True))
    focus = [defined_values(wb, f"set_focus_{n}")[0] for n in range(1, 6)]
    assert focus == names


def test_a_focus_the_user_chose_is_kept_even_without_data(tmp_path: Path) -> None:
    full = tmp_path / "full"
    sample_data.write_sample_exports(full, sample_data.Company(scale=0.05))
    exports = tmp_path / "fec"
    exports.mkdir()
    for fec in full.glob("*FEC*.txt"):
        shutil.copy(fec, exports / fec.name)
    report = tmp_path / "r.xlsx"
    assert main(["fill", "--from", str(exports), "--out", str(report)]) == 0
    wb = openpyxl.load_workbook(report)
    sheet, ref = next(iter(wb.defined_names["set_focus_1"].destinations))
    wb[sheet][ref] = "Net Promoter Score (NPS)"  # the user's choice: no survey yet
    wb.save(report)
    assert main(["refresh", str(report), "--from", str(exports)]) == 0
    wb = openpyxl.load_workbook(report, data_only=True)
    assert defined_values(wb, "set_focus_1") == ["Net Promoter Score (NPS)"]
    assert defined_values(wb, "dash_1_value") in ([None], [""])


def _fec_of(tmp_path: Path, siren: str, name: str) -> Path:
    full = tmp_path / f"full_{name}"
    sample_data.write_sample_exports(full, sample_data.Company(scale=0.05))
    folder = tmp_path / name
    folder.mkdir()
    for fec in full.glob("*FEC*.txt"):
        shutil.copy(fec, folder / fec.name.replace(sample_data.SIREN, siren))
    return folder


def test_refresh_with_another_company_exports_is_refused_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine, other = _fec_of(tmp_path, "912345678", "mine"), _fec_of(tmp_path, "111111118", "other")
    report = tmp_path / "r.xlsx"
    assert main(["fill", "--from", str(mine), "--out", str(report)]) == 0
    before = report.read_bytes()
    capsys.readouterr()
    assert main(["refresh", str(report), "--from", str(other)]) == 2
    err = capsys.readouterr().err
    assert "'912345678'" in err and "'111111118'" in err and "--force" in err
    assert "Traceback" not in err and report.read_bytes() == before
    assert main(["refresh", str(report), "--from", str(other), "--force"]) == 0
    wb = openpyxl.load_workbook(report)
    assert defined_values(wb, "set_client_id") == ["111111118"]


def test_a_report_without_siren_knows_its_company_by_name(tmp_path: Path) -> None:
    folder, out = tmp_path / "pf", tmp_path / "out"
    _exports(folder / "dupont", "Dupont", 11, JUNE)
    for fec in (folder / "dupont").glob("*FEC*"):
        fec.rename(fec.with_name("grand_livre.txt"))  # a FEC under another name: no SIREN
    run_batch(folder, out, jobs=1)
    assert defined_values(openpyxl.load_workbook(out / "dupont.xlsx"), "set_client_id") == [
        "Dupont"
    ]
    (folder / "dupont" / "kpi_xl.toml").write_text('company = "Martin SA"\n', encoding="utf-8")
    (result,) = run_batch(folder, out, jobs=1)
    assert result.status == "failed"
    assert "belongs to 'Dupont'" in result.message and "'Martin SA'" in result.message


def test_older_reports_without_a_client_cell_still_refresh(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    sample_data.write_sample_exports(exports, sample_data.Company(scale=0.05))
    report = tmp_path / "r.xlsx"
    assert main(["fill", "--from", str(exports), "--out", str(report)]) == 0
    wb = openpyxl.load_workbook(report)
    del wb.defined_names["set_client_id"]  # as the templates before the client cell
    wb.save(report)
    assert main(["refresh", str(report), "--from", str(_fec_of(tmp_path, "1" * 9, "x"))]) == 0


def test_exports_past_the_report_year_are_a_warning_not_a_silent_gap(tmp_path: Path) -> None:
    folder, out = tmp_path / "pf", tmp_path / "out"
    _exports(folder / "dupont", "Dupont", 11, SEPTEMBER)
    out.mkdir()
    year_2024 = ["fill", "--from", str(folder / "dupont"), "--year", "2024"]
    assert main([*year_2024, "--out", str(out / "dupont.xlsx")]) == 0
    (result,) = run_batch(folder, out, jobs=1, force=True)
    assert result.status == "ok, with warnings"
    assert "2025-09" in result.warnings[-1] and "--rebuild" in result.warnings[-1]
    assert result.status_text("fr") == "ok, avec avertissements"


def test_a_default_slot_keeps_its_kpi_when_no_other_kpi_has_data() -> None:
    from kpi_xl.monthly import compute_kpis
    from kpi_xl.workbook.template.builder import empty_inputs
    from kpi_xl.workbook.write.focus import focus_with_data

    inputs = empty_inputs()
    inputs.loc[:, "revenue"] = 100.0
    inputs.loc[:, "net_profit"] = 10.0
    result = compute_kpis(inputs)
    default = ("conversion_rate", "cac", "revenue_growth", "retention_rate", "net_margin")
    focus = focus_with_data(default, result, {1, 2, 3, 4, 5})
    assert focus == default  # net margin is the only KPI with data, and already shown
    moved = focus_with_data(("conversion_rate", "cac", "", "", ""), result, {1, 2})
    assert moved == ("net_margin", "cac", "", "", "")
    assert focus_with_data(("conversion_rate",) * 1, result, set()) == ("conversion_rate",)


def test_a_named_report_takes_its_first_siren_only_from_its_own_company(tmp_path: Path) -> None:
    folder, out = tmp_path / "pf", tmp_path / "out"
    _exports(folder / "dupont", "Dupont", 11, JUNE)
    for fec in (folder / "dupont").glob("*FEC*"):
        fec.rename(fec.with_name("grand_livre.txt"))  # no SIREN: the report is known by name
    run_batch(folder, out, jobs=1)
    report = out / "dupont.xlsx"
    other = _fec_of(tmp_path, "111111118", "other")
    with pytest.raises(WorkbookError, match="belongs to 'Dupont', the exports to 'Martin SA'"):
        refresh_report(report, other, company="Martin SA")
    refresh_report(report, other, company="Dupont", until="2025-12")
    assert defined_values(openpyxl.load_workbook(report), "set_client_id") == ["111111118"]
