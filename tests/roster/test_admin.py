"""Django admin import/export (django-import-export) of regions and users, for administrators only."""

import re

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qidong_care.accounts.admin import UserResource
from qidong_care.accounts.models import User
from qidong_care.audit.models import AuditEvent
from registry.admin import RegionResource
from registry.models import Region


def test_regions_import_by_code_and_never_delete(db):
    data = tablib.Dataset(headers=["code", "name", "level", "parent", "active"])
    data.append(["320681100999", "新建村委会", "village", "320681100", "1"])
    data.append(["320681100229", "临江村委会（更名）", "village", "320681100", "1"])
    total = Region.objects.count()
    result = RegionResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Region.objects.count() == total + 1
    assert Region.objects.get(code="320681100999").parent.name == "汇龙镇"
    renamed = Region.objects.get(code="320681100229")
    assert renamed.name == "临江村委会（更名）"
    assert renamed.history.first().history_change_reason == "管理后台导入区划"


def test_a_region_with_a_bad_level_is_refused(db):
    data = tablib.Dataset(headers=["code", "name", "level", "parent", "active"])
    data.append(["320681100998", "坏村", "planet", "320681100", "1"])
    result = RegionResource().import_data(data, dry_run=False)
    assert result.has_validation_errors() and not Region.objects.filter(code="320681100998").exists()


def test_users_import_with_role_and_regions_without_passwords_and_are_audited(db):
    data = tablib.Dataset(
        headers=["username", "last_name", "first_name", "email", "phone", "role", "is_active", "regions"]
    )
    data.append(["town_haifu", "陈", "海复", "", "13912345678", "town_staff", "1", "320681107"])
    result = UserResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    user = User.objects.get(username="town_haifu")
    assert not user.has_usable_password() and user.must_change_password and not user.is_staff
    assert list(user.regions.values_list("name", flat=True)) == ["海复镇"]
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PERMISSION)
    assert event.detail["role"] == "town_staff" and event.detail["regions"] == ["320681107"]


def test_administrators_get_the_import_and_export_pages(db, login, admin_user):
    client = login(admin_user)
    for model in ("registry/region", "accounts/user"):
        assert client.get(f"/admin/{model}/import/").status_code == 200
        assert client.get(f"/admin/{model}/export/").status_code == 200
    assert "导入" in client.get(reverse("admin:registry_region_changelist")).content.decode()


def test_the_admin_export_is_audited(db, login, admin_user):
    client = login(admin_user)
    response = client.post(
        "/admin/registry/region/export/", {"format": "0", "resource": "0", "regionresource_code": True}
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, object_type="registry.region").exists()


def test_other_roles_do_not_reach_the_admin_import(db, login, security_admin, town_staff):
    for user in (security_admin, town_staff):
        response = login(user).get("/admin/registry/region/import/")
        assert response.status_code == 403  # logged-in staff without the capability: refused, no admin login form


@pytest.mark.parametrize("name", ["regions.csv", "regions.json"])
def test_an_admin_import_over_the_upload_limit_is_refused_unread(db, login, admin_user, settings, name):
    settings.ROSTER_MAX_UPLOAD_BYTES = 1024 * 1024
    before = Region.objects.count()
    client = login(admin_user)
    page = client.get("/admin/registry/region/import/").content.decode()
    formats = dict(re.findall(r'<option value="(\d+)"[^>]*>([a-z]+)</option>', page))
    extension = name.rsplit(".", 1)[1]
    chosen = next(index for index, label in formats.items() if label == extension)
    upload = SimpleUploadedFile(name, b"code,name,level,parent,active\n" + b"3206811,x,town,,1\n" * 70_000)
    response = client.post("/admin/registry/region/import/", {"resource": "0", "format": chosen, "import_file": upload})
    assert response.status_code == 200
    assert "超过 1 MB 上限，未读取" in response.content.decode()
    assert Region.objects.count() == before
