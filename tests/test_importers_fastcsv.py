"""The polars path of the FEC reader (big files) gives what the pandas path gives.

Every FEC the other tests use, clean or broken, is read twice: once as a
small file (pandas' C reader) and once with the polars path forced; results
and error messages (line, column, value) must be identical.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from samples import REAL_FEC
from test_importers_broken import CASES
from test_importers_fec import ENTRIES, HEADER, line

from kpi_xl.errors import InputFileError
from kpi_xl.importers import fastcsv
from kpi_xl.importers.fec import FecResult, read_fec

BASE = HEADER + "\n" + "\n".join(ENTRIES) + "\n"
TEXTS: dict[str, Callable[[str], str]] = {
    "plain": lambda t: t,
    "bom-crlf": lambda t: "\ufeff" + t.replace("\n", "\r\n"),
    "crcrlf": lambda t: t.replace("\n", "\r\r\n"),
    "pipe": lambda t: t.replace("\t", "|"),
    "trailing-separator": lambda t: t.replace("\n", "\t\n"),
    "padding": lambda t: t.replace("\tVEN\t", "\tVEN \t").replace("1000,00", " 0001000,00"),
    "thousands-space": lambda t: t.replace("1200,00", "1 200,00").replace("5000,00", "5 000,00"),
    "trailing-minus": lambda t: t.replace("\t50,00\t0,00", "\t0,00\t50,00-"),
    "thousands-dot": lambda t: t.replace("1200,00", "1.200,00"),
    "no-break-space": lambda t: t.replace("1200,00", "1\u00a0200,00"),
    "parentheses": lambda t: t.replace("\t50,00\t0,00", "\t0,00\t(50,00)"),
    "decimal-point": lambda t: t.replace("1200,00", "1200.00"),
    "iso-dates": lambda t: t.replace("20240105", "2024-01-05"),
    "blank-line-inside": lambda t: t.replace("\nVEN", "\n\nVEN", 1),
    "spaces-line-inside": lambda t: t.replace("\nVEN", "\n  \t \nVEN", 1),
    "blank-lines-at-end": lambda t: t + "\n\n",
    "crlf-blank-lines-at-end": lambda t: t.replace("\n", "\r\n") + "\r\n\r\n\r\n",
    "lone-cr": lambda t: t.replace("Écriture", "Écri\rture", 1),
    "bad-date": lambda t: t + line("VEN", "20241345", "411000", "10,00", "0,00") + "\n",
    "short-date": lambda t: t + line("VEN", "2024010", "411000", "10,00", "0,00") + "\n",
    "bad-amount": lambda t: t + line("VEN", "20240105", "411000", "1O,00", "0") + "\n",
    "two-signs": lambda t: t + line("VEN", "20240105", "411000", "-1,00-", "0") + "\n",
    "inf-amount": lambda t: t + line("VEN", "20240105", "411000", "inf", "0") + "\n",
    "nan-credit": lambda t: t + line("VEN", "20240105", "706000", "0", "NaN") + "\n",
    "huge-amount": lambda t: t + line("VEN", "20240105", "411000", "1e308", "0") + "\n",
    "overflow-amount": lambda t: t + line("VEN", "20240105", "411000", "0", "-1e999") + "\n",
    "infinity-debit": lambda t: t + line("VEN", "20240105", "411000", "Infinity", "0") + "\n",
    "null-amount": lambda t: t + line("VEN", "20240105", "411000", "NULL", "0") + "\n",
    "missing-account": lambda t: t + line("VEN", "20240105", "", "10,00", "0") + "\n",
    "na-account": lambda t: t + line("VEN", "20240105", "NA", "10,00", "0") + "\n",
    "no-amount": lambda t: t + line("VEN", "20240105", "411000", "", " ") + "\n",
    "truncated": lambda t: t + "VEN\tJournal\t1\t20240105\t411000\tClients\n",
    "overlong": lambda t: t + line("VEN", "20240105", "411000", "1,00", "0") + "\tx\ty\n",
    "header-only": lambda t: t.split("\n")[0] + "\n",
}


def outcome(path: Path, fast: bool, monkeypatch: pytest.MonkeyPatch) -> FecResult | str:
    monkeypatch.setattr(fastcsv, "MIN_BYTES", 0 if fast else 2**62)
    try:
        return read_fec(path)
    except InputFileError as exc:
        return str(exc)


def same(a: FecResult | str, b: FecResult | str) -> None:
    if isinstance(a, str) or isinstance(b, str):
        assert a == b
        return
    pd.testing.assert_frame_equal(a.monthly, b.monthly)
    pd.testing.assert_frame_equal(a.by_account, b.by_account)
    assert a.totals == b.totals and a.warnings == b.warnings
    assert (a.source.rows, a.source.encoding) == (b.source.rows, b.source.encoding)


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_polars_path_matches_pandas_path(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "FEC.txt"
    path.write_bytes(TEXTS[name](BASE).encode("utf-8"))
    same(outcome(path, True, monkeypatch), outcome(path, False, monkeypatch))


def test_polars_path_on_the_real_fec(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = outcome(REAL_FEC, True, monkeypatch)
    assert not isinstance(fast, str) and fast.source.rows > 1000
    same(fast, outcome(REAL_FEC, False, monkeypatch))


@pytest.mark.parametrize("case", [c for c in CASES if c.name == "FEC.txt"], ids=lambda c: c.id)
def test_polars_path_on_the_broken_corpus(
    tmp_path: Path, case: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "FEC.txt"
    path.write_bytes(case.content)  # type: ignore[attr-defined]
    same(outcome(path, True, monkeypatch), outcome(path, False, monkeypatch))


def test_the_polars_path_is_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The clean variants do go through polars (not silently back to pandas)."""
    path = tmp_path / "FEC.txt"
    path.write_bytes(TEXTS["thousands-space"](BASE).encode("utf-8"))
    frame = fastcsv.read(path, "\t", [0, 3, 4, 11, 12], ["journalcode", "ecrituredate",
                                                        "comptenum", "debit", "credit"])  # fmt: skip
    assert frame is not None and frame["debit"].dtype == "float64"
    assert frame["comptenum"].dtype == "category"


def test_no_polars_in_a_process_forked_after_loading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """polars' threads do not survive fork(): a batch worker forked from a process that
    loaded polars reads with pandas (it would deadlock otherwise)."""
    import os

    import polars  # noqa: F401  (loaded in this process)

    path = tmp_path / "FEC.txt"
    path.write_bytes(BASE.encode("utf-8"))
    monkeypatch.setattr(fastcsv, "MIN_BYTES", 0)
    assert fastcsv.worth_it(path)
    child = os.fork()
    if child == 0:  # pragma: no cover (the child's result is its exit code)
        os._exit(0 if not fastcsv.worth_it(path) else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0


@pytest.mark.parametrize(
    ("data", "regular"),
    [(b"ab\r\ncd\r\n", True), (b"abc\r\ncd", True), (b"ab\rcd\n", False), (b"abc\r", False),
     (b"abc\rdef", False), (b"a\r\r\nb", False), (b"abc", True)],
)  # fmt: skip
def test_lone_cr_found_across_blocks(
    tmp_path: Path, data: bytes, regular: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fastcsv, "_BLOCK", 4)  # "abc\r" | "\ncd": a CRLF cut between blocks
    path = tmp_path / "f.txt"
    path.write_bytes(data)
    assert fastcsv.no_lone_cr(path) is regular


NOT_NUMBERS = {
    "inf-amount": ("Debit", "inf"),
    "nan-credit": ("Credit", "NaN"),
    "huge-amount": ("Debit", "1e308"),
    "overflow-amount": ("Credit", "-1e999"),
    "infinity-debit": ("Debit", "Infinity"),
    "null-amount": ("Debit", "NULL"),
}


@pytest.mark.parametrize("name", sorted(NOT_NUMBERS))
@pytest.mark.parametrize("fast", [True, False], ids=["polars", "pandas"])
def test_what_is_not_a_number_is_an_error(
    tmp_path: Path, name: str, fast: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NaN in a Credit is not a zero (January's revenue would vanish), inf and 1e308 are no
    amounts: both paths stop at the line and column, showing the file's text."""
    path = tmp_path / "FEC.txt"
    path.write_bytes(TEXTS[name](BASE).encode("utf-8"))
    column, value = NOT_NUMBERS[name]
    message = outcome(path, fast, monkeypatch)
    assert isinstance(message, str)
    assert f"line {len(ENTRIES) + 2}, column '{column}'" in message
    assert f"found '{value}'" in message and "bad amount" in message


@pytest.mark.parametrize("cp1252_line", [2, 9, len(ENTRIES) + 1])
@pytest.mark.parametrize("fast", [True, False], ids=["polars", "pandas"])
def test_a_fec_with_mixed_encodings_is_decoded_line_by_line(
    tmp_path: Path, cp1252_line: int, fast: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One label pasted from a Windows tool (cp1252) in a UTF-8 FEC: that line is read as
    cp1252 and named in a warning, the others stay UTF-8 (as the CSV readers do)."""
    lines = BASE.split("\n")
    lines[cp1252_line - 1] = lines[cp1252_line - 1].replace("Écriture", "Écriture café")
    raw = b"\n".join(
        text.encode("cp1252" if number == cp1252_line else "utf-8")
        for number, text in enumerate(lines, start=1)
    )
    path = tmp_path / "FEC.txt"
    path.write_bytes(raw)
    result = outcome(path, fast, monkeypatch)
    assert not isinstance(result, str), result
    clean = tmp_path / "clean" / "FEC.txt"
    clean.parent.mkdir()
    clean.write_bytes(BASE.encode("utf-8"))
    expected = outcome(clean, fast, monkeypatch)
    assert not isinstance(expected, str)
    pd.testing.assert_frame_equal(result.monthly, expected.monthly)
    assert result.source.encoding == "utf-8"
    assert result.warnings[0].startswith(f"FEC.txt: the file is UTF-8 but line(s) {cp1252_line} ")
    assert result.warnings[1:] == expected.warnings
