"""Whatever lands in an exports folder, the importers answer with a clear InputFileError.

Random bytes, truncated and mangled versions of real layouts: reading them may
succeed or raise InputFileError (file, line, what to do), never anything else,
so the command line never shows a traceback for a bad file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from samples import REAL_FEC

from kpi_xl.errors import InputFileError
from kpi_xl.importers import read_exports

HEADERS = [
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise",
    "Name,Email,Financial Status,Paid at,Created at,Total,Taxes,Cancelled at,Refunded Amount",
    "Date,Order #,Status,Customer,Customer type,Net sales",
    "# GA4\n# Start date: 20250101\nDate,Sessions,Engaged sessions,Total users,Key events",
    "Campaign report\nAll time\nDay,Cost,Conversions",
    "Day,Amount spent (EUR)",
    "Submit Date (UTC),How likely are you to recommend us?",
    "month;investment_cost;investment_gains",
]
CELLS = st.one_of(
    st.sampled_from(["", "0", "12,5", "1 234,56", "20250131", "31/01/2025", "2025-01-31",
                     "abc", "-3", "123,45-", "=HYPERLINK(\"x\")", "9", "11", "nan", "\u00a0"]),
    st.text(max_size=12),
)  # fmt: skip


def _folder(tmp_path: Path, content: bytes) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / "export.csv").write_bytes(content)
    return folder


def _read(folder: Path) -> None:
    try:
        read_exports(folder)
    except InputFileError as exc:
        assert "export.csv" in str(exc) or "exports" in str(exc)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_random_bytes(tmp_path, data):
    _read(_folder(tmp_path, data))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(HEADERS),
    st.lists(st.lists(CELLS, min_size=0, max_size=20), max_size=6),
    st.sampled_from(["\t", ",", ";", "|"]),
    st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]),
)
def test_mangled_known_layouts(tmp_path, header, rows, sep, encoding):
    lines = [header] + [sep.join(row) for row in rows]
    text = "\n".join(lines) + "\n"
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    _read(_folder(tmp_path, data))


@pytest.mark.parametrize("cut", [10, 100, 1000, 5000])
def test_truncated_real_fec(tmp_path, cut):
    _read(_folder(tmp_path, REAL_FEC.read_bytes()[:cut]))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, 399), st.integers(0, 17), CELLS)
def test_real_fec_with_one_bad_field(tmp_path, line, field, cell):
    """One field of a real FEC replaced: read, or an error naming that line."""
    lines = REAL_FEC.read_text(encoding="utf-8-sig").splitlines()[:400]
    fields = lines[line].split("\t")
    fields[field] = cell.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    lines[line] = "\t".join(fields)
    folder = _folder(tmp_path, ("\n".join(lines) + "\n").encode("utf-8"))
    try:
        read_exports(folder)
    except InputFileError as exc:
        assert exc.line in (None, line + 1), (exc.line, line + 1, str(exc))


@pytest.fixture(scope="module")
def sample_heads(tmp_path_factory):
    """The first lines of every demo export (FECs excepted: the real one is above)."""
    from kpi_xl import sample_data

    folder = tmp_path_factory.mktemp("samples")
    sample_data.write_sample_exports(folder)
    heads = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".csv":
            heads[path.name] = path.read_bytes().decode("utf-8-sig").splitlines()[:60]
    return heads


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data(), CELLS)
def test_demo_exports_with_one_bad_field(tmp_path, sample_heads, data, cell):
    """One field of any demo export replaced: read, or an InputFileError."""
    name = data.draw(st.sampled_from(sorted(sample_heads)))
    lines = list(sample_heads[name])
    sep = max((",", ";", "\t"), key=lines[-1].count)
    row = data.draw(st.integers(0, len(lines) - 1))
    fields = lines[row].split(sep)
    fields[data.draw(st.integers(0, len(fields) - 1))] = cell.replace(sep, " ")
    lines[row] = sep.join(f.replace("\n", " ").replace("\r", " ") for f in fields)
    _read(_folder(tmp_path, ("\n".join(lines) + "\n").encode("utf-8")))
