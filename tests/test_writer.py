"""The batch writer on contract workbooks built in the tests: values, cached values, safety."""

from __future__ import annotations

import datetime as dt
import math
import os
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from lxml import etree
from test_writer_workbooks import (
    ABSENT_ROW_INPUT,
    INPUTS,
    SPARSE_INPUT,
    build_contract_workbook,
    members,
    sample_table,
)

from kpi_xl.errors import WorkbookError
from kpi_xl.monthly import compute_kpis
from kpi_xl.workbook import contract
from kpi_xl.workbook.write.names import column_number
from kpi_xl.workbook.write.writer import SettingsUpdate, Template, Workbook, fill, refresh
from kpi_xl.workbook.write.xlsx_package import Member, deflate, zip_bytes

INJECTIONS = ('=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1)")
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@pytest.fixture
def template(tmp_path: Path) -> Path:
    return build_contract_workbook(tmp_path / "template.xlsx")


def name_values(path: Path, name: str) -> list[object]:
    """A defined name's values as openpyxl reads them (cached values for formulas)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    cells = wb[sheet][ref]
    if not isinstance(cells, tuple):
        return [cells.value]
    return [c.value for row in cells for c in (row if isinstance(row, tuple) else (row,))]


def expected_values(
    table: pd.DataFrame, settings: contract.Settings
) -> dict[str, contract.CellValue | list[contract.CellValue]]:
    inputs = table.reset_index(drop=True)
    return contract.formula_values(inputs, compute_kpis(inputs), settings)


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, int | float):
        return math.isclose(a, float(b), rel_tol=1e-12, abs_tol=1e-12)
    if a in ("", None) and b in ("", None):
        return True
    if isinstance(a, dt.date) and isinstance(b, dt.datetime):
        return a == b.date()
    return a == b


def test_fill_writes_inputs_and_cached_values(template: Path, tmp_path: Path) -> None:
    table = sample_table()
    out = tmp_path / "report.xlsx"
    summary = fill(
        template, table, out, SettingsUpdate(company="ACME", fy_start=dt.date(2025, 1, 1))
    )
    assert len(summary.months) == 9
    assert name_values(out, "in_revenue")[:9] == pytest.approx(list(table["revenue"][:9]))
    assert name_values(out, "in_revenue")[9:] == [None, None, None]
    expected = expected_values(table, summary.settings)
    for name in ("kpi_conversion_rate", "kpi_roi", "kpi_nps_ytd", "kpi_net_margin_status",
                 "kpi_net_margin_action", "kpi_clv_cac_ratio"):  # fmt: skip
        value = expected[name]
        want: list[object] = list(value) if isinstance(value, list) else [value]
        got = name_values(out, name)
        assert all(same(w, g) for w, g in zip(want, got, strict=True)), name
    assert name_values(out, "set_company") == ["ACME"]


def test_missing_cells_and_rows_are_created_in_order(template: Path, tmp_path: Path) -> None:
    table = sample_table()
    out = tmp_path / "report.xlsx"
    fill(template, table, out)
    assert name_values(out, f"in_{SPARSE_INPUT}")[4] == table[SPARSE_INPUT].iloc[4]
    assert name_values(out, f"in_{ABSENT_ROW_INPUT}")[:9] == pytest.approx([0.55] * 9)
    sheet = etree.fromstring(members(out)["xl/worksheets/sheet2.xml"])
    rows = [int(r.get("r", "0")) for r in sheet.iterfind(".//m:row", NS)]
    assert rows == sorted(rows) and len(rows) == len(set(rows))
    for row in sheet.iterfind(".//m:row", NS):
        cols = [column_number(c.get("r", "").rstrip("0123456789")) for c in row.iterfind("m:c", NS)]  # fmt: skip
        assert cols == sorted(cols) and len(cols) == len(set(cols))


def test_style_of_input_cells_is_kept(template: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    fill(template, sample_table(), out)
    before = openpyxl.load_workbook(template)[INPUTS]["C2"].number_format
    after = openpyxl.load_workbook(out)[INPUTS]["C2"]
    assert after.number_format == before == "#,##0.00"
    assert after.fill.fgColor.rgb.endswith("FFF2CC")


@pytest.mark.parametrize("text", INJECTIONS)
def test_text_is_never_written_as_a_formula(template: Path, tmp_path: Path, text: str) -> None:
    out = tmp_path / "report.xlsx"
    fill(template, sample_table(), out, SettingsUpdate(company=text))
    settings = members(out)["xl/worksheets/sheet1.xml"]
    cell = etree.fromstring(settings).find(".//m:c[@r='B1']", NS)
    assert cell is not None and cell.get("t") == "inlineStr"
    assert cell.find("m:f", NS) is None
    assert "".join(str(t) for t in cell.itertext()) == text
    assert openpyxl.load_workbook(out)["Settings"]["B1"].value == text


def test_full_calc_on_load_and_untouched_members(template: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    fill(template, sample_table(), out)
    before, after = members(template), members(out)
    assert list(before) == list(after)
    assert b'fullCalcOnLoad="1"' in after["xl/workbook.xml"]
    owned = {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
             "xl/worksheets/sheet3.xml", "xl/workbook.xml"}  # fmt: skip
    for name in before.keys() - owned:
        assert before[name] == after[name], name


def test_input_the_data_leaves_empty_keeps_the_workbook_value(tmp_path: Path) -> None:
    path = build_contract_workbook(tmp_path / "r.xlsx", user_inputs={("investment_cost", 2): 777.0})
    table = sample_table()
    table["investment_cost"] = np.nan
    refresh(path, table)
    assert name_values(path, "in_investment_cost")[2] == 777.0
    cost = sum(
        float(v) for v in name_values(path, "in_investment_cost") if isinstance(v, int | float)
    )
    assert cost == 777.0  # the roi cached values below saw it too
    wb = Workbook(path)
    merged = wb.inputs(wb.months())
    assert merged["investment_cost"].iloc[2] == 777.0


def test_refresh_leaves_months_without_data_alone(tmp_path: Path) -> None:
    path = build_contract_workbook(tmp_path / "r.xlsx", user_inputs={("revenue", 11): 5.0})
    refresh(path, sample_table(months=3))
    revenue = name_values(path, "in_revenue")
    assert revenue[3:11] == [None] * 8 and revenue[11] == 5.0
    assert all(isinstance(v, float) for v in revenue[:3])


def test_refresh_keeps_a_backup_and_refuses_an_open_workbook(tmp_path: Path) -> None:
    path = build_contract_workbook(tmp_path / "r.xlsx")
    original = path.read_bytes()
    summary = refresh(path, sample_table())
    assert summary.backup == tmp_path / "r.xlsx.bak"
    assert summary.backup.read_bytes() == original
    (tmp_path / "~$r.xlsx").write_bytes(b"owner")
    current = path.read_bytes()
    with pytest.raises(WorkbookError, match="open"):
        refresh(path, sample_table())
    assert path.read_bytes() == current


def test_date1904_workbooks_get_1904_serials(tmp_path: Path) -> None:
    path = build_contract_workbook(tmp_path / "r.xlsx", date1904=True)
    wb = Workbook(path)
    assert wb.info.date1904
    assert wb.settings().fy_start == dt.date(2025, 1, 1)
    fill(path, sample_table(), tmp_path / "o.xlsx", SettingsUpdate(fy_start=dt.date(2024, 7, 1)))
    assert name_values(tmp_path / "o.xlsx", "set_fy_start")[0] == dt.datetime(2024, 7, 1)


def test_template_object_fills_many_reports_identically(template: Path, tmp_path: Path) -> None:
    tpl = Template(template)
    a, _ = tpl.render(sample_table(seed=1))
    b, _ = tpl.render(sample_table(seed=2))
    c, _ = tpl.render(sample_table(seed=1))
    assert a == c and a != b
    tpl.fill(sample_table(seed=1), tmp_path / "a.xlsx")
    assert zipfile.ZipFile(tmp_path / "a.xlsx").testzip() is None


def test_atomic_write_leaves_no_temporary_file(template: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.xlsx"
    out.parent.mkdir()
    fill(template, sample_table(), out)
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.xlsx"]


def test_failed_write_keeps_the_old_file(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report.xlsx"
    out.write_bytes(b"previous")

    def boom(*args: object, **kw: object) -> None:
        raise PermissionError(13, "Permission denied", str(out.parent))

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(WorkbookError, match=r"report\.xlsx: could not be written \(Permission"):
        fill(template, sample_table(), out)
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx", "template.xlsx"]


# ---------------------------------------------------------------- bad workbooks


def test_a_workbook_without_the_contract_lists_the_missing_names(tmp_path: Path) -> None:
    path = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.create_sheet("Data")["A1"] = "hello"
    wb.save(path)
    with pytest.raises(WorkbookError) as err:
        fill(path, sample_table(), tmp_path / "o.xlsx")
    assert "months" in str(err.value) and "in_revenue" in str(err.value)
    assert "docs/templates.md" in str(err.value)


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_a_corrupt_template_gives_a_clear_message(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(content)
    with pytest.raises(WorkbookError, match="not an xlsx workbook"):
        Template(path)


def _rewrite(src: Path, dest: Path, name: str, data: bytes, size: int | None = None) -> None:
    """Copy ``src`` with member ``name`` replaced (``size``: a lying declared size)."""
    out = []
    with zipfile.ZipFile(src) as z:
        for info in z.infolist():
            content = data if info.filename == name else z.read(info)
            raw = deflate(content)
            declared = size if (size is not None and info.filename == name) else len(content)
            crc = zipfile.crc32(content)  # type: ignore[attr-defined]
            out.append(Member(info.filename, 8, crc, declared, raw, info.date_time))
    dest.write_bytes(zip_bytes(out))


def test_xml_entity_bomb_is_refused(template: Path, tmp_path: Path) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    original = members(template)["xl/workbook.xml"]
    data = bomb + original.split(b"?>", 1)[1]
    path = tmp_path / "bomb.xlsx"
    _rewrite(template, path, "xl/workbook.xml", data)
    with pytest.raises(WorkbookError, match=r"xl/workbook.xml.*entities"):
        Template(path)


def test_zip_bomb_is_refused(template: Path, tmp_path: Path) -> None:
    path = tmp_path / "zipbomb.xlsx"
    _rewrite(template, path, "xl/media/filler.bin", b"")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/zeros.bin", b"\0" * (30 * 1024 * 1024))
    with pytest.raises(WorkbookError, match=r"zeros.bin.*zip bomb"):
        Template(path)


def test_member_inflating_beyond_its_declared_size_is_refused(
    template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "liar.xlsx"
    sheet = members(template)["xl/worksheets/sheet2.xml"]
    _rewrite(template, path, "xl/worksheets/sheet2.xml", sheet + b" " * 4_000_000, size=len(sheet))
    with pytest.raises(WorkbookError, match=r"sheet2.xml.*declares"):
        Template(path)


def test_oversized_member_is_refused(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kpi_xl.workbook.write import xlsx_package

    monkeypatch.setattr(xlsx_package, "MAX_MEMBER_BYTES", 10_000)
    with pytest.raises(WorkbookError, match=r"sheet3.xml.*limit"):
        Template(template)


def test_refresh_of_a_corrupt_workbook_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(WorkbookError, match="not an xlsx workbook"):
        refresh(path, sample_table())
    assert path.read_bytes() == b"PK\x03\x04 this is not a workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.xlsx"]


def test_a_formula_the_user_typed_in_an_input_cell_is_kept(tmp_path: Path) -> None:
    path = build_contract_workbook(
        tmp_path / "r.xlsx", user_formulas={("revenue", 1): ("=1000*50", 50_000.0)}
    )
    table = sample_table()
    summary = refresh(path, table)
    sheet = members(path)["xl/worksheets/sheet2.xml"]
    cell = etree.fromstring(sheet).find(".//m:c[@r='C2']", NS)
    assert cell is not None and cell.findtext("m:f", namespaces=NS) == "1000*50"
    assert name_values(path, "in_revenue")[:3] == pytest.approx(
        [table["revenue"].iloc[0], 50_000.0, table["revenue"].iloc[2]]
    )
    used = table.copy()
    used.loc[used.index[1], "revenue"] = 50_000.0
    expected = expected_values(used, summary.settings)["kpi_net_margin"]
    assert isinstance(expected, list)
    assert all(
        same(w, g) for w, g in zip(expected, name_values(path, "kpi_net_margin"), strict=True)
    )


def test_a_name_pointing_to_ref_error_is_explained(template: Path, tmp_path: Path) -> None:
    path = tmp_path / "ref.xlsx"
    data = members(template)["xl/workbook.xml"].replace(b">Inputs!$B$2:$M$2<", b">Inputs!#REF!<")
    _rewrite(template, path, "xl/workbook.xml", data)
    with pytest.raises(WorkbookError, match=r"in_revenue \(points to 'Inputs!#REF!'"):
        Template(path)


def test_fill_rewrites_chart_caches_of_known_series(tmp_path: Path) -> None:
    template = build_contract_workbook(tmp_path / "t.xlsx", extras=True)
    table = sample_table()
    out = tmp_path / "r.xlsx"
    fill(template, table, out)
    chart = members(out)["xl/charts/chart1.xml"]
    root = etree.fromstring(chart)
    c = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    cache = root.find(".//c:val/c:numRef/c:numCache", c)
    assert cache is not None
    points = {
        int(p.get("idx", "-1")): float(p.findtext("c:v", "nan", c))
        for p in cache.iterfind("c:pt", c)
    }
    assert cache.find("c:ptCount", c).get("val") == "12"  # type: ignore[union-attr]
    assert points == pytest.approx(dict(enumerate(table["revenue"].iloc[:9])))


# ---------------------------------------------------------------- every member checked, streaming


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("chunk", [3, 7, 64, 1 << 20])
def test_a_dtd_is_found_across_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str, chunk: int
) -> None:
    from kpi_xl.workbook.write import xlsx_package

    monkeypatch.setattr(xlsx_package, "CHUNK", chunk)
    padding = "<!-- " + "x" * 600 + " -->"
    text = f'<?xml version="1.0"?>{padding}<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'
    data = text.encode(encoding)
    part = xlsx_package.replaced(
        xlsx_package.Member("docProps/custom.xml", 8, 0, 0, b"", (2025, 1, 1, 0, 0, 0)), data
    )
    with pytest.raises(WorkbookError, match=r"custom\.xml' declares XML entities or a DTD"):
        xlsx_package.verify_member(tmp_path / "t.xlsx", part)
    clean = f'<?xml version="1.0"?>{padding}<a>b</a>'.encode(encoding)
    xlsx_package.verify_member(tmp_path / "t.xlsx", xlsx_package.replaced(part, clean))


def test_every_member_is_crc_checked_even_one_never_parsed(template: Path, tmp_path: Path) -> None:
    from kpi_xl.workbook.write import xlsx_package

    members = xlsx_package.read_members(template)
    at = next(i for i, m in enumerate(members) if m.name == "docProps/app.xml")
    m = members[at]
    bad = xlsx_package.Member(m.name, m.method, m.crc ^ 1, m.size, m.raw, m.date_time)
    path = tmp_path / "t.xlsx"
    path.write_bytes(xlsx_package.zip_bytes([*members[:at], bad, *members[at + 1 :]]))
    out = tmp_path / "r.xlsx"
    with pytest.raises(WorkbookError, match=r"app\.xml' fails its checksum"):
        fill(path, sample_table(), out)
    assert not out.exists()
