"""``kpi-xl compute``: outputs, the report on stderr, and exit code 2 on a bad file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from samples import REAL_FEC
from test_importers_fec import ENTRIES, HEADER
from test_importers_samples import write_ga4, write_shopify

from kpi_xl import catalog
from kpi_xl.cli import main
from kpi_xl.importers import INPUT_IDS


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "FEC.txt").write_text(HEADER + "\n" + "\n".join(ENTRIES) + "\n")
    write_shopify(tmp_path)
    write_ga4(tmp_path)
    return tmp_path


def test_csv_has_a_row_per_month_and_every_id(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compute", "--from", str(folder), "--year", "2024", "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["month"] for r in rows] == [f"2024-{m:02d}" for m in range(1, 13)]
    assert list(rows[0]) == ["month", *INPUT_IDS, *(k.id for k in catalog.KPIS)]
    assert float(rows[0]["revenue"]) == 1000.0
    assert float(rows[0]["conversion_rate"]) == pytest.approx(50 / 2000)
    assert rows[11]["visitors"] == ""
    assert "FEC.txt: read as fec" in err and "read as orders:shopify" in err
    assert "analytics.csv: read as analytics:ga4" in err


def test_json(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compute", "--from", str(folder), "--year", "2024", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["months"]) == 12
    assert document["months"][0]["net_profit"] == 1000.0
    assert document["months"][11]["visitors"] is None
    assert {s["kind"] for s in document["sources"]} == {"fec", "orders:shopify", "analytics:ga4"}
    assert "net_margin" in document["ytd"]


def test_table(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compute", "--from", str(folder), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Revenue (excl. VAT)" in out and "Conversion rate" in out


def test_bad_file_exit_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "FEC.txt").write_text(HEADER + "\n" + ENTRIES[2].replace("20240105", "2024XX05"))
    assert main(["compute", "--from", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "FEC.txt, line 2, column 'EcritureDate'" in err and "found '2024XX05'" in err
    assert "Traceback" not in err


def test_help_teaches(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["compute", "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "--format csv" in out


def test_csv_fr_uses_semicolons_and_decimal_commas(tmp_path, capsys):
    import shutil

    fec = REAL_FEC
    shutil.copy(fec, tmp_path / fec.name)
    assert main(["compute", "--from", str(tmp_path), "--format", "csv-fr"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("month;revenue;revenue_prev_year;net_profit")
    first = dict(zip(lines[0].split(";"), lines[1].split(";"), strict=True))
    assert first["month"] == "2021-09"
    assert first["revenue"] == "59434,5"


def test_cohorts_and_comments_tables(tmp_path, capsys):
    from kpi_xl import sample_data

    sample_data.write_sample_exports(tmp_path)
    assert (
        main(["compute", "--from", str(tmp_path), "--cohorts", "--comments", "--lang", "fr"]) == 0
    )
    out = capsys.readouterr().out
    assert "Rétention par cohorte" in out and "100,0 %" in out
    assert "Détracteurs (note de 0 à 6)" in out and "Promoteurs (note de 9 à 10)" in out
