"""The Accounts sheet: what a FEC says, the way an accountant shows it to a client.

Three blocks of native formulas over the Inputs and KPIs rows, read by defined name
(``in_ebe``, ``kpi_dso``...), so they follow whatever the rows hold:

1. the cascade of intermediate balances (revenue down to net profit) for the year to date,
   against the same months of the previous year (``in_<id>_prev_year``, summed over the
   months the year has figures for), with the change and the share of revenue;
2. the costs by nature for the year to date, each as a share of revenue;
3. month by month: cash at month end, net cash flow, receivables, payables, DSO, DPO,
   working capital need and runway; then two charts, the cash curve over the net cash flow
   bars, and the DSO and DPO bars.

Every position derives from the template's month count (``Context.n_months``) and the block
sizes below; :func:`accounts_values` gives the Python value of each formula cell.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_rowcol_to_cell

from kpi_xl import catalog
from kpi_xl.catalog import Unit
from kpi_xl.workbook.contract import MONTHS, CachedValue
from kpi_xl.workbook.template import layout, styles, texts
from kpi_xl.workbook.template.cached import Values
from kpi_xl.workbook.template.context import Context, span
from kpi_xl.workbook.template.sheets_data import kpi_format as _kpi_format
from kpi_xl.workbook.template.sheets_data import unit_label

#: The cascade: (input id, its previous-year input id), revenue first.
CASCADE = (
    ("revenue", "revenue_prev_year"),
    *((i, f"{i}_prev_year") for i in (
        "commercial_margin", "production", "value_added", "ebe", "operating_income",
        "current_income", "exceptional_income", "net_profit",
    )),
)  # fmt: skip
NATURES = (
    "purchases",
    "external_charges",
    "taxes",
    "personnel_costs",
    "depreciation",
    "financial_charges",
    "exceptional_charges",
)
#: The month-by-month block: inputs, then KPIs.
MONTHLY_INPUTS = ("cash", "net_cash_flow", "receivables", "payables")
MONTHLY_KPIS = ("dso", "dpo", "working_capital", "runway")
DELAY_KPIS = ("dso", "dpo")  # the second chart

# Rows (0-based): title, hint, then three blocks (a title row and a header row each).
ROW_TITLE, ROW_HINT = 0, 1
ROW_CASCADE = 3
ROW_NATURES = ROW_CASCADE + 2 + len(CASCADE) + 1
ROW_MONTHLY = ROW_NATURES + 2 + len(NATURES) + 1
ROW_CHARTS = ROW_MONTHLY + 2 + len(MONTHLY_INPUTS) + len(MONTHLY_KPIS) + 1
# Columns: the label, then the year to date, N-1, change, change %, share of revenue.
COL_LABEL, COL_YTD, COL_PREV, COL_GAP, COL_GAP_PCT, COL_SHARE = range(6)
COL_FIRST_MONTH = 1  # the monthly block: one column per month after the label
CHART_WIDTH, CHART_HEIGHT = 560, 300


def _key(item: str, what: str) -> str:
    """Key of a cell value: ``_acc_<item>_<what>`` (ytd, prev, gap, gap_pct, share, month)."""
    return f"_acc_{item}_{what}"


def _header_row(block: int) -> int:
    return block + 1


def _first_row(block: int) -> int:
    return block + 2


# --------------------------------------------------------------------------- values


def _number(value: float) -> CachedValue:
    return "" if math.isnan(value) else float(value)


def _column(table: pd.DataFrame, input_id: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    if input_id not in table:
        return np.full(len(table), np.nan)
    column = table[input_id]
    if column.dtype == np.float64:  # numbers already (a report's inputs): no parse
        return column.to_numpy(dtype=np.float64)
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)


def _ytd(values: np.ndarray[Any, np.dtype[np.float64]]) -> float:
    filled = ~np.isnan(values)
    return float(values[filled].sum()) if filled.any() else math.nan


def _prev(table: pd.DataFrame, item: str, previous: str) -> float:
    """The previous year's figures summed over the months this year has figures for."""
    now, before = _column(table, item), _column(table, previous)
    both = ~np.isnan(now) & ~np.isnan(before)
    return float(before[both].sum()) if both.any() else math.nan


def _ratio(num: float, den: float, positive: bool) -> float:
    """num / den where the sheet's guard holds (den > 0, or den <> 0 with ``abs``)."""
    if math.isnan(num) or math.isnan(den):
        return math.nan
    if positive:
        return num / den if den > 0 else math.nan
    return num / abs(den) if den != 0 else math.nan


def accounts_values(
    table: pd.DataFrame, values: Values
) -> dict[str, CachedValue | list[CachedValue]]:
    """The value of every formula cell of the Accounts sheet.

    ``table`` holds the monthly inputs (one row per month), ``values`` the contract's
    formula values (:func:`kpi_xl.workbook.contract.formula_values`) for the KPI rows.
    """
    table = table.reset_index(drop=True)
    out: dict[str, CachedValue | list[CachedValue]] = {}
    revenue = _ytd(_column(table, "revenue"))
    for item, previous in CASCADE:
        now, before = _ytd(_column(table, item)), _prev(table, item, previous)
        gap = now - before
        out[_key(item, "ytd")] = _number(now)
        out[_key(item, "prev")] = _number(before)
        out[_key(item, "gap")] = _number(gap)
        out[_key(item, "gap_pct")] = _number(_ratio(gap, before, positive=False))
        out[_key(item, "share")] = _number(_ratio(now, revenue, positive=True))
    for item in NATURES:
        now = _ytd(_column(table, item))
        out[_key(item, "ytd")] = _number(now)
        out[_key(item, "share")] = _number(_ratio(now, revenue, positive=True))
    for item in MONTHLY_INPUTS:
        out[_key(item, "month")] = [_number(v) for v in _column(table, item)]
    for kpi_id in MONTHLY_KPIS:
        row = values[catalog.get(kpi_id).defined_name]
        assert isinstance(row, list)
        out[_key(kpi_id, "month")] = [v if isinstance(v, float) else "" for v in row]
    return out


# --------------------------------------------------------------------------- sheet


def write_accounts(ctx: Context) -> None:
    """The Accounts sheet: the cascade, the costs by nature, the monthly block, two charts."""
    ws = ctx.sheet(ctx.sheets.accounts)
    ws.hide_gridlines(2)
    ws.set_column(COL_LABEL, COL_LABEL, 38)
    ws.set_column(COL_FIRST_MONTH, COL_FIRST_MONTH + ctx.n_months - 1, 11)
    ws.set_row(ROW_TITLE, 26)
    ws.write(ROW_TITLE, COL_LABEL, texts.ACCOUNTS_TITLE(ctx.lang),
             ctx.fmt(bold=True, font_size=16, font_color=styles.NAVY))  # fmt: skip
    ws.write(ROW_HINT, COL_LABEL, texts.ACCOUNTS_HINT(ctx.lang),
             ctx.fmt(italic=True, font_color=styles.GREY))  # fmt: skip
    _cascade(ctx, ws)
    _natures(ctx, ws)
    _monthly(ctx, ws)
    _charts(ctx, ws)
    ws.freeze_panes(ROW_HINT + 1, COL_FIRST_MONTH)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, the charts on the next page if need be


def _section(ctx: Context, ws: Any, row: int, title: str, headers: dict[int, str]) -> None:
    ws.write(row, COL_LABEL, title, ctx.fmt(bold=True, font_size=12, font_color=styles.BLUE))
    head = ctx.fmt(bold=True, font_color="#FFFFFF", bg_color=styles.BLUE, align="center",
                   text_wrap=True)  # fmt: skip
    ws.set_row(_header_row(row), 28)
    ws.write(_header_row(row), COL_LABEL, "", head)
    for col, text in headers.items():
        ws.write(_header_row(row), col, text, head)


def _cell(col: int, row: int, absolute: bool = False) -> str:
    """An address on this sheet (relative, or absolute for a cell a whole block reads)."""
    address: str = xl_rowcol_to_cell(row, col, absolute, absolute)
    return address


def _money(ctx: Context, **extra: Any) -> Any:
    code = styles.unit_format(Unit.CURRENCY, ctx.lang, ctx.settings.currency)
    return ctx.fmt(num_format=code, bottom=1, bottom_color=styles.BORDER, **extra)


def _percent(ctx: Context, signed: bool = False) -> Any:
    code = "+0.0%;-0.0%;0.0%" if signed else "0.0%"
    return ctx.fmt(num_format=code, bottom=1, bottom_color=styles.BORDER,
                   font_color=styles.GREY)  # fmt: skip


def _label(ctx: Context, ws: Any, row: int, text: str, bold: bool = False) -> None:
    ws.write(row, COL_LABEL, text, ctx.fmt(bold=bold, bottom=1, bottom_color=styles.BORDER))


def _ytd_formula(name: str) -> str:
    return f'=IF(COUNT({name})=0,"",SUM({name}))'


def _share_formula(cell: str, revenue: str) -> str:
    return f'=IF(AND(ISNUMBER({cell}),ISNUMBER({revenue})),IF({revenue}>0,{cell}/{revenue},""),"")'


def _cascade(ctx: Context, ws: Any) -> None:
    lang = ctx.lang
    _section(ctx, ws, ROW_CASCADE, texts.ACCOUNTS_CASCADE(lang), {
        COL_YTD: texts.ACCOUNTS_YTD(lang), COL_PREV: texts.ACCOUNTS_PREV(lang),
        COL_GAP: texts.ACCOUNTS_GAP(lang), COL_GAP_PCT: texts.ACCOUNTS_GAP_PCT(lang),
        COL_SHARE: texts.ACCOUNTS_SHARE(lang),
    })  # fmt: skip
    first = _first_row(ROW_CASCADE)
    revenue = _cell(COL_YTD, first, absolute=True)
    highlighted = {"ebe", "net_profit"}
    for i, (item, previous) in enumerate(CASCADE):
        row = first + i
        bold = item in highlighted
        fill = {"bg_color": styles.LIGHT_BLUE} if bold else {}
        _label(ctx, ws, row, catalog.get_input(item).name(lang), bold)
        now, before = _cell(COL_YTD, row), _cell(COL_PREV, row)
        name, prev_name = f"in_{item}", f"in_{previous}"
        both = f"ISNUMBER({name})*ISNUMBER({prev_name})"
        ctx.formula(ws, row, COL_YTD, _ytd_formula(name), _money(ctx, bold=bold, **fill),
                    _key(item, "ytd"))  # fmt: skip
        ctx.formula(ws, row, COL_PREV,
                    f'=IF(SUMPRODUCT({both})=0,"",SUMPRODUCT({both},{prev_name}))',
                    _money(ctx, font_color=styles.GREY), _key(item, "prev"))  # fmt: skip
        present = f"AND(ISNUMBER({now}),ISNUMBER({before}))"
        ctx.formula(ws, row, COL_GAP, f'=IF({present},{now}-{before},"")', _money(ctx),
                    _key(item, "gap"))  # fmt: skip
        ctx.formula(ws, row, COL_GAP_PCT,
                    f'=IF({present},IF({before}<>0,({now}-{before})/ABS({before}),""),"")',
                    _percent(ctx, signed=True), _key(item, "gap_pct"))  # fmt: skip
        ctx.formula(ws, row, COL_SHARE, _share_formula(now, revenue), _percent(ctx),
                    _key(item, "share"))  # fmt: skip


def _natures(ctx: Context, ws: Any) -> None:
    lang = ctx.lang
    _section(ctx, ws, ROW_NATURES, texts.ACCOUNTS_NATURES(lang),
             {COL_YTD: texts.ACCOUNTS_YTD(lang), COL_PREV: texts.ACCOUNTS_SHARE(lang)})  # fmt: skip
    revenue = _cell(COL_YTD, _first_row(ROW_CASCADE), absolute=True)  # the cascade's revenue
    for i, item in enumerate(NATURES):
        row = _first_row(ROW_NATURES) + i
        _label(ctx, ws, row, catalog.get_input(item).name(lang))
        ctx.formula(ws, row, COL_YTD, _ytd_formula(f"in_{item}"), _money(ctx),
                    _key(item, "ytd"))  # fmt: skip
        ctx.formula(ws, row, COL_PREV, _share_formula(_cell(COL_YTD, row), revenue),
                    _percent(ctx), _key(item, "share"))  # fmt: skip


def _monthly(ctx: Context, ws: Any) -> None:
    lang = ctx.lang
    ws.write(ROW_MONTHLY, COL_LABEL, texts.ACCOUNTS_MONTHLY(lang),
             ctx.fmt(bold=True, font_size=12, font_color=styles.BLUE))  # fmt: skip
    header = ctx.fmt(bold=True, font_color="#FFFFFF", bg_color=styles.BLUE, align="center",
                     num_format=styles.month_format(lang, "short"))  # fmt: skip
    ws.write(_header_row(ROW_MONTHLY), COL_LABEL, "", header)
    for m in range(ctx.n_months):
        ctx.formula(ws, _header_row(ROW_MONTHLY), COL_FIRST_MONTH + m, f"=INDEX({MONTHS},{m + 1})",
                    header, MONTHS, m)  # fmt: skip
    rows: list[tuple[str, str, str, Any]] = []
    for item in MONTHLY_INPUTS:
        spec = catalog.get_input(item)
        rows.append((item, spec.defined_name, f"{spec.name(lang)} ({unit_label(spec.unit, ctx)})",
                     _money(ctx)))  # fmt: skip
    for kpi_id in MONTHLY_KPIS:
        kpi = catalog.get(kpi_id)
        fmt = (
            _money(ctx)  # amounts read better rounded, as in the cascade
            if kpi.unit is Unit.CURRENCY
            else ctx.fmt(num_format=_kpi_format(kpi, ctx), bottom=1, bottom_color=styles.BORDER)
        )
        rows.append((kpi_id, kpi.defined_name, kpi.name(lang), fmt))
    for i, (item, name, text, fmt) in enumerate(rows):
        row = _first_row(ROW_MONTHLY) + i
        _label(ctx, ws, row, text)
        for m in range(ctx.n_months):
            cell = f"INDEX({name},{m + 1})"
            ctx.formula(ws, row, COL_FIRST_MONTH + m, f'=IF(ISNUMBER({cell}),{cell},"")', fmt,
                        _key(item, "month"), m)  # fmt: skip


def monthly_row(item: str) -> int:
    """The row of an item of the month-by-month block."""
    return _first_row(ROW_MONTHLY) + (*MONTHLY_INPUTS, *MONTHLY_KPIS).index(item)


def _months_span(ctx: Context) -> str:
    row = _header_row(ROW_MONTHLY)
    return span(ctx.sheets.accounts, row, COL_FIRST_MONTH, row, COL_FIRST_MONTH + ctx.n_months - 1)


def _input_span(ctx: Context, input_id: str) -> str:
    row = layout.input_row(catalog.INPUTS.index(catalog.get_input(input_id)))
    return span(ctx.sheets.inputs, row, layout.FIRST_MONTH_COL, row, ctx.last_month_col)


def _charts(ctx: Context, ws: Any) -> None:
    """The cash curve over the net cash flow bars; the DSO and DPO bars."""
    lang = ctx.lang
    bars = ctx.workbook.add_chart({"type": "column"})
    bars.add_series({
        "name": catalog.get_input("net_cash_flow").name(lang), "categories": _months_span(ctx),
        "values": _input_span(ctx, "net_cash_flow"), "fill": {"color": styles.CHART_PROFIT},
        "gap": 80,
    })  # fmt: skip
    line = ctx.workbook.add_chart({"type": "line"})
    line.add_series({
        "name": catalog.get_input("cash").name(lang), "categories": _months_span(ctx),
        "values": _input_span(ctx, "cash"), "line": {"color": styles.CHART_REVENUE, "width": 2.25},
        "marker": {"type": "circle", "size": 5, "fill": {"color": styles.CHART_REVENUE}},
    })  # fmt: skip
    bars.combine(line)
    money = styles.unit_format(Unit.CURRENCY, lang, ctx.settings.currency)
    _style(bars, texts.ACCOUNTS_CHART_CASH(lang), money, lang)
    ws.insert_chart(ROW_CHARTS, COL_LABEL, bars, {"y_offset": 8})
    delays = ctx.workbook.add_chart({"type": "column"})
    for kpi_id, colour in zip(DELAY_KPIS, (styles.CHART_REVENUE, styles.CHART_MARGIN), strict=True):
        row = monthly_row(kpi_id)
        delays.add_series({
            "name": catalog.get(kpi_id).name(lang), "categories": _months_span(ctx),
            "values": span(ctx.sheets.accounts, row, COL_FIRST_MONTH, row,
                           COL_FIRST_MONTH + ctx.n_months - 1),
            "fill": {"color": colour}, "gap": 80,
        })  # fmt: skip
    _style(delays, texts.ACCOUNTS_CHART_DELAYS(lang), "0", lang)
    ws.insert_chart(ROW_CHARTS, COL_LABEL, delays, {"y_offset": 8, "x_offset": CHART_WIDTH + 16})


def _style(chart: Any, title: str, num_format: str, lang: str) -> None:
    font = {"name": "Calibri", "size": 8, "color": styles.GREY}
    chart.set_title({"name": title, "name_font": {"name": "Calibri", "size": 11, "bold": True,
                                                  "color": styles.NAVY}})  # fmt: skip
    chart.set_legend({"position": "bottom", "font": font})
    chart.set_x_axis({"num_format": styles.month_format(lang, "axis"), "num_font": font,
                      "line": {"color": styles.BORDER}, "label_position": "low"})  # fmt: skip
    chart.set_y_axis({"num_format": num_format, "num_font": font, "line": {"none": True},
                      "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}}})  # fmt: skip
    chart.set_chartarea({"border": {"none": True}})
    chart.set_size({"width": CHART_WIDTH, "height": CHART_HEIGHT})
