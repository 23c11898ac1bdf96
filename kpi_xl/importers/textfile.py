"""Reading a user's text file: refusing binaries, finding the encoding.

Exports come from Windows tools as often as from web apps: UTF-8 with or
without a BOM, UTF-16 (Google Ads' "CSV for Excel"), or the old Western
code pages (cp1252 / ISO-8859-15).  We try UTF-8 first because a cp1252 file
almost never decodes as valid UTF-8 by accident, then fall back.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from kpi_xl.errors import InputFileError

# Magic numbers of the files users most often rename to .csv by mistake.
_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (an Excel .xlsx or .ods file renamed?)",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls (OLE) file",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip archive",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
FALLBACKS = ("utf-8", "cp1252", "iso-8859-15")
SAVE_AS_CSV = "open it in Excel or LibreOffice and save it as 'CSV UTF-8'"


def check_not_binary(path: Path, head: bytes) -> None:
    """Refuse a file that is not text, naming what it looks like."""
    if not head.strip():
        raise InputFileError(path, "the file is empty", expected="an export with a header line")
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise InputFileError(path, f"this is not a text export but {what}", hint=SAVE_AS_CSV)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if _looks_utf16(head):
            return
        raise InputFileError(path, "this is a binary file, not a text export", hint=SAVE_AS_CSV)


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without BOM: ASCII text with a NUL every other byte."""
    sample = head[:2000]
    return (
        sample[1::2].count(0) > 0.4 * len(sample) / 2
        or sample[0::2].count(0) > 0.4 * len(sample) / 2
    )


def detect_bom(head: bytes) -> str | None:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if b"\x00" in head[:2000] and _looks_utf16(head):
        return "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
    return None


def decode(path: Path, raw: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of ``raw`` and the encoding used (forced, BOM, UTF-8, then fallbacks)."""
    check_not_binary(path, raw[:4096])
    forced = encoding or detect_bom(raw[:4096])
    candidates = (forced,) if forced else FALLBACKS
    for name in candidates:
        try:
            return raw.decode(name), name
        except UnicodeDecodeError as exc:
            if forced:
                raise encoding_error(path, raw, exc, name) from None
    raise AssertionError("iso-8859-15 decodes every byte")  # pragma: no cover


def encoding_error(path: Path, raw: bytes, exc: UnicodeDecodeError, name: str) -> InputFileError:
    line = raw[: exc.start].count(b"\n") + 1
    return InputFileError(
        path,
        f"the file is not valid {name} text",
        line=line,
        value=raw[exc.start : exc.start + 4].hex(" "),
        expected=f"text encoded in {name}",
        hint='set [csv] encoding in kpi_xl.toml (e.g. "cp1252") or save the file as CSV UTF-8',
    )


def read_text(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """Read and decode a small text file; line ends become ``\\n``.

    ``\\r\\r\\n`` (a Windows line end written twice over) counts as one line
    end, like ``\\r\\n`` and a lone ``\\r``.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror})") from None
    text, used = decode(path, raw, encoding)
    return unix_lines(text), used


def unix_lines(text: str) -> str:
    """``text`` without BOM, its line ends as ``\\n`` (``\\r\\r\\n`` is one line end)."""
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")
    return text
