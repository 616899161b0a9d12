"""The visits and referrals section of a child's archive page (visits.sections, settings.ARCHIVE_SECTIONS):
the last visits, "record a visit" for those who visit, open referrals with their deadlines (overdue in
red), and restricted findings named only to those who may read them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.assessment import today
from registry.choices import ExitReason
from registry.services import child_exit
from visits.choices import Finding, ReferralSource, ReferralStatus, RiskLevel, VisitKind
from visits.models import Referral
from visits.services import referral_transition, referrals_open
from visits.services.visits import visit_record

from .conftest import add_visit, routine

pytestmark = pytest.mark.django_db


def section(client, user, child) -> str:
    client.force_login(user)
    response = client.get(reverse("registry:child_detail", args=[child.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    if 'id="visits-section"' not in text:
        return ""
    start = text.index('id="visits-section"')
    return text[start : text.index("</section>", start)]


def referral(child, finding: str, *, hours_ago: int = 0) -> Referral:
    now = timezone.now() - timedelta(hours=hours_ago)
    return referrals_open([(child, finding)], source=ReferralSource.ARCHIVE, now=now)[0]


def test_the_last_visits_show_their_date_kind_and_risk(client, director, child):
    add_visit(child, today() - timedelta(days=40), kind=VisitKind.SOCIAL_WORKER, risk_level=RiskLevel.MEDIUM)
    visit = add_visit(child, today(), risk_level=RiskLevel.LOW)
    text = section(client, director, child)
    assert f"{today():%Y-%m-%d}" in text and "儿童主任一月一访" in text and "风险低" in text
    assert f"{today() - timedelta(days=40):%Y-%m-%d}" in text and "社工随访" in text and "风险中" in text
    assert text.index(f"{today():%Y-%m-%d}") < text.index(f"{today() - timedelta(days=40):%Y-%m-%d}")
    assert reverse("visits:visit_detail", args=[visit.pk]) in text
    assert "已走访（" in text  # this month's director visit is done


def test_only_the_last_five_visits_are_listed_with_a_link_to_the_rest(client, director, child):
    for day in range(7):
        add_visit(child, today() - timedelta(days=day * 3))
    text = section(client, director, child)
    assert text.count("儿童主任一月一访") == 5
    assert "查看更早的走访记录" in text and reverse("visits:child_visits", args=[child.pk]) in text


def test_a_child_not_visited_this_month_is_shown_as_due(client, director, child):
    text = section(client, director, child)
    assert "尚未走访" in text and "尚无走访记录" in text


@pytest.mark.parametrize("role", ["director", "town_staff"])
def test_those_who_visit_get_the_record_a_visit_button(request, client, child, role):
    text = section(client, request.getfixturevalue(role), child)
    assert reverse("visits:visit_create", args=[child.pk]) in text


@pytest.mark.parametrize("role", ["bureau", "inspector"])
def test_read_only_roles_get_no_record_button(request, client, child, role):
    text = section(client, request.getfixturevalue(role), child)
    assert text and reverse("visits:visit_create", args=[child.pk]) not in text


def test_open_referrals_show_their_deadlines_overdue_first_and_in_red(client, director, child):
    late = referral(child, Finding.ALONE, hours_ago=30)  # police: 24 hours, passed
    referral(child, Finding.HARDSHIP)  # 10 working days
    text = section(client, director, child)
    assert "1 条已逾期" in text
    assert text.index("脱离监护单独居住生活") < text.index("家庭经济困难且符合救助条件")
    overdue_row = text[text.index("脱离监护单独居住生活") - 300 : text.index("家庭经济困难且符合救助条件")]
    assert "text-danger" in overdue_row and "已逾期" in overdue_row
    assert f"{timezone.localtime(late.deadline):%Y-%m-%d %H:%M}" in text
    assert reverse("visits:referral_detail", args=[late.pk]) in text


def test_reported_referrals_are_not_overdue_and_closed_ones_are_gone(client, director, child):
    reported = referral(child, Finding.ALONE, hours_ago=30)
    referral_transition(user=director, referral=reported, to_status=ReferralStatus.REPORTED, reported_to="派出所")
    closed = referral(child, Finding.HARDSHIP)
    referral_transition(user=director, referral=closed, to_status=ReferralStatus.REPORTED, reported_to="民政办")
    referral_transition(user=director, referral=closed, to_status=ReferralStatus.CLOSED, outcome="已纳入低保")
    text = section(client, director, child)
    assert "脱离监护单独居住生活" in text and "已报告" in text and "已逾期" not in text
    assert "家庭经济困难" not in text


def test_a_violence_finding_is_named_only_to_roles_that_read_restricted_data(client, town_staff, inspector, child):
    visit_record(user=town_staff, child=child, data=routine(today()), findings=[Finding.VIOLENCE])
    text = section(client, town_staff, child)
    assert "疑似遭受家庭暴力" in text and "公安机关" in text
    text = section(client, inspector, child)
    assert "疑似遭受家庭暴力" not in text and "家庭暴力" not in text
    assert "（受限信息） → 公安机关" in text
    assert reverse("visits:referral_list") not in text  # the inspector does not handle referrals


def test_an_exited_child_keeps_its_visits_but_gets_no_record_button(client, director, child):
    add_visit(child, today())
    child_exit(user=director, child=child, reason=ExitReason.MOVED_AWAY, on=today())
    child.refresh_from_db()
    text = section(client, director, child)
    assert "儿童主任一月一访" in text and reverse("visits:visit_create", args=[child.pk]) not in text


def test_an_exited_child_with_nothing_recorded_gets_no_section(client, director, child):
    child_exit(user=director, child=child, reason=ExitReason.MOVED_AWAY, on=today())
    assert section(client, director, child) == ""
