"""Refuse a bad file before parsing it (ROSTER.md: not a real .xlsx, encrypted, too large, too many
rows, zip bombs, XML entity tricks), with a message a clerk understands, and never crash a worker.

The checks read the zip directory, then inflate every member once with a hard ceiling (so a
directory that lies about sizes is caught too), looking for DTDs in the XML as it streams by.
"""

from __future__ import annotations

import functools
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary: .xls, or an encrypted .xlsx
ZIP_MAGIC = b"PK\x03\x04"
WORKBOOK = "xl/workbook.xml"
MAX_RATIO = 200  # uncompressed ÷ compressed of one member; real sheets stay far below
MAX_MEMBERS = 10_000
HEADER_ROWS = 20  # title and header rows allowed above the row limit
CHUNK = 1 << 20
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_DIMENSION = re.compile(rb'<dimension\s+ref="[A-Z]+\d+:?[A-Z]*(\d*)"')
_DTD = (b"<!DOCTYPE", b"<!ENTITY")
_DATE_1904 = re.compile(rb'<(?:[\w.-]+:)?workbookPr\b[^>]*\sdate1904\s*=\s*["\'](?:1|true)["\']')
# Readers hold a sheet as a dense rectangle (python-calamine: 32 bytes a cell), so one value in cell
# XFD1048576 asks for 17 billion cells. The sheet's extent is measured from the XML as it streams:
# references past column AZ (rare) and row numbers as long as the row limit are looked at; rows and
# cells without a reference (readers place them one after another) are counted. When every row and
# cell tag starts with its reference spelled r="…" (as Excel, WPS, openpyxl and XlsxWriter write
# them), byte counts prove it and literal-prefixed patterns suffice (a few times faster).
MAX_COLUMNS = 100  # the template has 46, an export 51, an error report 52
_FAR = rb"([B-Zb-z][A-Za-z]|[A-Za-z]{3,})\d"
_FAR_COLUMN_FAST = re.compile(rb' r="' + _FAR)
_FAR_COLUMN = re.compile(rb'\sr\s*=\s*["\']' + _FAR)
_ROW_WITHOUT_REF = re.compile(rb"<(?:[\w.-]+:)?row(?=[\s/>])(?![^>]*\sr\s*=)")
_CELL_WITHOUT_REF = re.compile(rb"<(?:[\w.-]+:)?c(?=[\s/>])(?![^>]*\sr\s*=)")
_ROW_START = re.compile(rb"<(?:[\w.-]+:)?row(?=[\s/>])")
# Tags that break the standard form: a row or cell not starting with r="…", or a prefixed one.
_ODD_TAGS = (
    re.compile(rb'<c(?! r=")[^a-zA-Z]'),
    re.compile(rb'<row(?! r=")[^a-zA-Z]'),
    re.compile(rb":(?:row|c)[\s/>]"),
)
MAX_CARRY = 1 << 20  # an unfinished tag longer than this is no spreadsheet
# Active content: VBA projects (.xlsm), Excel 4.0 macro sheets, ActiveX controls (恶意代码防范).
_MACRO_PARTS = re.compile(
    r"(^|/)(vbaProject\.bin|vbaProjectSignature\.bin)$|^xl/(macrosheets|activeX|dialogsheets)/", re.I
)
_PLAIN_ENCODINGS = (b"utf8", b"usascii", b"ascii")  # ASCII is UTF-8 too
_XML_DECLARED_ENCODING = re.compile(rb'^<\?xml[^>]*encoding\s*=\s*["\']([\w.-]+)["\']')
MACROS = (
    "文件包含宏（VBA 或 Excel 4.0 宏表）或 ActiveX 控件，为防范恶意代码不予导入。"
    "请在 Excel 中另存为不含宏的 Excel 工作簿（.xlsx）后再导入。"
)


class RosterFileRefused(Exception):
    """The file itself is refused (nothing was read from it); `message` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class FileFacts:
    size: int
    declared_rows: int | None  # from the first sheet's <dimension>, when it says
    date1904: bool = False  # the workbook counts days from 1904 (Excel for Mac), not 1900


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def _refuse_other_formats(head: bytes, path: Path) -> None:
    if head.startswith(OLE_MAGIC):
        with path.open("rb") as handle:
            blob = handle.read(min(path.stat().st_size, 4 * CHUNK))
        if "EncryptionInfo".encode("utf-16-le") in blob or "EncryptedPackage".encode("utf-16-le") in blob:
            raise RosterFileRefused("文件已加密（设置了打开密码）。请在 Excel 中取消密码，另存为 .xlsx 后再导入。")
        raise RosterFileRefused("这是旧版 Excel（.xls）文件。请在 Excel 中“另存为”Excel 工作簿（.xlsx）后再导入。")
    if head.startswith(ZIP_MAGIC):
        return
    sniff = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sniff.startswith((b"<", b"<!doctype", b"<html")) or b"<table" in sniff or b"<html" in sniff:
        raise RosterFileRefused("这是网页（HTML）文件，只是改成了 .xlsx 扩展名。请在 Excel 中另存为 .xlsx 后再导入。")
    raise RosterFileRefused(
        "这不是 Excel 工作簿（.xlsx），可能是 CSV 或文本文件改了扩展名。请在 Excel 中另存为 .xlsx 后再导入。"
    )


def _check_directory(archive: zipfile.ZipFile, size: int) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or WORKBOOK not in names:
        raise RosterFileRefused("文件不是 Excel 工作簿（缺少工作簿内容），请确认上传的是 .xlsx 花名册。")
    if len(members) > MAX_MEMBERS:
        raise RosterFileRefused("文件结构异常（包含的部件过多），已拒绝。")
    limit = settings.ROSTER_MAX_UNCOMPRESSED_BYTES
    total = sum(member.file_size for member in members)
    if total > limit:
        raise RosterFileRefused(
            f"文件解压后达 {_mb(total)}，超过 {_mb(limit)} 上限（可能是“压缩炸弹”），已拒绝。请拆分后分批导入。"
        )
    if any(_MACRO_PARTS.search(member.filename) for member in members):
        raise RosterFileRefused(MACROS)
    for member in members:
        if member.flag_bits & 0x1:
            raise RosterFileRefused("文件已加密，请取消密码后另存为 .xlsx 再导入。")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise RosterFileRefused("文件使用了不支持的压缩方式，请在 Excel 中另存为 .xlsx 后再导入。")
        if member.file_size > CHUNK and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise RosterFileRefused("文件压缩比异常（可能是“压缩炸弹”），已拒绝。")
    return members


def _member_data_offset(handle, member: zipfile.ZipInfo) -> int:
    handle.seek(member.header_offset)
    header = handle.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != ZIP_MAGIC:
        raise RosterFileRefused("文件已损坏（压缩结构不完整），请重新保存后再导入。")
    fields = _LOCAL_HEADER.unpack(header)
    name_length, extra_length = fields[-2], fields[-1]
    return member.header_offset + _LOCAL_HEADER.size + name_length + extra_length


def _inflate(handle, member: zipfile.ZipInfo, on_chunk) -> None:
    """Inflate one member, refusing more output than the directory declared (a lying bomb)."""
    handle.seek(_member_data_offset(handle, member))
    left = member.compress_size
    produced = 0
    inflater = zlib.decompressobj(-15) if member.compress_type == zipfile.ZIP_DEFLATED else None
    while left > 0:
        raw = handle.read(min(CHUNK, left))
        if not raw:
            raise RosterFileRefused("文件已损坏（数据不完整），请重新保存后再导入。")
        left -= len(raw)
        pending = raw
        while pending:
            if inflater is None:
                data, pending = pending, b""
            else:
                try:
                    data = inflater.decompress(pending, CHUNK)
                except zlib.error:
                    raise RosterFileRefused("文件已损坏（压缩数据无效），请重新保存后再导入。") from None
                pending = inflater.unconsumed_tail
            produced += len(data)
            if produced > member.file_size:
                raise RosterFileRefused("文件压缩数据与目录不符（可能是“压缩炸弹”），已拒绝。")
            on_chunk(data)


class _XmlWatch:
    """Looks at an XML member as it streams: refuses a DTD and any encoding but UTF-8, remembers the
    sheet's <dimension>, and measures how far its rows and columns reach.

    Each chunk is looked at up to its last "<"; the unfinished tag is carried into the next chunk, so
    every tag is seen whole and once."""

    def __init__(self, name: str):
        self.name = name
        self.carry = b""
        self.head = b""
        self.started = False
        self.last_row = 0  # the largest row reference, plus rows without one
        self.last_column = 0  # the largest column reference, plus cells without one
        self.rows_without_ref = 0
        self.cells_without_ref = 0  # the most in one row
        self.row_cells = 0  # in the row being read
        self.date1904 = False  # <workbookPr date1904="1"/> seen (in xl/workbook.xml)

    def __call__(self, data: bytes) -> None:
        if not self.started:
            self._check_encoding(data)
        if len(self.head) < 4096:
            self.head += data[: 4096 - len(self.head)]
        window = self.carry + data
        cut = window.rfind(b"<")
        if cut <= 0:
            cut = len(window) if cut < 0 else 0
        whole, self.carry = window[:cut], window[cut:]
        if len(self.carry) > MAX_CARRY:
            raise RosterFileRefused("文件结构异常（XML 标记过长），可能是恶意文件，已拒绝。")
        self._look_at(whole)
        if self.name == WORKBOOK and _DATE_1904.search(whole):
            self.date1904 = True

    def finish(self) -> None:
        self._look_at(self.carry)
        self.carry = b""

    def _check_encoding(self, data: bytes) -> None:
        self.started = True
        start = data.lstrip(b"\xef\xbb\xbf")
        declared = _XML_DECLARED_ENCODING.match(start)
        utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:64]
        if utf16 or (declared and declared.group(1).lower().replace(b"-", b"") not in _PLAIN_ENCODINGS):
            raise RosterFileRefused(
                "文件内部使用了非标准的字符编码（不是 UTF-8），已拒绝。请在 Excel 中另存为 .xlsx 后再导入。"
            )

    def _look_at(self, text: bytes) -> None:
        if not text:
            return
        if any(marker in text for marker in _DTD):
            raise RosterFileRefused("文件包含不允许的 XML 声明（DTD/实体定义），可能是恶意文件，已拒绝。")
        fast = _references_standard(text)
        far_pattern, deep_pattern = (_FAR_COLUMN_FAST, _deep_row(fast=True)) if fast else (_FAR_COLUMN, _deep_row())
        far = max((_column_number(match.group(1)) for match in far_pattern.finditer(text)), default=0)
        deep = max((int(match.group(1)) for match in deep_pattern.finditer(text)), default=0)
        self.last_column = max(self.last_column, far)
        self.last_row = max(self.last_row, deep)
        if fast:
            return
        self.rows_without_ref += sum(1 for _ in _ROW_WITHOUT_REF.finditer(text))
        if self.row_cells or _CELL_WITHOUT_REF.search(text):
            self._count_cells_without_ref(text)

    def _count_cells_without_ref(self, text: bytes) -> None:
        """Cells without a reference, counted row by row (the rare slow path)."""
        pieces = _ROW_START.split(text)
        for index, piece in enumerate(pieces):
            if index:
                self.row_cells = 0  # a new row starts
            self.row_cells += sum(1 for _ in _CELL_WITHOUT_REF.finditer(piece))
            self.cells_without_ref = max(self.cells_without_ref, self.row_cells)

    @property
    def extent(self) -> tuple[int, int]:
        """(rows, columns) a reader could make of this sheet, at most."""
        return self.last_row + self.rows_without_ref, self.last_column + self.cells_without_ref


def _references_standard(text: bytes) -> bool:
    """Every row and cell tag here (whole tags: see _XmlWatch) starts with r="…", none is prefixed."""
    return not any(pattern.search(text) for pattern in _ODD_TAGS)


@functools.cache
def _deep_rows_of(digits: int, fast: bool) -> re.Pattern:
    start = rb' r="' if fast else rb'\sr\s*=\s*["\']'
    return re.compile(start + rb"[A-Za-z]*(\d{%d,})[\"']" % digits)


def _deep_row(*, fast: bool = False) -> re.Pattern:
    """References to rows with as many digits as the row limit: the only ones that could pass it."""
    return _deep_rows_of(len(str(settings.ROSTER_MAX_ROWS + HEADER_ROWS)), fast)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _first_sheet(names: list[str]) -> str | None:
    sheets = sorted(
        (name for name in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)),
        key=lambda name: int(re.sub(r"\D", "", name.rsplit("/", 1)[-1]) or 0),
    )
    return sheets[0] if sheets else None


def check_file(path: str | Path) -> FileFacts:
    """Refuse the file (RosterFileRefused) unless it is a plain, reasonable .xlsx."""
    path = Path(path)
    size = path.stat().st_size
    if size > settings.ROSTER_MAX_UPLOAD_BYTES:
        raise RosterFileRefused(
            f"文件大小 {_mb(size)}，超过 {_mb(settings.ROSTER_MAX_UPLOAD_BYTES)} 上限。请拆分后分批导入。"
        )
    if size == 0:
        raise RosterFileRefused("文件是空的，请重新选择花名册文件。")
    with path.open("rb") as handle:
        head = handle.read(512)
    _refuse_other_formats(head, path)
    try:
        with zipfile.ZipFile(path) as archive, path.open("rb") as handle:
            members = _check_directory(archive, size)
            first = _first_sheet([member.filename for member in members])
            declared, date1904 = None, False
            for member in members:
                watch = _XmlWatch(member.filename)
                is_xml = member.filename.endswith((".xml", ".rels", ".vml"))
                _inflate(handle, member, watch if is_xml else (lambda data: None))
                if is_xml:
                    watch.finish()
                    _refuse_too_large(*watch.extent)
                if member.filename == first:
                    declared = _declared_rows(watch.head)
                date1904 = date1904 or watch.date1904
    except zipfile.BadZipFile:
        raise RosterFileRefused("文件已损坏或不是 .xlsx 格式，请在 Excel 中另存为 .xlsx 后再导入。") from None
    if declared is not None and declared > settings.ROSTER_MAX_ROWS + HEADER_ROWS:
        raise RosterFileRefused(too_many_rows_message(declared))
    return FileFacts(size=size, declared_rows=declared, date1904=date1904)


def _refuse_too_large(rows: int, columns: int) -> None:
    if rows > settings.ROSTER_MAX_ROWS + HEADER_ROWS:
        raise RosterFileRefused(too_many_rows_message(rows))
    if columns > MAX_COLUMNS:
        raise RosterFileRefused(
            f"工作表的列数（约 {columns:,} 列）超过 {MAX_COLUMNS} 列的上限，花名册模板只有 46 列。"
            "请删除多余的列（或清除远处单元格中的内容）后再导入。"
        )


def _declared_rows(head: bytes) -> int | None:
    match = _DIMENSION.search(head)
    if not match or not match.group(1):
        return None
    return int(match.group(1))


def too_many_rows_message(rows: int | None = None) -> str:
    counted = f"约 {rows:,} 行，" if rows else ""
    return f"文件{counted}超过每次 {settings.ROSTER_MAX_ROWS:,} 行的上限。请拆分后分批导入。"
