"""What both paths of the FEC reader share: the header's layout, the summed lines,
entry dates as month numbers, debit/credit directions and the opening journals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from kpi_xl.config import Config, FecConfig
from kpi_xl.errors import InputFileError
from kpi_xl.importers.exercise import opening_codes
from kpi_xl.importers.recognise import FEC_DEBIT_CREDIT, FEC_MONTANT_SENS, head_text
from kpi_xl.importers.table import duplicate_columns, normalise

Ints = npt.NDArray[np.int64]

_SENS_DEBIT = {"D", "+1", "1", "+", "DEBIT"}
_SENS_CREDIT = {"C", "-1", "-", "CREDIT"}
_DAYS = np.array([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@dataclass
class Layout:
    """Where the needed columns are in a FEC, from its header."""

    delimiter: str
    positions: dict[str, int]  # role -> column position
    names: list[str]
    encoding: str  # what the start of the file decodes as: tried first


@dataclass
class Summed:
    """The lines of a FEC summed per (month, account, opening journal or not)."""

    by_account: pd.DataFrame  # month, account, opening, debit, credit
    rows: int
    debit: float  # every line's, opening journals included
    credit: float
    encoding: str = "utf-8"
    mixed: list[int] = field(default_factory=list)  # lines decoded as cp1252


def find(path: Path, config: Config) -> Layout:
    """Find the separator and the position of each needed column in the header."""
    text, encoding = head_text(path, config)
    line = next((ln for ln in text.split("\n") if ln.strip()), "")
    delimiter = config.csv.delimiter or max(("\t", "|", ";"), key=line.count)
    names = [normalise(n) for n in line.split(delimiter)]
    for roles in (FEC_DEBIT_CREDIT, FEC_MONTANT_SENS):
        if all(r in names for r in roles):
            for role in roles:
                same = [i for i, n in enumerate(names) if n == role]
                if len(same) > 1:
                    raw = [n.strip() for n in line.split(delimiter)]
                    raise duplicate_columns(path, 1, raw, same)
            positions = {r: names.index(r) for r in roles}
            if "journallib" in names:  # the labels tell opening journals with other codes
                positions["journallib"] = names.index("journallib")
            return Layout(delimiter, positions, names, encoding)
    missing = [r for r in FEC_DEBIT_CREDIT if r not in names]
    raise InputFileError(
        path,
        "not a FEC header: required columns are missing",
        line=1,
        column=", ".join(missing),
        value=line[:150],
        expected="the FEC columns JournalCode, EcritureDate, CompteNum and Debit/Credit "
        "(or Montant/Sens), separated by tabs or |",
    )


def opening(
    codes: list[str], labels: Callable[[], dict[str, str]] | None, fec: FecConfig
) -> set[str]:
    """The opening journals' codes: by code, else by their label (``labels()``, if any)."""
    found = opening_codes(codes, fec.opening_journals)
    if not found and labels is not None:
        found = opening_codes(codes, (), labels())
    return found


def no_entries(path: Path) -> InputFileError:
    return InputFileError(
        path, "the FEC has a header but no entries", line=2, expected="one line per entry"
    )


def month_numbers(ymd: Ints) -> Ints:
    """year * 12 + month - 1 of each AAAAMMJJ number; -1 where it is not a valid date."""
    year, month, day = ymd // 10000, ymd // 100 % 100, ymd % 100
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    limit = _DAYS[np.clip(month - 1, 0, 11)] - ((month == 2) & ~leap)
    bad = (year < 1900) | (year > 2200) | (month < 1) | (month > 12) | (day < 1)
    bad |= day > limit
    return np.where(bad, -1, year * 12 + month - 1)


def sign_of(texts: list[str | None]) -> npt.NDArray[np.int8]:
    """+1 for a debit direction, -1 for a credit one, 0 for anything else (missing too)."""
    upper = [(t or "").strip().upper() for t in texts]
    return np.array(
        [1 if t in _SENS_DEBIT else -1 if t in _SENS_CREDIT else 0 for t in upper], dtype=np.int8
    )
