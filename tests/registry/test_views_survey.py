"""Survey entry (registry:child_create / child_edit / adult_lookup): one page for the child and its
four adults; bad input comes back as typed; nothing half-saved; no lost edits."""

from datetime import date

import pytest
from django.urls import reverse

from qidong_care.audit.models import AuditEvent
from registry.choices import RosterStatus, Verdict
from registry.models import Adult, Child, ChildAdult
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import make_child, make_id
from tests.registry.registry_pages import (
    CHILD_BIRTH,
    FATHER_ID,
    GRANDMOTHER_ID,
    father,
    form_values,
    survey_data,
)

CREATE = reverse("registry:child_create")


def edit_url(child: Child) -> str:
    return reverse("registry:child_edit", args=[child.pk])


@pytest.fixture
def village(region):
    return region(DIRECTOR_VILLAGES[0])


def test_a_director_enters_a_child_with_both_parents_away_and_sees_the_verdict(login, director, village):
    client = login(director)
    response = client.post(CREATE, survey_data(village), follow=True)
    child = Child.objects.get(name="陆小明")
    assert response.redirect_chain[-1][0] == reverse("registry:child_detail", args=[child.pk])
    assert child.verdict == Verdict.BOTH_AWAY and child.roster_status == RosterStatus.ACTIVE
    assert child.birth_date == CHILD_BIRTH and child.gender == "M"  # from the ID number
    assert child.created_by == director
    text = response.content.decode()
    assert "父母双方外出务工" in text and "信息完整" in text


def test_carer_same_as_guardian_links_one_adult_twice(login, town_staff, village):
    login(town_staff).post(CREATE, survey_data(village))
    child = Child.objects.get(name="陆小明")
    links = {link.role: link.adult_id for link in child.links.all()}
    assert links["guardian"] == links["carer"]
    assert Adult.objects.filter(name="顾兰春").count() == 1


def test_carer_same_as_guardian_without_id_numbers_is_still_one_adult(login, town_staff, village):
    grandma = {"name": "顾兰春", "id_number": "", "phone": "13781286570", "relation": "grandmother"}
    login(town_staff).post(CREATE, survey_data(village, adults={"guardian": grandma}))
    child = Child.objects.get(name="陆小明")
    assert len({link.adult_id for link in child.links.filter(role__in=["guardian", "carer"])}) == 1


def test_guardian_same_as_father_keeps_the_fathers_status(login, town_staff, village):
    adults = {"father": father(status="home", work_place="", departed_on=""), "guardian": {"same_as": "father"}}
    data = survey_data(village, adults=adults)
    login(town_staff).post(CREATE, data)
    child = Child.objects.get(name="陆小明")
    dad = child.links.get(role="father").adult
    assert child.links.get(role="guardian").adult_id == dad.pk
    assert dad.status == "home"
    assert child.verdict == Verdict.NOT_LEFT_BEHIND


def test_a_wrong_check_digit_comes_back_with_every_field_as_typed_and_nothing_saved(login, town_staff, village):
    good = make_id(CHILD_BIRTH, male=True, seq=21)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    data = survey_data(village, id_number=bad, school="启东市实验小学（分校）")
    data["father-phone"] = "12345"
    response = login(town_staff).post(CREATE, data)
    text = response.content.decode()
    assert response.status_code == 200
    assert f"第18位校验码应为{good[17]}" in text
    assert "联系电话应为11位手机号码" in text
    values = form_values(text)
    assert values["id_number"] == bad and values["school"] == "启东市实验小学（分校）"
    assert values["father-phone"] == "12345" and values["mother-name"] == "沈美华"
    assert values["carer-same_as"] == "guardian"
    assert not Child.objects.exists() and not Adult.objects.exists()


def test_an_impossible_birth_date_in_the_id_number_is_named(login, town_staff, village):
    from registry.rules.idnumber import check_digit

    first17 = "32068120160231123"  # 31 February
    response = login(town_staff).post(CREATE, survey_data(village, id_number=first17 + check_digit(first17)))
    assert "第7-14位出生日期20160231不是有效日期" in response.content.decode()
    assert not Child.objects.exists()


def test_an_adult_id_number_error_is_shown_on_that_section(login, town_staff, village):
    data = survey_data(village)
    data["guardian-id_number"] = GRANDMOTHER_ID[:10]
    response = login(town_staff).post(CREATE, data)
    text = response.content.decode()
    assert "身份证号码应为18位，实为10位" in text
    assert form_values(text)["guardian-id_number"] == GRANDMOTHER_ID[:10]
    assert not Child.objects.exists()


def test_a_section_without_a_name_is_refused_and_a_future_departure_too(login, town_staff, village):
    data = survey_data(village)
    data["mother-name"] = ""
    data["father-departed_on"] = "2099-01-01"
    text = login(town_staff).post(CREATE, data).content.decode()
    assert "请填写母亲姓名，或清空本栏。" in text
    assert "外出务工时间不能晚于今天。" in text
    assert not Child.objects.exists()


def test_a_duplicate_id_number_is_refused_on_the_id_field(login, town_staff, village):
    existing = make_child(village, user=town_staff)
    response = login(town_staff).post(CREATE, survey_data(village, id_number=existing.id_number))
    assert "该身份证号码已建档" in response.content.decode()
    assert Child.objects.count() == 1


def test_a_failure_after_the_child_is_written_leaves_nothing_half_saved(login, town_staff, village, monkeypatch):
    from registry import services

    def broken(*args, **kwargs):
        raise services.ValidationError("模拟的中途失败")

    monkeypatch.setattr(services, "record_archive_update", broken)
    response = login(town_staff).post(CREATE, survey_data(village))
    assert "模拟的中途失败" in response.content.decode()
    assert not Child.objects.exists() and not Adult.objects.exists() and not ChildAdult.objects.exists()


def test_the_edit_form_shows_ids_and_phones_masked_and_keeps_them_when_sent_back(login, town_staff, village):
    child = make_child(village, user=town_staff)
    client = login(town_staff)
    text = client.get(edit_url(child)).content.decode()
    dad = child.links.get(role="father").adult
    assert child.id_number not in text and dad.id_number not in text and dad.phone not in text
    values = form_values(text)
    assert values["id_number"] == child.id_number_masked and values["father-phone"] == dad.phone_masked
    values["school"] = "启东市汇龙中学"
    response = client.post(edit_url(child), values)
    assert response.status_code == 302
    child.refresh_from_db()
    dad.refresh_from_db()
    assert child.school == "启东市汇龙中学"
    assert child.id_number.startswith("320681") and len(child.id_number) == 18
    assert dad.phone == "13912345678" and len(dad.id_number) == 18


def test_a_new_phone_typed_over_the_masked_one_replaces_it_for_every_sibling(login, town_staff, village):
    first = make_child(village, user=town_staff)
    sibling_adults = {link.role: link.adult for link in first.links.select_related("adult")}
    client = login(town_staff)
    values = form_values(client.get(edit_url(first)).content.decode())
    values["guardian-phone"] = "139-0000-1234"
    assert client.post(edit_url(first), values).status_code == 302
    assert Adult.objects.get(pk=sibling_adults["guardian"].pk).phone == "13900001234"


def test_a_masked_value_that_was_edited_is_refused(login, town_staff, village):
    child = make_child(village, user=town_staff)
    client = login(town_staff)
    values = form_values(client.get(edit_url(child)).content.decode())
    values["father-id_number"] = "320681********9999"
    text = client.post(edit_url(child), values).content.decode()
    assert "请填写完整的18位身份证号码" in text


def test_a_second_editor_is_refused_and_keeps_their_input(login, town_staff, village):
    """Open twice, save A, save B → B refused, B's typed values still there, the database holds A's."""
    child = make_child(village, user=town_staff)
    client = login(town_staff)
    form_a = form_values(client.get(edit_url(child)).content.decode())
    form_b = form_values(client.get(edit_url(child)).content.decode())
    form_a["school"] = "A填写的学校"
    assert client.post(edit_url(child), form_a).status_code == 302
    form_b["school"] = "B填写的学校"
    form_b["grade"] = "B填写的年级"
    response = client.post(edit_url(child), form_b)
    text = response.content.decode()
    assert response.status_code == 200
    assert "保存失败：您打开此页面后，该档案已被其他人" in text
    again = form_values(text)
    assert again["school"] == "B填写的学校" and again["grade"] == "B填写的年级"
    child.refresh_from_db()
    assert child.school == "A填写的学校" and child.grade == "5年级"


def test_a_change_to_a_shared_adult_through_a_sibling_is_not_overwritten(login, town_staff, village):
    first = make_child(village, user=town_staff, name="石红轩")
    adults = {link.role: link.adult for link in first.links.select_related("adult")}  # the same adults for the sibling
    from registry.services import AdultInput

    def same(adult, relation):
        return AdultInput(
            name=adult.name,
            id_number=adult.id_number,
            phone=adult.phone,
            status=adult.status,
            work_place=adult.work_place,
            departed_on=adult.departed_on,
            relation=relation,
        )

    second = make_child(
        village,
        user=town_staff,
        name="石红英",
        birth=date(2017, 6, 1),
        male=False,
        adults={
            "father": same(adults["father"], "father"),
            "mother": same(adults["mother"], "mother"),
            "guardian": same(adults["guardian"], "maternal_grandmother"),
            "carer": same(adults["guardian"], "maternal_grandmother"),
        },
    )
    client = login(town_staff)
    stale = form_values(client.get(edit_url(second)).content.decode())
    fresh = form_values(client.get(edit_url(first)).content.decode())
    fresh["father-work_place"] = "北京市朝阳区"
    assert client.post(edit_url(first), fresh).status_code == 302
    stale["father-work_place"] = "广东省深圳市"
    text = client.post(edit_url(second), stale).content.decode()
    assert "保存失败：您打开此页面后，石轩瑶的信息（在其他儿童的档案中）已被其他人" in text
    assert Adult.objects.get(pk=adults["father"].pk).work_place == "北京市朝阳区"


def test_editing_an_exited_child_is_refused_with_a_message(login, town_staff, village):
    from registry.services import child_exit

    child = make_child(village, user=town_staff)
    child_exit(user=town_staff, child=child, reason="moved_away", on=date(2026, 11, 1))
    client = login(town_staff)
    response = client.get(edit_url(child), follow=True)
    assert "档案只读" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("registry:child_detail", args=[child.pk])
    response = client.post(edit_url(child), survey_data(village), follow=True)
    assert "档案只读" in response.content.decode()
    child.refresh_from_db()
    assert child.name == "石红轩"


def test_the_village_list_offers_only_the_users_villages(login, director, region):
    text = login(director).get(CREATE).content.decode()
    for code in DIRECTOR_VILLAGES:
        assert f'value="{region(code).pk}"' in text
    assert region("320681100202").name not in text  # another village of 汇龙镇


def test_a_village_outside_the_users_scope_is_refused(login, director, region):
    other = region("320681100202")
    response = login(director).post(CREATE, survey_data(other))
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Child.objects.exists()


# --- adding an existing adult by ID number -------------------------------------------------------


def lookup(client, role: str, number: str):
    return client.get(reverse("registry:adult_lookup"), {"role": role, f"{role}-id_number": number})


def test_an_adult_on_file_is_found_by_id_number_with_their_details(login, town_staff, village):
    make_child(village, user=town_staff)
    grandmother = Adult.objects.get(name="顾兰春")
    response = lookup(login(town_staff), "guardian", grandmother.id_number)
    text = response.content.decode()
    assert "已有档案：顾兰春，与1名儿童关联" in text
    assert grandmother.phone_masked in text and grandmother.phone not in text
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.VIEW, object_id=str(grandmother.pk)).exists()


def test_the_lookup_says_which_part_of_a_wrong_id_number_is_wrong(login, town_staff):
    text = lookup(login(town_staff), "father", FATHER_ID[:17] + "0").content.decode()
    assert "第18位校验码" in text or "校验码" in text


def test_an_unknown_id_number_finds_nothing(login, town_staff):
    response = lookup(login(town_staff), "father", FATHER_ID)
    assert response.status_code == 200 and "已有档案" not in response.content.decode()


def test_saving_with_a_looked_up_adult_links_the_same_record(login, town_staff, village):
    first = make_child(village, user=town_staff)
    grandmother = first.links.get(role="guardian").adult
    client = login(town_staff)
    data = survey_data(village)
    data.update({"guardian-id_number": grandmother.id_number, "guardian-phone": grandmother.phone_masked})
    assert client.post(CREATE, data).status_code == 302
    second = Child.objects.get(name="陆小明")
    assert second.links.get(role="carer").adult_id == grandmother.pk
    assert Adult.objects.get(pk=grandmother.pk).phone == grandmother.phone  # the masked phone kept it
    detail = client.get(reverse("registry:child_detail", args=[second.pk])).content.decode()
    assert "此成年人同时关联" in detail and first.name in detail


def test_the_lookup_needs_a_known_role(login, town_staff):
    assert lookup(login(town_staff), "uncle", FATHER_ID).status_code == 404


def test_survey_pages_without_restricted_data_hide_health(login, town_staff, village, monkeypatch):
    from qidong_care.accounts.roles import ROLE_CAPABILITIES, Capability, Role

    capabilities = ROLE_CAPABILITIES[Role.TOWN_STAFF] - {Capability.VIEW_RESTRICTED}
    monkeypatch.setitem(ROLE_CAPABILITIES, Role.TOWN_STAFF, capabilities)
    child = make_child(village, user=town_staff)
    client = login(town_staff)
    values = form_values(client.get(edit_url(child)).content.decode())
    assert "health" not in values and "guardian-health" not in values
    values["grade"] = "6年级"
    assert client.post(edit_url(child), values).status_code == 302
    child.refresh_from_db()
    assert child.health == "healthy" and child.links.get(role="guardian").adult.health == "healthy"


def test_an_edit_without_the_version_it_was_read_at_is_refused(login, town_staff, village):
    child = make_child(village, user=town_staff, id_number=make_id(date(2014, 2, 2), seq=520))
    client = login(town_staff)
    values = form_values(client.get(edit_url(child)).content.decode())
    del values["version"]
    values["school"] = "无版本的学校"
    text = client.post(edit_url(child), values).content.decode()
    assert "页面缺少版本信息" in text
    child.refresh_from_db()
    assert child.school != "无版本的学校"
