"""An xlsx file as a zip of parts: safe reading, raw copy, atomic writing.

Why not :mod:`zipfile` alone: a refresh must copy every part it does not
own *unchanged*, and a batch fill must be fast.  Both are served by keeping
each member's compressed bytes as they are in the source file and writing
them back raw (no decompress/recompress), which :mod:`zipfile` cannot do.
So :mod:`zipfile` parses the central directory (robust against odd
archives) and this module reads the raw member data and writes a plain
zip itself (no zip64: members are capped far below 4 GB anyway).

Untrusted files: members larger than :data:`MAX_MEMBER_BYTES`, suspicious
compression ratios (zip bombs), encrypted members, and XML with a DOCTYPE
or entity declaration (billion laughs, XXE) are refused with a
:class:`~kpi_xl.errors.WorkbookError` naming the file and the member.
"""

from __future__ import annotations

import contextlib
import os
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from kpi_xl.errors import WorkbookError

MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_MEMBERS = 20_000
#: A real xlsx part compresses 5 to 30 times; a bomb thousands of times.
MAX_RATIO = 200
#: Below this size the ratio is not checked (tiny repetitive XML compresses well).
RATIO_MIN_BYTES = 1024 * 1024

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_UTF8_FLAG = 0x800
_SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
)
HINT_CORRUPT = "open it in Excel and save it again as .xlsx, or start from the bundled template"


@dataclass(frozen=True)
class Member:
    """One zip member: its metadata and its compressed bytes, as in the source."""

    name: str
    method: int
    crc: int
    size: int
    raw: bytes
    date_time: tuple[int, int, int, int, int, int]
    external_attr: int = 0


def _error(path: Path, problem: str, hint: str = HINT_CORRUPT) -> WorkbookError:
    return WorkbookError(path, problem, hint=hint)


def _check_info(path: Path, info: zipfile.ZipInfo) -> None:
    """Refuse a member whose declared sizes make it dangerous or unreadable."""
    where = f"member {info.filename!r}"
    if info.flag_bits & 0x1:
        raise _error(path, f"{where} is encrypted", "remove the password and save again")
    if info.file_size > MAX_MEMBER_BYTES:
        raise _error(
            path,
            f"{where} declares {info.file_size:,} bytes uncompressed, over the "
            f"{MAX_MEMBER_BYTES // 2**20} MB limit (a zip bomb or not a KPI workbook)",
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO:
        raise _error(
            path,
            f"{where} compresses {ratio:,.0f} times (limit {MAX_RATIO}): refused as a zip bomb",
        )


def _read_raw(fp: BinaryIO, info: zipfile.ZipInfo, path: Path) -> bytes:
    """The compressed bytes of a member, read after its local header."""
    fp.seek(info.header_offset)
    head = fp.read(_LOCAL.size)
    if len(head) != _LOCAL.size or head[:4] != b"PK\x03\x04":
        raise _error(path, f"member {info.filename!r} has a damaged local header")
    fields = _LOCAL.unpack(head)
    fp.seek(fields[9] + fields[10], os.SEEK_CUR)
    raw = fp.read(info.compress_size)
    if len(raw) != info.compress_size:
        raise _error(path, f"member {info.filename!r} is truncated")
    return raw


def read_members(path: Path) -> list[Member]:
    """Every member of an xlsx, in archive order, checked against the size limits."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _error(path, f"not an xlsx workbook (not a valid zip file: {exc})") from None
    members: list[Member] = []
    with archive, open(path, "rb") as handle:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _error(path, f"{len(infos):,} members, over the limit of {MAX_MEMBERS:,}")
        if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
            raise _error(path, "the parts add up to more than 1 GB uncompressed (zip bomb?)")
        for info in infos:
            _check_info(path, info)
            members.append(
                Member(
                    name=info.filename,
                    method=info.compress_type,
                    crc=info.CRC,
                    size=info.file_size,
                    raw=_read_raw(handle, info, path),
                    date_time=info.date_time,
                    external_attr=info.external_attr,
                )
            )
    return members


def decompress(path: Path, member: Member) -> bytes:
    """A member's content, with its actual size and CRC checked (not only the declared ones)."""
    where = f"member {member.name!r}"
    if member.method == zipfile.ZIP_STORED:
        data = member.raw
    elif member.method == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        try:
            data = inflater.decompress(member.raw, MAX_MEMBER_BYTES + 1)
        except zlib.error as exc:
            raise _error(path, f"{where} is corrupt ({exc})") from None
    else:
        raise _error(path, f"{where} uses an unsupported compression method ({member.method})")
    if len(data) > MAX_MEMBER_BYTES or len(data) != member.size:
        raise _error(
            path,
            f"{where} inflates to more than it declares ({member.size:,} bytes): "
            "refused as a zip bomb or a corrupt file",
        )
    if zlib.crc32(data) != member.crc:
        raise _error(path, f"{where} fails its checksum (corrupt file)")
    return data


def check_no_dtd(path: Path, name: str, data: bytes) -> None:
    """Refuse XML that declares a DTD or entities (billion laughs, XXE)."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise WorkbookError(
            path,
            f"member {name!r} declares XML entities or a DTD, which no Excel file does: "
            "refused (possible XML entity attack)",
            hint="do not use this file; ask its sender for a clean copy",
        )


def parse_xml(path: Path, name: str, data: bytes) -> etree._Element:
    """Parse a part with entity resolution and network access off."""
    check_no_dtd(path, name, data)
    try:
        return etree.fromstring(data, _SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise _error(path, f"member {name!r} is not well-formed XML ({exc})") from None


def deflate(data: bytes, level: int = 6) -> bytes:
    """Raw deflate (no zlib header), as zip members store it."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def replaced(member: Member, data: bytes, level: int = 6) -> Member:
    """The same member with new content (name, date and attributes kept)."""
    return Member(
        name=member.name,
        method=zipfile.ZIP_DEFLATED,
        crc=zlib.crc32(data),
        size=len(data),
        raw=deflate(data, level),
        date_time=member.date_time,
        external_attr=member.external_attr,
    )


def _dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    y = min(max(y, 1980), 2107)
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


def zip_bytes(members: list[Member]) -> bytes:
    """A zip archive of ``members`` (raw bytes written as they are), in order."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for m in members:
        name = m.name.encode("utf-8")
        flags = _UTF8_FLAG if not name.isascii() else 0
        time, date = _dos_time(m.date_time)
        head = _LOCAL.pack(
            b"PK\x03\x04", 20, flags, m.method, time, date, m.crc, len(m.raw), m.size, len(name), 0
        )
        central.append(
            _CENTRAL.pack(
                b"PK\x01\x02",
                20,
                20,
                flags,
                m.method,
                time,
                date,
                m.crc,
                len(m.raw),
                m.size,
                len(name),
                0,
                0,
                0,
                0,
                m.external_attr,
                offset,
            )
            + name
        )
        out += (head, name, m.raw)
        offset += len(head) + len(name) + len(m.raw)
    directory = b"".join(central)
    end = _END.pack(b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), offset, 0)
    return b"".join(out) + directory + end


def write_atomic(dest: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``dest`` through a temporary file in the same folder.

    ``os.replace`` is atomic on one filesystem, so a reader (or a ``kill -9``)
    sees the old file or the new one, never half of one.  The temporary file
    is named ``.<name>.<random>.tmp`` so it is never mistaken for a workbook.
    """
    dest = Path(dest)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode if mode is not None else _default_mode())
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _default_mode() -> int:
    """The mode a new file gets from the user's umask (mkstemp makes it 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_package(dest: Path, members: list[Member], parts: Mapping[str, bytes]) -> None:
    """Write ``members`` with the contents of ``parts`` replacing theirs, atomically."""
    out = [replaced(m, parts[m.name]) if m.name in parts else m for m in members]
    mode = os.stat(dest).st_mode & 0o7777 if Path(dest).exists() else None
    write_atomic(dest, zip_bytes(out), mode)
