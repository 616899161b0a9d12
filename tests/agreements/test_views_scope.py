"""Scope on every agreement page: 404 outside the user's regions, 403 for roles that may not act."""

import pytest
from django.urls import reverse

from agreements.services import agreement_upload_scan
from qidong_care.accounts.models import User
from registry.models import Region
from tests.agreements import scanfiles
from tests.agreements.conftest import HUILONG_OTHER_VILLAGE, YAGUANG, sign
from tests.factories import make_child

pytestmark = pytest.mark.django_db

CHILD_READS = ["agreements:child_agreement", "agreements:scan"]
CHILD_WRITES = ["agreements:sign", "agreements:upload_scan", "agreements:mark_resign", "agreements:end"]


@pytest.fixture
def child(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    agreement = sign(child, user=town_staff)
    agreement_upload_scan(user=town_staff, agreement=agreement, upload=scanfiles.png())
    return child


def _request(client, name: str, child):
    url = reverse(name, args=[child.pk])
    return client.post(url, {}) if name in CHILD_WRITES else client.get(url)


@pytest.mark.parametrize("name", CHILD_READS + CHILD_WRITES + ["agreements:print"])
def test_an_outsider_gets_404_on_every_child_page(login, outsider, child, name):
    assert _request(login(outsider), name, child).status_code == 404


@pytest.mark.parametrize("name", CHILD_WRITES + ["agreements:print"])
@pytest.mark.parametrize("role", ["bureau", "inspector"])
def test_read_only_roles_get_403_on_every_write_and_print(login, child, name, role, request):
    assert _request(login(request.getfixturevalue(role)), name, child).status_code == 403


@pytest.mark.parametrize("name", CHILD_READS)
@pytest.mark.parametrize("role", ["bureau", "inspector", "town_staff", "director"])
def test_roles_within_scope_read_the_agreement_and_its_scan(login, child, name, role, request):
    assert _request(login(request.getfixturevalue(role)), name, child).status_code == 200


@pytest.mark.parametrize("name", CHILD_READS + CHILD_WRITES + ["agreements:print"])
@pytest.mark.parametrize("role", ["admin_user", "auditor", "security_admin"])
def test_roles_that_do_not_read_archives_get_403(login, child, name, role, request):
    assert _request(login(request.getfixturevalue(role)), name, child).status_code == 403


def test_a_director_gets_404_for_a_child_of_another_village_of_the_town(login, director, town_staff):
    other = make_child(HUILONG_OTHER_VILLAGE, user=town_staff)
    client = login(director)
    assert client.get(reverse("agreements:child_agreement", args=[other.pk])).status_code == 404
    assert client.get(reverse("agreements:print", args=[other.pk])).status_code == 404


def test_an_unknown_child_is_404(login, town_staff):
    assert login(town_staff).get(reverse("agreements:child_agreement", args=[999999])).status_code == 404


@pytest.mark.parametrize("name", ["agreements:coverage", "agreements:list", "agreements:list_export"])
@pytest.mark.parametrize("role", ["admin_user", "auditor", "security_admin"])
def test_roles_that_do_not_read_archives_get_403_on_coverage_pages(login, name, role, request):
    assert login(request.getfixturevalue(role)).get(reverse(name)).status_code == 403


def test_a_director_may_not_export_the_list(login, director):
    assert login(director).get(reverse("agreements:list_export")).status_code == 403


def test_village_print_is_404_outside_scope_and_403_for_read_only_roles(login, outsider, director, bureau, child):
    village = Region.objects.get(code=YAGUANG)
    other = Region.objects.get(code=HUILONG_OTHER_VILLAGE)
    url = reverse("agreements:print_village", args=[village.pk])
    assert login(outsider).get(url).status_code == 404
    assert login(director).get(reverse("agreements:print_village", args=[other.pk])).status_code == 404
    assert login(bureau).get(url).status_code == 403
    town = Region.objects.get(code="320681100")
    assert login(director).get(reverse("agreements:print_village", args=[town.pk])).status_code == 404


def test_coverage_town_drill_down_is_404_for_an_unknown_town(login, bureau):
    assert login(bureau).get(reverse("agreements:coverage"), {"town": "999999"}).status_code == 404
    assert login(bureau).get(reverse("agreements:coverage"), {"town": "abc"}).status_code == 404


def test_state_changes_need_post(login, town_staff, child):
    assert login(town_staff).get(reverse("agreements:sign", args=[child.pk])).status_code == 405


def test_the_admin_shows_agreements_read_only_to_superusers_and_not_to_the_system_administrator(
    login, admin_user, child
):
    url = reverse("admin:agreements_agreement_changelist")
    assert login(admin_user).get(url).status_code == 403
    root = User.objects.create_superuser("root", password="Root-pass-2026", role="admin", must_change_password=False)
    client = login(root)
    assert client.get(url).status_code == 200
    agreement = child.agreement
    assert client.get(reverse("admin:agreements_agreement_change", args=[agreement.pk])).status_code == 200
    assert client.get(reverse("admin:agreements_agreement_add")).status_code == 403
