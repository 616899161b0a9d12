"""Issue 8 line 5, "uploaded scans are checked by content": agreement scans (kept as uploaded) and
visit photos (re-encoded) refuse what is not the image or PDF it claims to be — a program or a web
page renamed, a polyglot (a real image or PDF carrying a page, a script or an archive), an image
whose pixel count is a decompression bomb — with a Chinese message, and store nothing."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from agreements.scans import scan_check
from agreements.services import agreement_upload_scan
from tests.agreements.conftest import YAGUANG, sign
from tests.factories import make_child
from visits.photos import photo_check

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode." * 50
PAGE = b"<!DOCTYPE html><html><body><script>fetch('/registry/children/').then(r=>r.text())</script></body></html>"


def image(kind: str = "JPEG", size=(120, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format=kind)
    return buffer.getvalue()


def cut_short(kind: str) -> bytes:
    """A photo whose last 40% is missing (an interrupted upload): noise, so every byte is image data."""
    noise = Image.frombytes("RGB", (300, 400), random.Random(5).randbytes(300 * 400 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format=kind)
    whole = buffer.getvalue()
    return whole[: len(whole) * 6 // 10]


def pdf(*, javascript: str = "", attachment: bytes = b"") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if javascript:
        writer.add_open_action(JavaScript(javascript))
    if attachment:
        writer.add_attachment("readme.exe", attachment)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_opening_at_its_first_page() -> bytes:
    """/OpenAction [page /Fit]: what many PDF writers set; it runs nothing."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    writer._root_object[NameObject("/OpenAction")] = ArrayObject([page.indirect_reference, NameObject("/Fit")])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_launch_action() -> bytes:
    """/OpenAction /Launch: opening the PDF starts a program."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    launch = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(launch)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", EXE)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">L", len(data)) + kind + data + struct.pack(">L", zlib.crc32(kind + data))


def png_bomb(side: int) -> bytes:
    """A real grey PNG of side × side pixels, all black: a few hundred kilobytes that decode to side² bytes.
    Its deflate stream is one flushed 1 MB segment repeated (made in milliseconds)."""
    raw_size = side * (side + 1)  # a filter byte before every row
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = block.compress(b"\0" * (1 << 20)) + block.flush(zlib.Z_FULL_FLUSH)
    whole, rest = divmod(raw_size, 1 << 20)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = segment * whole + tail.compress(b"\0" * rest) + tail.flush()
    adler = 1
    for _ in range(whole):
        adler = zlib.adler32(b"\0" * (1 << 20), adler)
    adler = zlib.adler32(b"\0" * rest, adler)
    idat = b"\x78\xda" + deflated + struct.pack(">L", adler)
    header = struct.pack(">LLBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


# (test id, file name, content, fragment of the scan's refusal)
REFUSED_SCANS = [
    ("exe-renamed-jpg", "协议.jpg", EXE, "修改扩展名无效"),
    ("exe-renamed-pdf", "协议.pdf", EXE, "修改扩展名无效"),
    ("html-renamed-jpg", "协议.jpg", PAGE, "修改扩展名无效"),
    ("html-renamed-pdf", "协议.pdf", PAGE, "修改扩展名无效"),
    (
        "svg-renamed-png",
        "协议.png",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "修改扩展名无效",
    ),
    ("jpeg-header-then-html", "协议.jpg", b"\xff\xd8\xff\xe0" + PAGE, "夹带"),
    ("pdf-header-then-html", "协议.pdf", b"%PDF-1.7\n" + PAGE, "夹带"),
    ("jpeg-polyglot-with-html", "协议.jpg", image("JPEG") + PAGE, "夹带"),
    ("png-polyglot-with-html", "协议.png", image("PNG") + PAGE, "夹带"),
    ("jpeg-polyglot-with-zip", "协议.jpg", image("JPEG") + zip_archive(), "夹带"),
    ("pdf-polyglot-with-zip", "协议.pdf", pdf() + zip_archive(), "夹带"),
    ("pdf-with-javascript", "协议.pdf", pdf(javascript="app.alert('x');"), "脚本"),
    ("pdf-with-launch-action", "协议.pdf", pdf_with_launch_action(), "脚本"),
    ("pdf-with-embedded-file", "协议.pdf", pdf(attachment=EXE), "脚本"),
    ("png-pixel-bomb-400-megapixels", "协议.png", png_bomb(20_000), "尺寸过大"),
    ("png-64-megapixels", "协议.png", png_bomb(8_000), "尺寸过大"),
    ("truncated-png", "协议.png", image("PNG", (600, 800))[:400], "文件已损坏"),
]


def scan_refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        scan_check(SimpleUploadedFile(name, content))
    return " ".join(caught.value.message_dict["scan"])


@pytest.mark.parametrize(
    ("name", "content", "fragment"), [case[1:] for case in REFUSED_SCANS], ids=[case[0] for case in REFUSED_SCANS]
)
def test_an_agreement_scan_that_is_not_what_it_claims_is_refused(name, content, fragment):
    assert fragment in scan_refusal(name, content)


def test_genuine_scans_still_pass():
    assert scan_check(SimpleUploadedFile("a.jpg", image("JPEG", (2480, 3508)))).label == "JPEG"  # A4 at 300 dpi
    assert scan_check(SimpleUploadedFile("a.png", image("PNG"))).label == "PNG"
    assert scan_check(SimpleUploadedFile("a.pdf", pdf())).label == "PDF"
    assert scan_check(SimpleUploadedFile("a.pdf", pdf_opening_at_its_first_page())).label == "PDF"


@pytest.mark.django_db
def test_a_refused_polyglot_scan_stores_nothing(town_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    agreement = sign(make_child(YAGUANG, user=town_staff), user=town_staff)
    with pytest.raises(ValidationError):
        agreement_upload_scan(user=town_staff, agreement=agreement, upload=SimpleUploadedFile("a.jpg", image() + PAGE))
    agreement.refresh_from_db()
    assert not agreement.scan and agreement.version == 1
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


PHOTO_REFUSALS = [
    ("exe-renamed-jpg", EXE, "只能上传 JPEG 或 PNG"),
    ("html-renamed-jpg", PAGE, "只能上传 JPEG 或 PNG"),
    ("empty", b"", "只能上传 JPEG 或 PNG"),
    ("jpeg-header-then-html", b"\xff\xd8\xff\xe0" + PAGE, "已损坏"),
    ("png-pixel-bomb-400-megapixels", png_bomb(20_000), "像素过大"),
    ("png-64-megapixels", png_bomb(8_000), "像素过大"),
    ("truncated-png", cut_short("PNG"), "已损坏"),
    ("truncated-jpeg", cut_short("JPEG"), "已损坏"),
]


@pytest.fixture
def weasyprint_loaded():
    """As in the web and worker processes: importing WeasyPrint makes Pillow pad truncated images."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES


@pytest.mark.usefixtures("weasyprint_loaded")
@pytest.mark.parametrize(
    ("content", "fragment"), [case[1:] for case in PHOTO_REFUSALS], ids=[case[0] for case in PHOTO_REFUSALS]
)
def test_a_visit_photo_that_is_not_an_image_is_refused(content, fragment):
    with pytest.raises(ValidationError) as caught:
        photo_check(SimpleUploadedFile("照片.jpg", content))
    assert fragment in " ".join(caught.value.messages)


@pytest.mark.parametrize("payload", [PAGE, zip_archive()], ids=["html", "zip"])
def test_a_polyglot_visit_photo_is_stored_as_a_clean_re_encoded_image(payload):
    checked = photo_check(SimpleUploadedFile("照片.jpg", image("JPEG") + payload))
    assert checked.content_type == "image/jpeg"
    assert b"<script" not in checked.content and b"PK\x03\x04" not in checked.content
    assert Image.open(io.BytesIO(checked.content)).size == (120, 160)
