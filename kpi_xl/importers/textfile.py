"""Reading a user's text file: refusing binaries, finding the encoding.

Exports come from Windows tools as often as from web apps: UTF-8 with or
without a BOM, UTF-16 (Google Ads' "CSV for Excel"), or the old Western
code pages (cp1252 / ISO-8859-15).  We try UTF-8 first because a cp1252 file
almost never decodes as valid UTF-8 by accident, then fall back.
"""

from __future__ import annotations

import codecs
import re
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
# A UTF-8 multi-byte character (an accent): without one, no line is UTF-8 text.
_UTF8_ACCENT = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_DECODE_BLOCK = 2**20
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
    text, used, _ = decode_mixed(path, raw, encoding)
    return text, used


def decode_mixed(path: Path, raw: bytes, encoding: str | None = None) -> tuple[str, str, list[int]]:
    """Like :func:`decode`, and the lines decoded apart when a UTF-8 file mixes encodings.

    A UTF-8 export that had one line pasted from a Windows tool holds valid
    UTF-8 accents on some lines and cp1252 bytes on others: decoding the whole
    file as cp1252 would garble every UTF-8 accent, so each line that is not
    UTF-8 is decoded alone with the fallbacks (and reported).
    """
    check_not_binary(path, raw[:4096])
    forced = encoding or detect_bom(raw[:4096])
    candidates = (forced,) if forced else FALLBACKS
    for name in candidates:
        try:
            return raw.decode(name), name, []
        except UnicodeDecodeError as exc:
            if forced:
                raise encoding_error(path, raw, exc, name) from None
            if name == "utf-8":
                mixed = _by_line(raw)
                if mixed is not None:
                    return mixed[0], name, mixed[1]
    raise AssertionError("iso-8859-15 decodes every byte")  # pragma: no cover


def _by_line(raw: bytes) -> tuple[str, list[int]] | None:
    """Decode line by line when some non-ASCII lines are UTF-8 and others are not.

    None when no line holds a UTF-8 accent (a cp1252 file: decode it whole).
    Only the lines that are not UTF-8 are decoded apart, found from the
    decoder's errors: a big FEC with one such line costs one more pass.
    """
    if _UTF8_ACCENT.search(raw) is None:
        return None
    view = memoryview(raw)
    texts: list[str] = []
    others: list[int] = []
    utf8_accents = False
    pos, line, block = 0, 1, _DECODE_BLOCK
    while pos < len(raw):
        # Blocks of whole lines: an error costs a decode of one block, not of the rest;
        # small blocks after an error, for files where such lines are many.
        stop = raw.find(b"\n", min(pos + block, len(raw)))
        stop = len(raw) if stop < 0 else stop
        try:
            texts.append(str(view[pos:stop], "utf-8"))
            utf8_accents = utf8_accents or not texts[-1].isascii()
            line += raw.count(b"\n", pos, stop)
            pos, block = stop, min(2 * block, _DECODE_BLOCK)
        except UnicodeDecodeError as exc:
            bad = pos + exc.start
            start = max(pos, raw.rfind(b"\n", pos, bad) + 1)
            end = raw.find(b"\n", bad)
            end = len(raw) if end < 0 else end
            texts.append(str(view[pos:start], "utf-8"))
            utf8_accents = utf8_accents or not texts[-1].isascii()
            line += raw.count(b"\n", pos, start)
            others.append(line)
            texts.append(_fallback(raw[start:end]))
            pos, block = end, 4096
    return ("".join(texts), others) if utf8_accents else None


def _fallback(part: bytes) -> str:
    try:
        return part.decode("cp1252")
    except UnicodeDecodeError:
        return part.decode("iso-8859-15")


def mixed_text(raw: bytes) -> tuple[str, list[int]] | None:
    """``raw`` (not UTF-8 as a whole) decoded line by line, and the lines that are not
    UTF-8; None when no line is UTF-8 text with accents (decode it whole)."""
    return _by_line(raw)


def mixed_warning(path: Path, lines: list[int]) -> str:
    """The note for a file whose ``lines`` were not UTF-8 like the rest."""
    shown = ", ".join(map(str, lines[:10])) + (
        f" and {len(lines) - 10} more" if len(lines) > 10 else ""
    )
    return (
        f"{Path(path).name}: the file is UTF-8 but line(s) {shown} are not: they were read "
        "as cp1252 (Windows); check their accents, or save the file again as CSV UTF-8"
    )


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
    text, used, _ = read_text_mixed(path, encoding)
    return text, used


def read_text_mixed(path: Path, encoding: str | None = None) -> tuple[str, str, list[int]]:
    """:func:`read_text`, and the lines decoded apart (see :func:`decode_mixed`)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror})") from None
    text, used, mixed = decode_mixed(path, raw, encoding)
    return unix_lines(text), used, mixed


def unix_lines(text: str) -> str:
    """``text`` without BOM, its line ends as ``\\n`` (``\\r\\r\\n`` is one line end).

    A lone CR inside a quoted field (a comment typed ``ligne1\\rligne2`` in
    a Mac tool) is text, not a line end: it stays, and the csv module keeps
    it in the field.  The parts between quotes alternate outside / inside a
    quoted field (an escaped ``""`` gives an empty outside part).
    """
    text = text.removeprefix("\ufeff")
    if "\r" not in text:
        return text
    text = text.replace("\r\r\n", "\n").replace("\r\n", "\n")
    if "\r" not in text:
        return text
    if '"' not in text:
        return text.replace("\r", "\n")
    parts = text.split('"')
    parts[0::2] = [part.replace("\r", "\n") for part in parts[0::2]]
    return '"'.join(parts)
