"""Whose report it is: the SIREN of the FEC's file name, else the company name.

A report remembers its client in the Settings cell ``set_client_id``; a
refresh with another company's exports (another SIREN, or another company
name when neither side has a SIREN) is refused unless forced, so one
client's figures never land in another client's report.
"""

from __future__ import annotations

import re
from pathlib import Path

from kpi_xl.errors import WorkbookError
from kpi_xl.importers import Exports

#: The legal FEC file name: SIREN (9 digits), "FEC", closing date (``912345678FEC20251231.txt``).
_FEC_NAME = re.compile(r"^(?P<siren>\d{9})FEC\d{8}", re.IGNORECASE)
_SIREN = re.compile(r"^\d{9}$")


def fec_siren(exports: Exports) -> str | None:
    """The SIREN in the name of the exports' first FEC that has one."""
    for source in exports.sources:
        match = _FEC_NAME.match(source.path.name) if source.kind == "fec" else None
        if match:
            return match["siren"]
    return None


def client_id(exports: Exports, company: str | None) -> str | None:
    """The exports' SIREN, else the company name; None when neither is known."""
    siren = fec_siren(exports)
    if siren is not None:
        return siren
    name = (company or "").strip()
    return name or None


def same_client(stored: str, found: str) -> bool:
    """Whether two ids name the same client.

    Two SIRENs, or two names, must match (names ignoring case and spaces);
    a SIREN and a name cannot be compared (a client who starts sending a
    FEC keeps the report), so they count as the same.
    """
    if bool(_SIREN.match(stored)) != bool(_SIREN.match(found)):
        return True
    return " ".join(stored.casefold().split()) == " ".join(found.casefold().split())


def check_owner(
    path: Path, stored: str | None, found: str | None, force: bool, name: str | None = None
) -> str | None:
    """The id to write into the report (None: nothing to write); refuses another client's exports.

    ``stored`` is the report's ``set_client_id`` (None: the workbook has no
    such cell, '' : not filled yet), ``found`` the exports' id, ``name`` the
    exports' company name when known.  A report known by its name that gets
    a FEC with a SIREN takes the SIREN, unless ``name`` says the exports are
    another company's: a SIREN is never a free pass into a named report.
    """
    if stored is None or found is None:
        return None
    if not stored:
        return found
    if not _SIREN.match(stored) and _SIREN.match(found):  # the report's first SIREN
        if not name or same_client(stored, name) or force:
            return found
        raise _refusal(path, stored, name.strip())
    if same_client(stored, found):
        return None
    if force:
        return found
    raise _refusal(path, stored, found)


def _refusal(path: Path, stored: str, found: str) -> WorkbookError:
    return WorkbookError(
        path,
        f"this report belongs to {stored!r}, the exports to {found!r}",
        hint="check that you gave the right report and exports folder; to refresh this "
        "report with these exports anyway, add --force (or start a new report with kpi-xl fill)",
    )
