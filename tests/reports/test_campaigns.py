"""Campaigns and deadlines (通知 二.1, 二.3, 三.2): progress per town, reminders to towns behind."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from qidong_care.core.models import JobRun
from qidong_care.notifications.models import Notification
from registry.choices import FieldCheck, RosterStatus
from registry.models import Child
from registry.services import child_field_check, child_save
from reports.models import Campaign, CampaignDeadline, DeadlineKind
from reports.services.campaigns import campaign_progress, deadlines_remind

from .builders import HUILONG_VILLAGE, active_child, suspected_child

NANYANG_VILLAGE = "320681106200"
START = date(2026, 11, 20)


@pytest.fixture
def campaign(db, clock):
    clock.set(date(2026, 11, 1))
    before = {
        "a": active_child(HUILONG_VILLAGE, name="汇甲"),
        "b": active_child(HUILONG_VILLAGE, name="汇乙"),
        "s": suspected_child(HUILONG_VILLAGE, name="汇疑"),
        "n": active_child(NANYANG_VILLAGE, name="南甲"),
    }
    clock.set(date(2026, 11, 22))
    child_save(user=None, child=before["a"], data={"notes": "复核"}, adults={})
    child_save(user=None, child=before["n"], data={"notes": "复核"}, adults={})
    active_child(HUILONG_VILLAGE, name="汇新", household_address="")  # found in the campaign, incomplete
    campaign = Campaign.objects.create(name="2026年冬季精准排查", starts_on=START, ends_on=date(2026, 12, 20))
    CampaignDeadline.objects.create(
        campaign=campaign, kind=DeadlineKind.SCREENING, name="摸排完成", due_on=date(2026, 11, 27)
    )
    CampaignDeadline.objects.create(
        campaign=campaign, kind=DeadlineKind.ENTRY, name="新增录入", due_on=date(2026, 11, 28)
    )
    return campaign


def progress_of(campaign, town, today=date(2026, 11, 25)):
    return next(p for p in campaign_progress(campaign, today=today) if p.town == town)


def test_progress_counts_children_reverified_and_found_since_the_start(campaign, huilong, nanyang):
    mine = progress_of(campaign, huilong)
    assert (mine.roster, mine.reverified, mine.new_found, mine.new_incomplete, mine.suspected) == (3, 2, 1, 1, 1)
    assert mine.ratio == round(2 / 3, 4) and not mine.screening_done and not mine.entry_done
    theirs = progress_of(campaign, nanyang)
    assert (theirs.roster, theirs.reverified, theirs.new_found) == (1, 1, 0) and theirs.screening_done


def test_only_incomplete_towns_are_reminded_and_only_once(campaign, town_staff, outsider, director, bureau):
    deadlines_remind(on=date(2026, 11, 25))
    deadlines_remind(on=date(2026, 11, 25))
    notices = Notification.objects.filter(kind=Notification.Kind.DEADLINE)
    assert list(notices.values_list("user__username", flat=True)) == ["town_huilong"]
    assert "摸排完成" in notices.get().title and "还有2天" in notices.get().title


def test_reminders_come_two_days_and_one_day_before_and_not_earlier(campaign, town_staff):
    assert deadlines_remind(on=date(2026, 11, 24))["deadlines"] == 0
    deadlines_remind(on=date(2026, 11, 26))  # 1 day before screening, 2 days before entry
    titles = sorted(Notification.objects.filter(user=town_staff).values_list("title", flat=True))
    assert len(titles) == 2 and any("摸排完成" in t and "还有1天" in t for t in titles)
    assert any("新增录入" in t and "还有2天" in t for t in titles)


def test_a_town_that_finished_is_not_reminded(campaign, clock, town_staff, huilong):
    clock.set(date(2026, 11, 24))
    for child in Child.objects.filter(town=huilong, roster_status=RosterStatus.ACTIVE):
        child_save(user=None, child=child, data={"household_address": "江苏省启东市汇龙镇1号"}, adults={})
    suspected = Child.objects.get(town=huilong, roster_status=RosterStatus.SUSPECTED)
    child_field_check(user=None, child=suspected, outcome=FieldCheck.REJECTED, note="父亲在县内务工")
    assert deadlines_remind(on=date(2026, 11, 25))["notices"] == 0


def test_the_command_runs_the_reminders_as_a_recorded_job(campaign, town_staff, capsys):
    call_command("remind_deadlines", "--on", "2026-11-25", "--json")
    assert '"notices": 1' in capsys.readouterr().out
    assert JobRun.objects.get(name="remind_deadlines").status == JobRun.Status.SUCCEEDED


def test_the_bureau_creates_a_campaign_with_several_deadlines(client, db, bureau):
    client.force_login(bureau)
    form = {
        "name": "2027年暑期排查",
        "starts_on": "2027-07-20",
        "ends_on": "2027-08-31",
        "note": "",
        "deadlines-TOTAL_FORMS": "3",
        "deadlines-INITIAL_FORMS": "0",
        "deadlines-MIN_NUM_FORMS": "1",
        "deadlines-MAX_NUM_FORMS": "1000",
        "deadlines-0-kind": "screening",
        "deadlines-0-name": "摸排完成",
        "deadlines-0-due_on": "2027-08-07",
        "deadlines-1-kind": "entry",
        "deadlines-1-name": "新增录入",
        "deadlines-1-due_on": "2027-08-08",
        "deadlines-2-kind": "circular",
        "deadlines-2-name": "全市通报",
        "deadlines-2-due_on": "2027-08-14",
    }
    response = client.post(reverse("reports:campaign_create"), form)
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:campaign_detail", args=[campaign.pk]
    )
    assert list(campaign.deadlines.values_list("name", flat=True)) == ["摸排完成", "新增录入", "全市通报"]


def test_wrong_dates_come_back_with_chinese_messages_and_the_values_typed(client, db, bureau):
    client.force_login(bureau)
    form = {
        "name": "错误的活动",
        "starts_on": "2027-07-20",
        "ends_on": "2027-07-01",
        "deadlines-TOTAL_FORMS": "1",
        "deadlines-INITIAL_FORMS": "0",
        "deadlines-0-kind": "screening",
        "deadlines-0-name": "摸排完成",
        "deadlines-0-due_on": "2027-08-07",
    }
    response = client.post(reverse("reports:campaign_create"), form)
    body = response.content.decode()
    assert response.status_code == 200 and "结束日期不能早于开始日期" in body and 'value="错误的活动"' in body
    assert not Campaign.objects.exists()


def test_only_the_bureau_manages_campaigns(client, campaign, inspector, town_staff):
    for user in (inspector, town_staff):
        client.force_login(user)
        assert client.get(reverse("reports:campaign_create")).status_code == 403
        assert client.post(reverse("reports:campaign_edit", args=[campaign.pk]), {}).status_code == 403


def test_town_staff_see_the_progress_of_their_own_town_only(client, campaign, town_staff, bureau):
    client.force_login(town_staff)
    rows = client.get(reverse("reports:campaign_detail", args=[campaign.pk])).context["rows"]
    assert [row["progress"].town.name for row in rows] == ["汇龙镇"]
    client.force_login(bureau)
    rows = client.get(reverse("reports:campaign_detail", args=[campaign.pk])).context["rows"]
    assert len(rows) == 18
