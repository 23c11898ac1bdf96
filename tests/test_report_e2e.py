"""End to end: exports folder -> importers -> KPIs -> bundled template, checked twice.

On the real FEC sample (``tests/data/fec``, a file nobody here wrote)
and on the generated sample exports, the filled report's cached values must
equal :func:`kpi_xl.monthly.compute_kpis` (through ``formula_values``), and
LibreOffice's own recalculation of the report must give the same values.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from libreoffice import recalc_many
from samples import REAL_FEC_DIR
from test_writer_workbooks import agree, defined_values

from kpi_xl import kpis, sample_data
from kpi_xl.monthly import compute_kpis
from kpi_xl.report import ReportResult, fill_report
from kpi_xl.workbook import contract
from kpi_xl.workbook.template.templates import template_path

FEC_DIR = REAL_FEC_DIR
FEC_FILE = FEC_DIR / "0000000001FEC20220831.txt"
FEC_RESULT = 173_208.48  # sum(class 7) - sum(class 6), the liasse's result (README)

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, ReportResult]]:
    base = tmp_path_factory.mktemp("e2e")
    fec_exports = base / "fec_exports"
    fec_exports.mkdir()
    shutil.copy(FEC_FILE, fec_exports / FEC_FILE.name)
    (fec_exports / "kpi_xl.toml").write_text("fiscal_year_start_month = 9\n", encoding="utf-8")
    generated = base / "generated_exports"
    sample_data.write_sample_exports(generated)
    out = {}
    for key, folder, lang in (("fec", fec_exports, "en"), ("generated", generated, "fr")):
        path = base / f"{key}.xlsx"
        out[key] = (path, fill_report(folder, path, template_path(lang), company="E2E"))
    return out


def _expected(result: ReportResult) -> dict[str, contract.CellValue | list[contract.CellValue]]:
    table = result.table.reset_index(drop=True)
    return contract.formula_values(table, compute_kpis(table), result.summary.settings)


def _check_against(
    wb: openpyxl.Workbook, expected: dict[str, contract.CellValue | list[contract.CellValue]]
) -> int:
    checked = 0
    for name in contract.formula_names():
        if name not in wb.defined_names:
            continue
        value = expected[name]
        want: list[object] = list(value) if isinstance(value, list) else [value]
        got = defined_values(wb, name)
        for w, g in zip(want, got, strict=True):
            assert agree(w, g), (name, w, g)
            checked += 1
    return checked


def test_real_fec_report_holds_the_fec_figures(
    reports: dict[str, tuple[Path, ReportResult]],
) -> None:
    path, _ = reports["fec"]
    wb = openpyxl.load_workbook(path, data_only=True)
    profit = [v for v in defined_values(wb, "in_net_profit") if isinstance(v, float)]
    assert len(profit) == 12
    assert sum(profit) == pytest.approx(FEC_RESULT, abs=0.01)
    assert str(defined_values(wb, "set_fy_start")[0]).startswith("2021-09-01")
    revenue = defined_values(wb, "in_revenue")
    profit_ytd = defined_values(wb, "kpi_net_margin_ytd")[0]
    assert profit_ytd == pytest.approx(kpis.net_margin(sum(profit), sum(revenue)))  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["fec", "generated"])
def test_cached_values_equal_compute_kpis(
    reports: dict[str, tuple[Path, ReportResult]], key: str
) -> None:
    path, result = reports[key]
    wb = openpyxl.load_workbook(path, data_only=True)
    assert _check_against(wb, _expected(result)) > 200


@pytest.mark.libreoffice
def test_libreoffice_recalculation_equals_cached_values(
    reports: dict[str, tuple[Path, ReportResult]], tmp_path: Path
) -> None:
    paths = [reports[k][0] for k in ("fec", "generated")]
    recalculated = recalc_many(paths, tmp_path / "lo")
    for key, lo_path in zip(("fec", "generated"), recalculated, strict=True):
        lo = openpyxl.load_workbook(lo_path, data_only=True)
        assert _check_against(lo, _expected(reports[key][1])) > 200, key
