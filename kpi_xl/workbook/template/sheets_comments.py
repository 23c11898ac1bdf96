"""The Customer comments sheet: the latest NPS comments of detractors and promoters.

The cells are plain values, empty in the template: ``kpi-xl fill`` and
``kpi-xl refresh`` write the fiscal year's comments into them by their
``nps_*`` defined names (:func:`kpi_xl.workbook.contract.comment_names`).
Each empty cell already carries its format (date, score, wrapped text), so
the writer only has to put the values in.
"""

from __future__ import annotations

from typing import Any

from kpi_xl.workbook.contract import COMMENT_FIELDS, COMMENT_GROUPS, COMMENT_ROWS, comment_name
from kpi_xl.workbook.template import layout, styles, texts
from kpi_xl.workbook.template.context import Context
from kpi_xl.workbook.template.sheets_settings import DATE_FORMAT

COLUMN_WIDTHS = {layout.COM_COL_DATE: 12, layout.COM_COL_SCORE: 7, layout.COM_COL_COMMENT: 110}
FIELD_COLUMNS = {
    "date": layout.COM_COL_DATE,
    "score": layout.COM_COL_SCORE,
    "comment": layout.COM_COL_COMMENT,
}
GROUP_COLOURS = {"detractors": styles.RED_TEXT, "promoters": styles.GREEN_TEXT}


def write_comments(ctx: Context) -> None:
    """Title, explanation and one block per group, with the ``nps_*`` names defined."""
    ws = ctx.sheet(ctx.sheets.comments)
    lang = ctx.lang
    for col, width in COLUMN_WIDTHS.items():
        ws.set_column(col, col, width)
    ws.set_row(layout.COM_ROW_TITLE, 26)
    title = ctx.fmt(bold=True, font_size=16, font_color=styles.NAVY)
    ws.write_string(layout.COM_ROW_TITLE, 0, texts.COMMENTS_TITLE(lang), title)
    hint = ctx.fmt(italic=True, font_color=styles.GREY)
    ws.write_string(layout.COM_ROW_HINT, 0, texts.COMMENTS_HINT(lang), hint)
    for index, group in enumerate(COMMENT_GROUPS):
        _block(ctx, ws, group, layout.comment_block_row(index))
    # No print area: LibreOffice exports a hidden sheet's print area to PDF too, which
    # would add a page to the Dashboard's one-page export.
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.freeze_panes(layout.COM_ROW_FIRST_BLOCK, 0)


def _block(ctx: Context, ws: Any, group: str, row: int) -> None:
    """A block's title, header and empty formatted rows; each column is one defined name."""
    lang = ctx.lang
    colour = GROUP_COLOURS[group]
    ws.write_string(row, 0, texts.COMMENTS_GROUPS[group](lang),
                    ctx.fmt(bold=True, font_size=12, font_color=colour))  # fmt: skip
    header = ctx.fmt(bold=True, font_color="#FFFFFF", bg_color=styles.BLUE, border=1,
                     border_color=styles.BORDER)  # fmt: skip
    cell = {"border": 1, "border_color": styles.BORDER, "valign": "top"}
    formats = {
        "date": ctx.fmt(num_format=DATE_FORMAT[lang], align="left", **cell),
        "score": ctx.fmt(num_format="0", align="center", **cell),
        "comment": ctx.fmt(text_wrap=True, **cell),
    }
    first, last = row + 2, row + 1 + COMMENT_ROWS
    for field in COMMENT_FIELDS:
        col = FIELD_COLUMNS[field]
        ws.write_string(row + 1, col, texts.COMMENTS_COLUMNS[field](lang), header)
        for r in range(first, last + 1):
            ws.write_blank(r, col, None, formats[field])
        ctx.define_column(comment_name(group, field), ctx.sheets.comments, first, last, col)
