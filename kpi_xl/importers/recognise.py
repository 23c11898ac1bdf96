"""Which export a file is, from its header (never from its name)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from kpi_xl.config import REQUIRED_COLUMNS, Config
from kpi_xl.errors import InputFileError
from kpi_xl.importers import textfile
from kpi_xl.importers.base import INPUT_IDS
from kpi_xl.importers.table import Header, find_header, normalise

HEAD_BYTES = 65536

# Normalised header names (lower case, no accents) per source and role.
FEC_DEBIT_CREDIT = ("journalcode", "ecrituredate", "comptenum", "debit", "credit")
FEC_MONTANT_SENS = ("journalcode", "ecrituredate", "comptenum", "montant", "sens")
SHOPIFY = ("name", "created at", "total", "financial status")
WOO_ORDER = ("order #", "order", "commande #", "commande", "n° de commande", "numero de commande")
WOO_SALES = ("net sales", "ventes nettes")
ADS_DAY = ("day", "jour", "date")
META_DAY = (*ADS_DAY, "reporting starts", "debut des rapports")
META_SPEND = ("amount spent", "montant depense")
GOOGLE_COST = ("cost", "cout")
GA4_DATE = ("date", "year month", "annee mois", "annee et mois")
GA4_METRICS = (
    "sessions",
    "total users",
    "active users",
    "engaged sessions",
    "nombre total d'utilisateurs",
    "utilisateurs actifs",
    "sessions avec engagement",
)
SURVEY_DATE = (
    "submit date (utc)",
    "submitted at",
    "timestamp",
    "horodateur",
    "date de soumission (utc)",
    "date d'envoi (utc)",
)
MANUAL_MONTH = ("month", "mois")

EXPECTED_LAYOUTS = (
    "FEC (JournalCode, EcritureDate, CompteNum, Debit/Credit or Montant/Sens)",
    "Shopify orders (Name, Created at, Total, Financial Status)",
    "WooCommerce orders (Date, Order #, Net sales)",
    "Google Ads (Day, Cost)",
    "Meta Ads (Day, Amount spent (EUR))",
    "GA4 (Date, Sessions, Total users...)",
    "Typeform/Google Forms survey (Submit Date (UTC), Timestamp or Horodateur)",
    "manual inputs (month + input ids such as investment_cost)",
)


class UnknownLayoutError(InputFileError):
    """A file whose header matches no export kpi_xl reads (a note, a stray file)."""


@dataclass
class Sniffed:
    """A file's kind and, for CSV kinds, its header position and separator."""

    kind: str
    header: Header


def _any(cols: list[str], names: Iterable[str]) -> bool:
    return any(n in cols for n in names)


def _prefixed(cols: list[str], prefixes: Iterable[str]) -> bool:
    """A column equal to a prefix or starting with it and a bracket: 'Cost (EUR)'."""
    return any(c == p or c.startswith(p + " (") for c in cols for p in prefixes)


def _mapped(columns: Mapping[str, str], required: tuple[str, ...]) -> Callable[[list[str]], bool]:
    wanted = [normalise(columns[k]) for k in required if k in columns]

    def match(cols: list[str]) -> bool:
        return len(wanted) == len(required) and all(w in cols for w in wanted)

    return match


def matchers(config: Config) -> list[tuple[str, Callable[[list[str]], bool]]]:
    """Layout tests in priority order: a user's mapping first, then known exports."""
    return [
        ("orders:mapped", _mapped(config.orders.columns, REQUIRED_COLUMNS["orders"])),
        ("ads:mapped", _mapped(config.ads.columns, REQUIRED_COLUMNS["ads"])),
        ("analytics:mapped", _mapped(config.analytics.columns, REQUIRED_COLUMNS["analytics"])),
        ("fec", lambda c: all(n in c for n in FEC_DEBIT_CREDIT[:3])),
        ("orders:shopify", lambda c: all(n in c for n in SHOPIFY)),
        ("orders:woocommerce", lambda c: "date" in c and _any(c, WOO_ORDER) and _any(c, WOO_SALES)),
        ("ads:meta", lambda c: _any(c, META_DAY) and _prefixed(c, META_SPEND)),
        ("ads:google", lambda c: _any(c, ADS_DAY) and _prefixed(c, GOOGLE_COST)),
        ("survey", lambda c: _survey_date(c, config)),
        (
            "manual",
            lambda c: _any(c, MANUAL_MONTH) and _any(c, (*INPUT_IDS, "investment_cash_flow")),
        ),
        ("analytics:ga4", lambda c: _any(c, GA4_DATE) and _any(c, GA4_METRICS)),
    ]


def _survey_date(cols: list[str], config: Config) -> bool:
    custom = config.surveys.date_column
    return _any(cols, SURVEY_DATE) or (custom is not None and normalise(custom) in cols)


def head_text(path: Path, config: Config) -> tuple[str, str]:
    """The decoded start of a file (enough to find its header)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror})") from None
    textfile.check_not_binary(path, head)
    encoding = config.csv.encoding or textfile.detect_bom(head)
    if encoding is None:
        try:
            head.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            # A cut multi-byte character at the end of the sample is still UTF-8.
            encoding = "utf-8" if exc.start >= len(head) - 3 else "cp1252"
    # The same line ends as read_text: header positions must match the whole file's.
    return textfile.unix_lines(head.decode(encoding, errors="replace")), encoding


def _holds_any(names: tuple[str, ...]) -> Callable[[list[str]], bool]:
    return lambda cols: any(n in cols for n in names)


def _check_mappings(path: Path, lines: list[str], config: Config) -> None:
    """A header holding some columns of a mapping but not all: name the ones missing."""
    mappings = (
        ("orders", config.orders.columns),
        ("ads", config.ads.columns),
        ("analytics", config.analytics.columns),
    )
    for family, columns in mappings:
        wanted = {k: normalise(columns[k]) for k in REQUIRED_COLUMNS[family] if k in columns}
        if not wanted:
            continue
        header = find_header(lines, _holds_any(tuple(wanted.values())), config.csv.delimiter)
        if header is None:
            continue
        names = [normalise(n) for n in header.names]
        missing = [k for k, w in wanted.items() if w not in names]
        if not missing:
            continue
        raise InputFileError(
            path,
            f"a column mapped in [{family}.columns] is not in the file",
            line=header.index + 1,
            column=columns[missing[0]],
            expected=", ".join(f"a column named {columns[k]!r} ({k})" for k in missing),
            hint=f"columns found: {', '.join(header.names)}; fix the name in kpi_xl.toml "
            f'([{family}.columns] {missing[0]} = "...")',
        )


#: The files already recognised in the current :func:`one_read` block, by (path, config).
_SNIFFED: ContextVar[dict[tuple[Path, int], Sniffed] | None] = ContextVar("sniffed", default=None)


@contextmanager
def one_read() -> Iterator[None]:
    """Within the block, a file is recognised once: a folder's files are recognised when
    listed, then again by each reader; the block is one reading of one folder."""
    token = _SNIFFED.set({})
    try:
        yield
    finally:
        _SNIFFED.reset(token)


def sniff(path: Path, config: Config) -> Sniffed:
    """Recognise a file by its header, or explain what headers were expected."""
    known = _SNIFFED.get()
    key = (Path(path), id(config))
    if known is not None and key in known:
        return known[key]
    found = _sniff(path, config)
    if known is not None:
        known[key] = found
    return found


def _sniff(path: Path, config: Config) -> Sniffed:
    text, _ = head_text(path, config)
    lines = text.split("\n")
    tests = matchers(config)
    found: list[str] = []

    def accept(cols: list[str]) -> bool:
        for kind, test in tests:
            if test(cols):
                found.append(kind)
                return True
        return False

    header = find_header(lines, accept, config.csv.delimiter)
    if header is None:
        _check_mappings(path, lines, config)
        first = next((ln for ln in lines if ln.strip() and not ln.startswith("#")), "")
        raise UnknownLayoutError(
            path,
            "unknown layout: the header matches no export kpi_xl reads",
            line=lines.index(first) + 1 if first else None,
            value=first[:150] if first else None,
            expected="one of: " + "; ".join(EXPECTED_LAYOUTS),
            hint="map your columns in kpi_xl.toml ([orders.columns], [ads.columns], "
            "[analytics.columns], [surveys]) or move the file out of the folder",
        )
    return Sniffed(found[-1], header)
