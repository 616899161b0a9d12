"""Scope and roles on every registry page: outside one's regions a child is a 404; read-only roles
get 403 on writes; roles that may not read archives (admin, security, audit) get 403 everywhere."""

import pytest
from django.urls import reverse

from registry.models import Child
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import make_child
from tests.registry.registry_pages import next_id

CHILD_PAGES = ["child_detail", "child_edit", "child_field_check", "child_exit"]
WRITE_PAGES = ["child_edit", "child_field_check", "child_exit"]
LIST_PAGES = ["child_list", "suspected_list"]


@pytest.fixture
def child(town_staff):
    return make_child(DIRECTOR_VILLAGES[0], user=town_staff, id_number=next_id())


@pytest.fixture
def suspected(town_staff):
    """A child the rules cannot decide (the father's work place names no county)."""
    from tests.factories import away, complete_adults

    adults = complete_adults()
    adults["father"] = away("石轩瑶", place="外地", relation="father")
    return make_child(DIRECTOR_VILLAGES[0], user=town_staff, name="石待核", adults=adults, id_number=next_id())


def url(name: str, child: Child | None = None) -> str:
    return reverse(f"registry:{name}", args=[child.pk] if child else [])


@pytest.mark.parametrize("name", CHILD_PAGES)
def test_an_outsider_gets_404_on_every_child_page(login, outsider, suspected, name):
    client = login(outsider)
    assert client.get(url(name, suspected)).status_code == 404
    assert client.post(url(name, suspected), {}).status_code == 404


def test_an_outsider_gets_404_on_reveal(login, outsider, child):
    response = login(outsider).post(url("child_reveal", child), {"field": "id_number"})
    assert response.status_code == 404


def test_an_outsider_does_not_see_the_child_in_lists_or_search(login, outsider, child, suspected):
    client = login(outsider)
    text = client.get(url("child_list"), {"q": child.id_number}).content.decode()
    assert child.name not in text
    assert suspected.name not in client.get(url("suspected_list")).content.decode()


def test_a_director_sees_only_their_villages(login, director, town_staff, child):
    other = make_child("320681100202", user=town_staff, name="别村儿童", id_number=next_id())
    client = login(director)
    assert client.get(url("child_detail", other)).status_code == 404
    assert client.get(url("child_detail", child)).status_code == 200
    text = client.get(url("child_list")).content.decode()
    assert child.name in text and other.name not in text


def test_town_staff_see_only_their_town(login, town_staff, outsider):
    own = make_child(DIRECTOR_VILLAGES[0], user=town_staff, id_number=next_id())
    foreign = make_child("320681106200", user=outsider, name="南阳儿童", id_number=next_id())
    client = login(town_staff)
    assert client.get(url("child_detail", foreign)).status_code == 404
    text = client.get(url("child_list")).content.decode()
    assert own.name in text and foreign.name not in text


@pytest.mark.parametrize("fixture", ["bureau", "inspector"])
@pytest.mark.parametrize("name", WRITE_PAGES)
def test_read_only_roles_get_403_on_writes(request, login, suspected, fixture, name):
    client = login(request.getfixturevalue(fixture))
    assert client.get(url(name, suspected)).status_code == 403
    assert client.post(url(name, suspected), {}).status_code == 403


@pytest.mark.parametrize("fixture", ["bureau", "inspector"])
def test_read_only_roles_get_403_on_create_and_adult_lookup(request, login, fixture):
    client = login(request.getfixturevalue(fixture))
    assert client.get(url("child_create")).status_code == 403
    assert client.post(url("child_create"), {}).status_code == 403
    assert client.get(url("adult_lookup"), {"role": "father"}).status_code == 403


@pytest.mark.parametrize("fixture", ["bureau", "inspector"])
def test_read_only_roles_read_the_whole_county(request, login, child, suspected, outsider, fixture):
    foreign = make_child("320681106200", user=outsider, name="南阳儿童", id_number=next_id())
    client = login(request.getfixturevalue(fixture))
    for target in (child, foreign):
        response = client.get(url("child_detail", target))
        assert response.status_code == 200
        assert "编辑档案" not in response.content.decode()
    text = client.get(url("child_list")).content.decode()
    assert child.name in text and foreign.name in text
    assert suspected.name in client.get(url("suspected_list")).content.decode()


@pytest.mark.parametrize("fixture", ["admin_user", "security_admin", "auditor"])
def test_roles_without_archive_access_get_403_on_every_registry_page(request, login, child, fixture):
    client = login(request.getfixturevalue(fixture))
    for name in LIST_PAGES + ["child_create"]:
        assert client.get(url(name)).status_code == 403, name
    assert client.get(url("adult_lookup"), {"role": "father"}).status_code == 403
    for name in CHILD_PAGES:
        assert client.get(url(name, child)).status_code == 403, name
    assert client.post(url("child_reveal", child), {"field": "id_number"}).status_code == 403


def test_an_anonymous_visitor_is_sent_to_login(client, child):
    response = client.get(url("child_detail", child))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_state_changes_need_post(login, town_staff, child):
    assert login(town_staff).get(url("child_reveal", child)).status_code == 405


def test_the_home_cards_link_into_the_filtered_list(login, town_staff, child):
    text = login(town_staff).get("/").content.decode()
    for query in ("?status=active", "?status=suspected", "?status=active&amp;missing=1", "?status=active&amp;errors=1"):
        assert f'href="{url("child_list")}{query}"' in text
