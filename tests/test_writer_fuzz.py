"""A damaged template or report gives a clear error (exit 2), never an internal error."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from samples import REAL_FEC

from kpi_xl.cli import main
from kpi_xl.workbook.template.templates import template_path

TEMPLATE = template_path("fr").read_bytes()


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real export (the FEC sample) keeps each example fast."""
    folder = tmp_path_factory.mktemp("exports")
    fec = REAL_FEC
    shutil.copy(fec, folder / fec.name)
    return folder


def _members() -> list[str]:
    with zipfile.ZipFile(io.BytesIO(TEMPLATE)) as archive:
        return [i.filename for i in archive.infolist() if i.filename.endswith(".xml")]


def _rezip(member: str, mangle: bytes, where: float) -> bytes:
    """The template with ``mangle`` spliced into one XML member."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(TEMPLATE)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == member:
                cut = int(len(data) * where)
                data = data[:cut] + mangle + data[cut:]
            dst.writestr(info, data)
    return out.getvalue()


def _fill(
    tmp_path: Path, exports: Path, template: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "template.xlsx"
    path.write_bytes(template)
    out = tmp_path / "report.xlsx"
    out.unlink(missing_ok=True)
    code = main(["fill", "--from", str(exports), "--template", str(path), "--out", str(out)])
    err = capsys.readouterr().err
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 2:
        assert "template.xlsx" in err
        assert not out.exists()  # nothing half-written


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from(_members()),
    st.sampled_from([b"<", b"\x00", b"&amp", b"<x>", b"</sheetData>", b'"', b"<!DOCTYPE a>"]),
    st.floats(0, 1),
)
def test_damaged_xml_member(tmp_path, exports, capsys, member, mangle, where):
    _fill(tmp_path, exports, _rezip(member, mangle, where), capsys)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, len(TEMPLATE) - 1), st.integers(0, 255))
def test_flipped_byte(tmp_path, exports, capsys, position, value):
    data = bytearray(TEMPLATE)
    data[position] = value
    _fill(tmp_path, exports, bytes(data), capsys)


@pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")  # openpyxl, test only
@pytest.mark.parametrize("focus", ["", "EBITDA"])
def test_empty_or_unknown_focus_slot(tmp_path, exports, capsys, focus):
    """A dashboard slot the user emptied or filled with an unknown name stays empty."""
    import openpyxl

    path = tmp_path / "template.xlsx"
    path.write_bytes(TEMPLATE)
    wb = openpyxl.load_workbook(path)
    sheet, cell = next(iter(wb.defined_names["set_focus_3"].destinations))
    wb[sheet][cell.replace("$", "")] = focus or None
    wb.save(path)
    out = tmp_path / "report.xlsx"
    code = main(["fill", "--from", str(exports), "--template", str(path), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    values = openpyxl.load_workbook(out, data_only=True)
    sheet, cell = next(iter(values.defined_names["dash_3_value"].destinations))
    assert values[sheet][cell.replace("$", "")].value in (None, "")
    sheet, cell = next(iter(values.defined_names["dash_5_value"].destinations))  # net margin
    assert isinstance(values[sheet][cell.replace("$", "")].value, float)
