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
import errno
import os
import re
import shutil
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
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
#: Members are inflated (CRC, size and DTD checks) this many bytes at a time.
CHUNK = 1024 * 1024

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
    """The compressed bytes of a member, read after its local header (whose name must agree)."""
    fp.seek(info.header_offset)
    head = fp.read(_LOCAL.size)
    if len(head) != _LOCAL.size or head[:4] != b"PK\x03\x04":
        raise _error(path, f"member {info.filename!r} has a damaged local header")
    fields = _LOCAL.unpack(head)
    local_name = fp.read(fields[9])
    if local_name not in (info.orig_filename.encode("utf-8"), info.orig_filename.encode("cp437")):
        raise _error(
            path,
            f"member {info.filename!r} is named {local_name!r} in its local header: "
            "two names for one part (a crafted archive)",
        )
    fp.seek(fields[10], os.SEEK_CUR)
    raw = fp.read(info.compress_size)
    if len(raw) != info.compress_size:
        raise _error(path, f"member {info.filename!r} is truncated")
    return raw


def _check_names(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse duplicate part names (OPC compares them ignoring case) and unsafe paths.

    With two members of one name, a reader sees one and a copier keeps the
    other: the checked part would not be the written one.
    """
    seen: dict[str, str] = {}
    for info in infos:
        name = info.filename
        key = name.lower()
        if key in seen:
            same = "twice" if seen[key] == name else f"twice ({seen[key]!r} and {name!r})"
            raise _error(path, f"member {name!r} is in the archive {same}: refused (a crafted "
                               "archive: which copy is the real one cannot be told)")  # fmt: skip
        seen[key] = name
        parts = name.split("/")
        if name.startswith("/") or ".." in parts or "\x00" in name:
            raise _error(path, f"member {name!r} has an unsafe name (absolute or with '..')")


def read_members(path: Path) -> list[Member]:
    """Every member of an xlsx, in archive order, each one fully checked.

    Checked for every member, the ones kpi_xl never parses (and copies into
    outputs) too: a unique name, the declared sizes within the limits, the
    real inflated size and CRC-32 equal to the declared ones (inflated in
    chunks, never whole in memory), and no DTD or entity declaration in an
    XML part whatever its encoding (:func:`verify_member`).  So nothing
    corrupt or hostile is ever copied into a report.
    """
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
        for info in infos:
            _check_info(path, info)
        if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
            raise _error(path, "the parts add up to more than 1 GB uncompressed (zip bomb?)")
        _check_names(path, infos)
        for info in infos:
            member = Member(
                name=info.filename,
                method=info.compress_type,
                crc=info.CRC,
                size=info.file_size,
                raw=_read_raw(handle, info, path),
                date_time=info.date_time,
                external_attr=info.external_attr,
            )
            verify_member(path, member)
            members.append(member)
    return members


def _chunks(path: Path, member: Member) -> Iterator[bytes]:
    """A member's content in chunks of at most :data:`CHUNK` bytes (inflated lazily)."""
    where = f"member {member.name!r}"
    if member.method == zipfile.ZIP_STORED:
        for i in range(0, len(member.raw), CHUNK):
            yield member.raw[i : i + CHUNK]
        return
    if member.method != zipfile.ZIP_DEFLATED:
        raise _error(path, f"{where} uses an unsupported compression method ({member.method})")
    inflater = zlib.decompressobj(-15)
    try:
        for i in range(0, len(member.raw), CHUNK):
            data = member.raw[i : i + CHUNK]
            while data and not inflater.eof:
                yield inflater.decompress(data, CHUNK)
                data = inflater.unconsumed_tail
        if not inflater.eof:
            raise _error(path, f"{where} is truncated (its compressed data ends too early)")
    except zlib.error as exc:
        raise _error(path, f"{where} is corrupt ({exc})") from None


def verify_member(path: Path, member: Member) -> None:
    """Check a member's real size, CRC-32 and (XML parts) the absence of a DTD, streaming.

    The inflated size is bounded by the declared one as it goes, so a
    member that would inflate to gigabytes is stopped after one chunk past
    its declared size.
    """
    where = f"member {member.name!r}"
    crc, size = 0, 0
    scan = DtdScan(path, member.name)
    for chunk in _chunks(path, member):
        size += len(chunk)
        if size > member.size:
            raise _error(
                path,
                f"{where} inflates to more than it declares ({member.size:,} bytes): "
                "refused as a zip bomb or a corrupt file",
            )
        crc = zlib.crc32(chunk, crc)
        scan.feed(chunk)
    scan.close()
    if size != member.size:
        raise _error(
            path, f"{where} inflates to {size:,} bytes, not the {member.size:,} it declares"
        )
    if crc != member.crc:
        raise _error(path, f"{where} fails its checksum (CRC-32): the file is corrupt")


def decompress(path: Path, member: Member) -> bytes:
    """A member's content, with its actual size and CRC checked (not only the declared ones)."""
    where = f"member {member.name!r}"
    chunks, size = [], 0
    for chunk in _chunks(path, member):
        size += len(chunk)
        if size > min(member.size, MAX_MEMBER_BYTES):
            raise _error(
                path,
                f"{where} inflates to more than it declares ({member.size:,} bytes): "
                "refused as a zip bomb or a corrupt file",
            )
        chunks.append(chunk)
    data = b"".join(chunks)
    if len(data) != member.size:
        raise _error(
            path, f"{where} inflates to {size:,} bytes, not the {member.size:,} it declares"
        )
    if zlib.crc32(data) != member.crc:
        raise _error(path, f"{where} fails its checksum (CRC-32): the file is corrupt")
    return data


#: The encodings an OPC package may use for XML (ECMA-376 part 2: UTF-8 or UTF-16).
_XML_ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "us-ascii": "utf-8", "ascii": "utf-8",
                  "utf-16": "utf-16", "utf-16le": "utf-16-le", "utf-16be": "utf-16-be"}  # fmt: skip
_DECLARATIONS = ("<!DOCTYPE", "<!ENTITY")
_PATTERNS = {enc: tuple(d.encode(enc) for d in _DECLARATIONS)
             for enc in ("utf-8", "utf-16-le", "utf-16-be")}  # fmt: skip
_XML_NAMES = (".xml", ".rels", ".vml")
_ENCODING_DECL = re.compile(rb"^<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_SNIFF_BYTES = 512
_OVERLAP = max(len(p) for group in _PATTERNS.values() for p in group) - 1
#: Single-byte encodings where a declaration shows as its ASCII bytes (not allowed by
#: OPC, but written by some tools; safe for the byte search).
_ASCII_COMPATIBLE = re.compile(r"^(?:iso-?8859-\d+|latin-?1|windows-125\d|cp125\d)$")
HINT_HOSTILE = "do not use this file; ask its sender for a clean copy"


def _sniff(head: bytes) -> str | None:
    """The byte patterns' encoding of an XML part from its first bytes; None if not XML.

    Raises ValueError for an encoding OPC does not allow (UTF-32, UTF-7,
    EBCDIC...), where a declaration would not show as plain bytes.
    """
    if head.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")):
        raise ValueError("UTF-32")
    if head.startswith((b"\xff\xfe", b"<\x00")):
        return "utf-16-le"
    if head.startswith((b"\xfe\xff", b"\x00<")):
        return "utf-16-be"
    text = head.removeprefix(b"\xef\xbb\xbf")
    declared = _ENCODING_DECL.match(text)
    if declared is not None:
        name = declared.group(1).decode("ascii").lower()
        if _XML_ENCODINGS.get(name) != "utf-8" and not _ASCII_COMPATIBLE.match(name):
            raise ValueError(name)
        return "utf-8"
    return "utf-8" if text.lstrip().startswith(b"<") else None


class DtdScan:
    """Streaming check that an XML part declares no DTD or entity, in UTF-8 or UTF-16.

    A part counts as XML by its name (``.xml``, ``.rels``, ``.vml``) or by
    its first bytes (an SVG image, a part with an odd name): kpi_xl may not
    parse it, but it is copied into outputs, so it is checked all the same.
    """

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name
        self._by_name = name.lower().endswith(_XML_NAMES)
        self._head = b""
        self._patterns: tuple[bytes, ...] | None = None  # None: not decided yet
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        if self._patterns is None:
            self._head += chunk
            if len(self._head) >= _SNIFF_BYTES:
                self._decide()
            return
        self._search(chunk)

    def close(self) -> None:
        if self._patterns is None:
            self._decide()

    def _decide(self) -> None:
        head, self._head = self._head, b""
        try:
            encoding = _sniff(head)
        except ValueError as exc:
            raise WorkbookError(
                self.path,
                f"member {self.name!r} is XML encoded as {exc}, which no xlsx uses "
                "(UTF-8 or UTF-16 only): refused",
                hint=HINT_HOSTILE,
            ) from None
        if encoding is not None:
            self._patterns = _PATTERNS[encoding]
        elif self._by_name:  # named XML but unrecognisable: look for every form
            self._patterns = tuple(p for group in _PATTERNS.values() for p in group)
        else:
            self._patterns = ()
        self._search(head)

    def _search(self, chunk: bytes) -> None:
        if not self._patterns:
            return
        data = self._tail + chunk
        if any(p in data for p in self._patterns):
            raise dtd_error(self.path, self.name)
        self._tail = data[-_OVERLAP:]


def dtd_error(path: Path, name: str) -> WorkbookError:
    return WorkbookError(
        path,
        f"member {name!r} declares XML entities or a DTD, which no Excel file does: "
        "refused (possible XML entity attack)",
        hint=HINT_HOSTILE,
    )


def check_no_dtd(path: Path, name: str, data: bytes) -> None:
    """Refuse XML that declares a DTD or entities (billion laughs, XXE), UTF-8 or UTF-16."""
    scan = DtdScan(path, name)
    scan.feed(data)
    scan.close()


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
    is named ``.<name>.<random>.tmp`` so it is never mistaken for a workbook;
    it is removed whatever goes wrong (a full disk, Ctrl-C), and an error
    names ``dest``, not the temporary file.
    """
    _atomic(Path(dest), lambda handle: handle.write(data), mode)


def copy_atomic(source: Path, dest: Path) -> None:
    """Copy ``source`` to ``dest`` (its mode and times too) the way :func:`write_atomic` writes."""

    def copy(handle: BinaryIO) -> None:
        with open(source, "rb") as src:
            shutil.copyfileobj(src, handle, CHUNK)

    _atomic(Path(dest), copy, os.stat(source).st_mode & 0o7777)
    with contextlib.suppress(OSError):
        shutil.copystat(source, dest)


def _atomic(dest: Path, fill: Callable[[BinaryIO], object], mode: int | None) -> None:
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode if mode is not None else _default_mode())
        os.replace(tmp, dest)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise write_error(dest, exc) from None
        raise


def write_error(dest: Path, exc: OSError) -> WorkbookError:
    """An OS error while writing ``dest``, said with the file's name and what to do."""
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        hint = f"free some space on the disk holding {dest.parent} (or choose another --out) "
        hint += "and run the command again; the previous file, if any, is unchanged"
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = f"the folder {dest.parent} is not writable: choose another --out"
    else:
        hint = "check the disk and the folder, then run the command again"
    return WorkbookError(dest, f"could not be written ({exc.strerror or exc})", hint=hint)


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


def macro_enabled(path: Path) -> bool:
    """Whether a workbook has macros (a VBA project, or the macro-enabled content type).

    Such a workbook must be named ``.xlsm``: Excel refuses an ``.xlsx``
    holding macros.
    """
    return package_kind(path) in (".xlsm", ".xltm")


def package_kind(path: Path) -> str:
    """The extension a workbook's content calls for: ``.xlsx``, ``.xlsm``, ``.xltx`` or ``.xltm``.

    From its VBA project and main content type.  An unreadable file is
    reported as ``.xlsx`` here; reading it for real gives the precise error.
    """
    try:
        info = os.stat(path)
    except OSError:
        return ".xlsx"
    return _kind(str(Path(path).resolve()), info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=64)
def _kind(path: str, mtime_ns: int, size: int) -> str:
    # mtime_ns and size are unused but part of the cache key: a changed file is read again
    try:
        with zipfile.ZipFile(path) as archive:
            vba = any(n.lower().endswith("vbaproject.bin") for n in archive.namelist())
            info = archive.getinfo("[Content_Types].xml")
            types = archive.read(info) if info.file_size <= MAX_MEMBER_BYTES else b""
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, zlib.error, EOFError):
        return ".xlsx"
    template = b"spreadsheetml.template.main" in types or b"template.macroEnabled.main" in types
    macros = vba or b"macroEnabled" in types
    return {(False, False): ".xlsx", (True, False): ".xlsm",
            (False, True): ".xltx", (True, True): ".xltm"}[(macros, template)]  # fmt: skip
