"""What is not a number is an error, in every export: NaN, inf (any spelling) and
magnitudes no business has (1e15 or more) stop the reading at their line and column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kpi_xl.errors import InputFileError
from kpi_xl.importers.ads import read_ads
from kpi_xl.importers.analytics import read_analytics
from kpi_xl.importers.manual import read_manual
from kpi_xl.importers.surveys import read_survey

READERS: dict[str, tuple[Callable[..., object], str, str, str]] = {
    # name: reader, file text with {} for the bad value on line 3, column, file name
    "ga4-sessions": (
        read_analytics,
        "Date,Sessions,Total users\n20240105,10,8\n20240106,{},9\n",
        "Sessions",
        "ga4.csv",
    ),
    "ga4-users": (
        read_analytics,
        "Date,Sessions,Total users\n20240105,10,8\n20240106,9,{}\n",
        "Total users",
        "ga4.csv",
    ),
    "ads-cost": (read_ads, "Day,Cost\n2024-01-05,10.50\n2024-01-06,{}\n", "Cost", "ads.csv"),
    "manual-value": (
        read_manual,
        "month;investment_cost\n2024-01;1000\n2024-02;{}\n",
        "investment_cost",
        "manual.csv",
    ),
    "survey-score": (
        read_survey,
        "Submit Date (UTC),How likely are you to recommend us?\n"
        "2024-01-05 10:00:00,9\n2024-01-06 10:00:00,{}\n",
        "How likely are you to recommend us?",
        "survey.csv",
    ),
}
VALUES = ["nan", "NaN", "inf", "-inf", "Infinity", "1e999", "1e308", "1000000000000000"]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("name", sorted(READERS))
def test_what_is_not_a_number_is_an_error(tmp_path: Path, name: str, value: str) -> None:
    reader, template, column, filename = READERS[name]
    path = tmp_path / filename
    path.write_text(template.replace("{}", value), encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        reader(path)
    message = str(caught.value)
    assert filename in message and f"line 3, column '{column}'" in message
    assert f"found '{value}'" in message


@pytest.mark.parametrize("value", ["999999999999999", "0,5", "1 234,50"])
def test_big_but_possible_amounts_are_read(tmp_path: Path, value: str) -> None:
    path = tmp_path / "ads.csv"
    path.write_text(f'Day;Cost\n2024-01-05;"{value}"\n', encoding="utf-8")
    spend = read_ads(path).monthly.iloc[0, 0]
    assert spend == float(value.replace(" ", "").replace(",", "."))
