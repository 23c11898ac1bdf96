"""A UTF-8 export with a few lines in cp1252 (one comment pasted from a Windows tool) is
decoded line by line, and the warning naming those lines reaches ``Exports.warnings``."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_importers_samples import SHOPIFY_HEADER, shopify_row

from kpi_xl.importers import read_exports, textfile


def mixed(lines: list[str], cp1252_line: int) -> bytes:
    """The lines in UTF-8, except line ``cp1252_line`` (1-based) in cp1252."""
    return (
        b"\n".join(
            line.encode("cp1252" if number == cp1252_line else "utf-8")
            for number, line in enumerate(lines, start=1)
        )
        + b"\n"
    )


ORDERS = [
    SHOPIFY_HEADER,
    shopify_row("#1", "a@ex.fr", "paid", "120.00", "20.00", "2024-01-07").replace("Mug", "Thé"),
    shopify_row("#2", "b@ex.fr", "paid", "60.00", "10.00", "2024-01-20").replace("Mug", "Café"),
]
ADS = ["Campagne,Day,Cost", "Été,2024-01-05,10.50", "Noël,2024-01-06,3.00"]
SURVEY = [
    "Submit Date (UTC),How likely are you to recommend us?,Pourquoi ?",
    "2024-01-05 10:00:00,9,très bien",
    "2024-01-06 10:00:00,6,livré en retard",
]
GA4 = ["# Propriété : boutique", "# Société Lavande", "Date,Sessions,Total users", "20240105,9,7"]
FILES = {"orders_export.csv": ORDERS, "ads.csv": ADS, "survey.csv": SURVEY, "ga4.csv": GA4}


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_mixed_encoding_warning_reaches_the_exports(tmp_path: Path, name: str) -> None:
    line = 2 if name == "ga4.csv" else 3
    (tmp_path / name).write_bytes(mixed(FILES[name], line))
    exports = read_exports(tmp_path)
    notes = [w for w in exports.warnings if w.startswith(name)]
    assert len(notes) == 1 and f"line(s) {line} are not" in notes[0], exports.warnings


def test_lines_decoded_apart_are_found_across_blocks() -> None:
    """Big files are decoded in blocks: the lines named are the right ones anywhere."""
    lines = [f"ligne {i};é".encode() for i in range(200_000)]
    bad = [0, 4_095, 150_001, 199_999]
    for i in bad:
        lines[i] = f"ligne {i};café".encode("cp1252")
    text, others = textfile.mixed_text(b"\r\n".join(lines)) or ("", [])
    assert others == [i + 1 for i in bad]
    decoded = text.split("\r\n")
    assert len(decoded) == len(lines) and decoded[150_001] == "ligne 150001;café"
    assert decoded[150_000] == "ligne 150000;é"


def test_a_cp1252_file_is_not_mixed() -> None:
    assert textfile.mixed_text("Libellé;café\n".encode("cp1252")) is None
