"""The scheduled jobs at a province's scale (issue 9): each takes the same number of queries for a
few children in one town as for many in several, and gives the figures a hand count gives."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement, AgreementStatus
from agreements.services import agreement_sign, parties_of
from registry.ageout import AGE_OUT_REASON, children_age_out
from registry.choices import ExitReason, RosterStatus
from registry.models import ArchiveUpdate, Child, Region
from registry.services import child_exit, child_save
from reports.models import SpotCheck, WeeklyReport
from reports.services.spotchecks import spot_checks_draw
from reports.services.weekly import weekly_report_store
from reports.weeks import Week

from .builders import active_child

W48 = Week(2026, 48)  # Monday 2026-11-23 to Sunday 2026-11-29


def first_villages(count: int, *, skip: int = 0) -> list[Region]:
    """The first village of each of `count` active towns (after the first `skip` towns)."""
    towns = Region.objects.towns().active().order_by("code")[skip : skip + count]
    return [Region.objects.villages().active().filter(parent=town).order_by("code").first() for town in towns]


def work_in_week_48(clock, villages: list[Region], per_village: int) -> None:
    """In each village: `per_village` children on the roster before the week; during it the first is
    updated and the second moves away, and one child is entered; after it the first moves away too."""
    clock.set(date(2026, 11, 10))
    kids = {v.pk: [active_child(v, name=f"{v.name}{n}") for n in range(per_village)] for v in villages}
    clock.set(date(2026, 11, 25))
    for village in villages:
        first, second = kids[village.pk][:2]
        child_save(user=None, child=first, data={"notes": "本周更新"}, adults={})
        child_exit(user=None, child=second, reason=ExitReason.MOVED_AWAY, on=date(2026, 11, 25))
        active_child(village, name=f"{village.name}新")
    clock.set(date(2026, 12, 2))
    for village in villages:
        child_exit(user=None, child=kids[village.pk][0], reason=ExitReason.OTHER, on=date(2026, 12, 2))
    clock.set(date(2026, 12, 3))


def stored_week_48() -> tuple[dict[str, tuple], int]:
    WeeklyReport.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        report, computed = weekly_report_store(week=W48)
    assert computed
    rows = report.rows.filter(active__gt=0)
    return {row.town_code: (row.active, row.new, row.exits, row.updates) for row in rows}, len(queries)


def test_the_weekly_job_takes_the_same_queries_for_one_town_or_five(db, clock):
    huilong_village, *others = first_villages(5)
    work_in_week_48(clock, [huilong_village], per_village=2)
    few, few_queries = stored_week_48()
    work_in_week_48(clock, others, per_village=3)
    many, many_queries = stored_week_48()
    assert few_queries == many_queries
    # active: those on the roster at Sunday 24:00 (the exit of 2 December is not counted yet)
    assert few == {huilong_village.parent.code: (2, 1, 1, 3)}
    assert many == few | {village.parent.code: (3, 1, 1, 3) for village in others}


def sign_agreement(child: Child) -> None:
    child.refresh_from_db()
    agreement_sign(
        user=None,
        child=child,
        signed_on=date(2026, 3, 1),
        valid_from=date(2026, 3, 1),
        valid_until=date(2027, 2, 28),
        principals=parties_of(child).principals,
        witness_name="村民委员会",
    )


def turning_sixteen(villages: list[Region], count: int, birth: date) -> list[Child]:
    children = [active_child(villages[n % len(villages)], name=f"满十六{n}", birth=birth) for n in range(count)]
    for child in children:
        sign_agreement(child)
    return children


def aged_out(on: date) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        count = children_age_out(on=on)
    return count, len(queries)


def test_the_age_out_takes_the_same_queries_for_2_or_20_children(db, clock):
    clock.set(date(2026, 11, 1))
    turning_sixteen(first_villages(1), 2, birth=date(2010, 11, 28))
    many = turning_sixteen(first_villages(4), 20, birth=date(2010, 11, 29))
    clock.set(date(2026, 11, 28), hour=2)
    few_count, few_queries = aged_out(date(2026, 11, 28))
    clock.set(date(2026, 11, 29), hour=2)
    many_count, many_queries = aged_out(date(2026, 11, 29))
    assert (few_count, many_count) == (2, 20) and few_queries == many_queries
    ids = [child.pk for child in many]
    exited = Child.objects.filter(pk__in=ids, roster_status=RosterStatus.EXITED, exit_reason=ExitReason.OVER_AGE)
    assert set(exited.values_list("exit_date", flat=True)) == {date(2026, 11, 29)} and exited.count() == 20
    assert Child.history.filter(id__in=ids, history_change_reason=AGE_OUT_REASON).count() == 20
    assert ArchiveUpdate.objects.filter(child_id__in=ids, on=date(2026, 11, 29)).count() == 20
    agreements = Agreement.objects.filter(child_id__in=ids)
    assert set(agreements.values_list("status", "ended_on")) == {(AgreementStatus.ENDED, date(2026, 11, 29))}
    assert all(agreement.history.first().status == AgreementStatus.ENDED for agreement in agreements)


def updated_children(clock, villages: list[Region], count: int, day: date) -> None:
    clock.set(day)
    for n in range(count):
        active_child(villages[n % len(villages)], name=f"更新{day.day}-{n}")


def drawn(on: date) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        summary = spot_checks_draw(on=on)
    return summary, len(queries)


def test_the_spot_check_draw_takes_the_same_queries_for_2_or_20_updates(db, clock, settings):
    settings.REPORTS_SPOT_CHECK_PER_TOWN = 5
    updated_children(clock, first_villages(1), 2, date(2026, 11, 26))
    updated_children(clock, first_villages(4), 20, date(2026, 11, 27))
    few, few_queries = drawn(date(2026, 11, 27))
    many, many_queries = drawn(date(2026, 11, 28))
    assert few_queries == many_queries
    assert (few["drawn"], few["towns"], many["drawn"], many["towns"]) == (2, 1, 20, 4)
    assert SpotCheck.objects.filter(updated_on=date(2026, 11, 27)).values("town").distinct().count() == 4
