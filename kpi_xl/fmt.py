"""Numbers as a French or English reader expects them (terminal and docs)."""

from __future__ import annotations

import math

from kpi_xl.catalog import Unit

_SUFFIX = {
    Unit.PERIODS: {"fr": " mois", "en": " months"},
    Unit.YEARS: {"fr": " ans", "en": " years"},
    Unit.PER_YEAR: {"fr": " /an", "en": " /year"},
    Unit.POINTS: {"fr": " pts", "en": " pts"},
    Unit.DAYS: {"fr": " j", "en": " days"},
}
#: What each unit measures, in words (``kpi-xl kpis --kpi``).
_UNIT_NAMES = {
    Unit.RATIO: {"fr": "pourcentage", "en": "percentage"},
    Unit.CURRENCY: {"fr": "montant", "en": "amount"},
    Unit.POINTS: {"fr": "points (score de -100 à +100)", "en": "points (score from -100 to +100)"},
    Unit.PERIODS: {"fr": "mois", "en": "months"},
    Unit.MULTIPLE: {"fr": "multiple (x fois)", "en": "multiple (x times)"},
    Unit.COUNT: {"fr": "nombre", "en": "count"},
    Unit.YEARS: {"fr": "années", "en": "years"},
    Unit.PER_YEAR: {"fr": "fois par an", "en": "times per year"},
    Unit.DAYS: {"fr": "jours", "en": "days"},
}


def number(value: float, decimals: int, lang: str) -> str:
    """``1234.5`` -> ``1 234,5`` (fr, narrow no-break space) or ``1,234.5`` (en).

    >>> number(1234.5, 1, "fr")
    '1\u202f234,5'
    >>> number(-0.25, 2, "en")
    '-0.25'
    """
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def value(x: float | None, unit: Unit, lang: str = "en", currency: str = "EUR") -> str:
    """A KPI value with its unit; empty for a missing value.

    >>> value(0.035, Unit.RATIO, "fr")
    '3,5 %'
    >>> value(3, Unit.MULTIPLE)
    '3.0x'
    >>> value(None, Unit.CURRENCY)
    ''
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if unit is Unit.RATIO:
        return number(100 * x, 1, lang) + " %"
    if unit is Unit.CURRENCY:
        return number(x, 2 if abs(x) < 100 else 0, lang) + f" {currency}"
    if unit is Unit.MULTIPLE:
        return number(x, 1, lang) + "x"
    if unit is Unit.COUNT:
        return number(x, 0 if float(x).is_integer() else 1, lang)
    return number(x, 1, lang) + _SUFFIX.get(unit, {}).get(lang, "")


def unit_name(unit: Unit, lang: str = "en", currency: str = "EUR") -> str:
    """A unit in words, in the reader's language.

    >>> unit_name(Unit.CURRENCY, "fr")
    'montant (EUR)'
    >>> unit_name(Unit.RATIO, "en")
    'percentage'
    """
    name = _UNIT_NAMES[unit]["fr" if lang == "fr" else "en"]
    return f"{name} ({currency})" if unit is Unit.CURRENCY else name
