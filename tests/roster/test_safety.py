"""Files refused before parsing, with a clear message (issue 4, line 7); the database stays as it was."""

import io
import struct
import zipfile

import pytest

from registry.models import Adult, Child
from registry.roster.safety import RosterFileRefused
from tests.roster.conftest import SAMPLE

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def rewrite_member(source, target, name, change) -> None:
    """Copy the xlsx `source` to `target`, passing member `name` through `change(bytes) -> bytes`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            new.writestr(item.filename, change(data) if item.filename == name else data)


def refused(run, path, user=None) -> str:
    before = (Child.objects.count(), Adult.objects.count())
    with pytest.raises(RosterFileRefused) as caught:
        run(path, user)
    assert (Child.objects.count(), Adult.objects.count()) == before
    return caught.value.message


@pytest.fixture
def imported(db, run):
    """The sample already imported, so that "nothing changed" means something."""
    run(SAMPLE)


def test_an_old_xls_file_renamed_is_refused(imported, run, tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(OLE + b"\x00" * 2000)
    assert "旧版 Excel（.xls）" in refused(run, path)


def test_an_encrypted_workbook_is_refused(imported, run, tmp_path):
    path = tmp_path / "secret.xlsx"
    path.write_bytes(OLE + b"\x00" * 500 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 500)
    assert "已加密" in refused(run, path)


def test_a_csv_file_renamed_is_refused(imported, run, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes("儿童姓名,公民身份号码\n张三,320681201504029779\n".encode())
    assert "CSV" in refused(run, path)


def test_an_html_table_renamed_is_refused(imported, run, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes("<html><body><table><tr><td>儿童姓名</td></tr></table></body></html>".encode())
    assert "网页（HTML）" in refused(run, path)


def test_a_zip_that_is_not_a_workbook_is_refused(imported, run, tmp_path):
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert "不是 Excel 工作簿" in refused(run, path)


def test_a_broken_zip_is_refused(imported, run, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(SAMPLE.read_bytes()[:5000])
    assert "损坏" in refused(run, path)


def test_a_file_over_the_size_limit_is_refused(imported, run, settings):
    settings.ROSTER_MAX_UPLOAD_BYTES = 50_000
    assert "超过" in refused(run, SAMPLE) and "上限" in refused(run, SAMPLE)


def test_a_sheet_declaring_too_many_rows_is_refused_before_parsing(imported, run, settings, monkeypatch, write, rows):
    path = write(rows(150))  # XlsxWriter declares <dimension ref="A1:AT151"/>
    settings.ROSTER_MAX_ROWS = 100

    def never(*args, **kwargs):
        raise AssertionError("parsed a refused file")

    monkeypatch.setattr("registry.roster.reading.CalamineWorkbook.from_path", never)
    assert "100 行的上限" in refused(run, path)


def test_rows_beyond_the_limit_are_counted_when_the_sheet_does_not_declare_them(imported, run, settings):
    assert b"<dimension" not in zipfile.ZipFile(SAMPLE).read("xl/worksheets/sheet1.xml")
    settings.ROSTER_MAX_ROWS = 100
    assert "100 行的上限" in refused(run, SAMPLE)


def test_a_zip_bomb_is_refused_by_its_total_uncompressed_size(imported, run, settings, tmp_path):
    path = tmp_path / "bomb.xlsx"
    rewrite_member(SAMPLE, path, "xl/worksheets/sheet1.xml", lambda xml: xml + b" " * 3_000_000)
    settings.ROSTER_MAX_UNCOMPRESSED_BYTES = 2_000_000
    assert "压缩炸弹" in refused(run, path)


def test_a_zip_bomb_is_refused_by_its_compression_ratio(imported, run, tmp_path):
    path = tmp_path / "ratio.xlsx"
    rewrite_member(SAMPLE, path, "xl/worksheets/sheet1.xml", lambda xml: xml + b" " * 40_000_000)
    assert "压缩比异常" in refused(run, path)


def test_a_zip_whose_directory_lies_about_sizes_is_refused(imported, run, tmp_path):
    buffer = io.BytesIO()
    rewrite_member(SAMPLE, buffer, "xl/worksheets/sheet1.xml", lambda xml: xml)
    data = bytearray(buffer.getvalue())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        position = data.find(signature)
        while position != -1:
            name_at = position + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                struct.pack_into("<L", data, position + size_offset, 1000)  # "1,000 bytes uncompressed"
            position = data.find(signature, position + 4)
    path = tmp_path / "liar.xlsx"
    path.write_bytes(bytes(data))
    assert "与目录不符" in refused(run, path)


def test_xml_entity_tricks_are_refused(imported, run, tmp_path):
    path = tmp_path / "entities.xlsx"
    doctype = b'<!DOCTYPE x [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    rewrite_member(SAMPLE, path, "xl/worksheets/sheet1.xml", lambda xml: doctype + xml)
    assert "DTD" in refused(run, path)


def test_a_sheet_without_the_template_header_is_refused(imported, run, write):
    path = write([{"姓名": "张三"}], headers=["姓名", "身份证"])
    assert "找不到花名册的表头行" in refused(run, path)


def test_a_header_missing_a_required_column_is_refused(imported, run, write, rows):
    from bench.roster_file import HEADERS

    path = write(rows(2), headers=[header for header in HEADERS if header != "户籍类型"])
    assert "表头缺少必填列：户籍类型" in refused(run, path)
