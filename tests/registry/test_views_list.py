"""The child list (registry:child_list) and the 待核实 list: search, filters in the query string,
sorting, pagination, masked ID numbers, and a constant number of queries."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.selectors import agreement_todo_count
from agreements.services import agreement_mark_resign
from registry.models import Child
from registry.services import child_exit
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import away, complete_adults, make_child, sign_for_a_year
from tests.registry.registry_pages import count_queries, next_id

LIST = reverse("registry:child_list")
SUSPECTED = reverse("registry:suspected_list")


def child(name: str, *, village: str = DIRECTOR_VILLAGES[0], user=None, **fields) -> Child:
    birth = fields.pop("birth", date(2015, 4, 2))
    return make_child(village, user=user, name=name, id_number=next_id(birth), **fields)


def suspected_adults():
    adults = complete_adults()
    adults["father"] = away("石轩瑶", place="外地", relation="father")
    return adults


def names_in(response) -> list[str]:
    return [c.name for c in response.context["page"].object_list]


def test_the_list_shows_masked_id_numbers_and_links_each_row_to_its_archive(login, town_staff):
    kid = child("陆小明", user=town_staff)
    text = login(town_staff).get(LIST).content.decode()
    assert kid.id_number_masked in text and kid.id_number not in text
    assert f'href="{reverse("registry:child_detail", args=[kid.pk])}"' in text


def test_search_by_name_finds_prefix_and_contained_names(login, town_staff):
    child("陆小明", user=town_staff)
    child("张明", user=town_staff)
    child("王芳", user=town_staff)
    client = login(town_staff)
    assert sorted(names_in(client.get(LIST, {"q": "明"}))) == ["张明", "陆小明"]
    assert names_in(client.get(LIST, {"q": "陆"})) == ["陆小明"]


def test_search_by_a_full_id_number_uses_the_keyed_hash(login, town_staff):
    kid = child("陆小明", user=town_staff)
    child("张明", user=town_staff)
    client = login(town_staff)
    typed = f" {kid.id_number[:6]} {kid.id_number[6:].lower()} "  # spaces and a lower-case x are normalised
    assert names_in(client.get(LIST, {"q": typed})) == ["陆小明"]
    assert names_in(client.get(LIST, {"q": kid.id_number[:10]})) == []  # partial numbers are not searchable


def test_filters_combine_from_the_query_string(login, town_staff):
    complete = child("完整", user=town_staff)
    missing = child("缺失", user=town_staff, household_address="")
    unsure = child("待核", user=town_staff, adults=suspected_adults())
    client = login(town_staff)
    assert names_in(client.get(LIST, {"status": "active", "missing": "1"})) == ["缺失"]
    assert sorted(names_in(client.get(LIST, {"status": "active", "missing": "0"}))) == ["完整"]
    assert names_in(client.get(LIST, {"status": "suspected"})) == ["待核"]
    assert names_in(client.get(LIST, {"verdict": "unverified"})) == ["待核"]
    assert sorted(names_in(client.get(LIST, {"verdict": "both_away"}))) == ["完整", "缺失"]
    assert complete.pk and missing.pk and unsure.pk


def test_the_errors_and_duplicate_filters(login, town_staff):
    child("有误", user=town_staff, schooling="kindergarten")  # 11 years old in kindergarten
    child("重名", user=town_staff, birth=date(2014, 1, 1))
    child("重名", user=town_staff, birth=date(2014, 1, 1))
    child("正常", user=town_staff)
    client = login(town_staff)
    assert names_in(client.get(LIST, {"errors": "1"})) == ["有误"]
    assert names_in(client.get(LIST, {"duplicate": "1"})) == ["重名", "重名"]


def test_town_and_village_filters(login, town_staff, region):
    child("亚光", user=town_staff, village=DIRECTOR_VILLAGES[0])
    child("克明", user=town_staff, village=DIRECTOR_VILLAGES[1])
    client = login(town_staff)
    village = region(DIRECTOR_VILLAGES[1])
    assert names_in(client.get(LIST, {"village": village.pk})) == ["克明"]
    assert len(names_in(client.get(LIST, {"town": village.parent_id}))) == 2


def test_a_town_outside_the_scope_is_not_a_choice(login, town_staff, nanyang):
    child("亚光", user=town_staff)
    response = login(town_staff).get(LIST, {"town": nanyang.pk})
    assert f'value="{nanyang.pk}"' not in response.content.decode()
    assert names_in(response) == ["亚光"]  # the bad value is ignored, not widened


def test_exited_children_are_found_by_status(login, town_staff):
    gone = child("已退出", user=town_staff)
    child("在册", user=town_staff)
    child_exit(user=town_staff, child=gone, reason="moved_away", on=date(2026, 11, 1))
    assert names_in(login(town_staff).get(LIST, {"status": "exited"})) == ["已退出"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["丙", "乙", "甲"]),  # code-point order
        ("birth", ["乙", "甲", "丙"]),
        ("-birth", ["丙", "甲", "乙"]),
        ("updated", ["丙", "乙", "甲"]),
    ],
)
def test_sorting(login, town_staff, sort, expected):
    child("甲", user=town_staff, birth=date(2013, 1, 1))
    child("乙", user=town_staff, birth=date(2012, 1, 1))
    child("丙", user=town_staff, birth=date(2014, 1, 1))
    assert names_in(login(town_staff).get(LIST, {"sort": sort})) == expected


def test_sorting_by_village(login, town_staff):
    child("克明村的", user=town_staff, village=DIRECTOR_VILLAGES[1])  # 320681100201
    child("亚光村的", user=town_staff, village=DIRECTOR_VILLAGES[0])  # 320681100236
    assert names_in(login(town_staff).get(LIST, {"sort": "village"})) == ["克明村的", "亚光村的"]


def test_pagination_keeps_the_filters(login, town_staff):
    for n in range(27):
        child(f"儿童{n:02d}", user=town_staff, birth=date(2012, 1, 1 + n))
    client = login(town_staff)
    first = client.get(LIST, {"status": "active", "sort": "name"})
    assert len(names_in(first)) == 25 and first.context["page"].paginator.count == 27
    assert "status=active&amp;sort=name&amp;page=2" in first.content.decode()
    second = client.get(LIST, {"status": "active", "sort": "name", "page": 2})
    assert names_in(second) == ["儿童25", "儿童26"]


def test_the_no_agreement_filter_lists_children_on_the_roster_without_a_valid_agreement(login, town_staff):
    sign_for_a_year(child("已签", user=town_staff))
    child("未签", user=town_staff)
    child("待核", user=town_staff, adults=suspected_adults())  # not on the roster: needs none yet
    to_resign = sign_for_a_year(child("需重签", user=town_staff))
    agreement_mark_resign(user=None, agreement=to_resign, reason="委托照护人变更")
    client = login(town_staff)
    assert sorted(names_in(client.get(LIST, {"no_agreement": "1"}))) == ["未签", "需重签"]
    assert sorted(names_in(client.get(LIST, {"no_agreement": "1", "q": "未"}))) == ["未签"]
    assert len(names_in(client.get(LIST))) == 4  # no filter: everyone
    assert len(names_in(client.get(LIST, {"no_agreement": "x"}))) == 4  # a bad value is ignored


def test_the_no_agreement_filter_counts_what_the_home_page_counts(login, town_staff):
    sign_for_a_year(child("已签", user=town_staff))
    child("未签", user=town_staff)
    figure = agreement_todo_count(town_staff, on=timezone.localdate())
    response = login(town_staff).get(LIST, {"no_agreement": "1"})
    assert response.context["page"].paginator.count == figure == 1


def _many(n: int, user) -> None:
    for i in range(n):
        kid = child(f"儿童{i:02d}", user=user, birth=date(2012, 2, 1 + i), adults=None if i % 2 else suspected_adults())
        if i % 4 == 3:  # every other child on the roster has a valid agreement
            sign_for_a_year(kid)


@pytest.mark.parametrize("query", ["", "?no_agreement=1", "?status=active&no_agreement=1&missing=0&sort=name"])
def test_the_list_runs_the_same_number_of_queries_for_3_and_25_children(login, town_staff, query):
    client = login(town_staff)
    _many(3, town_staff)
    few = count_queries(client, LIST + query)
    _many(22, town_staff)
    assert Child.objects.count() == 25
    assert count_queries(client, LIST + query) == few


def test_the_suspected_list_shows_reasons_and_runs_constant_queries(login, town_staff):
    client = login(town_staff)
    _many(3, town_staff)
    text = client.get(SUSPECTED).content.decode()
    assert "父亲务工地点“外地”无法判断是否跨县域" in text
    assert reverse("registry:child_field_check", args=[Child.objects.filter(roster_status="suspected")[0].pk]) in text
    few = count_queries(client, SUSPECTED)
    _many(22, town_staff)
    assert count_queries(client, SUSPECTED) == few


def test_the_suspected_list_has_no_field_check_buttons_for_read_only_roles(login, town_staff, inspector):
    child("待核", user=town_staff, adults=suspected_adults())
    text = login(inspector).get(SUSPECTED).content.decode()
    assert "待核" in text and "实地核实</a>" not in text
