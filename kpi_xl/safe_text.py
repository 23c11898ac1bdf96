"""Text written where it could do harm: CSV cells that Excel would run, names that are not UTF-8.

>>> escape_formula('=HYPERLINK("http://x","y")')
'\\'=HYPERLINK("http://x","y")'
>>> printable("caf\\udce9")
'caf\\ufffd'
>>> readable("boulangerie_martin-sarl")
'Boulangerie Martin Sarl'
"""

from __future__ import annotations

import os

#: What spreadsheets take for the start of a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    """``text`` for a CSV cell: a leading ``'`` where a spreadsheet would see a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def printable(text: str) -> str:
    """``text`` as valid Unicode: bytes of a file name that were not UTF-8 become U+FFFD.

    Python keeps such bytes as lone surrogates (``os.fsdecode``), which no
    encoder accepts; a terminal, a CSV file or a workbook gets the
    replacement character instead.
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = os.fsencode(text) if os.name != "nt" else text.encode("utf-8", "surrogatepass")
        return raw.decode("utf-8", "replace").encode("utf-8", "replace").decode("utf-8")


def readable(folder_name: str) -> str:
    """A folder name as a company name: ``boulangerie_martin`` -> ``Boulangerie Martin``.

    Only a slug (no space, words joined by ``_`` or ``-``) is rewritten, and
    only its lower-case words; a name already written for people (``Dupont &
    fils``) is kept as it is.

    >>> readable("Dupont & fils")
    'Dupont & fils'
    """
    name = printable(folder_name)
    if " " in name:
        return name
    words = name.replace("_", " ").replace("-", " ").split()
    return " ".join(w.capitalize() if w.islower() and w[0].isalpha() else w for w in words) or name
