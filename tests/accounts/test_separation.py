"""Separation of duties (三权分立, issue 8.2): the administrator manages users and regions but reads
no child's record; the auditor reads the audit log only; the security administrator only unlocks
and resets; one role per user; no superuser needed for daily work."""

import pytest
from django.contrib import admin
from django.urls import reverse

from qidong_care.accounts.models import User
from qidong_care.accounts.roles import Role
from qidong_care.audit.models import AuditEvent
from tests.access import ADMIN_ROSTER_ROUTES, assert_access, assert_refused_to, child_data_urls, users_by_role
from tests.conftest import DIRECTOR_VILLAGES, HUILONG
from tests.factories import make_child

CHILD_DATA_APPS = {"registry", "agreements", "visits", "reports"}
ADMIN_MANAGED = {"registry.region"}  # the only model of those apps the administrator looks after


@pytest.fixture
def child(town_staff):
    return make_child(DIRECTOR_VILLAGES[0], user=town_staff)


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def test_roles_without_child_data_are_refused_every_child_data_page(request, client, child):
    values = {"pk": child.pk, "child_pk": child.pk, "child_id": child.pk}
    auditors = users_by_role(request, ["security_admin", "auditor"])
    assert_refused_to(client, users=auditors, pages=child_data_urls(values=values))
    # The administrator imports rosters: those pages alone are theirs.
    administrator = users_by_role(request, ["admin_user"])
    assert_refused_to(client, users=administrator, pages=child_data_urls(values=values, exclude=ADMIN_ROSTER_ROUTES))


def test_the_administrator_sees_no_child_figures_on_the_home_page(login, admin_user, town_staff, child):
    assert "在册留守儿童" in login(town_staff).get("/").content.decode()
    assert "在册留守儿童" not in login(admin_user).get("/").content.decode()


def test_child_data_is_not_open_to_the_administrator_in_the_admin(login, admin_user, child):
    client = login(admin_user)
    for model in admin.site._registry:
        label = model._meta.label_lower
        if model._meta.app_label in CHILD_DATA_APPS and label not in ADMIN_MANAGED:
            changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            assert client.get(changelist).status_code == 403, label
    assert client.get(f"/admin/registry/child/{child.pk}/change/").status_code in {403, 404}
    assert client.get("/admin/registry/child/").status_code in {403, 404}
    assert client.get("/admin/registry/adult/").status_code in {403, 404}


def test_the_administrator_manages_users_and_regions_and_nothing_else(request, client):
    users = users_by_role(request, ["admin_user"])
    allowed = [(url("admin:index"), "GET"), (url("admin:accounts_user_changelist"), "GET")]
    allowed += [(url("admin:registry_region_changelist"), "GET"), (url("core:job_list"), "GET")]
    assert_access(client, users=users, urls=allowed, expected={"admin_user": 200})
    refused = [(url("audit:event_list"), "GET"), (url("audit:event_export"), "GET"), (url("accounts:lockouts"), "GET")]
    refused += [(url("accounts:unlock"), "POST"), (url("accounts:password_reset"), "POST")]
    assert_access(client, users=users, urls=refused, expected={"admin_user": 403})


def test_the_auditor_reads_the_audit_log_only(request, client):
    users = users_by_role(request, ["auditor"])
    assert_access(client, users=users, urls=[(url("audit:event_list"), "GET")], expected={"auditor": 200})
    refused = [(url("admin:index"), "GET"), (url("admin:accounts_user_changelist"), "GET")]
    refused += [(url("admin:registry_region_changelist"), "GET"), (url("core:job_list"), "GET")]
    refused += [(url("accounts:lockouts"), "GET"), (url("accounts:unlock"), "POST")]
    assert_access(client, users=users, urls=refused, expected={"auditor": 403})


def test_the_security_administrator_only_unlocks_and_resets(request, client):
    users = users_by_role(request, ["security_admin"])
    assert_access(client, users=users, urls=[(url("accounts:lockouts"), "GET")], expected={"security_admin": 200})
    refused = [(url("admin:index"), "GET"), (url("admin:accounts_user_changelist"), "GET")]
    refused += [(url("audit:event_list"), "GET"), (url("core:job_list"), "GET")]
    assert_access(client, users=users, urls=refused, expected={"security_admin": 403})


def test_working_roles_are_refused_the_three_administrations(request, client):
    users = users_by_role(request, ["town_staff", "director", "bureau", "inspector"])
    refused = [(url("admin:index"), "GET"), (url("audit:event_list"), "GET"), (url("accounts:lockouts"), "GET")]
    assert_access(client, users=users, urls=refused, expected=dict.fromkeys(users, 403))


def test_a_refusal_is_audited(login, auditor):
    login(auditor).get(url("admin:index"))
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.DENIED)
    assert event.username == "auditor" and event.object_label == "/admin/" and not event.success


def test_the_admin_has_no_login_form_of_its_own(client, db):
    response = client.get("/admin/", follow=True)
    assert response.request["PATH_INFO"] == "/accounts/login/"
    assert "连续 5 次输错密码" in response.content.decode()


# --- one role, no superuser fields ---------------------------------------------------------------

FORBIDDEN_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


def test_the_user_forms_offer_no_superuser_staff_group_or_permission_field(login, admin_user, town_staff):
    client = login(admin_user)
    for page in (url("admin:accounts_user_add"), url("admin:accounts_user_change", town_staff.pk)):
        text = client.get(page).content.decode()
        assert 'name="role"' in text
        for name in FORBIDDEN_FIELDS:
            assert f'name="{name}"' not in text, (page, name)


def change_form(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "email": user.email,
        "phone": user.phone,
        "role": user.role,
        "regions": [r.pk for r in user.regions.all()],
        "is_active": "on" if user.is_active else "",
        "must_change_password": "on" if user.must_change_password else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_posting_superuser_flags_through_the_admin_changes_nothing(login, admin_user, town_staff):
    client = login(admin_user)
    data = change_form(town_staff, is_superuser="on", is_staff="on")
    response = client.post(url("admin:accounts_user_change", town_staff.pk), data)
    assert response.status_code == 302
    town_staff.refresh_from_db()
    assert not town_staff.is_superuser and not town_staff.is_staff


def test_nobody_changes_their_own_role(login, admin_user):
    client = login(admin_user)
    text = client.get(url("admin:accounts_user_change", admin_user.pk)).content.decode()
    assert 'name="role"' not in text and 'name="is_active"' not in text
    client.post(url("admin:accounts_user_change", admin_user.pk), change_form(admin_user, role=Role.BUREAU))
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN


def test_a_user_cannot_be_created_without_a_role(login, admin_user):
    data = {"username": "norole", "password1": "Qidong-2026!x", "password2": "Qidong-2026!x"}
    response = login(admin_user).post(url("admin:accounts_user_add"), data)
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert not User.objects.filter(username="norole").exists()


def test_role_is_a_single_value_per_user():
    field = User._meta.get_field("role")
    assert not field.many_to_many and not field.blank and set(field.choices) == set(Role.choices)


def test_the_admin_does_not_reset_passwords(login, admin_user, town_staff):
    response = login(admin_user).get(url("admin:auth_user_password_change", town_staff.pk))
    assert response.status_code == 403


def test_a_new_user_from_the_admin_must_change_the_initial_password(login, admin_user, huilong):
    data = {
        "username": "new_staff",
        "last_name": "钱",
        "first_name": "新",
        "role": Role.TOWN_STAFF,
        "regions": [huilong.pk],
        "password1": "Qidong-2026!x",
        "password2": "Qidong-2026!x",
    }
    response = login(admin_user).post(url("admin:accounts_user_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="new_staff")
    assert user.must_change_password and user.role == Role.TOWN_STAFF and not user.is_staff
    assert list(user.regions.values_list("code", flat=True)) == [HUILONG]
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.PERMISSION, object_id=str(user.pk))
    assert {tuple(e.detail["changed"]) for e in events} == {("created",), ("regions",)}
    assert all(e.username == "admin" for e in events)
