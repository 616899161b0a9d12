"""Login lockout (issue 8.1): 5 failures lock a username for 30 minutes, whatever the address; a
Chinese page says so; the lock ends by itself; the security administrator sees and lifts it."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from qidong_care.accounts.services import locked_accounts
from qidong_care.audit.models import AuditEvent
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"


def attempt(client, username: str, password: str = "wrong-password", ip: str = "10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail_five_times(client, username: str = "town_huilong", ip: str = "10.1.1.1") -> None:
    for _ in range(5):
        attempt(client, username, ip=ip)


def move_attempts_back(minutes: int) -> None:
    for row in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - timedelta(minutes=minutes))


def test_four_failures_do_not_lock(client, town_staff):
    for _ in range(4):
        attempt(client, "town_huilong")
    response = attempt(client, "town_huilong", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_fifth_failure_locks_with_a_chinese_page(client, town_staff):
    for _ in range(4):
        assert attempt(client, "town_huilong").status_code == 200
    response = attempt(client, "town_huilong")
    text = response.content.decode()
    assert response.status_code == 429
    assert "账号已临时锁定" in text and "30 分钟" in text


def test_the_right_password_is_refused_while_locked(client, town_staff):
    fail_five_times(client)
    response = attempt(client, "town_huilong", PASSWORD)
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_the_lock_is_by_username_not_by_address(client, town_staff, outsider):
    fail_five_times(client, ip="10.1.1.1")
    assert attempt(client, "town_huilong", PASSWORD, ip="10.9.9.9").status_code == 429
    other = attempt(client, "town_nanyang", PASSWORD, ip="10.1.1.1")
    assert other.status_code == 302 and other["Location"] == "/"


def test_failures_from_several_addresses_add_up(client, town_staff):
    for ip in ("10.1.1.1", "10.1.1.2", "10.1.1.3", "10.1.1.4", "10.1.1.5"):
        attempt(client, "town_huilong", ip=ip)
    assert attempt(client, "town_huilong", PASSWORD, ip="10.1.1.6").status_code == 429


def test_the_lock_ends_after_thirty_minutes(client, town_staff):
    fail_five_times(client)
    move_attempts_back(29)
    assert attempt(client, "town_huilong", PASSWORD).status_code == 429
    move_attempts_back(2)
    response = attempt(client, "town_huilong", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_retrying_during_the_lock_does_not_prolong_it(client, town_staff):
    fail_five_times(client)
    move_attempts_back(20)
    for _ in range(3):
        attempt(client, "town_huilong")
    move_attempts_back(11)
    assert attempt(client, "town_huilong", PASSWORD).status_code == 302


def test_failures_and_the_lockout_are_audited(client, town_staff):
    fail_five_times(client, ip="10.1.1.7")
    failures = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED)
    assert failures.count() == 5
    assert {(e.username, e.ip_address, e.success) for e in failures} == {("town_huilong", "10.1.1.7", False)}
    lockout = AuditEvent.objects.get(kind=AuditEvent.Kind.LOCKED_OUT)
    assert lockout.username == "town_huilong" and not lockout.success


# --- the security administrator ------------------------------------------------------------------


def test_the_security_administrator_sees_locked_accounts(client, login, town_staff, security_admin):
    fail_five_times(client, ip="10.2.2.2")
    for _ in range(2):
        attempt(client, "town_nanyang")  # two failures: not locked
    assert [a.username for a in locked_accounts()] == ["town_huilong"]
    text = login(security_admin).get(reverse("accounts:lockouts")).content.decode()
    assert "town_huilong" in text and "10.2.2.2" in text and "town_nanyang" not in text


def test_unlocking_lets_the_user_in_at_once_and_is_audited(client, login, town_staff, security_admin):
    fail_five_times(client)
    response = login(security_admin).post(reverse("accounts:unlock"), {"username": "town_huilong"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.UNLOCK)
    assert event.username == "security" and event.object_label == "town_huilong" and event.success
    client.logout()
    assert attempt(client, "town_huilong", PASSWORD).status_code == 302


@pytest.mark.parametrize("role", ["admin_user", "auditor", "director"])
def test_only_the_security_administrator_unlocks(request, client, login, role, town_staff):
    fail_five_times(client)
    user = request.getfixturevalue(role)
    assert login(user).post(reverse("accounts:unlock"), {"username": "town_huilong"}).status_code == 403
    assert [a.username for a in locked_accounts()] == ["town_huilong"]
