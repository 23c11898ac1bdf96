"""The optional per-company configuration file, ``kpi_xl.toml``.

Put it in the exports folder (``kpi-xl compute --from DIR`` finds it there) or
pass ``--config FILE``.  Every key is optional; an unknown key is an error
naming it, so a typo never silently does nothing.  Schema (defaults shown)::

    company = "Maison Lavande SAS"   # the report's title
    currency = "EUR"                 # shown in the report's amounts
    language = "fr"                  # "fr" or "en": labels of the outputs; default:
                                     #   the system's (LC_ALL, LC_MESSAGES, LANG)
    fiscal_year_start_month = 9      # 1 = January ... 9 = September; default: the
                                     #   FEC's closing month + 1, else January
    trailing_months = 12             # window of an "active" customer (orders)
    until = "2025-10"                # last month of the report (default: the FEC's last
                                     #   month with P&L entries, else the last with data)
    ignore = ["notes.txt"]           # file-name patterns of the folder to skip

    [targets]                        # your target per KPI id (see the catalog)
    conversion_rate = 0.03           # a rate: a fraction (0.03) or a text "3 %" / "3,5 %"

    [csv]                            # force what is otherwise detected
    encoding = "cp1252"              # else: BOM, UTF-8, then cp1252/ISO-8859-15
    delimiter = ";"                  # else: detected from the header line
    decimal = ","                    # else: detected from the values
    date_format = "%d/%m/%Y"         # else: detected (AAAAMMJJ, ISO, JJ/MM/AAAA...)

    [fec]
    opening_journals = ["AN", "ANO", "RAN", "AD"]   # left out of every figure (a journal
                                                 #   labelled "A nouveaux"/"Reprise" too)
    revenue_accounts = ["70"]                    # credit - debit
    marketing_accounts = ["623"]                 # sales & marketing costs
    personnel_accounts = ["64"]
    cost_of_goods_accounts = ["607", "6037", "6097"]   # for the gross margin

    [orders]
    revenue = "net_of_tax"           # Shopify: "net_of_tax" (Total - Taxes) or "total"
    excluded_statuses = []           # more statuses to leave out, as the export writes them
    [orders.columns]                 # any other orders CSV: your column names
    order_id = "N° commande"
    date = "Date"
    customer = "Client"
    amount = "Montant HT"
    status = "Statut"                # optional

    [analytics]
    conversions = "auto"             # "auto", "analytics" (key events) or "orders"
    [analytics.columns]              # optional: date, visitors, sessions,
    date = "Jour"                    #   engaged_sessions, conversions

    [ads]
    combine = "auto"                 # "auto", "add", "fec" or "ads" (see docs/importers.md)
    [ads.columns]                    # any other ad-spend CSV
    date = "Date"
    spend = "Dépense"

    [surveys]
    score_column = "Quelle est la probabilité que vous nous recommandiez ?"
    comment_column = "Pourquoi ?"
    date_column = "Horodateur"

Account lists are prefixes: ``"623"`` matches 6231, 6234000... .
"""

from __future__ import annotations

import codecs
import datetime as dt
import math
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, NoReturn, TypeVar, cast

from kpi_xl.errors import InputFileError
from kpi_xl.language import system_language

CONFIG_NAME = "kpi_xl.toml"

AdsCombine = Literal["auto", "add", "fec", "ads"]
ConversionsSource = Literal["auto", "analytics", "orders"]
OrdersRevenue = Literal["net_of_tax", "total"]


@dataclass(frozen=True)
class CsvConfig:
    """Overrides of what is detected in every CSV (None = detect)."""

    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    date_format: str | None = None


@dataclass(frozen=True)
class FecConfig:
    """Account lists (prefixes) and journals of the FEC reader."""

    opening_journals: tuple[str, ...] = ("AN", "ANO", "RAN", "AD")
    revenue_accounts: tuple[str, ...] = ("70",)
    marketing_accounts: tuple[str, ...] = ("623",)
    personnel_accounts: tuple[str, ...] = ("64",)
    cost_of_goods_accounts: tuple[str, ...] = ("607", "6037", "6097")


@dataclass(frozen=True)
class OrdersConfig:
    """How orders count and, for any other CSV, which columns hold what."""

    revenue: OrdersRevenue = "net_of_tax"
    excluded_statuses: tuple[str, ...] = ()
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AnalyticsConfig:
    conversions: ConversionsSource = "auto"
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AdsConfig:
    combine: AdsCombine = "auto"
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SurveysConfig:
    score_column: str | None = None
    comment_column: str | None = None
    date_column: str | None = None


@dataclass(frozen=True)
class Config:
    """Everything a company may set; ``Config()`` is the all-defaults config."""

    company: str | None = None
    currency: str | None = None
    language: Literal["fr", "en"] = field(default_factory=system_language)
    fiscal_year_start_month: int | None = None
    trailing_months: int = 12
    until: str | None = None  # "YYYY-MM": the report's last month
    ignore: tuple[str, ...] = ()
    targets: Mapping[str, float] = field(default_factory=dict)
    csv: CsvConfig = field(default_factory=CsvConfig)
    fec: FecConfig = field(default_factory=FecConfig)
    orders: OrdersConfig = field(default_factory=OrdersConfig)
    analytics: AnalyticsConfig = field(default_factory=AnalyticsConfig)
    ads: AdsConfig = field(default_factory=AdsConfig)
    surveys: SurveysConfig = field(default_factory=SurveysConfig)
    path: Path | None = None


ORDER_COLUMNS = ("order_id", "date", "customer", "amount", "status")
ANALYTICS_COLUMNS = ("date", "visitors", "sessions", "engaged_sessions", "conversions")
ADS_COLUMNS = ("date", "spend")
#: The columns a mapping must name: without them the file cannot be recognised.
REQUIRED_COLUMNS = {
    "orders": ("order_id", "date", "amount"),
    "analytics": ("date",),
    "ads": ("date", "spend"),
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "language": ("fr", "en"),
    "orders.revenue": ("net_of_tax", "total"),
    "analytics.conversions": ("auto", "analytics", "orders"),
    "ads.combine": ("auto", "add", "fec", "ads"),
}

T = TypeVar("T")
_PERCENT = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*%\s*$")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")


def parse_percent(text: str) -> float | None:
    """A percentage text as a fraction: ``"3.5 %"`` and ``"3,5 %"`` give 0.035.

    >>> parse_percent("3,5 %"), parse_percent("12%"), parse_percent("3.5")
    (0.035, 0.12, None)
    """
    found = _PERCENT.match(text.replace("\u00a0", " ").replace("\u202f", " "))
    return None if found is None else round(float(found[1].replace(",", ".")) / 100, 12)


def parse_month(text: str) -> tuple[int, int] | None:
    """``"2025-10"`` as (2025, 10); None when it is not a month.

    >>> parse_month("2025-10"), parse_month("2025-13")
    ((2025, 10), None)
    """
    found = _MONTH.match(text)
    if found is None or not 1 <= int(found[2]) <= 12 or not 1900 <= int(found[1]) <= 2200:
        return None
    return int(found[1]), int(found[2])


def _date_format_works(fmt: str) -> bool:
    """A format with a date code that reads back the dates it writes ('%Q' does not)."""
    if "%" not in fmt:
        return False
    sample = dt.datetime(2025, 1, 31)
    try:
        return dt.datetime.strptime(sample.strftime(fmt), fmt).year in (1900, 2025)
    except ValueError:
        return False


def find_config(folder: Path) -> Path | None:
    """The ``kpi_xl.toml`` of an exports folder, if there is one."""
    candidate = Path(folder) / CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_config(path: Path | None) -> Config:
    """Read a config file; ``None`` gives the defaults."""
    if path is None:
        return Config()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputFileError(path, "the config file does not exist") from None
    except UnicodeDecodeError:
        raise InputFileError(path, "the config file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(path, f"not valid TOML ({exc})", expected="TOML") from None
    return _Reader(Path(path)).config(data)


class _Reader:
    """Turns the TOML dictionary into a :class:`Config`, naming any bad key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, key: str, problem: str, value: object = None, expected: str = "") -> NoReturn:
        raise InputFileError(
            self.path,
            f"{problem} {key!r}",
            value=None if value is None else str(value),  # InputFileError quotes it
            expected=expected or None,
            hint="see the schema in docs/importers.md",
        )

    def located(self, key: str, problem: str, value: str, expected: str) -> NoReturn:
        """Like :meth:`error`, with the line of the key in the file (``[csv]`` values)."""
        section, name = key.split(".")
        line, inside = None, False
        text = self.path.read_text(encoding="utf-8-sig").splitlines()
        for number, raw in enumerate(text, start=1):
            stripped = raw.strip()
            if stripped.startswith("["):
                inside = stripped == f"[{section}]"
            elif inside and stripped.split("=")[0].strip() == name:
                line = number
        raise InputFileError(
            self.path,
            f"{problem} {key!r}",
            line=line,
            column=name,
            value=value,
            expected=expected,
            hint="see the schema in docs/importers.md",
        )

    def table(self, data: Any, section: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.error(section, "expected a [table] for", data, "a TOML table")
        for key in data:
            if key not in allowed:
                name = f"{section}.{key}" if section else key
                self.error(name, "unknown key", expected="one of " + ", ".join(allowed))
        return cast(dict[str, Any], data)

    def config(self, data: dict[str, Any]) -> Config:
        names = tuple(f.name for f in fields(Config) if f.name != "path")
        data = self.table(data, "", names)
        kw: dict[str, Any] = {"path": self.path}
        for key, value in data.items():
            kw[key] = self.top_value(key, value)
        return Config(**kw)

    def top_value(self, key: str, value: Any) -> Any:
        sections: dict[str, Callable[[Any], Any]] = {
            "csv": lambda v: self.section(v, "csv", CsvConfig),
            "fec": lambda v: self.section(v, "fec", FecConfig),
            "orders": lambda v: self.section(v, "orders", OrdersConfig, ORDER_COLUMNS),
            "analytics": lambda v: self.section(v, "analytics", AnalyticsConfig, ANALYTICS_COLUMNS),
            "ads": lambda v: self.section(v, "ads", AdsConfig, ADS_COLUMNS),
            "surveys": lambda v: self.section(v, "surveys", SurveysConfig),
            "targets": self.targets,
            "ignore": lambda v: self.strings("ignore", v),
        }
        if key in sections:
            return sections[key](value)
        if key in ("company", "currency"):
            return self.free_text(key, value)
        if key == "until":
            return self.month(key, value)
        if key in ("fiscal_year_start_month", "trailing_months"):
            low, high = (1, 12) if key == "fiscal_year_start_month" else (1, 120)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                self.error(key, "bad value for", value, f"a whole number from {low} to {high}")
            return value
        return self.choice(key, value)

    def free_text(self, key: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip() or len(value) > 200:
            self.error(key, "bad value for", value, "a text of 1 to 200 characters")
        if key == "currency" and not value.strip().isalpha():
            self.error(key, "bad value for", value, 'a currency code such as "EUR"')
        return str(value).strip()

    def choice(self, key: str, value: Any) -> Any:
        if value not in _CHOICES[key]:
            self.error(key, "bad value for", value, "one of " + ", ".join(_CHOICES[key]))
        return value

    def strings(self, key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(key, "bad value for", value, "a list of texts")
        return tuple(v.strip() for v in value)

    def checked_text(self, key: str, value: str) -> str:
        if key == "csv.delimiter" and value not in (",", ";", "\t", "|"):
            self.error(key, "bad value for", value, 'one of ",", ";", "\\t", "|"')
        if key == "csv.decimal" and value not in (",", "."):
            self.error(key, "bad value for", value, '"," or "."')
        if key == "csv.date_format" and not _date_format_works(value):
            self.located(
                key, "bad value for", value, 'a format such as "%d/%m/%Y" (strftime codes)'
            )
        if key == "csv.encoding":
            try:
                # rot13 or base64 are codecs but not text encodings: bytes.decode refuses them.
                known = codecs.lookup(value)._is_text_encoding
            except LookupError:
                known = False
            if not known:
                self.located(key, "unknown encoding in", value, "e.g. utf-8, cp1252, iso-8859-15")
        return value if key == "csv.delimiter" else value.strip()

    def month(self, key: str, value: Any) -> str:
        if not isinstance(value, str) or parse_month(value) is None:
            self.error(key, "bad value for", value, 'a month as "YYYY-MM", such as "2025-10"')
        return value.strip()

    def targets(self, value: Any) -> dict[str, float]:
        from kpi_xl import catalog

        data = self.table(value, "targets", tuple(k.id for k in catalog.KPIS))
        out: dict[str, float] = {}
        for key, target in data.items():
            is_rate = catalog.get(key).unit is catalog.Unit.RATIO
            out[key] = self.target(f"targets.{key}", target, is_rate)
        return out

    def target(self, key: str, value: Any, is_rate: bool) -> float:
        """A number; a rate is a fraction (0.035) or a percentage text ("3.5 %")."""
        if isinstance(value, str) and is_rate:
            number = parse_percent(value)
            if number is None:
                self.error(key, "bad value for", value, 'a percentage such as "3.5 %" or 0.035')
            return number
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.error(key, "bad value for", value, 'a number (a rate: 0.035 or "3.5 %")')
        if not math.isfinite(value):
            self.error(key, "bad value for", value, "a finite number (not nan nor inf)")
        if is_rate and abs(value) > 1:
            raise InputFileError(
                self.path,
                f"bad value for {key!r}: a rate above 1",
                value=str(value),
                expected="a fraction (1 = 100 %)",
                hint=f'{value:g} means {value * 100:g} %; write {value / 100:g} or "{value:g} %"',
            )
        return float(value)

    def section(self, value: Any, name: str, cls: type[T], columns: tuple[str, ...] = ()) -> T:
        allowed = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
        defaults = {k: getattr(cls(), k) for k in allowed}
        data = self.table(value, name, allowed)
        kw: dict[str, Any] = {}
        for key, item in data.items():
            full = f"{name}.{key}"
            if key == "columns":
                cols = self.table(item, full, columns)
                for ckey, cval in cols.items():
                    if not isinstance(cval, str) or not cval.strip():
                        self.error(f"{full}.{ckey}", "bad value for", cval, "a column name")
                missing = [c for c in REQUIRED_COLUMNS[name] if c not in cols]
                if missing:
                    self.error(
                        full,
                        f"{', '.join(missing)} missing from the mapping",
                        expected=", ".join(REQUIRED_COLUMNS[name])
                        + " set to the names of those columns in your file",
                    )
                kw[key] = {k: str(v).strip() for k, v in cols.items()}
            elif full in _CHOICES:
                kw[key] = self.choice(full, item)
            elif isinstance(defaults[key], tuple):
                kw[key] = self.strings(full, item)
            elif isinstance(item, str) and item.strip():
                kw[key] = self.checked_text(full, item)
            else:
                self.error(full, "bad value for", item, "a text")
        return cls(**kw)
