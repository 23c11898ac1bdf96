"""The Dashboard sheet: one row ("tile") per focus KPI, two charts, one A4 landscape page.

Each tile looks its KPI up on the KPIs sheet by the name chosen in Settings
(INDEX/MATCH, Excel 2010).  Sparklines and charts need fixed ranges, so a
helper block right of the printed area pulls the chosen KPI's months by
INDEX; empty months become ``#N/A`` there, which charts skip (Excel would draw
an empty string as zero).
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from kpi_xl import catalog
from kpi_xl.catalog import Status, Unit
from kpi_xl.workbook.contract import (
    DASH_MONTH,
    FOCUS_SLOTS,
    MONTHS,
    NA,
    POINTS,
    SET_COMPANY,
    CachedValue,
    Settings,
    dash_name,
    focus_name,
)
from kpi_xl.workbook.template import layout, styles, texts
from kpi_xl.workbook.template.cached import Values
from kpi_xl.workbook.template.context import Context, span
from kpi_xl.workbook.template.formulas import last_index
from kpi_xl.workbook.template.sheets_data import traffic_lights

LIGHT = "●"
MARGIN_KPI = "net_margin"  # the second chart: net margin against its target
CHART_INPUTS = ("revenue", "net_profit")  # the first chart: monthly bars
#: Column widths in characters; XlsxWriter turns a width w into int(7 * w + 0.5) + 5 pixels.
COLUMN_WIDTHS = {
    layout.DASH_COL_LIGHT: 4,
    layout.DASH_COL_NAME: 28,
    layout.DASH_COL_VALUE: 14,
    layout.DASH_COL_TARGET: 12,
    layout.DASH_COL_STATUS: 15,
    layout.DASH_COL_CHANGE: 13,
    layout.DASH_COL_TREND: 17,
    layout.DASH_COL_ACTION: 50,
}
_PRINTED_PX = sum(int(7 * w + 0.5) + 5 for c, w in COLUMN_WIDTHS.items() if c >= layout.DASH_COL_NAME)  # fmt: skip
CHART_GAP = 16
CHART_WIDTH, CHART_HEIGHT = (_PRINTED_PX - CHART_GAP) // 2, 420  # two charts fill the page width


def _kpi_column(ctx: Context, col: int) -> str:
    last = layout.FIRST_DATA_ROW + len(catalog.KPIS) - 1
    return span(ctx.sheets.kpis, layout.FIRST_DATA_ROW, col, last, col)


def _kpi_block(ctx: Context) -> str:
    last = layout.FIRST_DATA_ROW + len(catalog.KPIS) - 1
    return span(
        ctx.sheets.kpis, layout.FIRST_DATA_ROW, layout.FIRST_MONTH_COL, last, ctx.last_month_col
    )


def _input_block(ctx: Context) -> str:
    last = layout.FIRST_DATA_ROW + len(catalog.INPUTS) - 1
    return span(ctx.sheets.inputs, layout.FIRST_DATA_ROW, layout.FIRST_MONTH_COL, last, ctx.last_month_col)  # fmt: skip


#: Keys of the values of the Dashboard's formula cells outside the contract.
TITLE = "_title"
MARGIN, MARGIN_TARGET = "_margin", "_margin_target"


def helper_key(slot: int, what: str) -> str:
    """Key of a tile's helper value: ``match``, ``unit``, ``light`` or ``trend`` (every month)."""
    return f"_dash_{slot}_{what}"


def _number_or_na(value: CachedValue) -> CachedValue:
    """A chart or sparkline point: the number, or #N/A (skipped) for an empty month."""
    return value if isinstance(value, float | int) else NA


def dashboard_values(
    settings: Settings, values: Values
) -> dict[str, CachedValue | list[CachedValue]]:
    """Values of the Dashboard's formula cells outside the contract, from the contract's.

    ``values`` are :func:`kpi_xl.workbook.contract.formula_values` for the same settings.
    """
    title = texts.DASH_TITLE(settings.lang)
    month_cells = values[MONTHS]
    n_months = len(month_cells) if isinstance(month_cells, list) else 1
    out: dict[str, CachedValue | list[CachedValue]] = {
        TITLE: f"{title} — {settings.company}" if settings.company else title
    }
    for slot in range(1, FOCUS_SLOTS + 1):
        index = _focus_index(settings, slot)
        kpi = None if index is None else catalog.KPIS[index]
        months = None if kpi is None else values[kpi.defined_name]  # None: an empty slot
        out[helper_key(slot, "match")] = "" if index is None else index + 1
        out[helper_key(slot, "unit")] = "" if kpi is None else kpi.unit.value
        out[helper_key(slot, "light")] = LIGHT if values[dash_name(slot, "status")] else ""
        out[helper_key(slot, "trend")] = [
            _number_or_na(months[m]) if isinstance(months, list) else NA for m in range(n_months)
        ]
    margin = catalog.get(MARGIN_KPI)
    monthly = values[margin.defined_name]
    target = settings.targets.get(margin.id)
    out[MARGIN] = [_number_or_na(v) for v in (monthly if isinstance(monthly, list) else [])]
    out[MARGIN_TARGET] = [NA if target is None else float(target)] * n_months
    return out


def write_dashboard(ctx: Context) -> None:
    ws = ctx.sheet(ctx.sheets.dashboard)
    ws.hide_gridlines(2)
    _columns(ctx, ws)
    _title(ctx, ws)
    _header(ctx, ws)
    for slot in range(1, FOCUS_SLOTS + 1):
        _tile(ctx, ws, slot)
    _tile_formats(ctx, ws)
    _margin_helper(ctx, ws)
    _charts(ctx, ws)


def _columns(ctx: Context, ws: Any) -> None:
    for col, width in COLUMN_WIDTHS.items():
        ws.set_column(col, col, width)
    ws.set_column(layout.DASH_COL_HELP_ROW, layout.DASH_COL_HELP_FIRST_MONTH + ctx.n_months - 1, 9)


def _title(ctx: Context, ws: Any) -> None:
    lang = ctx.lang
    title = texts.DASH_TITLE(lang)
    ws.set_row(layout.DASH_ROW_TITLE, 34)
    ctx.formula(
        ws, layout.DASH_ROW_TITLE, layout.DASH_COL_LIGHT,
        f'=IF({SET_COMPANY}="","{title}","{title} — "&{SET_COMPANY})',
        ctx.fmt(bold=True, font_size=20, font_color=styles.NAVY), TITLE,
    )  # fmt: skip
    ws.write(layout.DASH_ROW_TITLE, layout.DASH_COL_TREND, texts.DASH_MONTH(lang),
             ctx.fmt(font_color=styles.GREY, align="right"))  # fmt: skip
    block = _input_block(ctx)
    ctx.formula(
        ws, layout.DASH_ROW_TITLE, layout.DASH_COL_ACTION,
        f'=IF(COUNT({block})=0,"",INDEX({MONTHS},{last_index(block, ctx.n_months)}))',
        ctx.fmt(bold=True, font_size=16, font_color=styles.BLUE, num_format=styles.month_format(lang, "long"),
                align="left"),
        DASH_MONTH,
    )  # fmt: skip
    ctx.define(DASH_MONTH, ws.name, layout.DASH_ROW_TITLE, layout.DASH_COL_ACTION)
    ws.write(layout.DASH_ROW_SUBTITLE, layout.DASH_COL_LIGHT, texts.DASH_SUBTITLE(lang),
             ctx.fmt(italic=True, font_color=styles.GREY))  # fmt: skip


def _header(ctx: Context, ws: Any) -> None:
    lang = ctx.lang
    head = ctx.fmt(bold=True, font_color="#FFFFFF", bg_color=styles.NAVY, text_wrap=True,
                   align="center")  # fmt: skip
    labels = {
        layout.DASH_COL_LIGHT: "",
        layout.DASH_COL_NAME: texts.COL_KPI(lang),
        layout.DASH_COL_VALUE: texts.COL_VALUE(lang),
        layout.DASH_COL_TARGET: texts.COL_TARGET(lang),
        layout.DASH_COL_STATUS: texts.COL_STATUS(lang),
        layout.DASH_COL_CHANGE: texts.COL_CHANGE(lang),
        layout.DASH_COL_TREND: texts.dash_trend(ctx.n_months)(lang),
        layout.DASH_COL_ACTION: texts.COL_ACTION(lang),
    }
    ws.set_row(layout.DASH_ROW_HEADER, 30)
    for col, label in labels.items():
        ws.write(layout.DASH_ROW_HEADER, col, label, head)
    helper = ctx.fmt(italic=True, font_color=styles.GREY, font_size=8)
    ws.write(layout.DASH_ROW_HEADER - 1, layout.DASH_COL_HELP_ROW, texts.CHART_HELPER(ctx.lang), helper)  # fmt: skip
    small = ctx.fmt(
        font_color=styles.GREY, font_size=8, num_format=styles.month_format(ctx.lang, "axis")
    )
    ws.write(layout.DASH_ROW_HEADER, layout.DASH_COL_HELP_ROW, "#", small)
    ws.write(layout.DASH_ROW_HEADER, layout.DASH_COL_HELP_UNIT, "unit", small)
    for m in range(ctx.n_months):
        ctx.formula(ws, layout.DASH_ROW_HEADER, layout.DASH_COL_HELP_FIRST_MONTH + m,
                    f"=INDEX({MONTHS},{m + 1})", small, MONTHS, m)  # fmt: skip


def _tile(ctx: Context, ws: Any, slot: int) -> None:
    row = layout.DASH_ROW_FIRST_TILE + slot - 1
    ws.set_row(row, 60)
    line = {"bottom": 1, "bottom_color": styles.BORDER}
    match = xl_rowcol_to_cell(row, layout.DASH_COL_HELP_ROW, col_abs=True)
    name = dash_name(slot, "name")
    small = ctx.fmt(font_color=styles.GREY, font_size=8, **line)
    names = _kpi_column(ctx, layout.KPI_COL_NAME)
    ctx.formula(
        ws, row, layout.DASH_COL_HELP_ROW,
        f'=IF(ISNA(MATCH({name},{names},0)),"",MATCH({name},{names},0))', small,
        helper_key(slot, "match"),
    )  # fmt: skip
    ctx.formula(
        ws, row, layout.DASH_COL_HELP_UNIT,
        f'=IF(ISNUMBER({match}),INDEX({_kpi_column(ctx, ctx.cols.unit)},{match}),"")',
        small, helper_key(slot, "unit"),
    )  # fmt: skip
    _trend_helper(ctx, ws, row, match, slot)
    focus = focus_name(slot)
    _named(ctx, ws, row, layout.DASH_COL_NAME, name, f'=IF(ISTEXT({focus}),{focus},"")',
           ctx.fmt(bold=True, font_size=12, text_wrap=True, font_color=styles.NAVY, **line))  # fmt: skip
    lookups = (
        ("value", layout.DASH_COL_VALUE, ctx.cols.value,
         ctx.fmt(bold=True, font_size=18, align="center", **line)),
        ("target", layout.DASH_COL_TARGET, ctx.cols.target,
         ctx.fmt(font_size=11, font_color=styles.GREY, align="center", **line)),
        ("status", layout.DASH_COL_STATUS, ctx.cols.status,
         ctx.fmt(bold=True, align="center", text_wrap=True, **line)),
        ("change", layout.DASH_COL_CHANGE, ctx.cols.change,
         ctx.fmt(font_size=11, align="center", **line)),
        ("action", layout.DASH_COL_ACTION, ctx.cols.action,
         ctx.fmt(font_size=10, text_wrap=True, valign="vcenter", **line)),
    )  # fmt: skip
    unit = xl_rowcol_to_cell(row, layout.DASH_COL_HELP_UNIT, col_abs=True)
    for field_name, col, kpi_col, fmt in lookups:
        source = f"INDEX({_kpi_column(ctx, kpi_col)},{match})"
        shown = source
        if field_name == "change":  # a change of a rate reads in points: x100, "+0.1 pt"
            shown = f'{source}*IF({unit}="{Unit.RATIO.value}",{POINTS:g},1)'
        formula = f'=IF(ISNUMBER({match}),IF(ISNUMBER({source}),{shown},""),"")'
        if field_name in ("status", "action"):
            formula = f'=IF(ISNUMBER({match}),{source},"")'
        _named(ctx, ws, row, col, dash_name(slot, field_name), formula, fmt)
    status = xl_rowcol_to_cell(row, layout.DASH_COL_STATUS, col_abs=True)
    ctx.formula(ws, row, layout.DASH_COL_LIGHT, f'=IF({status}="","","{LIGHT}")',
                ctx.fmt(font_size=22, align="center", font_color="#BFBFBF", **line),
                helper_key(slot, "light"))  # fmt: skip
    _sparkline(ctx, ws, row)


def _focus_index(settings: Settings, slot: int) -> int | None:
    """Position in the catalog of the KPI a slot shows (None for an empty slot)."""
    if slot > len(settings.focus) or not settings.focus[slot - 1]:
        return None
    kpi = catalog.get(settings.focus[slot - 1])
    return catalog.KPIS.index(kpi)


def _named(ctx: Context, ws: Any, row: int, col: int, name: str, formula: str, fmt: Any) -> None:
    ctx.formula(ws, row, col, formula, fmt, name)
    ctx.define(name, ws.name, row, col)


def _trend_helper(ctx: Context, ws: Any, row: int, match: str, slot: int) -> None:
    """The months of the slot's KPI, #N/A where empty so sparklines leave a gap."""
    block = _kpi_block(ctx)
    small = ctx.fmt(font_color=styles.GREY, font_size=8, num_format="0.00")
    for m in range(ctx.n_months):
        source = f"INDEX({block},{match},{m + 1})"
        ctx.formula(
            ws, row, layout.DASH_COL_HELP_FIRST_MONTH + m,
            f"=IF(ISNUMBER({match}),IF(ISNUMBER({source}),{source},NA()),NA())", small,
            helper_key(slot, "trend"), m,
        )  # fmt: skip


def _helper_span(ctx: Context, row: int) -> str:
    first = layout.DASH_COL_HELP_FIRST_MONTH
    return span(ctx.sheets.dashboard, row, first, row, first + ctx.n_months - 1)


def _sparkline(ctx: Context, ws: Any, row: int) -> None:
    """Column sparklines: LibreOffice 7.4 draws line sparklines without their lines."""
    ws.add_sparkline(
        row,
        layout.DASH_COL_TREND,
        {
            "range": _helper_span(ctx, row),
            "type": "column",
            "last_point": True,
            "negative_points": True,
            "series_color": styles.CHART_REVENUE,
            "last_color": styles.CHART_MARGIN,
            "negative_color": "#C00000",
            "empty_cells": "gaps",
        },
    )


def _tile_formats(ctx: Context, ws: Any) -> None:
    """Traffic lights and per-unit number formats of the tiles (the KPI shown varies)."""
    first, last = layout.DASH_ROW_FIRST_TILE, layout.DASH_ROW_FIRST_TILE + FOCUS_SLOTS - 1
    traffic_lights(ctx, ws, first, layout.DASH_COL_STATUS, last, layout.DASH_COL_STATUS)
    status = xl_rowcol_to_cell(first, layout.DASH_COL_STATUS, row_abs=False, col_abs=True)
    colours = {Status.ON_TRACK: styles.GREEN_TEXT, Status.WATCH: "#E6A100",
               Status.OFF_TRACK: "#C00000"}  # fmt: skip
    for st, colour in colours.items():
        label = st.label(ctx.lang).replace('"', '""')
        ws.conditional_format(
            first, layout.DASH_COL_LIGHT, last, layout.DASH_COL_LIGHT,
            {"type": "formula", "criteria": f'={status}="{label}"',
             "format": ctx.workbook.add_format({"font_color": colour})},
        )  # fmt: skip
    unit = xl_rowcol_to_cell(first, layout.DASH_COL_HELP_UNIT, row_abs=False, col_abs=True)
    currency = ctx.settings.currency
    for u in Unit:
        test = f'={unit}="{u.value}"'
        decimals = 2 if u is Unit.CURRENCY else 0
        plain = styles.unit_format(u, ctx.lang, currency, decimals)
        for col, code in (
            (layout.DASH_COL_VALUE, plain),
            (layout.DASH_COL_TARGET, plain),
            (layout.DASH_COL_CHANGE, styles.change_format(u, ctx.lang, currency)),
        ):
            ws.conditional_format(
                first, col, last, col,
                {"type": "formula", "criteria": test,
                 "format": ctx.workbook.add_format({"num_format": code})},
            )  # fmt: skip


def _margin_helper(ctx: Context, ws: Any) -> None:
    """Net margin by month and its target, #N/A where empty (charts skip #N/A)."""
    kpi = catalog.get(MARGIN_KPI)
    row = layout.DASH_ROW_HELP_MARGIN
    small = ctx.fmt(font_color=styles.GREY, font_size=8, num_format="0.0%")
    ws.write(row, layout.DASH_COL_HELP_UNIT, kpi.name(ctx.lang), small)
    ws.write(row + 1, layout.DASH_COL_HELP_UNIT, texts.COL_TARGET(ctx.lang), small)
    for m in range(ctx.n_months):
        col = layout.DASH_COL_HELP_FIRST_MONTH + m
        source = f"INDEX({kpi.defined_name},{m + 1})"
        ctx.formula(ws, row, col, f"=IF(ISNUMBER({source}),{source},NA())", small, MARGIN, m)
        ctx.formula(
            ws, row + 1, col, f"=IF(ISNUMBER({kpi.target_name}),{kpi.target_name},NA())", small,
            MARGIN_TARGET, m,
        )  # fmt: skip


def _months_span(ctx: Context) -> str:
    return span(
        ctx.sheets.inputs, layout.HEADER_ROW, layout.FIRST_MONTH_COL, layout.HEADER_ROW,
        ctx.last_month_col,
    )  # fmt: skip


def _charts(ctx: Context, ws: Any) -> None:
    """Two charts side by side, sized to the printed width (columns B to the last one)."""
    anchor = layout.DASH_ROW_CHARTS
    ws.insert_chart(anchor, layout.DASH_COL_NAME, _revenue_chart(ctx), {"y_offset": 8})
    ws.insert_chart(anchor, layout.DASH_COL_NAME, _margin_chart(ctx),
                    {"y_offset": 8, "x_offset": CHART_WIDTH + CHART_GAP})  # fmt: skip


def _revenue_chart(ctx: Context) -> Any:
    """Revenue and net profit bars, straight from the Inputs rows (blank months draw nothing)."""
    lang, chart = ctx.lang, ctx.workbook.add_chart({"type": "column"})
    colours = (styles.CHART_REVENUE, styles.CHART_PROFIT)
    for input_id, colour in zip(CHART_INPUTS, colours, strict=True):
        item = catalog.get_input(input_id)
        row = layout.input_row(catalog.INPUTS.index(item))
        chart.add_series(
            {
                "name": item.name(lang),
                "categories": _months_span(ctx),
                "values": span(
                    ctx.sheets.inputs, row, layout.FIRST_MONTH_COL, row, ctx.last_month_col
                ),
                "fill": {"color": colour},
                "gap": 60,
            }
        )
    title = " / ".join(catalog.get_input(i).name(lang) for i in CHART_INPUTS)
    money = styles.unit_format(Unit.CURRENCY, lang, ctx.settings.currency)
    _style_chart(chart, title, money, lang)
    return chart


def _margin_chart(ctx: Context) -> Any:
    """Net margin bars against a dashed target line.

    Bars, not a line: LibreOffice plots #N/A and "" as zero, and a zero bar
    is invisible where a line would dive to the axis for months not yet filled.
    """
    lang, kpi = ctx.lang, catalog.get(MARGIN_KPI)
    row = layout.DASH_ROW_HELP_MARGIN
    chart = ctx.workbook.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": kpi.name(lang),
            "categories": _months_span(ctx),
            "values": _helper_span(ctx, row),
            "fill": {"color": styles.CHART_MARGIN},
            "gap": 80,
        }
    )
    target = ctx.workbook.add_chart({"type": "line"})
    target.add_series(
        {
            "name": texts.COL_TARGET(lang),
            "categories": _months_span(ctx),
            "values": _helper_span(ctx, row + 1),
            "line": {"color": styles.CHART_TARGET, "width": 1.75, "dash_type": "dash"},
        }
    )
    chart.combine(target)
    chart.show_na_as_empty_cell()
    _style_chart(chart, f"{kpi.name(lang)} / {texts.COL_TARGET(lang).lower()}", "0%", lang)
    return chart


def _style_chart(chart: Any, title: str, num_format: str, lang: str) -> None:
    font = {"name": "Calibri", "size": 8, "color": styles.GREY}
    title_font = {"name": "Calibri", "size": 11, "bold": True, "color": styles.NAVY}
    chart.set_title({"name": title, "name_font": title_font})
    chart.set_legend({"position": "bottom", "font": font})
    chart.set_x_axis(  # month labels "low": under the chart, never hidden by a loss's bar
        {"num_format": styles.month_format(lang, "axis"), "num_font": font,
         "line": {"color": styles.BORDER}, "label_position": "low"}
    )  # fmt: skip
    chart.set_y_axis(
        {"num_format": num_format, "num_font": font, "line": {"none": True},
         "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}}}
    )  # fmt: skip
    chart.set_chartarea({"border": {"none": True}})
    chart.set_size({"width": CHART_WIDTH, "height": CHART_HEIGHT})
