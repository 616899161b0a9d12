"""The daily lapse job: service, Celery task, management command, schedule; idempotent."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from agreements.models import Agreement, AgreementStatus
from agreements.services import agreements_mark_lapsed
from agreements.tasks import mark_lapsed_agreements
from qidong_care.celery import app
from qidong_care.core.models import JobRun
from tests.agreements.conftest import TODAY, YAGUANG, sign
from tests.factories import make_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_agreements(town_staff):
    """One ending on 2026-12-31, one on 2027-02-28."""
    ending_soon = sign(make_child(YAGUANG, user=town_staff, name="甲"), valid_until=date(2026, 12, 31))
    ending_later = sign(make_child(YAGUANG, user=town_staff, name="乙"), valid_until=date(2027, 2, 28))
    return ending_soon, ending_later


def test_agreements_past_their_validity_become_to_resign_with_history(two_agreements):
    ending_soon, ending_later = two_agreements
    assert agreements_mark_lapsed(date(2026, 12, 31)) == {"on": "2026-12-31", "lapsed": 0}  # the last valid day
    assert agreements_mark_lapsed(on=date(2027, 1, 1)) == {"on": "2027-01-01", "lapsed": 1}
    ending_soon.refresh_from_db()
    ending_later.refresh_from_db()
    assert ending_soon.status == AgreementStatus.TO_RESIGN and ending_soon.resign_reason == "协议有效期已满"
    assert ending_soon.version == 2
    assert ending_soon.history.first().history_change_reason == "协议有效期已满"
    assert ending_later.status == AgreementStatus.SIGNED


def test_running_the_job_twice_changes_nothing_the_second_time(two_agreements):
    assert agreements_mark_lapsed(date(2027, 6, 1))["lapsed"] == 2
    assert agreements_mark_lapsed(date(2027, 6, 1))["lapsed"] == 0
    assert Agreement.history.filter(history_change_reason="协议有效期已满").count() == 2


def test_the_task_runs_through_job_run_and_is_recorded(two_agreements, monkeypatch):
    Agreement.objects.filter(pk=two_agreements[0].pk).update(valid_until=date(2026, 11, 27))
    summary = mark_lapsed_agreements.delay().get()
    assert summary == {"on": TODAY.isoformat(), "lapsed": 1}
    run = JobRun.objects.get(name="mark_lapsed_agreements")
    assert run.status == JobRun.Status.SUCCEEDED and run.summary["lapsed"] == 1 and run.trigger == "schedule"


def test_the_management_command_takes_a_date_and_records_its_run(two_agreements, capsys):
    call_command("mark_lapsed_agreements", "--date", "2027-03-01")
    assert "2 份协议到期" in capsys.readouterr().out
    assert JobRun.objects.get(name="mark_lapsed_agreements").trigger == "command"
    with pytest.raises(CommandError, match="日期格式"):
        call_command("mark_lapsed_agreements", "--date", "2027/03/01")


def test_the_job_is_scheduled_daily_in_the_beat_schedule():
    entry = app.conf.beat_schedule["agreements-mark-lapsed"]
    assert entry["task"] == "agreements.mark_lapsed" == mark_lapsed_agreements.name
    assert entry["schedule"].hour == {0} and entry["schedule"].minute == {30}
