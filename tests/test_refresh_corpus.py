"""The refresh corpus: a report full of user additions loses nothing in a refresh.

The workbook has sparklines, a text box, a chart, an image, a comment, an
extra sheet, the user's own cells (text, formulas, a HYPERLINK) on
the Inputs sheet and conditional formats including a data bar (an Excel 2010
extension).  After a refresh:

* every zip member but the owned sheet parts and workbook.xml has the same
  decompressed bytes, in the same order;
* the owned sheet parts are byte-identical once the owned cells are cut out,
  so every user cell, formula, format and extension is unchanged;
* workbook.xml differs only by ``fullCalcOnLoad``;
* LibreOffice opens the result and recalculates the cached values we wrote.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from libreoffice import recalc
from test_writer_workbooks import (
    USER_NOTE,
    build_contract_workbook,
    members,
    owned_refs,
    sample_table,
    without_cells,
)

from kpi_xl.workbook import contract
from kpi_xl.workbook.write.writer import Workbook, refresh

# openpyxl (used here only to read) warns that it would drop the extensions we keep.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = build_contract_workbook(tmp_path / "corpus.xlsx", extras=True)
    with_parts = members(path)
    for part in ("xl/drawings/drawing1.xml", "xl/media/image1.png", "xl/charts/chart1.xml"):
        assert part in with_parts
    assert any(n.startswith("xl/comments") for n in with_parts)
    assert b"x14:dataBar" in with_parts["xl/worksheets/sheet2.xml"]
    assert b"<xdr:sp " in with_parts["xl/drawings/drawing1.xml"]  # the text box
    return path


def _calc_removed(xml: bytes) -> bytes:
    return re.sub(rb"<calcPr\b[^>]*/>", b"", xml)


def check_nothing_else_changed(before_path: Path, after_path: Path) -> None:
    before, after = members(before_path), members(after_path)
    assert list(before) == list(after), "member order changed"
    owned = owned_refs(before_path)
    for name, data in before.items():
        if name in owned:
            assert without_cells(data, owned[name]) == without_cells(after[name], owned[name]), name
        elif name == "xl/workbook.xml":
            assert b'fullCalcOnLoad="1"' in after[name]
            assert _calc_removed(data) == _calc_removed(after[name])
        else:
            assert data == after[name], name


def test_refresh_changes_only_owned_cells(corpus: Path, tmp_path: Path) -> None:
    original = tmp_path / "original.xlsx"
    shutil.copy(corpus, original)
    refresh(corpus, sample_table(months=6))
    check_nothing_else_changed(original, corpus)
    again = tmp_path / "again.xlsx"
    shutil.copy(corpus, again)
    refresh(corpus, sample_table(months=9))
    check_nothing_else_changed(again, corpus)


def test_user_cells_read_back_unchanged(corpus: Path, tmp_path: Path) -> None:
    original = openpyxl.load_workbook(corpus)
    refresh(corpus, sample_table())
    after = openpyxl.load_workbook(corpus)
    assert after.sheetnames == original.sheetnames
    for sheet in ("Inputs", "Mes notes"):
        old, new = original[sheet], after[sheet]
        for row in old.iter_rows():
            for cell in row:
                if (cell.column or 0) > 13 or (cell.row or 0) > 30 or sheet == "Mes notes":
                    assert new[cell.coordinate].value == cell.value, cell.coordinate
    assert any(c.value == USER_NOTE for row in after["Inputs"].iter_rows() for c in row)
    assert after["Inputs"]["B2"].comment is not None


@pytest.mark.libreoffice
def test_libreoffice_opens_the_refreshed_corpus_and_agrees(corpus: Path, tmp_path: Path) -> None:
    table = sample_table(months=9)
    summary = refresh(corpus, table)
    recalculated = recalc(corpus, tmp_path / "lo")
    lo = openpyxl.load_workbook(recalculated, data_only=True)
    ours = openpyxl.load_workbook(corpus, data_only=True)
    assert "Mes notes" in lo.sheetnames
    checked = 0
    for name in contract.formula_names():
        if name not in ours.defined_names:
            continue
        sheet, ref = next(iter(ours.defined_names[name].destinations))
        mine, theirs = ours[sheet][ref], lo[sheet][ref]
        pairs = zip(_flat(mine), _flat(theirs), strict=True)
        for a, b in pairs:
            assert _agree(a.value, b.value), (name, a.coordinate, a.value, b.value)
            checked += 1
    assert checked > 150
    assert summary.settings.fy_start == dt.date(2025, 1, 1)
    assert Workbook(corpus).months()[0] == dt.date(2025, 1, 1)


def _flat(cells: object) -> list[openpyxl.cell.cell.Cell]:
    if not isinstance(cells, tuple):
        return [cells]  # type: ignore[list-item]
    return [c for row in cells for c in (row if isinstance(row, tuple) else (row,))]


def _agree(a: object, b: object) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


@pytest.mark.libreoffice
def test_a_report_saved_by_libreoffice_refreshes_correctly(tmp_path: Path) -> None:
    """Another writer's layout (shared strings, t="n", aca attributes...) refreshes too."""
    from libreoffice import recalc
    from test_writer_workbooks import agree, defined_values

    from kpi_xl.workbook.template.templates import template_path
    from kpi_xl.workbook.write.writer import SettingsUpdate, fill

    first = tmp_path / "first.xlsx"
    fill(
        template_path("en"),
        sample_table(months=4),
        first,
        SettingsUpdate(fy_start=dt.date(2025, 1, 1)),
    )
    saved = recalc(first, tmp_path / "saved_by_lo")  # LibreOffice wrote this file
    table = sample_table(months=9)
    summary = refresh(saved, table)
    assert len(summary.months) == 9
    ours = openpyxl.load_workbook(saved, data_only=True)
    assert defined_values(ours, "in_revenue")[:9] == pytest.approx(list(table["revenue"][:9]))
    lo = openpyxl.load_workbook(recalc(saved, tmp_path / "lo"), data_only=True)
    checked = 0
    for name in contract.formula_names():
        if name in ours.defined_names:
            for a, b in zip(defined_values(ours, name), defined_values(lo, name), strict=True):
                assert agree(a, b), (name, a, b)
                checked += 1
    assert checked > 200
