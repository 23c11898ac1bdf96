"""The Inputs and KPIs sheets: the monthly input block and the KPI formula rows."""

from __future__ import annotations

import math
from typing import Any

from kpi_xl import catalog
from kpi_xl.catalog import Input, Kpi, Unit
from kpi_xl.workbook.contract import (
    MONTHS,
    SET_FY_START,
    CachedValue,
    Settings,
    kpi_field,
)
from kpi_xl.workbook.template import formulas, layout, styles, texts
from kpi_xl.workbook.template.context import Context, ref


def _month_header_format(ctx: Context) -> Any:
    """White on blue, short month names: the month headers of Inputs and KPIs."""
    return ctx.fmt(
        bold=True, font_color="#FFFFFF", bg_color=styles.BLUE, num_format=styles.month_format(ctx.lang, "short"),
        align="center",
    )  # fmt: skip


def input_format(item: Input, ctx: Context) -> str:
    """Averages are per-order amounts (cents matter); totals read better rounded."""
    decimals = 2 if item.unit is Unit.CURRENCY and item.ytd == "mean" else 0
    if item.unit in (Unit.YEARS, Unit.PER_YEAR):
        return "0.0#"
    return styles.unit_format(item.unit, ctx.lang, ctx.settings.currency, decimals)


def kpi_format(kpi: Kpi, ctx: Context) -> str:
    decimals = 2 if kpi.unit is Unit.CURRENCY else 0
    return styles.unit_format(kpi.unit, ctx.lang, ctx.settings.currency, decimals)


def unit_label(unit: Unit, ctx: Context) -> str:
    if unit is Unit.CURRENCY:
        return styles.currency_symbol(ctx.settings.currency)
    return texts.UNIT_LABELS[unit](ctx.lang)


def _title(ctx: Context, ws: Any, title: str, hint: str) -> None:
    ws.set_row(0, 26)
    ws.write(0, 0, title, ctx.fmt(bold=True, font_size=16, font_color=styles.NAVY))
    ws.write(1, 0, hint, ctx.fmt(italic=True, font_color=styles.GREY))


def _header(ctx: Context, ws: Any, labels: dict[int, str]) -> None:
    head = ctx.fmt(
        bold=True, font_color="#FFFFFF", bg_color=styles.BLUE, text_wrap=True, align="center"
    )
    ws.set_row(layout.HEADER_ROW, 30)
    for col, label in labels.items():
        ws.write(layout.HEADER_ROW, col, label, head)


def write_inputs(ctx: Context) -> None:
    """One row per catalog input, 12 month columns, validation and a number format per unit."""
    ws = ctx.sheet(ctx.sheets.inputs)
    _title(ctx, ws, texts.SHEET_INPUTS(ctx.lang), texts.INPUTS_HINT(ctx.lang))
    ws.set_column(layout.IN_COL_LABEL, layout.IN_COL_LABEL, 34)
    ws.set_column(layout.IN_COL_UNIT, layout.IN_COL_UNIT, 8)
    ws.set_column(layout.IN_COL_HELP, layout.IN_COL_HELP, 30)
    ws.set_column(layout.FIRST_MONTH_COL, ctx.last_month_col, 11.5)
    _header(
        ctx,
        ws,
        {
            layout.IN_COL_LABEL: texts.COL_INPUT(ctx.lang),
            layout.IN_COL_UNIT: texts.COL_UNIT(ctx.lang),
            layout.IN_COL_HELP: texts.COL_HELP(ctx.lang),
        },
    )
    month_fmt = _month_header_format(ctx)
    for m in range(ctx.n_months):
        col = layout.FIRST_MONTH_COL + m
        ctx.formula(ws, layout.HEADER_ROW, col, formulas.months_formula(SET_FY_START, m),
                    month_fmt, MONTHS, m)  # fmt: skip
    ctx.define(
        MONTHS, ctx.sheets.inputs, layout.HEADER_ROW, layout.FIRST_MONTH_COL, ctx.last_month_col
    )
    for i, item in enumerate(catalog.INPUTS):
        _input_row(ctx, ws, layout.input_row(i), item)
    ws.freeze_panes(layout.FIRST_DATA_ROW, layout.FIRST_MONTH_COL)


def _input_row(ctx: Context, ws: Any, row: int, item: Input) -> None:
    label = ctx.fmt(bold=True, bottom=1, bottom_color=styles.BORDER)
    small = ctx.fmt(font_color=styles.GREY, font_size=9, bottom=1, bottom_color=styles.BORDER)
    ws.write(row, layout.IN_COL_LABEL, item.name(ctx.lang), label)
    ws.write(row, layout.IN_COL_UNIT, unit_label(item.unit, ctx), small)
    ws.write(row, layout.IN_COL_HELP, item.help(ctx.lang), small)
    cell = ctx.fmt(
        num_format=input_format(item, ctx), bg_color=styles.INPUT_FILL, border=1,
        border_color=styles.BORDER,
    )  # fmt: skip
    column = ctx.inputs[item.id] if item.id in ctx.inputs.columns else None
    for m in range(ctx.n_months):
        value = math.nan if column is None else float(column.iloc[m])
        if math.isnan(value):
            ws.write_blank(row, layout.FIRST_MONTH_COL + m, None, cell)
        else:
            ws.write_number(row, layout.FIRST_MONTH_COL + m, value, cell)
    ctx.define(
        item.defined_name, ctx.sheets.inputs, row, layout.FIRST_MONTH_COL, ctx.last_month_col
    )
    ws.data_validation(
        row, layout.FIRST_MONTH_COL, row, ctx.last_month_col, input_validation(item, ctx.lang)
    )


def input_validation(item: Input, lang: str) -> dict[str, Any]:
    """Data validation of an input row: a number within the catalog's bounds."""
    whole = item.unit is Unit.COUNT
    rule: dict[str, Any] = {"validate": "integer" if whole else "decimal"}
    words = (texts.VALIDATION_WHOLE if whole else texts.VALIDATION_NUMBER)(lang)
    lo, hi = item.minimum, item.maximum
    if lo is not None and hi is not None:
        rule.update(criteria="between", minimum=lo, maximum=hi)
        words += f" {texts.VALIDATION_BETWEEN(lang)} {_num(lo, item)} {texts.VALIDATION_AND(lang)} {_num(hi, item)}"  # fmt: skip
    elif lo is not None:
        rule.update(criteria=">=", value=lo)
        words += f" {texts.VALIDATION_MIN(lang)} {_num(lo, item)}"
    elif hi is not None:
        rule.update(criteria="<=", value=hi)
    else:
        # Any number: a range wide enough for any business still rejects text.
        rule.update(criteria="between", minimum=-1e15, maximum=1e15)
    rule.update(
        error_title=texts.VALIDATION_TITLE(lang)[:32],
        error_message=(words + ".")[:255],
        input_title=item.name(lang)[:32],
    )
    if item.help(lang):
        rule["input_message"] = item.help(lang)[:255]
    return rule


def _num(value: float, item: Input) -> str:
    if item.unit is Unit.RATIO:
        return f"{value * 100:g} %"
    return f"{value:g}"


def target_key(kpi: Kpi) -> str:
    """Key of the value of a KPI's target column (the target, or empty without one)."""
    return f"_target_{kpi.id}"


def kpis_sheet_values(settings: Settings) -> dict[str, CachedValue | list[CachedValue]]:
    """Values of the KPIs sheet's formula cells outside the contract: the target column."""
    out: dict[str, CachedValue | list[CachedValue]] = {}
    for kpi in catalog.KPIS:
        target = settings.targets.get(kpi.id)
        out[target_key(kpi)] = "" if target is None else float(target)
    return out


def write_kpis(ctx: Context) -> None:
    """One row per catalog KPI: 12 month formulas, year to date, target, status, action."""
    ws = ctx.sheet(ctx.sheets.kpis)
    grid = layout.grid(ctx.sheets, ctx.n_months)
    _title(ctx, ws, texts.SHEET_KPIS(ctx.lang), texts.KPIS_HINT(ctx.lang))
    _kpi_columns(ctx, ws)
    month_fmt = _month_header_format(ctx)
    for m in range(ctx.n_months):
        col = layout.FIRST_MONTH_COL + m
        source = ref(ctx.sheets.inputs, layout.HEADER_ROW, col)
        ctx.formula(ws, layout.HEADER_ROW, col, f"={source}", month_fmt, MONTHS, m)
    for i, kpi in enumerate(catalog.KPIS):
        _kpi_row(ctx, ws, layout.kpi_row(i), kpi, grid)
    _traffic_lights(ctx, ws, ctx.cols.status)
    ws.freeze_panes(layout.FIRST_DATA_ROW, layout.FIRST_MONTH_COL)


def _kpi_columns(ctx: Context, ws: Any) -> None:
    lang = ctx.lang
    ws.set_column(layout.KPI_COL_NAME, layout.KPI_COL_NAME, 30)
    ws.set_column(layout.KPI_COL_FORMULA, layout.KPI_COL_FORMULA, 30)
    ws.set_column(layout.KPI_COL_BETTER, layout.KPI_COL_BETTER, 6)
    ws.set_column(layout.FIRST_MONTH_COL, ctx.last_month_col, 10)
    ws.set_column(ctx.cols.ytd, ctx.cols.change, 11)
    ws.set_column(ctx.cols.status, ctx.cols.status, 14)
    ws.set_column(ctx.cols.action, ctx.cols.action, 60)
    ws.set_column(ctx.cols.frequency, ctx.cols.frequency, 28)
    ws.set_column(ctx.cols.basis, ctx.cols.basis, 13)
    ws.set_column(ctx.cols.unit, ctx.cols.unit, 9, None, {"hidden": True})
    _header(
        ctx,
        ws,
        {
            layout.KPI_COL_NAME: texts.COL_KPI(lang),
            layout.KPI_COL_FORMULA: texts.COL_FORMULA(lang),
            layout.KPI_COL_BETTER: texts.COL_BETTER(lang),
            ctx.cols.ytd: texts.COL_YTD(lang),
            ctx.cols.target: texts.COL_TARGET(lang),
            ctx.cols.value: texts.COL_VALUE(lang),
            ctx.cols.change: texts.COL_CHANGE(lang),
            ctx.cols.status: texts.COL_STATUS(lang),
            ctx.cols.action: texts.COL_ACTION(lang),
            ctx.cols.frequency: texts.COL_FREQUENCY(lang),
            ctx.cols.basis: texts.COL_BASIS(lang),
            ctx.cols.unit: "unit",
        },
    )


def _kpi_row(ctx: Context, ws: Any, row: int, kpi: Kpi, grid: formulas.Grid) -> None:
    lang, border = ctx.lang, {"bottom": 1, "bottom_color": styles.BORDER}
    ws.set_row(row, 30)
    text = ctx.fmt(text_wrap=True, font_size=9, font_color=styles.GREY, **border)
    ws.write(row, layout.KPI_COL_NAME, kpi.name(lang), ctx.fmt(bold=True, text_wrap=True, **border))
    ws.write(row, layout.KPI_COL_FORMULA, kpi.formula(lang), text)
    ws.write(row, layout.KPI_COL_BETTER, kpi.direction.arrow,
             ctx.fmt(align="center", **border))  # fmt: skip
    number = ctx.fmt(num_format=kpi_format(kpi, ctx), **border)
    for m in range(ctx.n_months):
        formula = formulas.month_formula(kpi, grid, m)
        col = layout.FIRST_MONTH_COL + m
        if formula is None:  # e.g. month 1 of a month-on-month growth
            ws.write_blank(row, col, None, number)
        else:
            ctx.formula(ws, row, col, formula, number, kpi.defined_name, m)
    ctx.define(kpi.defined_name, ctx.sheets.kpis, row, layout.FIRST_MONTH_COL, ctx.last_month_col)
    bold_number = ctx.fmt(num_format=kpi_format(kpi, ctx), bold=True, bg_color=styles.LIGHT_BLUE, **border)  # fmt: skip
    _named_formula(ctx, ws, row, ctx.cols.ytd, kpi_field(kpi.id, "ytd"),
                   formulas.ytd_formula(kpi, ctx.n_months), bold_number)  # fmt: skip
    ctx.formula(ws, row, ctx.cols.target,
                f'=IF(ISNUMBER({kpi.target_name}),{kpi.target_name},"")', number,
                target_key(kpi))  # fmt: skip
    _named_formula(ctx, ws, row, ctx.cols.value, kpi_field(kpi.id, "value"),
                   formulas.value_formula(kpi, ctx.n_months), bold_number)  # fmt: skip
    change = ctx.fmt(num_format=styles.change_format(kpi.unit, lang, ctx.settings.currency), **border)  # fmt: skip
    _named_formula(ctx, ws, row, ctx.cols.change, kpi_field(kpi.id, "change"),
                   formulas.change_formula(kpi, ctx.n_months), change)  # fmt: skip
    status = kpi_field(kpi.id, "status")
    _named_formula(
        ctx, ws, row, ctx.cols.status, status,
        formulas.status_formula(kpi_field(kpi.id, "value"), kpi.target_name, kpi.direction, lang),
        ctx.fmt(align="center", bold=True, **border),
    )  # fmt: skip
    _named_formula(ctx, ws, row, ctx.cols.action, kpi_field(kpi.id, "action"),
                   formulas.action_formula(kpi, status, lang), text)  # fmt: skip
    ws.write(row, ctx.cols.frequency, kpi.frequency(lang), text)
    ws.write(row, ctx.cols.basis, texts.BASIS[kpi.basis](lang), text)
    ws.write(row, ctx.cols.unit, kpi.unit.value, text)


def _named_formula(
    ctx: Context, ws: Any, row: int, col: int, name: str, formula: str, fmt: Any
) -> None:
    ctx.formula(ws, row, col, formula, fmt, name)
    ctx.define(name, ws.name, row, col)


def _traffic_lights(ctx: Context, ws: Any, col: int) -> None:
    """Green, amber or red fill by status label (the label itself comes from the catalog)."""
    first, last = layout.FIRST_DATA_ROW, layout.FIRST_DATA_ROW + len(catalog.KPIS) - 1
    traffic_lights(ctx, ws, first, col, last, col)


def traffic_lights(ctx: Context, ws: Any, first_row: int, first_col: int, last_row: int,
                   last_col: int) -> None:  # fmt: skip
    """Conditional fills on cells holding a status label."""
    colours = {
        catalog.Status.ON_TRACK: (styles.GREEN_FILL, styles.GREEN_TEXT),
        catalog.Status.WATCH: (styles.AMBER_FILL, styles.AMBER_TEXT),
        catalog.Status.OFF_TRACK: (styles.RED_FILL, styles.RED_TEXT),
    }
    for status, (fill, font) in colours.items():
        label = status.label(ctx.lang).replace('"', '""')
        ws.conditional_format(
            first_row, first_col, last_row, last_col,
            {
                "type": "cell", "criteria": "==", "value": f'"{label}"',
                "format": ctx.workbook.add_format({"bg_color": fill, "font_color": font}),
            },
        )  # fmt: skip
