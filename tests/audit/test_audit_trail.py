"""What the audit trail records (issue 8.3): logins, failures, logouts, creates, updates and deletes
of the archive (the history hook), reveals, permission changes, refusals — with time, user, IP,
event, object and outcome — and never a full ID number or mobile number."""

import contextlib
import json
import re
from datetime import date

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from simple_history.models import HistoricalRecords

from qidong_care.accounts.roles import Role
from qidong_care.audit.models import AuditEvent
from qidong_care.audit.request_context import client_ip, current_request
from qidong_care.audit.services import audit_record
from registry.choices import AdultRole, ExitReason
from registry.services import child_exit, child_save
from tests.conftest import DIRECTOR_VILLAGES, PASSWORD
from tests.factories import complete_adults, make_child, make_id

K = AuditEvent.Kind
FULL_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@contextlib.contextmanager
def acting_as(user):
    """What the middleware sets up while a page calls a service: the request, for history and audit."""
    request = RequestFactory().post("/children/", REMOTE_ADDR="10.6.6.6")
    request.user = user
    token = current_request.set(request)
    HistoricalRecords.context.request = request
    try:
        yield request
    finally:
        del HistoricalRecords.context.request
        current_request.reset(token)


def all_audit_text() -> str:
    rows = AuditEvent.objects.values_list("username", "object_id", "object_label", "detail")
    return "\n".join(json.dumps(list(row), ensure_ascii=False) for row in rows)


def test_a_login_and_a_logout_are_recorded_with_time_user_and_address(client, town_staff):
    client.post("/accounts/login/", {"username": "town_huilong", "password": PASSWORD}, REMOTE_ADDR="10.3.3.3")
    client.post(reverse("logout"), REMOTE_ADDR="10.3.3.3")
    login, logout = AuditEvent.objects.order_by("id").filter(kind__in=[K.LOGIN, K.LOGOUT])
    assert (login.kind, login.username, login.user_id, login.ip_address, login.success) == (
        K.LOGIN,
        "town_huilong",
        town_staff.pk,
        "10.3.3.3",
        True,
    )
    assert logout.kind == K.LOGOUT and logout.at >= login.at


def test_a_failed_login_with_an_id_number_as_username_is_stored_masked(client, db):
    typed = make_id(date(1990, 1, 2))
    client.post("/accounts/login/", {"username": typed, "password": "x"})
    event = AuditEvent.objects.get(kind=K.LOGIN_FAILED)
    assert not event.success
    assert typed not in all_audit_text()
    assert event.username == typed[:6] + "********" + typed[-4:]


# --- the archive, through the history hook ----------------------------------------------------------


def test_creating_a_child_records_one_create_per_record_by_the_user(town_staff):
    with acting_as(town_staff):
        child = make_child(DIRECTOR_VILLAGES[0], user=town_staff)
    creates = AuditEvent.objects.filter(kind=K.CREATE).exclude(object_type="registry.region")
    assert creates.filter(object_type="registry.child", object_id=str(child.pk)).count() == 1
    assert creates.filter(object_type="registry.adult").count() == 3  # father, mother, grandmother
    assert creates.filter(object_type="registry.childadult").count() == 4
    assert not AuditEvent.objects.filter(kind=K.UPDATE, object_type="registry.child").exists()
    assert {(e.username, e.ip_address) for e in creates} == {("town_huilong", "10.6.6.6")}
    assert creates.get(object_type="registry.child").detail == {"reason": "测试建档"}


def test_an_update_names_the_changed_fields_without_their_values(town_staff):
    child = make_child(DIRECTOR_VILLAGES[0], user=town_staff)
    child_save(user=town_staff, child=child, data={"school": "启东市实验小学"}, adults={}, reason="在线录入")
    update = AuditEvent.objects.get(kind=K.UPDATE, object_type="registry.child")
    assert "school" in update.detail["fields"] and update.detail["reason"] == "在线录入"
    assert "启东市实验小学" not in all_audit_text()


def test_two_services_on_the_same_instance_record_two_events(town_staff):
    child = make_child(DIRECTOR_VILLAGES[0], user=town_staff)
    child_save(user=town_staff, child=child, data={"grade": "6年级"}, adults={}, reason="在线录入")
    child_exit(user=town_staff, child=child, reason=ExitReason.MOVED_AWAY, on=date(2026, 11, 20))
    updates = AuditEvent.objects.filter(kind=K.UPDATE, object_type="registry.child")
    assert [e.detail["reason"] for e in updates.order_by("id")] == ["在线录入", "退出：迁出"]


def test_removing_a_carer_records_a_delete(town_staff):
    child = make_child(DIRECTOR_VILLAGES[0], user=town_staff)
    with acting_as(town_staff):
        child_save(user=town_staff, child=child, data={}, adults={AdultRole.CARER: None}, reason="在线录入")
    delete = AuditEvent.objects.get(kind=K.DELETE)
    assert delete.object_type == "registry.childadult" and delete.username == "town_huilong"


def test_no_full_id_number_or_mobile_reaches_the_audit_log(town_staff):
    child = make_child(DIRECTOR_VILLAGES[0], user=town_staff)
    audit_record(kind=K.REVEAL, obj=child, user=town_staff, detail={"field": "id_number", "value": child.id_number})
    numbers = [a.id_number for a in complete_adults().values()] + ["13781286570", "13912345678"]
    audit_record(
        kind=K.IMPORT,
        user=town_staff,
        object_type="registry.import",
        object_id=child.id_number,
        detail={"rows": 3, "errors": [{"row": 4, "message": f"身份证号 {numbers[0]} 重复"}], "ids": numbers},
    )
    text = all_audit_text()
    assert child.id_number not in text and not FULL_ID.search(text) and not FULL_MOBILE.search(text)
    reveal = AuditEvent.objects.get(kind=K.REVEAL)
    assert reveal.detail["value"] == child.id_number[:6] + "********" + child.id_number[-4:]
    assert reveal.object_label == str(child)  # the masked ID as shown in lists


# --- permissions ----------------------------------------------------------------------------------


def test_role_region_and_activity_changes_in_the_admin_are_recorded(login, admin_user, director, nanyang):
    client = login(admin_user)
    data = {"username": director.username, "role": Role.TOWN_STAFF, "regions": [nanyang.pk], "is_active": "on"}
    assert client.post(reverse("admin:accounts_user_change", args=[director.pk]), data).status_code == 302
    events = AuditEvent.objects.filter(kind=K.PERMISSION, object_id=str(director.pk)).order_by("id")
    assert [e.detail["changed"] for e in events] == [["role"], ["regions"]]
    assert events[0].detail["role"] == Role.TOWN_STAFF and events[1].detail["regions"] == [nanyang.code]
    assert {e.username for e in events} == {"admin"}
    data.pop("is_active")
    client.post(reverse("admin:accounts_user_change", args=[director.pk]), data)
    disabled = AuditEvent.objects.filter(kind=K.PERMISSION, object_id=str(director.pk)).order_by("id").last()
    assert disabled.detail["changed"] == ["is_active"] and disabled.detail["active"] is False


def test_a_region_edit_in_the_admin_is_recorded(login, admin_user, huilong):
    client = login(admin_user)
    data = {"code": huilong.code, "name": "汇龙镇（改）", "level": huilong.level, "parent": huilong.parent_id}
    data["active"] = "on"
    assert client.post(reverse("admin:registry_region_change", args=[huilong.pk]), data).status_code == 302
    event = AuditEvent.objects.get(kind=K.UPDATE, object_type="registry.region")
    assert event.object_id == str(huilong.pk) and event.detail["fields"] == ["name"] and event.username == "admin"


# --- addresses ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "10.0.0.5"),
        (1, {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 10.8.8.8"}, "10.8.8.8"),
        (1, {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "not-an-address"}, None),
        (0, {"REMOTE_ADDR": "garbage"}, None),
    ],
)
def test_the_client_address_trusts_only_our_own_proxies(proxies, meta, expected):
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(RequestFactory().get("/", **meta)) == expected


def test_a_spoofed_forwarded_header_does_not_break_a_login(client, town_staff):
    with override_settings(TRUSTED_PROXY_COUNT=1):
        response = client.post(
            "/accounts/login/",
            {"username": "town_huilong", "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="<script>, 10.4.4.4",
        )
    assert response.status_code == 302
    assert AuditEvent.objects.get(kind=K.LOGIN).ip_address == "10.4.4.4"
