"""Every formula cell of a filled or refreshed report carries its correct cached value.

Viewers that do not recalculate (Protected View, Outlook and Quick Look
previews, web viewers) show the values cached in the file.  The builder
records every formula it writes (:func:`kpi_xl.workbook.template.builder.formula_recipe`);
the writer rewrites the cached value of each of those cells still holding
its formula, after the fill or refresh.  Checked here against LibreOffice's
own recalculation, cell by cell, on every sheet: the demo report, the real
FEC sample and a refresh of it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from libreoffice import recalc_many
from lxml import etree
from samples import REAL_FEC_DIR
from test_writer_workbooks import members, sample_table

from kpi_xl.cli import main
from kpi_xl.report import ReportResult, fill_report
from kpi_xl.workbook import contract
from kpi_xl.workbook.template.builder import (
    cell_values,
    default_settings,
    empty_inputs,
    formula_cells,
    formula_recipe,
)
from kpi_xl.workbook.template.cached import canonical
from kpi_xl.workbook.template.layout import Sheets
from kpi_xl.workbook.template.templates import template_path
from kpi_xl.workbook.write.cells import CellShape, render_cell
from kpi_xl.workbook.write.writer import SettingsUpdate, Workbook, fill, refresh

FEC_DIR = REAL_FEC_DIR
FEC_FILE = FEC_DIR / "0000000001FEC20220831.txt"
CHART_NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def formula_cells_of(path: Path) -> dict[tuple[str, str], str]:
    """(sheet, address) -> formula of every formula cell of a workbook."""
    wb = openpyxl.load_workbook(path)
    return {
        (ws.title, c.coordinate): str(c.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    }


def agree(a: object, b: object) -> bool:
    """Cached against recalculated: numbers to 1e-9, empty text and empty cell alike."""
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def disagreements(ours: Path, theirs: Path) -> tuple[int, list[tuple[str, str, object, object]]]:
    """How many formula cells ``ours`` has, and those whose cache differs from ``theirs``."""
    mine = openpyxl.load_workbook(ours, data_only=True)
    lo = openpyxl.load_workbook(theirs, data_only=True)
    cells = formula_cells_of(ours)
    bad = [
        (sheet, ref, mine[sheet][ref].value, lo[sheet][ref].value)
        for sheet, ref in cells
        if not agree(mine[sheet][ref].value, lo[sheet][ref].value)
    ]
    return len(cells), bad


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo report, a fill of the real FEC sample, and a refresh of that fill."""
    base = tmp_path_factory.mktemp("cached")
    assert main(["demo", "--lang", "fr", "--out", str(base / "demo")]) == 0
    exports = base / "fec_exports"
    exports.mkdir()
    shutil.copy(FEC_FILE, exports / FEC_FILE.name)
    (exports / "kpi_xl.toml").write_text("fiscal_year_start_month = 9\n", encoding="utf-8")
    fec = base / "fec.xlsx"
    result: ReportResult = fill_report(exports, fec, template_path("en"), company="FEC SAS")
    refreshed = base / "fec_refreshed.xlsx"
    shutil.copy(fec, refreshed)
    table = result.table.copy()
    table["revenue"] *= 1.25  # every KPI built on revenue moves
    table.loc[table.index[-3:], :] = float("nan")  # ... but the last months stay as they were
    assert refresh(refreshed, table, backup=False).cells > 50
    return {"demo": base / "demo" / "rapport_kpi_demo.xlsx", "fec": fec, "refreshed": refreshed}


@pytest.mark.libreoffice
def test_every_formula_cell_caches_what_libreoffice_computes(
    reports: dict[str, Path], tmp_path: Path
) -> None:
    keys = list(reports)
    recalculated = recalc_many([reports[k] for k in keys], tmp_path / "lo")
    for key, lo in zip(keys, recalculated, strict=True):
        count, bad = disagreements(reports[key], lo)
        assert count >= 380, key  # every sheet's formulas, not only the contract's
        assert bad == [], (key, bad[:10])


@pytest.mark.parametrize("key", ["demo", "fec", "refreshed"])
def test_dashboard_helpers_show_the_report_not_the_template(
    reports: dict[str, Path], key: str
) -> None:
    """Without LibreOffice: the cells the lead found stale now follow the report's data."""
    wb = openpyxl.load_workbook(reports[key], data_only=True)
    names = Sheets.for_lang("fr" if key == "demo" else "en")
    dash, kpis = wb[names.dashboard], wb[names.kpis]
    first = wb[names.inputs]["D4"].value
    assert isinstance(first, dt.datetime) and first.year in (2021, 2025)
    assert dash["L4"].value == first and kpis["D4"].value == first
    assert "—" in str(dash["A1"].value)  # the title names the company
    margin = [dash.cell(11, c).value for c in range(12, 24)]  # behind the margin chart
    assert sum(isinstance(v, float) for v in margin) >= 9, margin


def test_recipe_lists_every_formula_of_the_templates() -> None:
    for lang in ("fr", "en"):
        built = formula_cells_of(template_path(lang))
        recipe = {
            (s.sheet, openpyxl.utils.get_column_letter(s.col + 1) + str(s.row + 1)): s.formula
            for s in formula_recipe(lang)
        }
        assert recipe == built, lang


def test_template_caches_are_the_formula_cells_of_its_settings() -> None:
    """One code path: the builder's cached values are formula_cells' values."""
    wb = openpyxl.load_workbook(template_path("fr"), data_only=True)
    cells = formula_cells("fr", default_settings("fr"), empty_inputs())
    for cell in cells:
        got = wb[cell.sheet].cell(cell.row + 1, cell.col + 1).value
        want = cell.value
        if isinstance(want, dt.date):
            want = dt.datetime.combine(want, dt.time())
        assert agree(str(want) if isinstance(want, contract.ExcelError) else want, got), cell


def test_canonical_formula_ignores_needless_sheet_quotes_only_outside_text() -> None:
    assert canonical("='Saisies'!$D$4") == canonical("Saisies!$D$4") == "Saisies!$D$4"
    assert canonical("='Tableau de bord'!A1") == "'Tableau de bord'!A1"
    assert canonical("=IF(A1=\"'x'!\",1,2)") == "IF(A1=\"'x'!\",1,2)"


def test_errors_are_cached_as_error_values() -> None:
    shape = CellShape(b"", b' r="A1"', b"<f>NA()</f>", b"")
    assert render_cell(shape, contract.NA) == b'<c r="A1" t="e"><f>NA()</f><v>#N/A</v></c>'


def _edit_formula(src: Path, dest: Path, old: bytes, new: bytes) -> None:
    """A copy of ``src`` where the user changed one formula of the Dashboard."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                assert data.count(old) == 1
                data = data.replace(old, new)
            zout.writestr(item, data)


def _cell_value(path: Path, part: str, ref: str) -> bytes:
    xml = members(path)[part]
    match = re.search(rb'<c r="' + ref.encode() + rb'"[^>]*>.*?</c>', xml, re.S)
    assert match is not None
    return match.group(0)


def test_a_formula_the_user_changed_keeps_its_old_cache(tmp_path: Path) -> None:
    template = tmp_path / "mine.xlsx"
    _edit_formula(
        template_path("fr"), template, b"<f>INDEX(months,1)</f>", b"<f>INDEX(months,1)+0</f>"
    )
    out = tmp_path / "report.xlsx"
    fill(template, sample_table(months=6), out, SettingsUpdate(fy_start=dt.date(2025, 1, 1)))
    part = "xl/worksheets/sheet2.xml"
    assert _cell_value(out, part, "L4") == _cell_value(template, part, "L4")  # 2026: untouched
    assert b"<v>45689</v>" in _cell_value(out, part, "M4")  # 1 Feb 2025: refreshed
    assert b"fullCalcOnLoad" in members(out)["xl/workbook.xml"]


def test_refresh_updates_helper_cells_and_keeps_user_changes(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    fill(
        template_path("en"),
        sample_table(months=4),
        path,
        SettingsUpdate(company="ACME", fy_start=dt.date(2025, 1, 1)),
    )
    refresh(path, sample_table(months=9), backup=False)
    wb = Workbook(path)
    settings = wb.settings()
    values = cell_values(settings, wb.inputs(wb.months()))
    sources = [s for s in formula_recipe("en") if s.key.startswith("_")]
    assert len(sources) > 90  # title, markers, sparkline and chart helpers, targets
    part = wb.info.sheets[Sheets.for_lang("en").dashboard]
    sheet = wb.sheets[part]
    for source in sources:
        if source.sheet != Sheets.for_lang("en").dashboard:
            continue
        got = sheet.value((source.row + 1, source.col + 1), wb.strings)
        want = source.value(values)
        if isinstance(want, contract.ExcelError):
            assert (
                b't="e"' in sheet.data[sheet.cells[(source.row + 1, source.col + 1)].start :][:40]
            )
        else:
            assert agree(want, got), (source, want, got)


def test_fill_draws_the_margin_chart_from_the_report(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    table = sample_table(months=6)
    fill(template_path("en"), table, out, SettingsUpdate(fy_start=dt.date(2025, 1, 1)))
    margin = next(
        data for name, data in members(out).items()
        if name.startswith("xl/charts/") and b"$L$11:$W$11" in data
    )  # fmt: skip
    root = etree.fromstring(margin)
    caches = root.findall(".//c:val/c:numRef/c:numCache", CHART_NS)
    bars = {int(p.get("idx", "-1")) for p in caches[0].iterfind("c:pt", CHART_NS)}
    assert bars == set(range(6))  # the six filled months; #N/A months draw nothing
    wb = Workbook(out)
    inputs = wb.inputs(wb.months())
    expected = (inputs["net_profit"] / inputs["revenue"]).iloc[:6]
    points = [
        float(p.findtext("c:v", "nan", CHART_NS)) for p in caches[0].iterfind("c:pt", CHART_NS)
    ]
    assert points == pytest.approx(list(expected))
    categories = root.find(".//c:cat/c:numRef/c:numCache", CHART_NS)
    assert categories is not None
    first = categories.find("c:pt/c:v", CHART_NS)
    assert first is not None and float(first.text or 0) == 45658  # 1 Jan 2025


def test_fill_of_a_table_with_month_index_reads_its_own_months() -> None:
    """cell_values takes the importers' table as is (month-start index)."""
    table = sample_table(months=3)
    assert isinstance(table.index, pd.DatetimeIndex)
    values = cell_values(default_settings("fr"), table)
    assert values["_margin"][0] == pytest.approx(  # type: ignore[index]
        table["net_profit"].iloc[0] / table["revenue"].iloc[0]
    )


def _margin_points(path: Path) -> list[float]:
    chart = next(
        data for name, data in members(path).items()
        if name.startswith("xl/charts/") and b"$L$11:$W$11" in data
    )  # fmt: skip
    cache = etree.fromstring(chart).find(".//c:val/c:numRef/c:numCache", CHART_NS)
    assert cache is not None
    return [float(p.findtext("c:v", "nan", CHART_NS)) for p in cache.iterfind("c:pt", CHART_NS)]


def test_refresh_updates_the_template_charts_only(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    fill(template_path("fr"), sample_table(months=4), path, SettingsUpdate(fy_start=dt.date(2025, 1, 1)))  # fmt: skip
    assert len(_margin_points(path)) == 4
    before = members(path)
    refresh(path, sample_table(months=9), backup=False)
    after = members(path)
    assert len(_margin_points(path)) == 9
    changed = {n for n in before if before[n] != after[n]}
    assert changed <= {"xl/workbook.xml", "xl/charts/chart1.xml", "xl/charts/chart2.xml"} | {
        n for n in before if n.startswith("xl/worksheets/sheet")
    }
