"""The archive page (registry:child_detail) and the audited reveal of a full ID number or phone."""

from datetime import date, timedelta

import pytest
from django.template import Template
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from qidong_care.audit.models import AuditEvent
from registry.choices import ParentStatus, Relation
from registry.services import AdultInput, child_exit
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import complete_adults, make_child, sign_for_a_year
from tests.registry.registry_pages import count_queries, form_values, next_id
from visits.choices import Finding, VisitKind
from visits.services import visit_record


def detail(child) -> str:
    return reverse("registry:child_detail", args=[child.pk])


def reveal(client, child, **data):
    return client.post(reverse("registry:child_reveal", args=[child.pk]), data, HTTP_HX_REQUEST="true")


def kid(name="石红轩", *, village=DIRECTOR_VILLAGES[0], user=None, birth=date(2015, 4, 2), **fields):
    return make_child(village, user=user, name=name, id_number=next_id(birth), **fields)


@pytest.fixture
def child(town_staff):
    return kid(user=town_staff)


def test_the_archive_shows_everything_masked_in_one_place(login, town_staff, child):
    text = login(town_staff).get(detail(child)).content.decode()
    links = {link.role: link.adult for link in child.links.select_related("adult")}
    assert child.id_number_masked in text and child.id_number not in text
    for adult in links.values():
        assert adult.id_number_masked in text and adult.id_number not in text
        assert adult.phone_masked in text and adult.phone not in text
    for words in ("亚光村委会", "汇龙镇", "农村", "启东市汇龙镇小学", "与委托照护人共同居住", "外祖母"):
        assert words in text
    assert "父母双方外出务工" in text and "上海市浦东新区" in text and "浙江省宁波市鄞州区" in text
    assert "父亲外出务工（上海市浦东新区，跨县域）" in text  # the reasons, in words
    assert "信息完整，未发现错误" in text


def test_viewing_the_archive_is_audited(login, town_staff, child):
    login(town_staff).get(detail(child))
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.VIEW, object_id=str(child.pk))
    assert event.user == town_staff and event.object_type == "registry.child"


def test_editors_get_the_buttons_and_read_only_roles_do_not(login, town_staff, bureau, child):
    text = login(town_staff).get(detail(child)).content.decode()
    assert reverse("registry:child_edit", args=[child.pk]) in text
    assert reverse("registry:child_exit", args=[child.pk]) in text
    assert "显示完整" in text
    text = login(bureau).get(detail(child)).content.decode()
    assert reverse("registry:child_edit", args=[child.pk]) not in text
    assert reverse("registry:child_exit", args=[child.pk]) not in text
    assert "显示完整" in text  # the bureau may reveal (audited)


def test_health_is_absent_without_the_restricted_capability(login, town_staff, inspector, child):
    client = login(town_staff)
    values = form_values(client.get(reverse("registry:child_edit", args=[child.pk])).content.decode())
    values["health"] = "ill"
    client.post(reverse("registry:child_edit", args=[child.pk]), values)
    assert "健康状况" in client.get(detail(child)).content.decode()
    text = login(inspector).get(detail(child)).content.decode()
    assert "健康状况" not in text and "患病" not in text and "显示完整" not in text


def test_missing_and_error_items_are_listed_in_chinese(login, town_staff):
    child = kid(user=town_staff, household_address="", schooling="kindergarten")
    text = login(town_staff).get(detail(child)).content.decode()
    assert "户籍地址缺失" in text and "就学状况与年龄不符" in text


def test_both_parents_incapable_flags_a_de_facto_unsupported_child(login, town_staff):
    adults = complete_adults()
    for role in ("father", "mother"):
        adults[role] = AdultInput(name=f"{role}名", status=ParentStatus.DECEASED, relation=role)
    child = kid(user=town_staff, adults=adults)
    text = login(town_staff).get(detail(child)).content.decode()
    assert "事实无人抚养儿童" in text and "alert-danger" in text
    assert "非留守儿童" in text


def test_a_likely_duplicate_links_to_the_other_child(login, town_staff):
    first = kid("重名", user=town_staff)
    second = kid("重名", user=town_staff)
    text = login(town_staff).get(detail(second)).content.decode()
    assert "疑似重复" in text and f'href="{detail(first)}"' in text


def test_an_adult_shared_with_siblings_links_to_them(login, town_staff, outsider):
    first = kid("姐姐", user=town_staff, birth=date(2012, 3, 3))
    grandma = first.links.get(role="guardian").adult
    shared = AdultInput(name=grandma.name, id_number=grandma.id_number, phone=grandma.phone, relation="grandmother")
    adults = complete_adults()
    adults.update(guardian=shared, carer=shared)
    second = kid("弟弟", user=town_staff, adults=adults)
    elsewhere = dict(complete_adults(), guardian=shared, carer=shared)
    kid("表妹", village="320681106200", user=outsider, adults=elsewhere)
    text = login(town_staff).get(detail(second)).content.decode()
    assert "此成年人同时关联" in text and f'href="{detail(first)}"' in text
    assert "另有1名儿童不在您的负责区域" in text and "表妹" not in text


def test_an_exited_child_shows_the_exit_and_stays_readable(login, town_staff, child):
    child_exit(user=town_staff, child=child, reason="parents_returned", on=date(2026, 11, 20), note="父母已返乡")
    text = login(town_staff).get(detail(child)).content.decode()
    assert "已退出在册名单" in text and "父母返乡" in text and "2026-11-20" in text and "父母已返乡" in text
    assert reverse("registry:child_edit", args=[child.pk]) not in text


def test_the_history_shows_who_changed_which_fields_and_hides_sensitive_values(login, town_staff, child):
    client = login(town_staff)
    edit = reverse("registry:child_edit", args=[child.pk])
    values = form_values(client.get(edit).content.decode())
    values.update({"school": "启东市汇龙中学", "father-phone": "13700001234", "mother-work_place": "北京市"})
    assert client.post(edit, values).status_code == 302
    text = client.get(detail(child)).content.decode()
    history = text[text.index("变更记录") :]
    assert "张汇龙" in history or "汇龙 张" in history or "town_huilong" in history
    assert "就读学校：" in history and "启东市汇龙小学" not in history
    assert "启东市汇龙镇小学 → 启东市汇龙中学" in history
    assert "务工地点：" in history and "浙江省宁波市鄞州区 → 北京市" in history
    assert "联系电话：" in history and "已修改" in history
    assert "13700001234" not in history and "137****1234" not in history
    assert "在线修改" in history


def test_the_history_records_a_replaced_guardian(login, town_staff, child):
    from registry.services import child_save

    adults = complete_adults()
    adults["guardian"] = AdultInput(name="陆大伯", phone="13600002222", relation=Relation.OTHER_RELATIVE)
    child_save(user=town_staff, child=child, data={}, adults={"guardian": adults["guardian"]}, reason="更换监护人")
    text = login(town_staff).get(detail(child)).content.decode()
    history = text[text.index("变更记录") :]
    assert "更换监护人" in history and "陆大伯" in history


@override_settings(ARCHIVE_SECTIONS=["tests.registry.test_views_archive.agreement_section"])
def test_other_apps_add_their_sections_to_the_archive(login, town_staff, child):
    text = login(town_staff).get(detail(child)).content.decode()
    assert f"<section>委托照护协议：{child.name}</section>" in text


def agreement_section(request, child):
    return {"template": Template("<section>委托照护协议：{{ child.name }}</section>")}


def test_the_archive_runs_the_same_number_of_queries_for_3_and_25_siblings(login, town_staff):
    first = kid("长姐", user=town_staff, birth=date(2011, 1, 1))
    grandma = first.links.get(role="guardian").adult
    shared = AdultInput(name=grandma.name, id_number=grandma.id_number, phone=grandma.phone, relation="grandmother")

    def siblings(n: int) -> None:
        for i in range(n):
            adults = dict(complete_adults(), guardian=shared, carer=shared)
            kid(f"弟妹{i:02d}", user=town_staff, birth=date(2013, 1, 1 + i), adults=adults)

    client = login(town_staff)
    siblings(2)
    sign_for_a_year(first)
    visited(first, days_ago=1, findings=[Finding.HARDSHIP])
    few = count_queries(client, detail(first))
    siblings(22)
    for day in range(2, 10):  # more visits than the section shows, and more open referrals
        visited(first, days_ago=day, findings=[Finding.VIOLENCE] if day == 2 else [])
    visited(first, days_ago=10, findings=[Finding.INJURY, Finding.OUT_OF_SCHOOL])
    assert first.links.get(role="guardian").adult.links.count() == 2 * 25
    assert first.visits.count() == 10 and first.referrals.count() == 4
    assert count_queries(client, detail(first)) == few


def visited(child, *, days_ago: int, findings=()) -> None:
    """A children's director's visit (visits.services.visit_record), its findings opening referrals."""
    data = {
        "date": timezone.localdate() - timedelta(days=days_ago),
        "kind": VisitKind.DIRECTOR_MONTHLY,
        "mode": "home",
        "guardianship": "good",
        "physical_health": "good",
        "mental_health": "good",
        "schooling": "normal",
        "risk_level": "low",
    }
    child.refresh_from_db()
    visit_record(user=None, child=child, data=data, findings=list(findings))


def test_the_archive_runs_the_same_number_of_queries_for_one_adult_and_four(login, town_staff):
    lonely = kid("独", user=town_staff, adults={"guardian": complete_adults()["guardian"]})
    full = kid("全", user=town_staff)
    client = login(town_staff)
    assert count_queries(client, detail(lonely)) == count_queries(client, detail(full))


# --- reveal ----------------------------------------------------------------------------------------


def test_revealing_the_childs_id_number_returns_it_and_is_audited(login, town_staff, child):
    response = reveal(login(town_staff), child, field="id_number")
    assert response.status_code == 200 and child.id_number in response.content.decode()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.REVEAL)
    assert event.user == town_staff and event.object_id == str(child.pk)
    assert event.detail["field"] == "id_number"
    assert child.id_number not in str(event.detail)


def test_revealing_an_adults_phone_and_id_number(login, town_staff, child):
    father = child.links.get(role="father").adult
    client = login(town_staff)
    assert father.phone in reveal(client, child, field="adult_phone", adult=father.pk).content.decode()
    assert father.id_number in reveal(client, child, field="adult_id_number", adult=father.pk).content.decode()
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.REVEAL, object_id=str(child.pk))
    assert events.count() == 2 and all("父亲" in e.detail["what"] for e in events)


def test_an_adult_of_another_child_cannot_be_revealed_through_this_one(login, town_staff, child):
    other = kid("别人", user=town_staff, adults={"guardian": AdultInput(name="外人", phone="13600003333")})
    stranger = other.links.get(role="guardian").adult
    response = reveal(login(town_staff), child, field="adult_phone", adult=stranger.pk)
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.REVEAL).exists()


def test_an_unknown_field_is_not_revealed(login, town_staff, child):
    assert reveal(login(town_staff), child, field="health").status_code == 404


def test_roles_without_the_reveal_capability_get_403(login, inspector, child):
    response = reveal(login(inspector), child, field="id_number")
    assert response.status_code == 403
    assert child.id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.REVEAL).exists()


def test_the_bureau_reveals_across_the_county_audited(login, bureau, child):
    assert reveal(login(bureau), child, field="id_number").status_code == 200
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.REVEAL, user=bureau).count() == 1


def test_without_htmx_the_reveal_is_a_page_with_a_way_back(login, town_staff, child):
    response = login(town_staff).post(reverse("registry:child_reveal", args=[child.pk]), {"field": "id_number"})
    text = response.content.decode()
    assert child.id_number in text and detail(child) in text and "<html" in text
