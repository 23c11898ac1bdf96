"""The polars paths of the FEC reader (big files) give what the pandas path gives.

Every FEC the other tests use, clean or broken, is read as a small file
(pandas' C reader) and again through each polars path forced: the sums
computed by polars (:mod:`fec_sums`, tried first) and the lines handed over
to pandas (:mod:`fastcsv`, when the sums cannot be trusted); results and
error messages (line, column, value) must be identical.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from samples import REAL_FEC
from test_importers_broken import CASES
from test_importers_fec import ENTRIES, HEADER, line

from kpi_xl.config import Config
from kpi_xl.errors import InputFileError
from kpi_xl.importers import fastcsv, fec_layout, fec_lines, fec_sums
from kpi_xl.importers.fec import FecResult, read_fec

BASE = HEADER + "\n" + "\n".join(ENTRIES) + "\n"
MONTANT_SENS = (
    "JournalCode|EcritureDate|CompteNum|Montant|Sens|DateRglt|ModeRglt|NatOp|IdClient\n"
    "AN|20240101|512000|500,00|D||||\nAN|20240101|101000|500,00|C||||\n"
    "VEN|20240105|706000|1000,00|C||||\nVEN|20240105|411000|1000,00|D||||\n"
    "ACH|20240206|607000|400,00|+1||||\nACH|20240206|401000|400,00|-1||||\n"
)
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
    "february-30": lambda t: t + line("VEN", "20240230", "411000", "10,00", "0,00") + "\n",
    "day-zero": lambda t: t + line("VEN", "20240200", "411000", "10,00", "0,00") + "\n",
    "padded-date": lambda t: t.replace("\t20240105\t", "\t 20240105 \t"),
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
    "opening-by-label": lambda t: t.replace("AN\tJournal", "XA\tA nouveaux"),
    "labels-last-wins": lambda t: t.replace("AN\tJournal", "XA\tA nouveaux", 1).replace(
        "AN\tJournal", "XA\tOpérations diverses"
    ),
    "labels-first-then-opening": lambda t: t.replace(
        "AN\tJournal", "XA\tOpérations diverses", 1
    ).replace("AN\tJournal", "XA\tReprise"),
    "montant-sens": lambda t: MONTANT_SENS,
    "montant-sens-bad": lambda t: MONTANT_SENS + "VEN|20240107|411000|5,00|X||||\n",
    "na-journal": lambda t: t.replace("\tVEN\t", "\tNA\t", 1),
}
#: The polars paths: the sums (tried first), then the lines handed over to pandas.
MODES = ("sums", "lines")


def outcome(path: Path, mode: str, monkeypatch: pytest.MonkeyPatch) -> FecResult | str:
    """``read_fec`` through the pandas path, or through one polars path (``MODES``)."""
    monkeypatch.setattr(fastcsv, "MIN_BYTES", 2**62 if mode == "pandas" else 0)
    if mode == "lines":
        monkeypatch.setattr(fec_sums, "read", lambda *args: None)
    try:
        return read_fec(path)
    except InputFileError as exc:
        return str(exc)
    finally:
        monkeypatch.undo()


def same(a: FecResult | str, b: FecResult | str) -> None:
    if isinstance(a, str) or isinstance(b, str):
        assert a == b
        return
    pd.testing.assert_frame_equal(a.monthly, b.monthly)
    pd.testing.assert_frame_equal(a.by_account, b.by_account)
    assert a.totals == b.totals and a.warnings == b.warnings
    assert (a.source.rows, a.source.encoding) == (b.source.rows, b.source.encoding)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(TEXTS))
def test_polars_path_matches_pandas_path(
    tmp_path: Path, name: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "FEC.txt"
    path.write_bytes(TEXTS[name](BASE).encode("utf-8"))
    same(outcome(path, mode, monkeypatch), outcome(path, "pandas", monkeypatch))


@pytest.mark.parametrize("mode", MODES)
def test_polars_path_on_the_real_fec(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = outcome(REAL_FEC, mode, monkeypatch)
    assert not isinstance(fast, str) and fast.source.rows > 1000
    same(fast, outcome(REAL_FEC, "pandas", monkeypatch))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", [c for c in CASES if c.name == "FEC.txt"], ids=lambda c: c.id)
def test_polars_path_on_the_broken_corpus(
    tmp_path: Path, case: object, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "FEC.txt"
    path.write_bytes(case.content)  # type: ignore[attr-defined]
    same(outcome(path, mode, monkeypatch), outcome(path, "pandas", monkeypatch))


#: Variants polars sums itself (none needs the line reader's tolerance or error).
SUMMED = ("plain", "bom-crlf", "pipe", "trailing-separator", "padding", "thousands-space",
          "trailing-minus", "decimal-point", "blank-lines-at-end", "crlf-blank-lines-at-end",
          "opening-by-label", "labels-last-wins", "labels-first-then-opening", "montant-sens",
          "na-journal", "overlong", "padded-date")  # fmt: skip


def summed_only(path: Path, monkeypatch: pytest.MonkeyPatch) -> FecResult:
    """``read_fec`` failing if the file had to be read line by line."""

    def lines(*args: object) -> None:
        raise AssertionError("read line by line")

    monkeypatch.setattr(fastcsv, "MIN_BYTES", 0)
    monkeypatch.setattr(fec_lines, "read", lines)
    return read_fec(path)


@pytest.mark.parametrize("name", SUMMED)
def test_clean_files_are_summed_by_polars(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "FEC.txt"
    path.write_bytes(TEXTS[name](BASE).encode("utf-8"))
    assert summed_only(path, monkeypatch).source.rows > 0


def test_a_messy_amount_after_a_plain_start_is_read_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The start of the file shows plain amounts, so polars parses them as numbers; a
    ``1 234,56`` further down makes it refuse the file, which is summed again as texts."""
    plain = [line("VEN", "20240301", "411000", "10,00", "0,00")] * 300
    messy = [line("VEN", "20240302", "706000", "0,00", "2 990,00-")]
    path = tmp_path / "FEC.txt"
    path.write_bytes((BASE + "\n".join(plain + messy) + "\n").encode("utf-8"))
    layout = fec_layout.find(path, Config())
    assert fec_sums._attempts(path, layout.delimiter, layout.positions) == (True, False)
    checks: list[Path] = []
    check = fastcsv.no_lone_cr
    monkeypatch.setattr(fastcsv, "no_lone_cr", lambda p: checks.append(p) or check(p))
    result = summed_only(path, monkeypatch)
    assert checks == [path]  # the line ends are read once for the two attempts
    assert result.monthly.loc["2024-03-01", "revenue"] == -2990.0
    monkeypatch.undo()
    same(result, outcome(path, "pandas", monkeypatch))


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
@pytest.mark.parametrize("mode", [*MODES, "pandas"])
def test_what_is_not_a_number_is_an_error(
    tmp_path: Path, name: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NaN in a Credit is not a zero (January's revenue would vanish), inf and 1e308 are no
    amounts: both paths stop at the line and column, showing the file's text."""
    path = tmp_path / "FEC.txt"
    path.write_bytes(TEXTS[name](BASE).encode("utf-8"))
    column, value = NOT_NUMBERS[name]
    message = outcome(path, mode, monkeypatch)
    assert isinstance(message, str)
    assert f"line {len(ENTRIES) + 2}, column '{column}'" in message
    assert f"found '{value}'" in message and "bad amount" in message


@pytest.mark.parametrize("cp1252_line", [2, 9, len(ENTRIES) + 1])
@pytest.mark.parametrize("mode", [*MODES, "pandas"])
def test_a_fec_with_mixed_encodings_is_decoded_line_by_line(
    tmp_path: Path, cp1252_line: int, mode: str, monkeypatch: pytest.MonkeyPatch
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
    result = outcome(path, mode, monkeypatch)
    assert not isinstance(result, str), result
    clean = tmp_path / "clean" / "FEC.txt"
    clean.parent.mkdir()
    clean.write_bytes(BASE.encode("utf-8"))
    expected = outcome(clean, mode, monkeypatch)
    assert not isinstance(expected, str)
    pd.testing.assert_frame_equal(result.monthly, expected.monthly)
    assert result.source.encoding == "utf-8"
    assert result.warnings[0].startswith(f"FEC.txt: the file is UTF-8 but line(s) {cp1252_line} ")
    assert result.warnings[1:] == expected.warnings
