"""The scan of the signed paper: type by content (magic bytes, and Pillow or pypdf must open it),
at most 10 MB, stored under MEDIA_ROOT without a public URL."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import Agreement, AgreementStatus
from agreements.scans import scan_check
from agreements.services import agreement_end, agreement_upload_scan
from tests.agreements import scanfiles
from tests.agreements.conftest import YAGUANG, sign
from tests.factories import make_child


def _message(upload) -> str:
    with pytest.raises(ValidationError) as caught:
        scan_check(upload)
    return " ".join(caught.value.message_dict["scan"])


def test_a_renamed_exe_is_refused_with_a_chinese_message():
    assert "只能上传 PDF、JPEG 或 PNG" in _message(scanfiles.renamed_exe("协议扫描件.pdf"))
    assert "修改扩展名无效" in _message(scanfiles.renamed_exe("scan.png"))


def test_real_png_jpeg_and_pdf_are_accepted_whatever_they_are_called():
    assert scan_check(scanfiles.png()).content_type == "image/png"
    assert scan_check(scanfiles.jpeg("扫描.PDF")).content_type == "image/jpeg"
    assert scan_check(scanfiles.pdf("scan.png")).content_type == "application/pdf"


def test_a_file_over_10_mb_is_refused():
    assert "不能超过 10 MB" in _message(scanfiles.oversized())


def test_right_leading_bytes_but_unreadable_content_is_refused():
    assert "文件已损坏" in _message(scanfiles.broken_png())
    fake_pdf = scanfiles.renamed_exe("x.pdf")
    fake_pdf.file.seek(0)
    fake_pdf.file.write(b"%PDF-1.7\n")
    fake_pdf.file.seek(0)
    assert "无法作为 PDF 打开" in _message(fake_pdf)


def test_an_encrypted_pdf_and_an_empty_file_are_refused():
    assert "已加密" in _message(scanfiles.pdf(password="secret"))
    assert "是空的" in _message(SimpleUploadedFile("a.pdf", b""))


@pytest.mark.django_db
def test_an_uploaded_scan_is_stored_under_media_root_with_a_random_name_and_no_public_url(town_staff, private_media):
    agreement = sign(make_child(YAGUANG, user=town_staff), user=town_staff)
    agreement_upload_scan(user=town_staff, agreement=agreement, upload=scanfiles.png("石红轩.png"), expected_version=1)
    agreement.refresh_from_db()
    assert agreement.scan.name.startswith("agreements/scans/2026/") and agreement.scan.name.endswith(".png")
    assert "石红轩" not in agreement.scan.name
    assert (private_media / agreement.scan.name).exists()
    assert agreement.scan_content_type == "image/png" and agreement.version == 2
    with pytest.raises(ValueError, match="没有公开地址"):
        agreement.scan.url  # noqa: B018


@pytest.mark.django_db
def test_a_pdf_named_png_is_stored_as_pdf(town_staff):
    agreement = sign(make_child(YAGUANG, user=town_staff), user=town_staff)
    agreement_upload_scan(user=town_staff, agreement=agreement, upload=scanfiles.pdf("scan.png"))
    assert Agreement.objects.get().scan.name.endswith(".pdf")


@pytest.mark.django_db
def test_a_refused_upload_changes_nothing(town_staff, private_media):
    agreement = sign(make_child(YAGUANG, user=town_staff), user=town_staff)
    with pytest.raises(ValidationError):
        agreement_upload_scan(user=town_staff, agreement=agreement, upload=scanfiles.renamed_exe())
    agreement.refresh_from_db()
    assert not agreement.scan and agreement.version == 1
    assert not (private_media / "agreements").exists()


@pytest.mark.django_db
def test_no_scan_before_signing_or_after_ending(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    unsigned = Agreement.objects.create(child=child, witness_region=child.village, witness_name="亚光村村民委员会")
    assert unsigned.status == AgreementStatus.UNSIGNED
    with pytest.raises(ValidationError, match="请先登记"):
        agreement_upload_scan(user=town_staff, agreement=unsigned, upload=scanfiles.png())
    agreement = sign(child, user=town_staff)
    agreement_end(user=town_staff, agreement=agreement, reason="解除")
    with pytest.raises(ValidationError, match="已终止"):
        agreement_upload_scan(user=town_staff, agreement=agreement, upload=scanfiles.png())
