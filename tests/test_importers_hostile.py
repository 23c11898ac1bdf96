"""Issue 13 items 1-3 and the mapped-column message of issue 16: each bad input is an
InputFileError (exit 2) naming the file, the line and the column, never exit 3."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi_xl.config import load_config
from kpi_xl.errors import InputFileError
from kpi_xl.importers import manual, orders, surveys
from kpi_xl.importers.fec import read_fec
from tests.test_importers_samples import SHOPIFY_HEADER, shopify_row, write_typeform


def test_duplicated_used_column_names_both(tmp_path: Path) -> None:
    header = SHOPIFY_HEADER.replace("Subtotal", "Total")
    row = shopify_row("#1", "a@ex.fr", "paid", "120.00", "20.00", "2024-01-07 09:50:26 +0100")
    path = tmp_path / "orders.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        orders.read_orders(path)
    message = str(err.value)
    assert "several columns have the same name" in message
    assert "column 9 'Total'" in message and "column 12 'Total'" in message
    assert err.value.line == 1


def test_duplicated_unused_column_is_fine(tmp_path: Path) -> None:
    header = SHOPIFY_HEADER.replace("Discount Code", "Lineitem sku")
    row = shopify_row("#1", "a@ex.fr", "paid", "120.00", "20.00", "2024-01-07 09:50:26 +0100")
    path = tmp_path / "orders.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    assert orders.read_orders(path).monthly["orders_revenue"].tolist() == [100.0]


def test_duplicated_manual_input_column(tmp_path: Path) -> None:
    path = tmp_path / "manual.csv"
    path.write_text("month;investment_cost;investment_cost\n2025-01;10;20\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="several columns have the same name"):
        manual.read_manual(path)


def test_duplicated_fec_column(tmp_path: Path) -> None:
    path = tmp_path / "FEC.txt"
    path.write_text(
        "JournalCode\tEcritureDate\tCompteNum\tDebit\tCredit\tDebit\n"
        "VE\t20250105\t706000\t0\t100\t1\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as err:
        read_fec(path)
    assert "column 4 'Debit' and column 6 'Debit'" in str(err.value)


def test_mixed_encodings_decoded_by_line_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    good = "Très bien livré".encode()
    bad = "Très bien livré".encode("cp1252")
    path.write_bytes(
        b"Submit Date (UTC),How likely are you to recommend us?,Why?\n"
        b"2024-01-05 10:00:00,10," + good + b"\n"
        b"2024-01-06 10:00:00,9," + bad + b"\n"
        b"2024-01-07 10:00:00,8," + good + b"\n"
    )
    result = surveys.read_survey(path)
    assert result.comments["comment"].tolist() == ["Très bien livré"] * 3
    assert result.source.encoding == "utf-8"
    assert len(result.warnings) == 1 and "line(s) 3 are not" in result.warnings[0]


def test_cp1252_file_stays_cp1252_without_warning(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_bytes(
        "Submit Date (UTC),How likely are you to recommend us?,Why?\n"
        "2024-01-05 10:00:00,10,Très bien\n".encode("cp1252")
    )
    result = surveys.read_survey(path)
    assert result.comments["comment"].tolist() == ["Très bien"]
    assert result.source.encoding == "cp1252" and result.warnings == []


@pytest.mark.parametrize(
    ("setting", "key"),
    [('encoding = "rot13"', "csv.encoding"), ('date_format = "%Q"', "csv.date_format")],
)
def test_bad_csv_settings_are_input_errors(tmp_path: Path, setting: str, key: str) -> None:
    config = tmp_path / "kpi_xl.toml"
    config.write_text(f'company = "A"\n\n[csv]\ndelimiter = ";"\n{setting}\n', encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        load_config(config)
    assert key in str(err.value) and str(config) in str(err.value)
    assert err.value.line == 5 and err.value.column == key.split(".")[1]


def test_field_over_the_csv_limit_is_located(tmp_path: Path) -> None:
    path = write_typeform(tmp_path)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(4, f'a9,8,"{"x" * 150_000}",2024-01-08 10:00:00,n9')
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        surveys.read_survey(path)
    assert err.value.line == 5 and err.value.column == "Why?"
    assert "150,000 characters" in str(err.value)


def test_missing_mapped_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "ventes.csv"
    path.write_text("N° commande;Date;Client;Total\nA1;05/01/2024;x;10,00\n", encoding="utf-8")
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[orders.columns]\norder_id = "N° commande"\ndate = "Date"\namount = "Montant HT"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as err:
        orders.read_orders(path, load_config(cfg))
    message = str(err.value)
    assert "mapped in [orders.columns] is not in the file" in message
    assert err.value.column == "Montant HT" and err.value.line == 1
    assert "unknown layout" not in message


def test_fec_whose_first_entry_is_short(tmp_path: Path) -> None:
    """A first data line shorter than the needed columns (hypothesis found it): exit 2."""
    header = "\t".join(["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum",
                        "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate",
                        "EcritureLib", "Debit", "Credit"])  # fmt: skip
    path = tmp_path / "FEC.txt"
    path.write_text(f"{header}\n\n" + "\t" * 4 + "\n" + "\t" * 12 + "\n", encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        read_fec(path)
    assert err.value.line == 3 and "fewer fields than the header" in str(err.value)
