"""Upload files for the scan tests, made on the spot."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter


def png(name: str = "协议.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def jpeg(name: str = "协议.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def pdf(name: str = "协议.pdf", *, password: str = "") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def renamed_exe(name: str = "协议扫描件.pdf") -> SimpleUploadedFile:
    """A Windows program (MZ header, PE stub) that someone renamed to look like a scan."""
    header = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    content = header + b"This program cannot be run in DOS mode." * 50
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def oversized(name: str = "协议.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")


def broken_png(name: str = "协议.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"not really an image" * 20, content_type="image/png")
