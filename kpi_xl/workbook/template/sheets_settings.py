"""The Settings sheet (company, fiscal year, targets, dashboard focus) and the How-to sheet."""

from __future__ import annotations

from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from kpi_xl import catalog
from kpi_xl.workbook.contract import (
    FOCUS_SLOTS,
    SET_CLIENT_ID,
    SET_COMPANY,
    SET_CURRENCY,
    SET_FY_START,
    SET_LANG,
    focus_name,
)
from kpi_xl.workbook.template import layout, styles, texts
from kpi_xl.workbook.template.context import Context, excel_serial
from kpi_xl.workbook.template.sheets_data import kpi_format, unit_label

DATE_FORMAT = {"fr": "dd/mm/yyyy", "en": "yyyy-mm-dd"}


def write_settings(ctx: Context) -> None:
    ws = ctx.sheet(ctx.sheets.settings)
    lang = ctx.lang
    ws.set_column(layout.SET_COL_LABEL, layout.SET_COL_LABEL, 36)
    ws.set_column(layout.SET_COL_VALUE, layout.SET_COL_VALUE, 34)
    ws.set_column(layout.SET_COL_NOTE, layout.SET_COL_NOTE, 10)
    ws.set_column(3, 3, 8)
    ws.set_column(4, 4, 15)
    ws.set_column(5, 5, 80)
    ws.set_row(0, 26)
    ws.write(0, 0, texts.SHEET_SETTINGS(lang), ctx.fmt(bold=True, font_size=16, font_color=styles.NAVY))  # fmt: skip
    _general(ctx, ws)
    _targets(ctx, ws)
    _focus(ctx, ws)


def _section(ctx: Context, ws: Any, row: int, title: str) -> None:
    ws.write(row, 0, title, ctx.fmt(bold=True, font_size=12, font_color=styles.BLUE, bottom=2,
                                     bottom_color=styles.BLUE))  # fmt: skip


def _editable(ctx: Context, **extra: Any) -> Any:
    return ctx.fmt(bg_color=styles.INPUT_FILL, border=1, border_color=styles.BORDER, **extra)


def _general(ctx: Context, ws: Any) -> None:
    lang, s = ctx.lang, ctx.settings
    _section(ctx, ws, layout.SET_ROW_GENERAL, texts.SET_GENERAL(lang))
    label = ctx.fmt(bold=True)
    hint = ctx.fmt(italic=True, font_color=styles.GREY, font_size=9)
    rows = (
        (layout.SET_ROW_COMPANY, SET_COMPANY, texts.SET_COMPANY, texts.SET_COMPANY_HINT),
        (layout.SET_ROW_FY_START, SET_FY_START, texts.SET_FY_START, texts.SET_FY_HINT),
        (layout.SET_ROW_CURRENCY, SET_CURRENCY, texts.SET_CURRENCY, texts.SET_CURRENCY_HINT),
        (layout.SET_ROW_LANG, SET_LANG, texts.SET_LANG, texts.SET_LANG_HINT),
    )
    for row, name, text, note in rows:
        ws.write(row, layout.SET_COL_LABEL, text(lang), label)
        ws.write(row, layout.SET_COL_NOTE, note(lang), hint)
        ctx.define(name, ctx.sheets.settings, row, layout.SET_COL_VALUE)
    col = layout.SET_COL_VALUE
    if s.company:
        ws.write_string(layout.SET_ROW_COMPANY, col, s.company, _editable(ctx))
    else:
        ws.write_blank(layout.SET_ROW_COMPANY, col, None, _editable(ctx))
    ws.write_number(layout.SET_ROW_FY_START, col, excel_serial(s.fy_start),
                    _editable(ctx, num_format=DATE_FORMAT[lang], align="left"))  # fmt: skip
    ws.data_validation(
        layout.SET_ROW_FY_START, col, layout.SET_ROW_FY_START, col,
        {"validate": "date", "criteria": ">", "value": excel_serial(s.fy_start.replace(year=1990)),
         "error_title": texts.VALIDATION_TITLE(lang), "error_message": texts.SET_FY_HINT(lang)},
    )  # fmt: skip
    ws.write_string(layout.SET_ROW_CURRENCY, col, s.currency, _editable(ctx))
    ws.write_string(layout.SET_ROW_LANG, col, lang, ctx.fmt(border=1, border_color=styles.BORDER))
    _client_id(ctx, ws, label)


def _client_id(ctx: Context, ws: Any, label: Any) -> None:
    """Whose report it is: written by kpi-xl fill, checked by every refresh."""
    row = layout.SET_ROW_COMPANY
    ws.write(row, layout.SET_COL_CLIENT_LABEL, texts.SET_CLIENT_ID(ctx.lang), label)
    ws.write_blank(row, layout.SET_COL_CLIENT_ID, None, ctx.fmt(border=1, border_color=styles.BORDER,
                                                                 align="left"))  # fmt: skip
    ctx.define(SET_CLIENT_ID, ctx.sheets.settings, row, layout.SET_COL_CLIENT_ID)


def _targets(ctx: Context, ws: Any) -> None:
    lang = ctx.lang
    _section(ctx, ws, layout.SET_ROW_TARGETS, texts.SET_TARGETS(lang))
    head = ctx.fmt(bold=True, font_color="#FFFFFF", bg_color=styles.BLUE)
    heads = (texts.COL_KPI, texts.COL_TARGET, texts.COL_UNIT, texts.COL_BETTER, texts.COL_BASIS,
             texts.COL_TARGET_NOTE)  # fmt: skip
    for col, text in enumerate(heads):
        ws.write(layout.SET_ROW_TARGETS + 1, col, text(lang), head)
    small = ctx.fmt(font_size=9, font_color=styles.GREY)
    for i, kpi in enumerate(catalog.KPIS):
        row = layout.SET_ROW_FIRST_TARGET + i
        target = ctx.settings.targets.get(kpi.id)
        ws.write(row, 0, kpi.name(lang), ctx.fmt(bold=True))
        cell = _editable(ctx, num_format=kpi_format(kpi, ctx), align="left")
        if target is None:
            ws.write_blank(row, 1, None, cell)
        else:
            ws.write_number(row, 1, float(target), cell)
        ctx.define(kpi.target_name, ctx.sheets.settings, row, 1)
        ws.write(row, 2, unit_label(kpi.unit, ctx), small)
        ws.write(row, 3, kpi.direction.arrow, ctx.fmt(align="center"))
        ws.write(row, 4, texts.BASIS[kpi.basis](lang), small)
        note = f"{kpi.target_text(lang)} ({kpi.source})"
        if kpi.target is None:
            note = f"{texts.NO_TARGET(lang)}. {note}"
        ws.write(row, 5, note, small)


def kpi_names_range() -> str:
    """The Settings cells listing every KPI name (the focus drop-down's source)."""
    first = xl_rowcol_to_cell(layout.SET_ROW_FIRST_TARGET, 0, True, True)
    last = xl_rowcol_to_cell(layout.SET_ROW_FIRST_TARGET + len(catalog.KPIS) - 1, 0, True, True)
    return f"={first}:{last}"


def _focus(ctx: Context, ws: Any) -> None:
    lang = ctx.lang
    _section(ctx, ws, layout.SET_ROW_FOCUS, texts.SET_FOCUS(lang))
    for slot in range(1, FOCUS_SLOTS + 1):
        row = layout.SET_ROW_FIRST_FOCUS + slot - 1
        ws.write_number(row, 0, slot, ctx.fmt(bold=True, align="right"))
        focus = ctx.settings.focus
        name = catalog.get(focus[slot - 1]).name(lang) if slot <= len(focus) else ""
        ws.write_string(row, 1, name, _editable(ctx))
        ctx.define(focus_name(slot), ctx.sheets.settings, row, 1)
        ws.data_validation(
            row, 1, row, 1,
            {"validate": "list", "source": kpi_names_range(),
             "error_title": texts.VALIDATION_TITLE(lang), "error_message": texts.VALIDATION_FOCUS(lang)},
        )  # fmt: skip
    ws.write(layout.SET_ROW_FIRST_FOCUS, 2, texts.SET_FOCUS_HINT(lang),
             ctx.fmt(italic=True, font_color=styles.GREY, font_size=9))  # fmt: skip


def write_howto(ctx: Context) -> None:
    ws = ctx.sheet(ctx.sheets.howto)
    lang = ctx.lang
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 2)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 2, 100)
    ws.set_row(1, 30)
    ws.write(1, 1, texts.TITLE(lang), ctx.fmt(bold=True, font_size=20, font_color=styles.NAVY))
    for i, (head, body) in enumerate(texts.HOWTO_LINES):
        row = 3 + i
        ws.set_row(row, 36)
        ws.write(row, 1, head(lang), ctx.fmt(bold=True, font_color=styles.BLUE, valign="top"))
        ws.write(row, 2, body(lang), ctx.fmt(text_wrap=True, valign="top"))
    sources = 4 + len(texts.HOWTO_LINES)
    for j, text in enumerate(catalog.SOURCES.values()):
        ws.write(sources + j, 2, text, ctx.fmt(italic=True, font_color=styles.GREY, font_size=9))
