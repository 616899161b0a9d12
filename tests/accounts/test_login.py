import pytest
from django.test import override_settings

from tests.conftest import PASSWORD


def test_every_page_but_login_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_page_is_in_chinese(client, db):
    response = client.get("/accounts/login/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "用户名" in text and "密码" in text and "登录" in text


def test_a_wrong_password_says_so_in_chinese_and_keeps_the_username(client, town_staff):
    response = client.post("/accounts/login/", {"username": "town_huilong", "password": "wrong-password"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "请输入一个正确的 用户名 和密码" in text or "用户名和密码" in text.replace(" ", "")
    assert 'value="town_huilong"' in text


def test_the_right_password_logs_in_and_shows_the_home_page(client, town_staff):
    response = client.post("/accounts/login/", {"username": "town_huilong", "password": PASSWORD}, follow=True)
    text = response.content.decode()
    assert "您好，张汇龙" in text or "您好，汇龙" in text or "张汇龙" in text
    assert "区镇民政干部" in text and "汇龙镇" in text


def test_an_unknown_url_gives_a_chinese_404_page(client, town_staff):
    client.force_login(town_staff)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@override_settings(DEBUG=False)
def test_a_server_error_gives_a_chinese_500_page_without_a_traceback(client, town_staff, monkeypatch):
    from qidong_care.core import views

    def explode(request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "home_context", lambda user: explode(None))
    client.raise_request_exception = False
    client.force_login(town_staff)
    response = client.get("/")
    text = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in text
    assert "secret internals" not in text and "Traceback" not in text


@pytest.mark.parametrize(
    ("fixture", "shown", "hidden"),
    [
        ("town_staff", ["首页", "儿童档案"], ["审计日志", "系统管理"]),
        ("auditor", ["首页", "审计日志"], ["儿童档案", "系统管理", "账号安全"]),
        ("admin_user", ["系统管理"], ["儿童档案", "审计日志", "账号安全"]),
        ("security_admin", ["账号安全"], ["儿童档案", "审计日志", "系统管理", "后台任务"]),
    ],
)
def test_the_navigation_bar_follows_the_role(request, client, fixture, shown, hidden):
    user = request.getfixturevalue(fixture)
    client.force_login(user)
    text = client.get("/").content.decode()
    nav = text.split('id="main-nav"')[1].split("</nav>")[0]
    for label in shown:
        assert label in nav, label
    for label in hidden:
        assert label not in nav, label


def test_names_are_shown_surname_first(login, director):
    assert director.get_full_name() == "王主任" and str(director) == "王主任（director_huilong）"
    assert "王主任 · 村（居）儿童主任" in login(director).get("/").content.decode()


def test_the_admin_add_page_speaks_chinese(login, admin_user):
    text = login(admin_user).get("/admin/accounts/user/add/").content.decode()
    assert "用户首次登录后必须修改初始密码" in text and "After you" not in text
