"""The Accounts sheet of the templates: its Python values, and LibreOffice's agreement with them.

Every formula cell of the sheet (cascade, costs by nature, the month-by-month block) is
recalculated by LibreOffice on templates filled with random inputs (blanks, zeros, losses),
and compared with :func:`~kpi_xl.workbook.template.builder.formula_cells`.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from libreoffice import recalc_many, require_soffice
from openpyxl.utils import get_column_letter
from test_templates_engine import Case, fill, make_case, same

from kpi_xl import catalog
from kpi_xl.workbook import contract
from kpi_xl.workbook.template import sheets_accounts, templates
from kpi_xl.workbook.template.builder import (
    cell_values,
    chart_ranges,
    default_settings,
    empty_inputs,
    formula_cells,
)
from kpi_xl.workbook.template.layout import Sheets


def table(**columns: list[float]) -> object:
    out = empty_inputs()
    for name, values in columns.items():
        out[name] = values + [math.nan] * (contract.N_MONTHS - len(values))
    return out


def test_cascade_against_the_same_months_last_year() -> None:
    inputs = table(
        revenue=[1_000.0, 2_000.0, math.nan],
        revenue_prev_year=[800.0, 900.0, 5_000.0],  # March has no figure this year: left out
        ebe=[100.0, -300.0],
        ebe_prev_year=[-50.0, math.nan],  # only January is known for both
        personnel_costs=[300.0, 300.0],
    )
    values = cell_values(default_settings("en"), inputs)
    assert values["_acc_revenue_ytd"] == 3_000.0
    assert values["_acc_revenue_prev"] == 1_700.0
    assert values["_acc_revenue_gap_pct"] == pytest.approx(1_300 / 1_700)
    assert values["_acc_ebe_ytd"] == -200.0
    assert values["_acc_ebe_prev"] == -50.0
    assert values["_acc_ebe_gap"] == -150.0
    assert values["_acc_ebe_gap_pct"] == -3.0  # over |N-1|: a loss that deepens reads negative
    assert values["_acc_ebe_share"] == pytest.approx(-200 / 3_000)
    assert values["_acc_net_profit_ytd"] == ""  # no figure at all: an empty cell
    assert values["_acc_personnel_costs_share"] == 0.2
    assert values["_acc_cash_month"] == [""] * contract.N_MONTHS


def test_monthly_block_shows_the_kpi_rows() -> None:
    inputs = table(receivables=[2_400.0, 2_400.0], revenue_incl_vat=[2_400.0, 0.0],
                   cash=[100.0, -50.0], net_cash_flow=[-10.0, -150.0])  # fmt: skip
    values = cell_values(default_settings("fr"), inputs)
    dso = values["_acc_dso_month"]
    assert isinstance(dso, list) and dso[:3] == [30.0, 60.0, ""]
    runway = values["_acc_runway_month"]
    assert isinstance(runway, list) and runway[:2] == [10.0, 0.0]  # an overdraft lasts 0 months


@pytest.mark.parametrize("lang", catalog.LANGS)
def test_sheet_has_both_charts_over_known_ranges(lang: str) -> None:
    """The cash curve and its flow read the Inputs rows; the delays this sheet's KPI rows."""
    sheets = Sheets.for_lang(lang)
    last = get_column_letter(sheets_accounts.COL_FIRST_MONTH + contract.N_MONTHS)
    ranges = {x for r in chart_ranges(lang) for x in r if x.startswith(sheets.accounts + "!")}
    header = sheets_accounts.ROW_MONTHLY + 2
    months = f"{sheets.accounts}!$B${header}:${last}${header}"
    assert months in ranges
    for kpi_id in ("dso", "dpo"):
        row = sheets_accounts.monthly_row(kpi_id) + 1
        assert f"{sheets.accounts}!$B${row}:${last}${row}" in ranges
    for input_id in ("cash", "net_cash_flow"):
        row = catalog.INPUTS.index(catalog.get_input(input_id)) + 5  # 1-based, on Inputs
        assert any(f"{sheets.inputs}!$D${row}:$O${row}" in r for r in chart_ranges(lang))


def _accounts_cells(case: Case) -> list[tuple[str, object]]:
    sheet = Sheets.for_lang(case.lang).accounts
    return [
        (f"{get_column_letter(c.col + 1)}{c.row + 1}", c.value)
        for c in formula_cells(case.lang, case.settings, case.inputs)
        if c.sheet == sheet
    ]


@pytest.mark.libreoffice
def test_libreoffice_agrees_on_every_cell_of_the_sheet(tmp_path: Path) -> None:
    require_soffice()
    cases = [make_case(lang, seed) for lang in catalog.LANGS for seed in (0, 1)]
    paths = [fill(templates.template_path(c.lang), c, tmp_path) for c in cases]
    outs = recalc_many(paths, tmp_path / "recalculated")
    numbers = 0
    for case, out in zip(cases, outs, strict=True):
        ws = openpyxl.load_workbook(out, data_only=True)[Sheets.for_lang(case.lang).accounts]
        cells = _accounts_cells(case)
        assert len(cells) > 20 + 8 * contract.N_MONTHS
        bad = [f"{ref}: LibreOffice {ws[ref].value!r}, Python {want!r}"
               for ref, want in cells if not same(ws[ref].value, want)]  # fmt: skip
        assert not bad, f"{case.stem}:\n" + "\n".join(bad[:20])
        numbers += sum(isinstance(v, float) for _, v in cells)
    assert numbers > 200  # not vacuous: most cells hold numbers


def test_rows_follow_the_block_sizes() -> None:
    rows = [sheets_accounts.monthly_row(i) for i in ("cash", "runway")]
    assert rows[1] - rows[0] == 7
    assert rows[1] < sheets_accounts.ROW_CHARTS
    assert np.all(np.diff([sheets_accounts.ROW_CASCADE, sheets_accounts.ROW_NATURES,
                           sheets_accounts.ROW_MONTHLY]) > 0)  # fmt: skip
