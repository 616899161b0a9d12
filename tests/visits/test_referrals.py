"""Referrals: opened from visits and archives with the right body and deadline, never twice while
open, in bulk; the status workflow; high-risk notices; overdue counting and reminders."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qidong_care.core.models import JobRun
from qidong_care.notifications.models import Notification
from registry.choices import AdultRole, FamilyEconomy, LivingArrangement, ParentStatus, Relation, Schooling
from registry.services import AdultInput, child_save
from tests.factories import make_child, make_id
from visits.choices import Finding, ReferralBody, ReferralSource, ReferralStatus
from visits.escalation import referrals_on_archive_change
from visits.models import Referral
from visits.selectors import referral_counts_by_town
from visits.services import (
    referral_notify_parents,
    referral_transition,
    referrals_notify_high_risk,
    referrals_open,
    referrals_remind_overdue,
)

from .conftest import YAGUANG, at

WEDNESDAY = at(2026, 11, 25, 10, 30)


@pytest.mark.parametrize(
    ("finding", "body", "deadline"),
    [
        (Finding.ALONE, ReferralBody.POLICE, at(2026, 11, 26, 10, 30)),
        (Finding.GUARDIAN_INCAPABLE, ReferralBody.POLICE, at(2026, 11, 26, 10, 30)),
        (Finding.GUARDIAN_NEGLECT, ReferralBody.POLICE, at(2026, 11, 26, 10, 30)),
        (Finding.VIOLENCE, ReferralBody.POLICE, at(2026, 11, 26, 10, 30)),
        (Finding.INJURY, ReferralBody.POLICE, at(2026, 11, 26, 10, 30)),
        (Finding.HARDSHIP, ReferralBody.ASSISTANCE, at(2026, 12, 9, 23, 59, 59)),
        (Finding.OUT_OF_SCHOOL, ReferralBody.EDUCATION, at(2026, 11, 30, 23, 59, 59)),
    ],
)
def test_each_finding_opens_a_referral_to_its_body_with_its_deadline(child, director, finding, body, deadline):
    (referral,) = referrals_open([(child, finding)], source=ReferralSource.VISIT, user=director, now=WEDNESDAY)
    referral.refresh_from_db()
    assert (referral.body, referral.deadline, referral.status) == (body, deadline, ReferralStatus.PENDING)
    assert (referral.town_id, referral.village_id) == (child.town_id, child.village_id)
    assert referral.history.count() == 1


def test_the_deadline_settings_are_used(child, settings):
    settings.REFERRAL_POLICE_HOURS = 6
    settings.REFERRAL_EDUCATION_WORKING_DAYS = 1
    (police, school) = referrals_open(
        [(child, Finding.VIOLENCE), (child, Finding.OUT_OF_SCHOOL)], source=ReferralSource.VISIT, now=WEDNESDAY
    )
    assert police.deadline == WEDNESDAY + timedelta(hours=6)
    assert school.deadline == at(2026, 11, 26, 23, 59, 59)


def test_a_second_identical_finding_while_open_does_not_open_another(child):
    referrals_open([(child, Finding.ALONE)], source=ReferralSource.VISIT, now=WEDNESDAY)
    again = referrals_open([(child, Finding.ALONE), (child, Finding.ALONE)], source=ReferralSource.ARCHIVE)
    assert again == []
    assert Referral.objects.filter(child=child, trigger=Finding.ALONE).count() == 1


def test_a_finding_after_the_referral_was_closed_opens_a_new_one(child, director):
    (first,) = referrals_open([(child, Finding.INJURY)], source=ReferralSource.VISIT, now=WEDNESDAY)
    referral_transition(user=director, referral=first, to_status=ReferralStatus.REPORTED, reported_to="汇龙派出所")
    referral_transition(user=director, referral=first, to_status=ReferralStatus.CLOSED, outcome="已就医，伤情轻微")
    assert len(referrals_open([(child, Finding.INJURY)], source=ReferralSource.VISIT)) == 1
    assert Referral.objects.filter(child=child, trigger=Finding.INJURY).count() == 2


def test_the_database_refuses_a_duplicate_open_referral(child):
    from django.db import IntegrityError, transaction

    (first,) = referrals_open([(child, Finding.VIOLENCE)], source=ReferralSource.VISIT)
    clone = Referral(**{f.attname: getattr(first, f.attname) for f in Referral._meta.concrete_fields if f.name != "id"})
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


# --- from the archive ------------------------------------------------------------------------------------


def test_a_child_saved_as_living_alone_gets_a_police_referral(director):
    child = make_child(YAGUANG, user=director, living_arrangement=LivingArrangement.ALONE)
    referral = Referral.objects.get(child=child)
    assert (referral.trigger, referral.body, referral.source) == (
        Finding.ALONE,
        ReferralBody.POLICE,
        ReferralSource.ARCHIVE,
    )


def test_a_child_updated_to_dropped_out_gets_an_education_referral_once(child, director):
    child_save(user=director, child=child, data={"schooling": Schooling.DROPPED_OUT}, adults={})
    child_save(user=director, child=child, data={"notes": "再次保存"}, adults={})
    referral = Referral.objects.get(child=child)
    assert (referral.trigger, referral.body) == (Finding.OUT_OF_SCHOOL, ReferralBody.EDUCATION)


def test_hardship_and_an_incapable_guardian_in_the_archive_open_referrals(child, director):
    guardian = AdultInput(
        name="顾兰春",
        id_number=make_id(child.birth_date.replace(year=1961), male=False),
        phone="13781286570",
        status=ParentStatus.SERIOUSLY_ILL,
        relation=Relation.MATERNAL_GRANDMOTHER,
    )
    child_save(
        user=director,
        child=child,
        data={"family_economy": FamilyEconomy.DIBAO},
        adults={AdultRole.GUARDIAN: guardian},
    )
    assert set(Referral.objects.filter(child=child).values_list("trigger", "body")) == {
        (Finding.HARDSHIP, ReferralBody.ASSISTANCE),
        (Finding.GUARDIAN_INCAPABLE, ReferralBody.POLICE),
    }


def test_an_exited_or_screened_out_child_is_not_referred(child, director):
    child.roster_status = "exited"
    child.living_arrangement = LivingArrangement.ALONE
    assert referrals_on_archive_change([child], source="退出", user=director) == []


def test_a_roster_import_is_recorded_as_its_source(child):
    child.living_arrangement = LivingArrangement.ALONE
    (referral,) = referrals_on_archive_change([child], source="花名册导入（第3批）", user=None)
    assert referral.source == ReferralSource.IMPORT


def _queries_to_open(children, director) -> int:
    for item in children:
        item.living_arrangement = LivingArrangement.ALONE
        item.schooling = Schooling.DROPPED_OUT
    with CaptureQueriesContext(connection) as queries:
        opened = referrals_on_archive_change(children, source="花名册导入", user=director)
    assert len(opened) == 2 * len(children)
    return len(queries)


def test_archive_referrals_are_opened_in_bulk_not_a_query_per_child(director):
    children = [make_child(YAGUANG, user=director, name=f"独居{i}") for i in range(33)]
    few, many = _queries_to_open(children[:3], director), _queries_to_open(children[3:], director)
    # guardians, closed referrals, open referrals, then the rows and their history in one go (ids
    # allocated, rows streamed in: COPY on PostgreSQL, one executemany each on SQLite)
    assert few == many <= 7


# --- high risk ----------------------------------------------------------------------------------------------


def test_a_high_risk_finding_notifies_the_town_staff_and_the_bureau_not_the_outsider(
    child, director, town_staff, bureau, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (referral,) = referrals_open([(child, Finding.VIOLENCE)], source=ReferralSource.VISIT, user=director)
    notices = Notification.objects.filter(key=f"referral-{referral.pk}")
    assert set(notices.values_list("user__username", flat=True)) == {town_staff.username, bureau.username}
    assert notices.first().kind == Notification.Kind.HIGH_RISK
    assert child.name not in notices.first().title  # e-mailed: the surname only
    assert referrals_notify_high_risk([referral.pk]) == 0  # idempotent


def test_a_finding_that_is_not_high_risk_notifies_nobody_at_once(
    child, town_staff, bureau, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referrals_open([(child, Finding.HARDSHIP)], source=ReferralSource.VISIT)
    assert not Notification.objects.exists()


# --- the workflow -------------------------------------------------------------------------------------------


@pytest.fixture
def referral(child):
    (opened,) = referrals_open([(child, Finding.ALONE)], source=ReferralSource.VISIT, now=WEDNESDAY)
    return opened


def test_the_workflow_goes_from_pending_to_reported_to_in_progress_to_closed(referral, director):
    referral_transition(
        user=director,
        referral=referral,
        to_status=ReferralStatus.REPORTED,
        reported_to="汇龙派出所 王警官",
        reported_at=at(2026, 11, 25, 11, 0),
        receipt_no="JJ20261125001",
    )
    referral_transition(user=director, referral=referral, to_status=ReferralStatus.IN_PROGRESS, progress_note="已安置")
    referral_transition(user=director, referral=referral, to_status=ReferralStatus.CLOSED, outcome="由姑母临时监护")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED
    assert (referral.reported_by, referral.reported_to, referral.receipt_no) == (
        director,
        "汇龙派出所 王警官",
        "JJ20261125001",
    )
    assert referral.reported_at == at(2026, 11, 25, 11, 0)
    assert referral.closed_by == director and referral.closed_at is not None
    assert [h.status for h in referral.history.order_by("history_date")] == [
        "pending",
        "reported",
        "in_progress",
        "closed",
    ]


def test_a_report_needs_to_whom_and_closing_needs_an_outcome(referral, director):
    with pytest.raises(ValidationError) as error:
        referral_transition(user=director, referral=referral, to_status=ReferralStatus.REPORTED)
    assert "reported_to" in error.value.message_dict
    referral_transition(user=director, referral=referral, to_status=ReferralStatus.REPORTED, reported_to="派出所")
    with pytest.raises(ValidationError) as error:
        referral_transition(user=director, referral=referral, to_status=ReferralStatus.CLOSED, outcome="  ")
    assert "outcome" in error.value.message_dict


def test_a_step_cannot_be_skipped_or_undone(referral, director):
    with pytest.raises(ValidationError):
        referral_transition(user=director, referral=referral, to_status=ReferralStatus.CLOSED, outcome="x")
    referral_transition(user=director, referral=referral, to_status=ReferralStatus.REPORTED, reported_to="派出所")
    with pytest.raises(ValidationError):
        referral_transition(user=director, referral=referral, to_status=ReferralStatus.PENDING)


def test_a_report_cannot_be_dated_in_the_future(referral, director):
    from django.utils import timezone

    with pytest.raises(ValidationError) as error:
        referral_transition(
            user=director,
            referral=referral,
            to_status=ReferralStatus.REPORTED,
            reported_to="派出所",
            reported_at=timezone.now() + timedelta(hours=2),
        )
    assert "reported_at" in error.value.message_dict


def test_a_stale_version_is_refused_not_overwritten(referral, director, town_staff):
    stale = Referral.objects.get(pk=referral.pk)
    referral_transition(user=town_staff, referral=referral, to_status=ReferralStatus.REPORTED, reported_to="派出所")
    with pytest.raises(ValidationError, match="已被其他人更新"):
        referral_transition(
            user=director, referral=stale, to_status=ReferralStatus.REPORTED, reported_to="别处", expected_version=1
        )
    assert Referral.objects.get(pk=referral.pk).reported_to == "派出所"


def test_the_education_referral_is_closed_only_after_the_parents_are_notified(child, director):
    from django.utils import timezone

    (school,) = referrals_open([(child, Finding.OUT_OF_SCHOOL)], source=ReferralSource.VISIT)
    referral_transition(user=director, referral=school, to_status=ReferralStatus.REPORTED, reported_to="镇中心校")
    with pytest.raises(ValidationError, match="通报父母或监护人"):
        referral_transition(user=director, referral=school, to_status=ReferralStatus.CLOSED, outcome="已返校")
    referral_notify_parents(user=director, referral=school, at=timezone.now(), note="电话通知父亲石某")
    referral_transition(user=director, referral=school, to_status=ReferralStatus.CLOSED, outcome="已返校")
    school.refresh_from_db()
    assert school.parents_notified_note == "电话通知父亲石某" and school.status == ReferralStatus.CLOSED


def test_parents_are_notified_only_for_the_education_department(referral, director):
    from django.utils import timezone

    with pytest.raises(ValidationError):
        referral_notify_parents(user=director, referral=referral, at=timezone.now(), note="x")


# --- overdue ------------------------------------------------------------------------------------------------


def test_overdue_means_still_to_be_reported_after_the_deadline(child, nanyang_child, director):
    late, reported, fresh = referrals_open(
        [(child, Finding.ALONE), (child, Finding.INJURY), (child, Finding.OUT_OF_SCHOOL)],
        source=ReferralSource.VISIT,
        now=WEDNESDAY,
    )
    referral_transition(user=director, referral=reported, to_status=ReferralStatus.REPORTED, reported_to="派出所")
    referrals_open([(nanyang_child, Finding.HARDSHIP)], source=ReferralSource.ARCHIVE, now=WEDNESDAY)
    counts = referral_counts_by_town(at=at(2026, 11, 27, 9, 0))
    assert (counts[child.town_id].open, counts[child.town_id].overdue) == (3, 1)
    assert (counts[nanyang_child.town_id].open, counts[nanyang_child.town_id].overdue) == (1, 0)
    assert list(Referral.objects.overdue(at(2026, 11, 27, 9, 0))) == [late]


def test_overdue_reminders_reach_the_responsible_people_once_a_day(child, director, town_staff, bureau, outsider):
    (late,) = referrals_open([(child, Finding.INJURY)], source=ReferralSource.VISIT, now=WEDNESDAY)
    summary = referrals_remind_overdue(at(2026, 11, 27, 9, 0))
    assert summary["overdue"] == 1 and summary["reminded"] == 3
    again = referrals_remind_overdue(at(2026, 11, 27, 10, 0))
    assert again["reminded"] == 0
    next_day = referrals_remind_overdue(at(2026, 11, 28, 9, 0))
    assert next_day["reminded"] == 3
    reached = set(Notification.objects.filter(kind="referral_overdue").values_list("user__username", flat=True))
    assert reached == {director.username, town_staff.username, bureau.username}


def test_the_hourly_job_catches_up_a_lost_high_risk_notice(child, town_staff, bureau):
    referrals_open([(child, Finding.ALONE)], source=ReferralSource.VISIT)  # the on-commit task never ran
    referrals_remind_overdue(at(2026, 11, 25, 11, 0))
    assert Notification.objects.filter(kind="high_risk").count() == 2


def test_the_reminder_command_records_its_run(child):
    referrals_open([(child, Finding.INJURY)], source=ReferralSource.VISIT, now=WEDNESDAY)
    call_command("remind_overdue_referrals", stdout=io.StringIO())
    run = JobRun.objects.get(name="remind_overdue_referrals")
    assert run.status == JobRun.Status.SUCCEEDED and run.trigger == "command" and run.summary["overdue"] == 1


def _close(referral, user):
    referral_transition(user=user, referral=referral, to_status=ReferralStatus.REPORTED, reported_to="派出所")
    referral_transition(user=user, referral=referral, to_status=ReferralStatus.CLOSED, outcome="已妥善安置")


def test_saving_an_archive_again_does_not_reopen_a_finding_already_handled(director):
    child = make_child(YAGUANG, user=director, family_economy=FamilyEconomy.DIBAO)
    _close(Referral.objects.get(child=child), director)
    child_save(user=director, child=child, data={"notes": "更新电话"}, adults={})
    assert Referral.objects.filter(child=child).count() == 1


def test_an_archive_that_left_the_state_and_came_back_opens_a_new_referral(director):
    child = make_child(YAGUANG, user=director, living_arrangement=LivingArrangement.ALONE)
    _close(Referral.objects.get(child=child), director)
    child_save(user=director, child=child, data={"living_arrangement": LivingArrangement.WITH_CARER}, adults={})
    child_save(user=director, child=child, data={"living_arrangement": LivingArrangement.ALONE}, adults={})
    assert Referral.objects.filter(child=child, trigger=Finding.ALONE).count() == 2
    assert Referral.objects.open().filter(child=child).count() == 1
