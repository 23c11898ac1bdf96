"""Contract workbooks built with XlsxWriter for the writer tests, and checks of them.

:func:`build_contract_workbook` makes a small workbook that defines the
template contract with the real formulas of :mod:`kpi_xl.workbook.template.formulas`
(so LibreOffice can check the cached values), plus, on request, everything a
user adds to a report: sparklines, a text box, a chart, an image, comments,
an extra sheet, their own cells on the Inputs sheet and conditional formats
(including a data bar, stored as an Excel 2010 extension).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import xlsxwriter

from kpi_xl import catalog
from kpi_xl.workbook import contract
from kpi_xl.workbook.template import formulas
from kpi_xl.workbook.write.names import column_letters

INPUTS, KPIS, SETTINGS = "Inputs", "KPIs", "Settings"
FIRST_COL = 1  # B: months in B..M
USER_NOTE = "Note de l'expert-comptable : vérifier les stocks"
#: Inputs whose cells the builder leaves out, so the writer must create them.
SPARSE_INPUT = "visitors"  # month 5 missing
ABSENT_ROW_INPUT = "gross_margin"  # whole row missing from the sheet XML


def tiny_png() -> bytes:
    """A valid 2x2 red PNG, made here so the test needs no file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def input_row(input_id: str) -> int:
    """0-based row of an input on the Inputs sheet (row 0: months)."""
    return 1 + [i.id for i in catalog.INPUTS].index(input_id)


def kpi_row(kpi_id: str) -> int:
    return 1 + [k.id for k in catalog.KPIS].index(kpi_id)


def build_contract_workbook(
    path: Path,
    *,
    extras: bool = False,
    fy_start: dt.date = dt.date(2025, 1, 1),
    company: str = "Test SARL",
    lang: str = "fr",
    date1904: bool = False,
    user_inputs: dict[tuple[str, int], float] | None = None,
    user_formulas: dict[tuple[str, int], tuple[str, float]] | None = None,
) -> Path:
    """A workbook defining the contract, with real KPI formulas; see the module docstring."""
    wb = xlsxwriter.Workbook(str(path), {"date_1904": date1904})
    settings, inputs, kpis = (wb.add_worksheet(n) for n in (SETTINGS, INPUTS, KPIS))
    date_fmt = wb.add_format({"num_format": "mmm yyyy"})
    num = wb.add_format({"num_format": "#,##0.00", "bg_color": "#FFF2CC"})
    pct = wb.add_format({"num_format": "0.0%"})
    _settings(wb, settings, fy_start, company, lang)
    grid = formulas.Grid(
        {**{i.defined_name: (INPUTS, input_row(i.id)) for i in catalog.INPUTS},
         **{k.defined_name: (KPIS, kpi_row(k.id)) for k in catalog.KPIS}},
        FIRST_COL,
        inputs=(INPUTS, input_row(catalog.INPUTS[0].id), input_row(catalog.INPUTS[-1].id)),
    )  # fmt: skip
    for m in range(contract.N_MONTHS):
        inputs.write_formula(0, FIRST_COL + m, formulas.months_formula("set_fy_start", m), date_fmt)
    wb.define_name("months", f"={INPUTS}!$B$1:$M$1")
    for item in catalog.INPUTS:
        row = input_row(item.id)
        if item.id != ABSENT_ROW_INPUT:
            inputs.write(row, 0, item.name(lang))
            for m in range(contract.N_MONTHS):
                if not (item.id == SPARSE_INPUT and m == 4):
                    value = (user_inputs or {}).get((item.id, m))
                    typed = (user_formulas or {}).get((item.id, m))
                    if typed is not None:
                        inputs.write_formula(row, FIRST_COL + m, typed[0], num, typed[1])
                    elif value is None:
                        inputs.write_blank(row, FIRST_COL + m, None, num)
                    else:
                        inputs.write_number(row, FIRST_COL + m, value, num)
        wb.define_name(item.defined_name, f"={INPUTS}!$B${row + 1}:$M${row + 1}")
    for kpi in catalog.KPIS:
        row = kpi_row(kpi.id)
        kpis.write(row, 0, kpi.name(lang))
        for m in range(contract.N_MONTHS):
            formula = formulas.month_formula(kpi, grid, m)
            if formula is not None:
                kpis.write_formula(row, FIRST_COL + m, formula, pct, "")
        wb.define_name(kpi.defined_name, f"={KPIS}!$B${row + 1}:$M${row + 1}")
        ytd = f"{KPIS}!$N${row + 1}"
        kpis.write_formula(row, 13, formulas.ytd_formula(kpi), pct, "")
        wb.define_name(contract.kpi_field(kpi.id, "ytd"), f"={ytd}")
        value_cell = f"{KPIS}!$O${row + 1}"
        kpis.write_formula(row, 14, formulas.value_formula(kpi), pct, "")
        wb.define_name(contract.kpi_field(kpi.id, "value"), f"={value_cell}")
        status = formulas.status_formula(
            contract.kpi_field(kpi.id, "value"), kpi.target_name, kpi.direction, lang
        )
        kpis.write_formula(row, 15, status, None, "")
        wb.define_name(contract.kpi_field(kpi.id, "status"), f"={KPIS}!$P${row + 1}")
        action = formulas.action_formula(kpi, f"{KPIS}!$P${row + 1}", lang)
        kpis.write_formula(row, 16, action, None, "")
        wb.define_name(contract.kpi_field(kpi.id, "action"), f"={KPIS}!$Q${row + 1}")
    if extras:
        add_user_extras(wb, inputs, kpis)
    wb.close()
    return path


def _settings(wb: xlsxwriter.Workbook, ws: Any, fy_start: dt.date, company: str, lang: str) -> None:
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    rows: list[tuple[str, object]] = [
        (contract.SET_COMPANY, company),
        (contract.SET_FY_START, fy_start),
        (contract.SET_CURRENCY, "EUR"),
        (contract.SET_LANG, lang),
    ]
    rows += [(k.target_name, k.target) for k in catalog.KPIS]
    rows += [(contract.focus_name(s), k.name(lang)) for s, k in enumerate(catalog.focus_kpis(), 1)]
    for r, (name, value) in enumerate(rows):
        ws.write(r, 0, name)
        if isinstance(value, dt.date):
            ws.write_datetime(r, 1, dt.datetime.combine(value, dt.time()), date_fmt)
        elif value is not None:
            ws.write(r, 1, value)
        wb.define_name(name, f"={SETTINGS}!$B${r + 1}")


def add_user_extras(wb: xlsxwriter.Workbook, inputs: Any, kpis: Any) -> None:
    """What a user adds to a report: the refresh must keep every bit of it."""
    ws_in, ws_kpi = inputs, kpis
    last = len(catalog.INPUTS) + 3
    ws_in.write(last, 0, USER_NOTE)
    ws_in.write_formula(last + 1, 1, "=SUM(B2:M2)*2", None, 0)
    ws_in.write_formula(1, 14, '=HYPERLINK("https://example.com","mon lien")', None, "mon lien")
    ws_in.write_comment(1, 1, "Chiffre issu du FEC, à confirmer")
    ws_in.insert_textbox(last + 3, 1, "Commentaire du dirigeant : bon trimestre")
    ws_in.insert_image(last + 3, 6, "pixel.png", {"image_data": io.BytesIO(tiny_png())})
    ws_in.conditional_format(1, 1, 1, 12, {"type": "data_bar", "bar_color": "#63BE7B",
                                           "bar_solid": True})  # fmt: skip
    ws_in.conditional_format(2, 1, 2, 12, {"type": "cell", "criteria": ">", "value": 1000,
                                           "format": wb.add_format({"font_color": "#9C0006"})})  # fmt: skip
    ws_kpi.add_sparkline(1, 18, {"range": f"{KPIS}!B2:M2", "markers": True})
    ws_kpi.add_sparkline(2, 18, {"range": f"{KPIS}!B3:M3", "type": "column"})
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"name": "CA", "values": f"={INPUTS}!$B$2:$M$2"})
    ws_in.insert_chart(last + 10, 1, chart)
    notes = wb.add_worksheet("Mes notes")
    notes.write(0, 0, "Rendez-vous client le 15")
    notes.write(1, 0, 12345.678)


def sample_table(months: int = 9, start: str = "2025-01-01", seed: int = 1) -> pd.DataFrame:
    """A fiscal year of plausible inputs (the last 12 - ``months`` months empty)."""
    rng = np.random.default_rng(seed)
    index = pd.date_range(start, periods=12, freq="MS", name="month")
    n = 12
    visitors = rng.integers(20_000, 35_000, n).astype(float)
    sessions = visitors * 1.4
    revenue = rng.uniform(40_000, 80_000, n)
    data = {
        "revenue": revenue,
        "revenue_prev_year": revenue / rng.uniform(1.05, 1.25, n),
        "net_profit": revenue * rng.uniform(-0.05, 0.15, n),
        "orders": (visitors * 0.028).round(),
        "visitors": visitors,
        "conversions": (visitors * rng.uniform(0.02, 0.035, n)).round(),
        "sales_marketing_costs": revenue * 0.12,
        "new_customers": rng.integers(300, 600, n).astype(float),
        "customers_start": np.linspace(7000, 8000, n).round(),
        "customers_end": np.linspace(7100, 8100, n).round(),
        "sessions": sessions.round(),
        "engaged_sessions": (sessions * rng.uniform(0.5, 0.65, n)).round(),
        "nps_promoters": rng.integers(25, 45, n).astype(float),
        "nps_passives": rng.integers(10, 25, n).astype(float),
        "nps_detractors": rng.integers(5, 15, n).astype(float),
        "processes_automated": np.full(n, 6.0),
        "processes_eligible": np.full(n, 10.0),
        "investment_cost": np.r_[12_000.0, np.zeros(n - 1)],
        "investment_gains": rng.uniform(800, 900, n),
        "average_order_value": rng.uniform(60, 70, n),
        "purchase_frequency": np.full(n, 1.2),
        "customer_lifespan": np.full(n, 1.5),
        "gross_margin": np.full(n, 0.55),
    }
    table = pd.DataFrame(data, index=index)
    table.iloc[months:] = np.nan
    return table


def members(path: Path) -> dict[str, bytes]:
    """Decompressed content of every member, in archive order."""
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


_CELL = re.compile(rb'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)


def without_cells(xml: bytes, refs: set[str]) -> bytes:
    """Sheet XML with the ``<c>`` elements of ``refs`` cut out (to compare the rest).

    A row the writer had to create for owned cells (``<row r="24">``, no other
    attribute) is cut out too once empty.
    """
    cut = _CELL.sub(lambda m: b"" if m.group(1).decode() in refs else m.group(0), xml)
    return re.sub(rb'<row r="\d+"></row>', b"", cut)


def cell_xml(xml: bytes, ref: str) -> bytes:
    for m in _CELL.finditer(xml):
        if m.group(1).decode() == ref:
            return m.group(0)
    return b""


def owned_refs(path: Path) -> dict[str, set[str]]:
    """Owned cell addresses per sheet name (every contract name's cells)."""
    from kpi_xl.workbook.write.writer import Workbook

    wb = Workbook(path)
    out: dict[str, set[str]] = {}
    for ref in wb.names.values():
        out.setdefault(ref.part, set()).update(f"{column_letters(c)}{r}" for r, c in ref.cells)
    return out


def test_contract_workbook_defines_every_required_name(tmp_path: Path) -> None:
    from kpi_xl.workbook.write.writer import Workbook

    path = build_contract_workbook(tmp_path / "c.xlsx", extras=True)
    wb = Workbook(path)
    assert set(contract.required_names()) <= set(wb.names)
    assert wb.settings().company == "Test SARL"
    assert wb.months()[0] == dt.date(2025, 1, 1)
    assert b"x14:sparkline" in members(path)["xl/worksheets/sheet3.xml"]


def defined_values(wb: openpyxl.Workbook, name: str) -> list[object]:
    """The values of a defined name's cells in an openpyxl workbook, in order."""
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    cells = wb[sheet][ref]
    if not isinstance(cells, tuple):
        return [cells.value]
    return [c.value for row in cells for c in (row if isinstance(row, tuple) else (row,))]


def agree(a: object, b: object) -> bool:
    """Same cell value, numbers to 1e-9 relative, '' and empty alike, dates as datetimes."""
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, dt.date) and not isinstance(a, dt.datetime):
        a = dt.datetime.combine(a, dt.time())
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b
