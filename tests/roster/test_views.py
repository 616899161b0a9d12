"""The web import (upload → background validation → preview → confirm → one transaction), the error
report, the template, and the export button; with the access rules of every view."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from qidong_care.audit.models import AuditEvent
from registry.models import Child, ImportJob
from tests.conftest import SAMPLE_DATE
from tests.factories import make_child
from tests.roster.conftest import SAMPLE


@pytest.fixture(autouse=True)
def screening_date(monkeypatch):
    monkeypatch.setattr("registry.assessment.today", lambda: SAMPLE_DATE)


def upload(client, path, name="花名册.xlsx"):
    file = SimpleUploadedFile(name, path.read_bytes(), content_type="application/octet-stream")
    return client.post(reverse("registry:import_start"), {"file": file})


def read_xlsx(response) -> list[list]:
    return (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )


def test_upload_validates_in_the_background_then_confirm_writes_everything(
    db, login, admin_user, django_capture_on_commit_callbacks
):
    client = login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, SAMPLE)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry:import_detail", args=[job.pk])
    assert (job.status, job.created, job.rejected) == (ImportJob.Status.VALIDATED, 300, 0)
    assert not Child.objects.exists()  # the preview writes nothing
    page = client.get(response["Location"]).content.decode()
    assert "尚未写入" in page and "确认导入" in page and "将新增" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED and Child.objects.count() == 300
    assert "已导入：新增 300 名" in client.get(reverse("registry:import_detail", args=[job.pk])).content.decode()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT, user=admin_user).count() == 1


def test_the_page_lists_recent_imports_and_the_progress_bar_polls_until_done(db, login, admin_user, monkeypatch):
    monkeypatch.setattr("registry.roster.jobs.is_held", lambda name: True)  # a live worker validates it
    job = ImportJob.objects.create(user=admin_user, original_name="汇龙镇.xlsx", status=ImportJob.Status.VALIDATING)
    client = login(admin_user)
    assert "汇龙镇.xlsx" in client.get(reverse("registry:import_start")).content.decode()
    detail = client.get(reverse("registry:import_detail", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("registry:import_progress", args=[job.pk])}"' in detail
    assert 'hx-trigger="every 1s"' in client.get(reverse("registry:import_progress", args=[job.pk])).content.decode()
    job.status = ImportJob.Status.VALIDATED
    job.save()
    response = client.get(reverse("registry:import_progress", args=[job.pk]))
    assert response["HX-Redirect"] == reverse("registry:import_detail", args=[job.pk])


def test_rejected_rows_are_listed_and_the_error_report_downloads_with_the_reasons(
    db, login, admin_user, rows, write, django_capture_on_commit_callbacks
):
    data = rows(3)
    data[1]["健康状况"] = "很好"
    client = login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, write(data))
    job = ImportJob.objects.get()
    page = client.get(reverse("registry:import_detail", args=[job.pk])).content.decode()
    assert "bad_value" in page and "下载错误报告（1 行）" in page
    header, *body = read_xlsx(client.get(reverse("registry:import_report", args=[job.pk])))
    assert header[-1] == "错误原因" and len(body) == 1
    assert body[0][3] == data[1]["儿童姓名"] and "健康状况" in body[0][-1]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, object_label__startswith="错误报告").exists()


def test_a_refused_file_ends_the_job_with_its_reason(
    db, login, admin_user, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    client = login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, path)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REFUSED and ".xls" in job.message
    assert "文件被拒绝" in client.get(reverse("registry:import_detail", args=[job.pk])).content.decode()


def test_a_file_that_is_not_xlsx_by_name_is_refused_by_the_form(db, login, admin_user, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("儿童姓名\n")
    response = upload(login(admin_user), path, name="roster.csv")
    assert response.status_code == 400 and "另存为 .xlsx" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_town_staff_import_their_own_town_only(db, login, town_staff, rows, write, django_capture_on_commit_callbacks):
    data = rows(2)
    data[0]["镇（街道、园区）"], data[0]["村（社区）"] = "汇龙镇", "临江村"
    data[1]["镇（街道、园区）"], data[1]["村（社区）"] = "南阳镇", "红星村"
    client = login(town_staff)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, write(data))
    job = ImportJob.objects.get()
    assert (job.created, job.rejected) == (1, 1)
    assert job.preview["errors"][0]["code"] == "unknown_region"


def test_someone_elses_import_is_not_found(db, login, admin_user, town_staff):
    job = ImportJob.objects.create(user=town_staff, original_name="x.xlsx", status=ImportJob.Status.VALIDATED)
    client = login(admin_user)
    for name in ("registry:import_detail", "registry:import_progress", "registry:import_report"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("registry:import_confirm", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("role", ["inspector", "director", "auditor", "bureau"])
def test_roles_without_the_import_capability_are_forbidden(db, login, request, role):
    client = login(request.getfixturevalue(role))
    assert client.get(reverse("registry:import_start")).status_code == 403
    assert client.get(reverse("registry:import_template")).status_code == 403


def test_confirm_needs_post_and_happens_once(db, login, admin_user, django_capture_on_commit_callbacks):
    client = login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, SAMPLE)
    job = ImportJob.objects.get()
    assert client.get(reverse("registry:import_confirm", args=[job.pk])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registry:import_confirm", args=[job.pk]))
    response = client.post(reverse("registry:import_confirm", args=[job.pk]), follow=True)
    assert "不能再次确认" in response.content.decode() and Child.objects.count() == 300


def test_the_empty_template_has_the_header_row(db, login, admin_user):
    [header] = read_xlsx(login(admin_user).get(reverse("registry:import_template")))
    assert header[:4] == ["序号", "镇（街道、园区）", "村（社区）", "儿童姓名"] and header[-1] == "备注"


def test_the_export_button_follows_the_list_filters_and_the_users_scope(db, login, town_staff, huilong, nanyang):
    make_child("320681100229", name="汇龙的孩子")
    make_child("320681106208", name="南阳的孩子")
    client = login(town_staff)
    response = client.get(reverse("registry:roster_export"), {"town": huilong.pk, "status": "active"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert [row[3] for row in read_xlsx(response)[1:]] == ["汇龙的孩子"]
    assert client.get(reverse("registry:roster_export"), {"town": nanyang.pk}).status_code == 404
    assert client.get(reverse("registry:roster_export"), {"status": "nonsense"}).status_code == 404


@pytest.mark.parametrize("role", ["inspector", "director", "admin_user"])
def test_roles_without_the_export_capability_are_forbidden(db, login, request, role):
    assert login(request.getfixturevalue(role)).get(reverse("registry:roster_export")).status_code == 403


def test_the_navigation_offers_the_import_to_administrators(db, login, admin_user):
    assert reverse("registry:import_start") in login(admin_user).get("/").content.decode()
