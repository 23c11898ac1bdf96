"""The template workbooks: structure, contract names, formulas, reproducible builds.

These tests read the files with openpyxl and the raw XML; the checks with a
real spreadsheet engine are in ``test_templates_engine.py``.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook

from kpi_xl import catalog
from kpi_xl.cli import main
from kpi_xl.errors import KpiValueError
from kpi_xl.workbook import contract
from kpi_xl.workbook.template import templates, texts
from kpi_xl.workbook.template.builder import build_workbook, empty_inputs

LANGS = catalog.LANGS
# openpyxl reads the files but not their sparklines (XlsxWriter writes them; openpyxl warns).
pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")

#: Every function the templates may call: Excel 2010 or older, no add-in.
ALLOWED_FUNCTIONS = {
    "IF", "AND", "OR", "NOT", "ISNUMBER", "ISTEXT", "ISNA", "COUNT", "SUM", "AVERAGE",
    "INDEX", "MATCH", "SUMPRODUCT", "MAX", "ABS", "DATE", "YEAR", "MONTH", "NA",
}  # fmt: skip
#: Spelled out so a test fails loudly if one sneaks in (newer than Excel 2010, or a UDF).
FORBIDDEN = ("LET", "XLOOKUP", "FILTER", "IFS", "CONCAT", "TEXTJOIN", "SEQUENCE", "LAMBDA",
             "UNIQUE", "SORT", "SWITCH", "MAXIFS", "MINIFS", "IFNA", "KPI_", "_xlfn", "_xlws")  # fmt: skip


def load(lang: str, data_only: bool = False) -> OpenpyxlWorkbook:
    return openpyxl.load_workbook(templates.template_path(lang), data_only=data_only)


def named_cells(wb: OpenpyxlWorkbook, name: str) -> list[openpyxl.cell.cell.Cell]:
    """The cells of a workbook-scoped defined name, in row order."""
    defined = wb.defined_names[name]
    ((sheet, coords),) = list(defined.destinations)
    found = wb[sheet][coords.replace("$", "")]
    if isinstance(found, tuple):
        return [cell for row in found for cell in row]
    return [found]


def all_formulas(path: Path) -> list[str]:
    """Every formula of every sheet, straight from the XML (what Excel will parse)."""
    out: list[str] = []
    with zipfile.ZipFile(path) as z:
        for item in z.namelist():
            if item.startswith("xl/worksheets/sheet"):
                xml = z.read(item).decode("utf-8")
                out.extend(re.findall(r"<f>(.*?)</f>", xml))
    return out


def expected_names() -> dict[str, int]:
    """Every contract name and how many cells it spans."""
    sizes = {contract.MONTHS: contract.N_MONTHS}
    sizes.update({name: contract.N_MONTHS for name in contract.input_names()})
    for name in contract.formula_names():
        sizes[name] = contract.N_MONTHS if name in {k.defined_name for k in catalog.KPIS} else 1
    for name in (contract.SET_COMPANY, contract.SET_FY_START, contract.SET_CURRENCY,
                 contract.SET_LANG):  # fmt: skip
        sizes[name] = 1
    sizes.update({k.target_name: 1 for k in catalog.KPIS})
    sizes.update({contract.focus_name(s): 1 for s in range(1, contract.FOCUS_SLOTS + 1)})
    sizes.update({name: contract.COMMENT_ROWS for name in contract.comment_names()})
    return sizes


@pytest.mark.parametrize("lang", LANGS)
def test_every_contract_name_is_defined_with_its_size(lang: str) -> None:
    wb = load(lang)
    for name, size in expected_names().items():
        assert name in wb.defined_names, f"{lang}: {name} is not defined"
        assert len(named_cells(wb, name)) == size, name
    assert contract.missing_names(wb.defined_names) == []


@pytest.mark.parametrize("lang", LANGS)
def test_sheets_are_in_the_template_language(lang: str) -> None:
    wb = load(lang)
    assert wb.sheetnames == [
        texts.SHEET_HOWTO(lang), texts.SHEET_DASHBOARD(lang), texts.SHEET_COMMENTS(lang),
        texts.SHEET_ACCOUNTS(lang), texts.SHEET_SETTINGS(lang), texts.SHEET_INPUTS(lang),
        texts.SHEET_KPIS(lang),
    ]  # fmt: skip
    assert wb.active is not None and wb.active.title == texts.SHEET_DASHBOARD(lang)
    assert named_cells(wb, contract.SET_LANG)[0].value == lang


@pytest.mark.parametrize("lang", LANGS)
def test_settings_hold_catalog_targets_and_focus(lang: str) -> None:
    wb = load(lang)
    for kpi in catalog.KPIS:
        assert named_cells(wb, kpi.target_name)[0].value == kpi.target
    focus = [named_cells(wb, contract.focus_name(s))[0].value for s in range(1, 6)]
    assert focus == [k.name(lang) for k in catalog.focus_kpis()]
    fy = named_cells(wb, contract.SET_FY_START)[0]
    assert isinstance(fy.value, dt.datetime) and (fy.value.day, fy.value.month) == (1, 1)
    assert named_cells(wb, contract.SET_CURRENCY)[0].value == "EUR"


@pytest.mark.parametrize("lang", LANGS)
def test_input_rows_are_one_contiguous_block_with_validation(lang: str) -> None:
    wb = load(lang)
    rows = [named_cells(wb, n)[0].row for n in contract.input_names()]
    assert rows == list(range(rows[0], rows[0] + len(rows)))
    sheet = wb[texts.SHEET_INPUTS(lang)]
    validated = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    for item in catalog.INPUTS:
        cells = named_cells(wb, item.defined_name)
        rule = validated[f"{cells[0].coordinate}:{cells[-1].coordinate}"]
        assert rule.type == ("whole" if item.unit is catalog.Unit.COUNT else "decimal")
        assert rule.showErrorMessage and rule.error
        assert all(c.value is None for c in cells), "templates ship empty"


@pytest.mark.parametrize("lang", LANGS)
def test_month_headers_are_formulas_from_the_fiscal_year_start(lang: str) -> None:
    wb = load(lang)
    cells = named_cells(wb, contract.MONTHS)
    assert cells[0].value == "=DATE(YEAR(set_fy_start),MONTH(set_fy_start)+0,1)"
    assert cells[11].value == "=DATE(YEAR(set_fy_start),MONTH(set_fy_start)+11,1)"
    assert "yyyy" in cells[0].number_format


@pytest.mark.parametrize("lang", LANGS)
def test_formulas_use_excel_2010_functions_only(lang: str) -> None:
    formulas = all_formulas(templates.template_path(lang))
    assert len(formulas) > 300
    used: set[str] = set()
    for text in formulas:
        bare = re.sub(r'"[^"]*"', '""', text.replace("&quot;", '"'))  # not inside strings
        used.update(re.findall(r"([A-Za-z_][A-Za-z0-9_.]*)\(", bare))
        for word in FORBIDDEN:
            assert word not in bare, f"{word} in {text}"
    assert used <= ALLOWED_FUNCTIONS, used - ALLOWED_FUNCTIONS


@pytest.mark.parametrize("lang", LANGS)
def test_cached_values_show_empty_cells_not_zeros(lang: str) -> None:
    """A previewer that does not recalculate shows the cached values: '' for an empty template."""
    wb = load(lang, data_only=True)
    for kpi in catalog.KPIS:
        for cell in named_cells(wb, kpi.defined_name) + named_cells(wb, f"{kpi.defined_name}_ytd"):
            assert cell.value in (None, ""), (kpi.id, cell.coordinate, cell.value)
    assert named_cells(wb, contract.dash_name(1, "name"))[0].value == catalog.focus_kpis()[0].name(
        lang
    )
    assert named_cells(wb, contract.dash_name(1, "target"))[0].value in (None, "", 0.035)


@pytest.mark.parametrize("lang", LANGS)
def test_month_formulas_match_the_formula_generator(lang: str) -> None:
    wb = load(lang)
    growth = named_cells(wb, "kpi_revenue_growth")
    assert growth[0].value is None  # no previous month in the first column
    assert str(growth[1].value).startswith("=IF(AND(ISNUMBER(")
    ytd = str(named_cells(wb, "kpi_roi_ytd")[0].value)
    assert ytd.startswith("=IF(AND(COUNT(in_investment_gains)")


@pytest.mark.parametrize("lang", LANGS)
def test_dashboard_prints_on_one_a4_landscape_page(lang: str) -> None:
    ws = load(lang)[texts.SHEET_DASHBOARD(lang)]
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"
    # Absent attributes mean 1 (the OOXML default XlsxWriter leaves out).
    assert (ws.page_setup.fitToWidth or 1) == 1 and (ws.page_setup.fitToHeight or 1) == 1
    setup = ws.sheet_properties.pageSetUpPr
    assert setup is not None and setup.fitToPage


@pytest.mark.parametrize("lang", LANGS)
def test_charts_and_sparklines_are_in_the_file(lang: str) -> None:
    with zipfile.ZipFile(templates.template_path(lang)) as z:
        names = z.namelist()
        charts = [n for n in names if n.startswith("xl/charts/chart")]
        assert len(charts) == 4  # two on the Dashboard, two on the Accounts sheet
        for chart in charts:
            assert b"<c:numCache>" in z.read(chart), "charts carry a data cache"
        sheets = b"".join(z.read(n) for n in names if n.startswith("xl/worksheets/sheet"))
        assert sheets.count(b"<x14:sparkline>") == contract.FOCUS_SLOTS


def test_builds_are_byte_identical(tmp_path: Path) -> None:
    a = build_workbook(tmp_path / "a.xlsx", "fr")
    b = build_workbook(tmp_path / "b.xlsx", "fr")
    assert a.read_bytes() == b.read_bytes()


def test_committed_templates_are_up_to_date() -> None:
    assert templates.stale_templates() == [], "run: kpi-xl templates build"


def test_check_command_reports_stale_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["templates", "build", "--out", str(tmp_path)]) == 0
    assert main(["templates", "build", "--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "monthly_kpi_en.xlsx").write_bytes(b"not a workbook")
    assert main(["templates", "build", "--out", str(tmp_path), "--check"]) == 1
    assert "monthly_kpi_en.xlsx" in capsys.readouterr().err


def test_template_path_builds_into_the_cache_without_a_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(templates, "REPO_DIR", tmp_path / "absent")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = templates.template_path("en")
    assert path.is_relative_to(tmp_path / "cache")
    assert path.read_bytes() == (Path(__file__).parents[1] / "workbook_templates" / path.name).read_bytes()  # fmt: skip
    assert templates.template_path("en") == path  # built once


def test_builder_refuses_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(KpiValueError, match="lang"):
        build_workbook(tmp_path / "x.xlsx", "de")
    with pytest.raises(KpiValueError, match="unknown input columns"):
        build_workbook(tmp_path / "x.xlsx", "fr", inputs=pd.DataFrame({"turnover": [1.0] * 12}))
    with pytest.raises(KpiValueError, match="12 rows"):
        build_workbook(tmp_path / "x.xlsx", "fr", inputs=empty_inputs(3), n_months=12)
    with pytest.raises(KpiValueError, match="1 to 24"):
        build_workbook(tmp_path / "x.xlsx", "fr", n_months=25)


def test_filled_build_caches_the_python_values(tmp_path: Path) -> None:
    table = empty_inputs()
    table["conversions"] = np.arange(12) * 10.0
    table["visitors"] = 1000.0
    path = build_workbook(tmp_path / "filled.xlsx", "en", inputs=table)
    wb = openpyxl.load_workbook(path, data_only=True)
    rates = [c.value for c in named_cells(wb, "kpi_conversion_rate")]
    assert rates == pytest.approx([m / 100 for m in range(12)])
    assert named_cells(wb, "in_visitors")[5].value == 1000


def test_an_unwritable_cache_says_where_and_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kpi_xl.errors import WorkbookError

    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    with pytest.raises(WorkbookError, match="cannot build the bundled template") as caught:
        templates.template_path("fr", 13)
    assert "XDG_CACHE_HOME" in str(caught.value)
