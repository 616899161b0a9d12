"""The security administrator resets passwords; the bootstrap command creates the first administrator."""

import re
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from qidong_care.accounts.models import User
from qidong_care.accounts.roles import Role
from qidong_care.audit.models import AuditEvent
from tests.conftest import PASSWORD


def shown_password(response) -> str:
    return re.search(r'id="initial-password">([^<]+)<', response.content.decode()).group(1)


def test_a_reset_gives_a_one_time_initial_password_and_ends_sessions(login, security_admin, town_staff):
    victim_device = Client()
    victim_device.post("/accounts/login/", {"username": "town_huilong", "password": PASSWORD})
    response = login(security_admin).post(reverse("accounts:password_reset"), {"username": "town_huilong"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = shown_password(response)
    town_staff.refresh_from_db()
    assert town_staff.check_password(password) and town_staff.must_change_password
    assert not Session.objects.filter(session_key=victim_device.session.session_key).exists()
    assert victim_device.get("/").status_code == 302
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PASSWORD_RESET)
    assert event.username == "security" and event.object_id == str(town_staff.pk)
    assert password not in str(event.detail) and password not in event.object_label


def test_a_reset_of_an_unknown_user_says_so(login, security_admin):
    response = login(security_admin).post(reverse("accounts:password_reset"), {"username": "nobody"})
    assert response.status_code == 400 and "没有这个用户名。" in response.content.decode()


@pytest.mark.parametrize("role", ["admin_user", "auditor", "bureau"])
def test_only_the_security_administrator_resets_passwords(request, login, role, town_staff):
    user = request.getfixturevalue(role)
    response = login(user).post(reverse("accounts:password_reset"), {"username": "town_huilong"})
    assert response.status_code == 403
    town_staff.refresh_from_db()
    assert town_staff.check_password(PASSWORD)


# --- bootstrap ---------------------------------------------------------------------------------


def test_create_admin_makes_the_first_administrator_with_an_initial_password(db):
    out = StringIO()
    call_command("create_admin", "root_admin", stdout=out)
    password = re.search(r"初始密码：(\S+)", out.getvalue()).group(1)
    user = User.objects.get(username="root_admin")
    assert user.role == Role.ADMIN and user.must_change_password and user.check_password(password)
    assert not user.is_superuser and not user.is_staff
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PERMISSION, object_id=str(user.pk)).exists()
    client = Client()
    response = client.post("/accounts/login/", {"username": "root_admin", "password": password}, follow=True)
    assert response.request["PATH_INFO"] == reverse("password_change")


def test_create_admin_refuses_a_second_administrator_without_force(admin_user):
    with pytest.raises(CommandError, match="--force"):
        call_command("create_admin", "another", stdout=StringIO())
    call_command("create_admin", "another", "--force", stdout=StringIO())
    assert User.objects.filter(role=Role.ADMIN).count() == 2


def test_create_admin_refuses_an_existing_username(town_staff):
    with pytest.raises(CommandError, match="已存在"):
        call_command("create_admin", "TOWN_HUILONG", stdout=StringIO())
