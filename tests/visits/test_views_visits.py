"""The director's month and the visit form, through the web pages."""

import io
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from registry.assessment import today
from registry.choices import LivingArrangement
from registry.models import Child
from registry.services import child_save
from tests.factories import make_child
from visits.choices import Finding, ReferralBody, ReferralSource
from visits.models import Referral, Visit
from visits.services import referrals_open, visit_record

from .conftest import KEMING, YAGUANG, add_visit, routine


def form_data(**changes) -> dict:
    """What the phone sends for a routine visit (the form's defaults)."""
    data = {
        "date": f"{today():%Y-%m-%d}",
        "kind": "director_monthly",
        "mode": "home",
        "safety_home": "ok",
        "safety_fire": "ok",
        "safety_water": "ok",
        "safety_traffic": "ok",
        "guardianship": "good",
        "physical_health": "good",
        "mental_health": "good",
        "schooling": "normal",
        "contact_methods": ["phone", "video"],
        "contact_frequency": "weekly",
        "risk_level": "low",
    }
    data.update(changes)
    return data


# --- my month ------------------------------------------------------------------------------------------------


def test_my_month_lists_the_children_still_due_first(director, login):
    visited = make_child(YAGUANG, user=director, name="安然")
    due = make_child(KEMING, user=director, name="白露")
    add_visit(visited, today())
    page = login(director).get(reverse("visits:my_month"))
    children = list(page.context["page"])
    assert [c.pk for c in children] == [due.pk, visited.pk]
    assert children[1].visited_on == today()
    assert (page.context["coverage"].active, page.context["coverage"].visited) == (2, 1)
    assert "待访" in page.content.decode() and "已访" in page.content.decode()


def test_my_month_shows_overdue_referrals_and_the_high_risk_banner_on_top(child, director, login):
    referrals_open([(child, Finding.INJURY)], source=ReferralSource.VISIT, now=today_at(-3))
    referrals_open([(child, Finding.VIOLENCE)], source=ReferralSource.VISIT)
    html = login(director).get(reverse("visits:my_month")).content.decode()
    assert "逾期未报告的转介 1 条" in html
    assert "高风险情况 1 条" in html and "疑似遭受家庭暴力" in html


def today_at(days: int):
    from django.utils import timezone

    return timezone.now() + timedelta(days=days)


def test_town_staff_filter_my_month_by_village(child, huilong_child, town_staff, login, village):
    client = login(town_staff)
    everything = client.get(reverse("visits:my_month")).context["page"]
    assert {c.pk for c in everything} == {child.pk, huilong_child.pk}
    one = client.get(reverse("visits:my_month"), {"village": village(YAGUANG).pk}).context["page"]
    assert [c.pk for c in one] == [child.pk]
    found = client.get(reverse("visits:my_month"), {"q": "陈一"}).context["page"]
    assert [c.pk for c in found] == [huilong_child.pk]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_my_month_runs_the_same_queries_for_3_or_30_children(director, login):
    client = login(director)
    for i in range(3):
        add_visit(make_child(YAGUANG, user=director, name=f"甲{i}"), today())
    few = _queries(client, reverse("visits:my_month"))
    for i in range(27):
        child = make_child(KEMING, user=director, name=f"乙{i}")
        referrals_open([(child, Finding.INJURY)], source=ReferralSource.VISIT, now=today_at(-3))
    assert _queries(client, reverse("visits:my_month")) == few


# --- recording a visit -------------------------------------------------------------------------------------


def test_the_form_opens_with_a_routine_visits_defaults(child, director, login):
    form = login(director).get(reverse("visits:visit_create", args=[child.pk])).context["form"]
    assert form.initial["kind"] == "director_monthly" and form.initial["mode"] == "home"
    assert form.initial["date"] == today() and form.initial["safety_water"] == "ok"
    assert form.initial["child_version"] == child.version
    assert form.show_father_home and form.show_mother_home and form.show_living_alone


def test_a_routine_visit_is_saved_in_one_tap(child, director, login):
    response = login(director).post(reverse("visits:visit_create", args=[child.pk]), form_data())
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('visits:my_month')}?saved={child.pk}"
    visit = Visit.objects.get()
    assert (visit.child, visit.recorded_by, visit.contact_methods) == (child, director, ["phone", "video"])


def test_the_draft_script_gets_a_json_answer(child, director, login):
    response = login(director).post(
        reverse("visits:visit_create", args=[child.pk]),
        form_data(client_token="0d4ad3a4-57a5-4a07-9f8c-2b2d1d1b7f31"),
        headers={"X-Visit-Draft": "1"},
    )
    answer = json.loads(response.content)
    assert answer["saved"] is True and answer["redirect"].endswith(f"?saved={child.pk}")
    again = login(director).post(
        reverse("visits:visit_create", args=[child.pk]),
        form_data(client_token="0d4ad3a4-57a5-4a07-9f8c-2b2d1d1b7f31"),
        headers={"X-Visit-Draft": "1"},
    )
    assert json.loads(again.content)["visit"] == answer["visit"] and Visit.objects.count() == 1


def test_a_wrong_form_comes_back_with_every_value_and_chinese_messages(child, director, login):
    data = form_data(safety_water="risk", safety_water_note="", needs="需要辅导作业", date="2099-01-01")
    response = login(director).post(reverse("visits:visit_create", args=[child.pk]), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["safety_water_note"] == ["有隐患时请说明是什么隐患。"]
    assert form.errors["date"] == ["走访日期不能晚于今天。"]
    assert "需要辅导作业" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_new_carer_needs_a_name_a_valid_phone_and_a_relation(child, director, login):
    data = form_data(carer_changed="on", carer_phone="12345", carer_id_number="320681199001011234")
    form = login(director).post(reverse("visits:visit_create", args=[child.pk]), data).context["form"]
    assert set(form.errors) >= {"carer_name", "carer_phone", "carer_relation", "carer_id_number"}


def test_living_alone_found_on_a_visit_updates_the_archive_and_opens_a_referral(child, director, login):
    response = login(director).post(
        reverse("visits:visit_create", args=[child.pk]), form_data(living_alone="on", child_version=child.version)
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.living_arrangement == LivingArrangement.ALONE
    referral = Referral.objects.get(child=child)
    assert referral.body == ReferralBody.POLICE and referral.visit == Visit.objects.get()


def test_an_archive_changed_meanwhile_is_not_overwritten(child, director, town_staff, login):
    opened = child.version
    child_save(user=town_staff, child=Child.objects.get(pk=child.pk), data={"notes": "镇里改过"}, adults={})
    response = login(director).post(
        reverse("visits:visit_create", args=[child.pk]), form_data(dropped_out="on", child_version=opened)
    )
    assert response.status_code == 400 and "已被其他人" in response.content.decode()
    assert not Visit.objects.exists()


def test_photos_are_uploaded_and_served_only_through_the_scoped_view(child, director, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 200, 10)).save(buffer, format="JPEG")
    buffer.name = "IMG_20261129.jpg"
    buffer.seek(0)
    client = login(director)
    assert client.post(reverse("visits:visit_create", args=[child.pk]), form_data(photos=buffer)).status_code == 302
    photo = Visit.objects.get().photos.get()
    response = client.get(reverse("visits:photo", args=[photo.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_a_fake_photo_is_refused_with_the_rest_of_the_form_kept(child, director, login):
    fake = io.BytesIO(b"MZ\x90\x00 this is a program")
    fake.name = "photo.jpg"
    response = login(director).post(
        reverse("visits:visit_create", args=[child.pk]), form_data(photos=fake, needs="补课")
    )
    assert response.status_code == 400 and "只能上传 JPEG 或 PNG" in response.content.decode()
    assert not Visit.objects.exists()


def test_restricted_findings_are_hidden_from_the_inspector(child, director, inspector, login):
    visit = visit_record(
        user=director,
        child=child,
        data=routine(today(), mental_health="attention", mental_health_note="情绪低落，常独自哭泣"),
    )
    url = reverse("visits:visit_detail", args=[visit.pk])
    assert "情绪低落" in login(director).get(url).content.decode()
    assert "情绪低落" not in login(inspector).get(url).content.decode()


def test_an_exited_child_cannot_be_visited(child, director, login):
    Child.objects.filter(pk=child.pk).update(roster_status="exited", exit_reason="moved_away")
    response = login(director).get(reverse("visits:visit_create", args=[child.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("days", [0, 1])
def test_the_child_visits_page_lists_visits_and_referrals(child, director, login, days):
    add_visit(child, today() - timedelta(days=days))
    referrals_open([(child, Finding.HARDSHIP)], source=ReferralSource.ARCHIVE)
    html = login(director).get(reverse("visits:child_visits", args=[child.pk])).content.decode()
    assert "儿童主任一月一访" in html and "家庭经济困难且符合救助条件" in html
