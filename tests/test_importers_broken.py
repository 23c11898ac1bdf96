"""The broken-file corpus: every bad input gives an InputFileError that names
the file, the line, the column, the value and what was expected."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from test_importers_fec import HEADER as FEC_HEADER
from test_importers_fec import line as fec_line
from test_importers_samples import SHOPIFY_HEADER, shopify_row

from kpi_xl.errors import InputFileError
from kpi_xl.importers import read_exports

GOOD_FEC = [fec_line("VEN", "20240105", "706000", "0,00", "10,00"),
            fec_line("VEN", "20240105", "411000", "10,00", "0,00")]  # fmt: skip
SHOP_OK = shopify_row("#1", "a@ex.fr", "paid", "12.00", "2.00", "2024-01-07 09:50:26 +0100")
TYPEFORM = "#,How likely are you to recommend us?,Why?,Submit Date (UTC)\n"
GA4 = "# GA4\n\nDate,Total users,Sessions\n"
MANUAL = "month;investment_cost;processes_automated;processes_eligible\n"


@dataclass
class Case:
    id: str
    content: bytes
    expected: tuple[str, ...]  # substrings of the message
    config: str = ""
    name: str = "export.csv"


def fec(*rows: str, header: str = FEC_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def text(value: str, encoding: str = "utf-8") -> bytes:
    return value.encode(encoding)


CASES = [
    Case("empty", b"", ("the file is empty",)),
    Case("blank-lines-only", b"\n \r\n\n", ("the file is empty",)),
    Case("header-only", text(SHOPIFY_HEADER + "\n"), ("no data rows", "line 2")),
    Case("unknown-layout", text("foo;bar;baz\n1;2;3\n"),
         ("unknown layout", "line 1", "found 'foo;bar;baz'", "expected one of: FEC")),
    Case("zip-renamed-csv", b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40,
         ("ZIP archive", "Excel .xlsx", "save it as 'CSV UTF-8'")),
    Case("old-xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, ("old Excel .xls",)),
    Case("binary", bytes(range(256)) * 4, ("binary file",)),
    Case("fec-missing-column",
         fec(*GOOD_FEC, header=FEC_HEADER.replace("\tCredit", "\tCredi")),
         ("not a FEC header", "line 1", "column 'credit'", "expected the FEC columns"),
         name="FEC.txt"),
    Case("fec-bad-date", fec(GOOD_FEC[0], fec_line("VEN", "20241345", "411000", "10,00", "0,00")),
         ("line 3", "column 'EcritureDate'", "bad entry date", "found '20241345'",
          "expected a date as AAAAMMJJ"), name="FEC.txt"),
    Case("fec-bad-amount", fec(GOOD_FEC[0], fec_line("VEN", "20240105", "411000", "1O,00", "0")),
         ("line 3", "column 'Debit'", "bad amount", "found '1O,00'", "expected an amount"),
         name="FEC.txt"),
    Case("fec-truncated-line",
         fec(GOOD_FEC[0], GOOD_FEC[1], "VEN\tJournal\t1\t20240105\t411000\tClients"),
         ("line 4", "column 'Debit'", "truncated line"), name="FEC.txt"),
    Case("fec-header-only", fec(), ("header but no entries", "line 2"), name="FEC.txt"),
    Case("fec-bad-sens",
         text("JournalCode|EcritureDate|CompteNum|Montant|Sens\nVEN|20240105|706000|10,00|C\n"
              "VEN|20240105|411000|10,00|X\n"),
         ("line 3", "column 'Sens'", "found 'X'", "expected D or C"), name="FEC.txt"),
    Case("fec-missing-account", fec(GOOD_FEC[0], fec_line("VEN", "20240105", "", "10,00", "0")),
         ("line 3", "column 'CompteNum'", "account number is missing"), name="FEC.txt"),
    Case("fec-crlf-line-numbers",
         fec(GOOD_FEC[0], "", fec_line("VEN", "2024010", "411000", "10,00", "0")).replace(
             b"\n", b"\r\r\n"),
         ("line 4", "found '2024010'"), name="FEC.txt"),
    Case("shopify-bad-date",
         text(SHOPIFY_HEADER + "\n" + SHOP_OK + "\n" + shopify_row(
             "#2", "b@ex.fr", "paid", "12.00", "2.00", "le 7 janvier") + "\n"),
         ("line 3", "column 'Created at'", "bad date", "found 'le 7 janvier'",
          "expected a date such as")),
    Case("shopify-bad-amount",
         text(SHOPIFY_HEADER + "\n" + SHOP_OK + "\n" + shopify_row(
             "#2", "b@ex.fr", "paid", "douze", "2.00", "2024-01-08 10:00:00 +0100") + "\n"),
         ("line 3", "column 'Total'", "bad amount", "found 'douze'", "expected an amount")),
    Case("shopify-truncated-line",
         text(SHOPIFY_HEADER + "\n" + SHOP_OK + "\n#2,b@ex.fr,paid,2024-01-08\n"),
         ("line 3", "fewer fields than the header", "found '4 fields'", "expected 25 fields")),
    Case("woocommerce-extra-field",
         text("Date,Order #,Status,Customer,Net sales\n2024-01-02,1,Completed,Ann,10.5\n"
              "2024-01-03,2,Completed,Bob,10,5\n"),
         ("line 3", "more fields than the header", "found '6 fields'")),
    Case("survey-score-11", text(TYPEFORM + "a,10,,2024-01-01 10:00:00\nb,11,,2024-01-02 10:00:00\n"),
         ("line 3", "column 'How likely are you to recommend us?'", "bad NPS score",
          "found '11'", "expected a whole score from 0 to 10")),
    Case("survey-score-7.5", text(TYPEFORM + "a,7.5,,2024-01-01 10:00:00\n"),
         ("line 2", "bad NPS score", "found '7.5'")),
    Case("survey-no-score-column", text("Timestamp,Your name\n2024-01-01,Ann\n"),
         ("line 1", "cannot tell which column holds the 0-10 score", "score_column")),
    Case("survey-configured-column-missing", text(TYPEFORM + "a,10,,2024-01-01 10:00:00\n"),
         ("line 1", "a required column is missing", "column 'Note'"),
         config='[surveys]\nscore_column = "Note"\n'),
    Case("survey-bad-date", text(TYPEFORM + "a,10,,2024-01-01\nb,9,,hier\n"),
         ("line 3", "column 'Submit Date (UTC)'", "bad date", "found 'hier'")),
    Case("manual-negative-count", text(MANUAL + "2024-01;100;-3;10\n"),
         ("line 2", "column 'processes_automated'", "bad count", "found '-3'",
          "expected a whole number of 0 or more")),
    Case("manual-negative-cost", text(MANUAL + "2024-01;-100;3;10\n"),
         ("line 2", "column 'investment_cost'", "out of range", "found '-100'", "0 or more")),
    Case("manual-bad-month", text(MANUAL + "2024-01;1;3;10\n2024-13;1;3;10\n"),
         ("line 3", "column 'month'", "bad date", "found '2024-13'")),
    Case("ga4-negative-sessions", text(GA4 + "20240101,10,5\n20240102,10,-5\n"),
         ("line 5", "column 'Sessions'", "bad count", "found '-5'")),
    Case("ga4-fractional-users", text(GA4 + "20240101,10.5,5\n"),
         ("line 4", "column 'Total users'", "found '10.5'")),
    Case("meta-negative-spend",
         text("Day,Amount spent (EUR)\n2024-01-01,3.5\n2024-01-02,-3\n"),
         ("line 3", "column 'Amount spent (EUR)'", "negative ad spend", "found '-3'")),
    Case("google-ads-bad-cost",
         text("Campaign report\nAll time\nDay,Cost\n2024-01-01,3.5\n2024-01-02,n/a\n"),
         ("line 5", "column 'Cost'", "bad amount", "found 'n/a'")),
    Case("forced-encoding-wrong", text("Horodateur,NPS\n2024-01-01,9\n2024-01-02,10 é\n", "cp1252"),
         ("not valid utf-8 text", "line 3", "expected text encoded in utf-8"),
         config='[csv]\nencoding = "utf-8"\n'),
    Case("config-unknown-key", text("Horodateur,NPS\n2024-01-01,9\n"),
         ("kpi_xl.toml", "unknown key 'fec.opening_journal'", "opening_journals"),
         config='[fec]\nopening_journal = ["AN"]\n'),
    Case("config-bad-value", text("Horodateur,NPS\n2024-01-01,9\n"),
         ("kpi_xl.toml", "bad value for 'ads.combine'", "auto, add, fec, ads"),
         config='[ads]\ncombine = "both"\n'),
    Case("config-incomplete-mapping", text("N;D\nA1;2024-01-01\n"),
         ("kpi_xl.toml", "amount missing from the mapping 'orders.columns'",
          "order_id, date, amount"),
         config='[orders.columns]\norder_id = "N"\ndate = "D"\n'),
    Case("config-date-format-without-codes", text("Horodateur,NPS\n2024-01-01,9\n"),
         ("kpi_xl.toml", "bad value for 'csv.date_format'", "found 'dd/mm/yyyy'", "%d/%m/%Y"),
         config='[csv]\ndate_format = "dd/mm/yyyy"\n'),
]  # fmt: skip


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_file_message(tmp_path: Path, case: Case) -> None:
    (tmp_path / case.name).write_bytes(case.content)
    if case.config:
        (tmp_path / "kpi_xl.toml").write_text(case.config)
    with pytest.raises(InputFileError) as info:
        read_exports(tmp_path)
    message = str(info.value)
    assert case.name in message or "kpi_xl.toml" in message
    for part in case.expected:
        assert part in message, f"{part!r} not in {message!r}"
