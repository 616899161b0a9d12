"""Password policy (issue 8.1): at least 8 characters, 3 of 4 classes, not common, not containing
the username; Chinese messages on the change page and on the administrator's creation page; an
initial password is changed at first login."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from qidong_care.accounts.models import User
from qidong_care.accounts.roles import Role
from qidong_care.accounts.services import initial_password
from tests.conftest import PASSWORD

USER = User(username="zhanghua")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!xyz", "密码太短：至少需要 8 个字符。"),
        ("abcdefgh1", "密码须包含小写字母、大写字母、数字、符号中的至少 3 类。"),
        ("ABCDEFGH!", "密码须包含小写字母、大写字母、数字、符号中的至少 3 类。"),
        ("Password1", "这个密码太常见了。"),
        ("Zhanghua-2026", "密码不能包含用户名。"),
        ("x-ZHANGHUA-9", "密码不能包含用户名。"),
    ],
)
def test_a_weak_password_is_refused_in_chinese(password, message, db):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, USER)
    assert message in refused.value.messages


@pytest.mark.parametrize("password", ["Qidong-care7", "qidong care 2026", "QIDONG#2026x", "qd7!Lm2pzA"])
def test_a_strong_password_is_accepted(password, db):
    validate_password(password, USER)


def test_generated_initial_passwords_pass_the_policy(db):
    for _ in range(20):
        validate_password(initial_password(), USER)


def test_the_change_page_shows_each_rule_in_chinese(login, town_staff):
    data = {"old_password": PASSWORD, "new_password1": "abcdefg", "new_password2": "abcdefg"}
    text = login(town_staff).post(reverse("password_change"), data).content.decode()
    assert "密码太短：至少需要 8 个字符。" in text
    assert "密码须包含小写字母、大写字母、数字、符号中的至少 3 类。" in text
    town_staff.refresh_from_db()
    assert town_staff.check_password(PASSWORD)


def test_the_administrator_cannot_create_a_user_with_a_weak_password(login, admin_user):
    data = {"username": "weakling", "role": Role.DIRECTOR, "password1": "weakling1", "password2": "weakling1"}
    text = login(admin_user).post(reverse("admin:accounts_user_add"), data).content.decode()
    assert "密码不能包含用户名。" in text
    assert "密码须包含小写字母、大写字母、数字、符号中的至少 3 类。" in text
    assert not User.objects.filter(username="weakling").exists()


# --- forced change of an initial password ----------------------------------------------------------


@pytest.fixture
def newcomer(db):
    user = User.objects.create_user(username="newcomer", password="Initial-2026x", role=Role.TOWN_STAFF)
    assert user.must_change_password  # the default: every created account starts with an initial password
    return user


def test_an_initial_password_leads_to_the_change_page_until_changed(client, newcomer):
    response = client.post("/accounts/login/", {"username": "newcomer", "password": "Initial-2026x"}, follow=True)
    assert response.request["PATH_INFO"] == reverse("password_change")
    assert "您正在使用初始密码" in response.content.decode()
    for page in ("/", reverse("notifications:list"), reverse("core:job_list")):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"] == reverse("password_change"), page
    data = {"old_password": "Initial-2026x", "new_password1": "Mine-own-2026", "new_password2": "Mine-own-2026"}
    assert client.post(reverse("password_change"), data).status_code == 302
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password
    assert client.get("/").status_code == 200


def test_logging_out_stays_possible_with_an_initial_password(client, newcomer):
    client.post("/accounts/login/", {"username": "newcomer", "password": "Initial-2026x"})
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
