"""tests/access.py must catch a leak: it is checked against a URLconf with one guarded and one
leaky page (this module is that URLconf)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import include, path

from qidong_care.accounts.roles import Capability
from tests.access import (
    NO_CHILD_DATA_ROLES,
    Probe,
    assert_access,
    assert_refused_to,
    probe_mismatches,
    routes,
    url_names,
    users_by_role,
)


def guarded(request, pk: int):
    if not request.user.can(Capability.VIEW_CHILDREN):
        raise PermissionDenied
    return HttpResponse("child")


def leaky(request):
    return HttpResponse("every child")


TEST_PAGES = [path("<int:pk>/", guarded, name="detail"), path("all/", leaky, name="all")]
urlpatterns = [
    path("children/", include((TEST_PAGES, "leaktest"))),
    path("", include("qidong_care.urls")),
]
URLCONF = "tests.accounts.test_access_helper"


def test_routes_fills_arguments_by_name():
    found = {route.name: route for route in routes(["leaktest"], values={"pk": 42}, urlconf=URLCONF)}
    assert found["leaktest:detail"].url == "/children/42/"
    assert found["leaktest:detail"].has_arguments
    assert found["leaktest:all"].url == "/children/all/" and not found["leaktest:all"].has_arguments


@pytest.mark.urls(URLCONF)
def test_a_guarded_page_passes(request, client, db):
    users = users_by_role(request, NO_CHILD_DATA_ROLES)
    detail = [r for r in routes(["leaktest"], urlconf=URLCONF) if r.name == "leaktest:detail"]
    assert_refused_to(client, users=users, pages=detail)


@pytest.mark.urls(URLCONF)
def test_a_leaky_page_fails_and_names_every_role(request, client, db):
    users = users_by_role(request, NO_CHILD_DATA_ROLES)
    leak = [r for r in routes(["leaktest"], urlconf=URLCONF) if r.name == "leaktest:all"]
    with pytest.raises(AssertionError) as failure:
        assert_refused_to(client, users=users, pages=leak)
    for role in NO_CHILD_DATA_ROLES:
        assert f"{role} AUTO /children/all/: got 200" in str(failure.value)


@pytest.mark.urls(URLCONF)
def test_assert_access_compares_with_the_table(request, client, db):
    users = users_by_role(request, ["town_staff", "auditor"])
    assert_access(client, users=users, urls=[("/children/1/", "GET")], expected={"town_staff": 200, "auditor": 403})
    with pytest.raises(AssertionError, match="auditor GET /children/1/: got 403"):
        assert_access(client, users=users, urls=[("/children/1/", "GET")], expected={"auditor": 200})


def test_routes_leave_out_excluded_names():
    names = [r.name for r in routes(["leaktest"], urlconf=URLCONF, exclude=["leaktest:a*"])]
    assert names == ["leaktest:detail"]


def test_url_names_include_regex_routes_and_namespaces():
    names = url_names(URLCONF)
    assert {"leaktest:detail", "leaktest:all", "registry:child_detail", "admin:app_list"} <= set(names)


@pytest.mark.urls(URLCONF)
def test_probe_mismatches_reports_a_leak_and_logs_in_again_after_a_logout(request, client, db):
    users = {"anonymous": None, **users_by_role(request, ["auditor"])}
    logout = Probe("logout", "/accounts/logout/", frozenset({302}))
    leak = Probe("leaktest:all", "/children/all/", frozenset({403}))
    probes = {"auditor": [logout, leak], "anonymous": [Probe("leaktest:all", "/children/all/", frozenset({302}))]}
    problems = probe_mismatches(client, users=users, probes=probes)
    assert problems == ["auditor leaktest:all /children/all/: got 200, expected [403]"]
