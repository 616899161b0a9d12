"""Checking an uploaded scan of a signed agreement by its content, never by its name.

Accepted: PDF, JPEG and PNG, at most 10 MB, that pypdf or Pillow can actually open. A program
renamed to "协议.pdf" has none of the right leading bytes and is refused with a Chinese message.
The scan is kept as uploaded, so a polyglot is refused too: a real image or PDF that also carries a
web page, a script or an archive (served or opened as that other thing it would run), a PDF with
JavaScript, launch actions or embedded files, and an image of more pixels than a scan has.
"""

import io
import warnings
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

MAX_SCAN_BYTES = 10 * 1024 * 1024
MAX_SCAN_PIXELS = 50_000_000  # an A4 page at 600 dpi is 35 million
# Markup that makes a file a web page too; long enough never to occur by chance in image data.
MARKUP = (b"<script", b"<html", b"<!doctype html", b"<iframe", b"<object", b"<embed", b"javascript:")
# PDF names that run something or carry files: a scanner's PDF has none of them.
# (An /OpenAction that only opens a page, as many PDF writers set, is no action that runs anything.)
PDF_ACTIVE = {
    "/JavaScript",
    "/JS",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/EmbeddedFiles",
    "/EmbeddedFile",
    "/RichMedia",
    "/XFA",
}
SMUGGLED = (
    "文件中夹带了网页、脚本或压缩包等其他内容（多格式伪装文件），不是单纯的扫描件，已拒绝。"
    "请直接上传扫描仪或手机生成的 PDF、JPEG 或 PNG 文件。"
)
ACTIVE_PDF = "PDF 文件包含脚本、自动执行的动作或嵌入的文件，扫描件不应包含这些内容，已拒绝。请重新扫描后上传。"


@dataclass(frozen=True)
class ScanKind:
    label: str
    extension: str
    content_type: str
    magic: bytes
    pillow_format: str = ""


PDF = ScanKind("PDF", ".pdf", "application/pdf", b"%PDF-")
JPEG = ScanKind("JPEG", ".jpg", "image/jpeg", b"\xff\xd8\xff", "JPEG")
PNG = ScanKind("PNG", ".png", "image/png", b"\x89PNG\r\n\x1a\n", "PNG")
KINDS = (PDF, JPEG, PNG)

WRONG_TYPE = (
    "只能上传 PDF、JPEG 或 PNG 格式的协议扫描件。系统按文件内容识别类型，该文件的内容不是这几种格式（修改扩展名无效）。"
)


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError({"scan": message}, code=code)


def kind_of(head: bytes) -> ScanKind | None:
    """The kind whose signature the file starts with (magic bytes), or None."""
    return next((kind for kind in KINDS if head.startswith(kind.magic)), None)


def _check_image(data: bytes, kind: ScanKind) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != kind.pillow_format:
                    raise _refuse(WRONG_TYPE, "scan_type")
                if image.width * image.height > MAX_SCAN_PIXELS:
                    raise Image.DecompressionBombError("more pixels than a scan has")
                image.verify()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _refuse("图片尺寸过大，无法存档，请降低扫描分辨率后重新上传。", "scan_too_large") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(f"文件已损坏，无法作为 {kind.label} 图片打开，请重新扫描后上传。", "scan_broken") from None


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse("PDF 文件已加密，无法存档，请上传未加密的扫描件。", "scan_encrypted")
        if len(reader.pages) == 0:
            raise _refuse("PDF 文件没有任何页面，请重新扫描后上传。", "scan_broken")
        if _pdf_has_active_content(reader):
            raise _refuse(ACTIVE_PDF, "scan_active")
    except ValidationError:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError):
        raise _refuse("文件已损坏，无法作为 PDF 打开，请重新扫描后上传。", "scan_broken") from None


def _names_in(node, seen: set[int], depth: int = 0) -> set[str]:
    """Every dictionary key and name value under `node` (a PDF object), references followed once."""
    found: set[str] = set()
    if depth > 40:
        return found
    if isinstance(node, IndirectObject):
        if node.idnum in seen:
            return found
        seen.add(node.idnum)
        node = node.get_object()
    if isinstance(node, DictionaryObject):
        for key, value in node.items():
            if key in ("/Parent", "/P"):  # back to the page tree: already walked
                continue
            found.add(key)
            found |= _names_in(value, seen, depth + 1)
    elif isinstance(node, ArrayObject):
        for value in node:
            found |= _names_in(value, seen, depth + 1)
    elif isinstance(node, NameObject):
        found.add(str(node))
    return found


def _pdf_has_active_content(reader: PdfReader) -> bool:
    """JavaScript, launch actions, embedded files or XFA forms anywhere in the document's catalog, its
    pages or their annotations (pypdf has decoded #xx escapes and object streams)."""
    return bool(_names_in(reader.trailer["/Root"], set()) & PDF_ACTIVE)


def _refuse_smuggled_content(data: bytes) -> None:
    """A polyglot: web markup anywhere in the file, or a zip archive appended to it."""
    lowered = data.lower()
    if any(marker in lowered for marker in MARKUP) or zipfile.is_zipfile(io.BytesIO(data)):
        raise _refuse(SMUGGLED, "scan_polyglot")


def scan_check(upload: UploadedFile) -> ScanKind:
    """The scan's kind when it is an acceptable scan; ValidationError on "scan" otherwise."""
    size = upload.size or 0
    if size == 0:
        raise _refuse("上传的文件是空的，请重新选择扫描件。", "scan_empty")
    if size > MAX_SCAN_BYTES:
        raise _refuse(f"文件过大（{size / 1024 / 1024:.1f} MB）：协议扫描件不能超过 10 MB。", "scan_too_large")
    upload.seek(0)
    data = upload.read(MAX_SCAN_BYTES + 1)
    upload.seek(0)
    if len(data) > MAX_SCAN_BYTES:
        raise _refuse("文件过大：协议扫描件不能超过 10 MB。", "scan_too_large")
    kind = kind_of(data[:16])
    if kind is None:
        raise _refuse(WRONG_TYPE, "scan_type")
    _refuse_smuggled_content(data)
    if kind is PDF:
        _check_pdf(data)
    else:
        _check_image(data, kind)
    return kind
