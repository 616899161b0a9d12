"""Refuse a bad file before parsing it (ROSTER.md: not a real .xlsx, encrypted, too large, too many
rows, zip bombs, XML entity tricks), with a message a clerk understands, and never crash a worker.

The checks read the zip directory, then inflate every member once with a hard ceiling (so a
directory that lies about sizes is caught too), looking for DTDs in the XML as it streams by.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary: .xls, or an encrypted .xlsx
ZIP_MAGIC = b"PK\x03\x04"
MAX_RATIO = 200  # uncompressed ÷ compressed of one member; real sheets stay far below
MAX_MEMBERS = 10_000
CHUNK = 1 << 20
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_DIMENSION = re.compile(rb'<dimension\s+ref="[A-Z]+\d+:?[A-Z]*(\d*)"')
_DTD = (b"<!DOCTYPE", b"<!ENTITY")


class RosterFileRefused(Exception):
    """The file itself is refused (nothing was read from it); `message` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class FileFacts:
    size: int
    declared_rows: int | None  # from the first sheet's <dimension>, when it says


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
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise RosterFileRefused("文件不是 Excel 工作簿（缺少工作簿内容），请确认上传的是 .xlsx 花名册。")
    if len(members) > MAX_MEMBERS:
        raise RosterFileRefused("文件结构异常（包含的部件过多），已拒绝。")
    limit = settings.ROSTER_MAX_UNCOMPRESSED_BYTES
    total = sum(member.file_size for member in members)
    if total > limit:
        raise RosterFileRefused(
            f"文件解压后达 {_mb(total)}，超过 {_mb(limit)} 上限（可能是“压缩炸弹”），已拒绝。请拆分后分批导入。"
        )
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
    """Looks at an XML member as it streams: refuses a DTD, remembers the sheet's <dimension>."""

    def __init__(self, name: str):
        self.name = name
        self.tail = b""
        self.head = b""

    def __call__(self, data: bytes) -> None:
        window = self.tail + data
        if any(marker in window for marker in _DTD):
            raise RosterFileRefused("文件包含不允许的 XML 声明（DTD/实体定义），可能是恶意文件，已拒绝。")
        self.tail = window[-16:]
        if len(self.head) < 4096:
            self.head += data[: 4096 - len(self.head)]


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
            declared = None
            for member in members:
                watch = _XmlWatch(member.filename)
                is_xml = member.filename.endswith((".xml", ".rels", ".vml"))
                _inflate(handle, member, watch if is_xml else (lambda data: None))
                if member.filename == first:
                    declared = _declared_rows(watch.head)
    except zipfile.BadZipFile:
        raise RosterFileRefused("文件已损坏或不是 .xlsx 格式，请在 Excel 中另存为 .xlsx 后再导入。") from None
    if declared is not None and declared > settings.ROSTER_MAX_ROWS + 20:
        raise RosterFileRefused(too_many_rows_message(declared))
    return FileFacts(size=size, declared_rows=declared)


def _declared_rows(head: bytes) -> int | None:
    match = _DIMENSION.search(head)
    if not match or not match.group(1):
        return None
    return int(match.group(1))


def too_many_rows_message(rows: int | None = None) -> str:
    counted = f"约 {rows:,} 行，" if rows else ""
    return f"文件{counted}超过每次 {settings.ROSTER_MAX_ROWS:,} 行的上限。请拆分后分批导入。"
