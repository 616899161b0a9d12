"""Every page: 403 for roles without the capability, 404 outside the user's towns."""

import pytest
from django.urls import reverse

from registry.national.models import ColumnMapping, LineKind

from .test_views import direct_run


@pytest.fixture
def huilong_run(scenario, town_staff, huilong):
    return direct_run(town_staff, scenario.rows, town=huilong)


@pytest.fixture
def users(town_staff, outsider, director, bureau, inspector, admin_user, security_admin, auditor):
    return {
        "town_staff": town_staff,
        "outsider": outsider,
        "director": director,
        "bureau": bureau,
        "inspector": inspector,
        "admin": admin_user,
        "security": security_admin,
        "auditor": auditor,
    }


def status(client, user, method: str, url: str, data=None) -> int:
    client.force_login(user)
    return getattr(client, method)(url, data or {}).status_code


def assert_statuses(client, users, method, url, expected: dict[str, int]):
    found = {name: status(client, users[name], method, url) for name in expected}
    assert found == expected


def test_the_run_list(client, users, db):
    url = reverse("registry:reconcile_list")
    assert_statuses(
        client,
        users,
        "get",
        url,
        {"town_staff": 200, "bureau": 200, "inspector": 200, "admin": 200}
        | {"director": 403, "auditor": 403, "security": 403},
    )


def test_the_run_list_shows_only_runs_covering_the_users_towns(client, scenario, users, huilong_run):
    client.force_login(users["outsider"])
    assert f"/national/{huilong_run.pk}/" not in client.get(reverse("registry:reconcile_list")).content.decode()
    client.force_login(users["bureau"])
    assert f"/national/{huilong_run.pk}/" in client.get(reverse("registry:reconcile_list")).content.decode()


def test_starting_a_run(client, users, db):
    url = reverse("registry:reconcile_run")
    expected = {"town_staff": 200, "admin": 200, "bureau": 403, "inspector": 403, "director": 403, "auditor": 403}
    assert_statuses(client, users, "get", url, expected)


def test_the_report(client, users, huilong_run):
    url = reverse("registry:reconcile_report", args=[huilong_run.pk])
    expected = {"town_staff": 200, "bureau": 200, "admin": 200, "outsider": 404, "director": 403, "auditor": 403}
    assert_statuses(client, users, "get", url, expected)


def test_a_county_run_shows_town_staff_only_their_town(client, scenario, users):
    run = direct_run(users["admin"], scenario.rows)
    client.force_login(users["outsider"])
    page = client.get(reverse("registry:reconcile_report", args=[run.pk]), {"kind": LineKind.FIELD_DIFF})
    assert "袁一鸣" in page.content.decode() and "顾晓东" not in page.content.decode()


def test_the_export(client, users, huilong_run):
    url = reverse("registry:reconcile_export", args=[huilong_run.pk])
    expected = {"town_staff": 200, "bureau": 200, "outsider": 404, "admin": 403, "inspector": 403, "director": 403}
    assert_statuses(client, users, "post", url, expected)
    assert status(client, users["town_staff"], "get", url) == 405


def test_the_likely_match_page(client, users, huilong_run):
    line = huilong_run.lines.get(kind=LineKind.LIKELY)
    url = reverse("registry:reconcile_line", args=[line.pk])
    expected = {"town_staff": 200, "bureau": 200, "outsider": 404, "admin": 403, "director": 403, "auditor": 403}
    assert_statuses(client, users, "get", url, expected)


@pytest.mark.parametrize("name", ["registry:reconcile_confirm", "registry:reconcile_reject"])
def test_deciding_a_likely_match(client, users, huilong_run, name):
    line = huilong_run.lines.get(kind=LineKind.LIKELY)
    url = reverse(name, args=[line.pk])
    assert status(client, users["town_staff"], "get", url) == 405
    expected = {"outsider": 404, "bureau": 403, "inspector": 403, "admin": 403, "director": 403, "town_staff": 302}
    assert_statuses(client, users, "post", url, expected)


def test_the_mapping_pages(client, users, db):
    mapping = ColumnMapping.objects.create(name="某格式", columns={"name": "姓名", "id_number": "身份证号"})
    for url in (
        reverse("registry:reconcile_mapping_list"),
        reverse("registry:reconcile_mapping_new"),
        reverse("registry:reconcile_mapping_edit", args=[mapping.pk]),
    ):
        expected = {"admin": 200, "town_staff": 200, "bureau": 403, "director": 403, "auditor": 403}
        assert_statuses(client, users, "get", url, expected)
    assert status(client, users["admin"], "get", reverse("registry:reconcile_mapping_edit", args=[999])) == 404


def test_the_nav_bar_shows_the_reconciliation_to_those_who_run_it(client, users, db):
    client.force_login(users["town_staff"])
    assert reverse("registry:reconcile_list") in client.get("/").content.decode()
    client.force_login(users["director"])
    assert reverse("registry:reconcile_list") not in client.get("/").content.decode()
