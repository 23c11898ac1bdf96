"""Cell formats of the template workbooks: number formats per unit, colours, fonts.

Number formats are stored in the file in Excel's locale-independent code
(``0.0%``, ``#,##0``); Excel and LibreOffice show them with the reader's
decimal separator, so one code serves French and English readers.
"""

from __future__ import annotations

from typing import Any

from kpi_xl.catalog import Unit

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}

# Palette: calm blues for structure, the usual traffic-light trio for statuses.
NAVY = "#1F3864"
BLUE = "#2F5597"
LIGHT_BLUE = "#DEEAF6"
INPUT_FILL = "#FFF9E5"  # pale yellow: "type here", as accountants expect
GREY = "#595959"
LIGHT_GREY = "#F2F2F2"
BORDER = "#BFBFBF"
GREEN_FILL, GREEN_TEXT = "#C6EFCE", "#006100"
AMBER_FILL, AMBER_TEXT = "#FFEB9C", "#7F6000"
RED_FILL, RED_TEXT = "#FFC7CE", "#9C0006"
CHART_REVENUE = "#2F5597"
CHART_PROFIT = "#A9D18E"
CHART_MARGIN = "#C55A11"
CHART_TARGET = "#7F7F7F"


def currency_symbol(currency: str) -> str:
    return CURRENCY_SYMBOLS.get(currency.upper(), currency.upper())


def unit_format(unit: Unit, lang: str, currency: str = "EUR", decimals: int = 0) -> str:
    """The number format code of a value measured in ``unit``.

    >>> unit_format(Unit.RATIO, "fr")
    '0.0%'
    >>> unit_format(Unit.CURRENCY, "fr", decimals=2)
    '#,##0.00 "€"'
    >>> unit_format(Unit.PERIODS, "en")
    '0.0 "months"'
    """
    if unit is Unit.CURRENCY:
        digits = "#,##0" + ("." + "0" * decimals if decimals else "")
        return f'{digits} "{currency_symbol(currency)}"'
    return {
        Unit.RATIO: "0.0%",
        Unit.POINTS: "0",
        Unit.PERIODS: '0.0 "mois"' if lang == "fr" else '0.0 "months"',
        Unit.MULTIPLE: '0.0"x"',
        Unit.COUNT: "#,##0",
        Unit.YEARS: "0.0",
        Unit.PER_YEAR: "0.0",
        Unit.DAYS: '0 "jours"' if lang == "fr" else '0 "days"',
    }[unit]


def change_format(unit: Unit, lang: str, currency: str = "EUR") -> str:
    """A signed format for month-on-month changes; a rate's change is in points (x100).

    The dashboard multiplies a rate's change by 100 (0.001 -> 0.1): "+0.1 pt"
    ("+0,1 pt" for a French reader) reads as a difference of rates, where
    "+0.1%" would read as a relative change.

    >>> change_format(Unit.RATIO, "en")
    '+0.0" pt";-0.0" pt";0.0" pt"'
    """
    if unit is Unit.RATIO:
        return '+0.0" pt";-0.0" pt";0.0" pt"'
    base = unit_format(unit, lang, currency, decimals=2 if unit is Unit.CURRENCY else 0)
    return f"+{base};-{base};{base}"


#: Locale tags so month names read in the workbook's language whatever the reader's locale.
_LOCALE = {"fr": "[$-40C]", "en": "[$-409]"}
_MONTH_STYLES = {"long": "mmmm yyyy", "short": "mmm yyyy", "axis": "mmm"}


def month_format(lang: str, style: str = "short") -> str:
    """A date format showing the month in ``lang`` (``long``, ``short`` or ``axis``).

    >>> month_format("fr", "long")
    '[$-40C]mmmm yyyy'
    """
    return _LOCALE.get(lang, "") + _MONTH_STYLES[style]


def props(**extra: Any) -> dict[str, Any]:
    """Default cell properties (font) merged with ``extra``."""
    base: dict[str, Any] = {"font_name": "Calibri", "font_size": 10, "valign": "vcenter"}
    base.update(extra)
    return base
