"""The national export gets the roster import's file safety: refused before parsing, in Chinese."""

import io
import zipfile

import pytest
from django.test import override_settings

from registry.national.models import ReconciliationRun

from .conftest import xlsx_bytes
from .test_views import upload


def refusal(client, content: bytes, name: str = "全国系统导出.xlsx") -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    response = client.post(reverse("registry:reconcile_run"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200 and not ReconciliationRun.objects.exists()
    return response.content.decode()


@pytest.fixture
def client_of(login, admin_user):
    return login(admin_user)


def test_a_file_not_named_xlsx_is_refused(client_of):
    assert "请上传 .xlsx 文件" in refusal(client_of, xlsx_bytes([]), name="导出.csv")


def test_an_old_xls_or_encrypted_file_is_refused(client_of):
    assert "旧版 Excel" in refusal(client_of, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)


def test_a_file_with_an_xml_entity_is_refused(client_of):
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([{"姓名": "张三"}])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + data.split(b"?>", 1)[-1]
            target.writestr(item, data)
    assert "实体定义" in refusal(client_of, out.getvalue())


@override_settings(ROSTER_MAX_ROWS=5)
def test_a_file_with_too_many_rows_is_refused(client_of):
    rows = [{"姓名": f"儿童{i}", "公民身份证号码": "1"} for i in range(30)]
    assert "5 行的上限" in refusal(client_of, xlsx_bytes(rows))


@override_settings(ROSTER_MAX_UPLOAD_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused(client_of):
    assert "上限" in refusal(client_of, xlsx_bytes([{"姓名": "张三"}]))


def test_upload_helper_still_accepts_a_plain_export(client_of, scenario):
    assert upload(client_of, xlsx_bytes(scenario.rows)).status_code == 302
