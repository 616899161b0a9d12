"""Screening and exit workflows: field checks of 待核实 children, and exits from the roster."""

from datetime import date

import pytest
from django.urls import reverse

from registry.choices import FieldCheck, RosterStatus, Verdict
from registry.models import ArchiveUpdate
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import away, complete_adults, make_child
from tests.registry.registry_pages import form_values, next_id


@pytest.fixture
def suspected(town_staff):
    adults = complete_adults()
    adults["father"] = away("石轩瑶", place="外地", relation="father")
    return make_child(DIRECTOR_VILLAGES[0], user=town_staff, name="石待核", adults=adults, id_number=next_id())


@pytest.fixture
def active(town_staff):
    return make_child(DIRECTOR_VILLAGES[0], user=town_staff, id_number=next_id())


def check_url(child) -> str:
    return reverse("registry:child_field_check", args=[child.pk])


def exit_url(child) -> str:
    return reverse("registry:child_exit", args=[child.pk])


def submit(client, url: str, **changes):
    values = form_values(client.get(url).content.decode())
    values.update(changes)
    return client.post(url, values)


# --- field check -----------------------------------------------------------------------------------


def test_the_field_check_page_shows_why_the_child_is_unverified(login, director, suspected):
    text = login(director).get(check_url(suspected)).content.decode()
    assert "父亲务工地点“外地”无法判断是否跨县域" in text and "核实结论" in text


def test_confirming_puts_the_child_on_the_roster_with_the_note(login, director, suspected):
    client = login(director)
    note = "电话联系父亲，在上海务工"
    response = submit(client, check_url(suspected), outcome="confirmed", verdict="both_away", note=note)
    assert response.status_code == 302
    suspected.refresh_from_db()
    assert suspected.field_check == FieldCheck.CONFIRMED and suspected.verdict == Verdict.BOTH_AWAY
    assert suspected.roster_status == RosterStatus.ACTIVE
    text = client.get(reverse("registry:child_detail", args=[suspected.pk])).content.decode()
    assert "实地核实确认为父母双方外出务工：电话联系父亲，在上海务工" in text


def test_rejecting_marks_the_child_not_left_behind(login, town_staff, suspected):
    assert submit(login(town_staff), check_url(suspected), outcome="rejected", note="父亲已返乡").status_code == 302
    suspected.refresh_from_db()
    assert suspected.verdict == Verdict.NOT_LEFT_BEHIND and suspected.roster_status == RosterStatus.NOT_LEFT_BEHIND
    assert suspected.field_check_verdict == ""


def test_confirming_needs_a_type_and_a_note(login, town_staff, suspected):
    response = submit(login(town_staff), check_url(suspected), outcome="confirmed", verdict="", note="")
    text = response.content.decode()
    assert response.status_code == 200
    assert "确认为留守儿童时，请选择留守类型。" in text and "请填写核实说明。" in text
    suspected.refresh_from_db()
    assert suspected.field_check == "" and suspected.roster_status == RosterStatus.SUSPECTED


def test_a_field_check_on_a_stale_page_is_refused_and_keeps_the_note(login, town_staff, suspected):
    client = login(town_staff)
    stale = form_values(client.get(check_url(suspected)).content.decode())
    submit(client, reverse("registry:child_edit", args=[suspected.pk]), grade="6年级")  # someone edits meanwhile
    stale.update(outcome="rejected", note="我的核实说明")
    text = client.post(check_url(suspected), stale).content.decode()
    assert "保存失败" in text and "我的核实说明" in text
    suspected.refresh_from_db()
    assert suspected.field_check == ""


def test_a_child_that_is_not_suspected_needs_no_field_check(login, town_staff, active):
    client = login(town_staff)
    response = client.get(check_url(active), follow=True)
    assert "无需实地核实" in response.content.decode()
    response = client.post(check_url(active), {"outcome": "rejected", "note": "x"}, follow=True)
    active.refresh_from_db()
    assert active.roster_status == RosterStatus.ACTIVE and active.field_check == ""


# --- exit ------------------------------------------------------------------------------------------


def test_an_exit_keeps_the_archive_readable(login, town_staff, active):
    client = login(town_staff)
    response = submit(client, exit_url(active), reason="moved_away", on="2026-11-20", note="随父母迁往上海")
    assert response.status_code == 302
    active.refresh_from_db()
    assert active.roster_status == RosterStatus.EXITED and active.exit_reason == "moved_away"
    assert active.exit_date == date(2026, 11, 20) and active.exit_note == "随父母迁往上海"
    assert ArchiveUpdate.objects.filter(child=active).exists()
    page = client.get(reverse("registry:child_detail", args=[active.pk]))
    assert page.status_code == 200 and "迁出" in page.content.decode()


@pytest.mark.parametrize("reason", ["over_age", "parents_returned", "moved_away", "deceased", "other"])
def test_every_exit_reason_is_offered(login, town_staff, active, reason):
    text = login(town_staff).get(exit_url(active)).content.decode()
    assert f'value="{reason}"' in text


def test_an_exit_needs_a_reason_and_a_date_not_in_the_future(login, town_staff, active):
    response = submit(login(town_staff), exit_url(active), reason="", on="2099-01-01", note="说明照旧")
    text = response.content.decode()
    assert "请选择退出原因。" in text and "退出日期不能晚于今天。" in text and "说明照旧" in text
    active.refresh_from_db()
    assert active.roster_status == RosterStatus.ACTIVE


def test_an_exited_child_cannot_exit_again_nor_be_edited(login, town_staff, active):
    client = login(town_staff)
    submit(client, exit_url(active), reason="other", on="2026-11-20")
    for url in (exit_url(active), reverse("registry:child_edit", args=[active.pk])):
        response = client.get(url, follow=True)
        assert "档案只读" in response.content.decode()
