"""The archive-change hook and the roster's signing dates, in bulk: few queries whatever the count."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement, AgreementStatus
from agreements.services import agreements_on_archive_change, agreements_sign_from_roster
from registry.choices import AdultRole, ExitReason, RosterStatus
from registry.models import Child, ChildAdult
from registry.services import child_exit
from tests.agreements.conftest import TODAY, YAGUANG, change_carer, sign
from tests.factories import make_child

pytestmark = pytest.mark.django_db


def _children(n: int, user) -> list[Child]:
    return [make_child(YAGUANG, user=user, name=f"儿童{i}") for i in range(n)]


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def test_the_roster_dates_create_signed_agreements_with_the_archives_parties(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    assert agreements_sign_from_roster([(child, date(2026, 5, 6))], user=town_staff) == 1
    agreement = Agreement.objects.get(child=child)
    assert agreement.status == AgreementStatus.SIGNED
    assert (agreement.signed_on, agreement.valid_from, agreement.valid_until) == (
        date(2026, 5, 6),
        date(2026, 5, 6),
        date(2027, 5, 5),
    )
    assert [a.name for a in agreement.principals] == ["石轩瑶", "张明浩"] and agreement.carer.name == "顾兰春"
    assert agreement.witness_name == "亚光村村民委员会"
    record = agreement.history.get()
    assert record.history_type == "+" and record.history_user == town_staff


def test_importing_the_same_dates_again_changes_nothing(town_staff):
    children = _children(3, town_staff)
    pairs = [(child, date(2026, 5, 6)) for child in children]
    assert agreements_sign_from_roster(pairs, user=town_staff) == 3
    assert agreements_sign_from_roster(pairs, user=town_staff) == 0
    assert Agreement.history.count() == 3


def test_a_later_date_resigns_and_an_earlier_one_is_ignored(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    sign(child, user=town_staff, signed_on=date(2026, 3, 1))
    Agreement.objects.filter(child=child).update(scan="agreements/scans/2026/paper.pdf")
    assert agreements_sign_from_roster([(child, date(2026, 1, 1))], user=town_staff) == 0
    assert agreements_sign_from_roster([(child, date(2026, 3, 1))], user=town_staff) == 0
    assert agreements_sign_from_roster([(child, date(2026, 9, 1))], user=town_staff) == 1
    agreement = Agreement.objects.get(child=child)
    assert agreement.signed_on == date(2026, 9, 1) and agreement.version == 2 and not agreement.scan
    assert agreement.history.first().history_type == "~"


def test_a_date_over_a_year_old_is_recorded_as_needing_resigning(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    agreements_sign_from_roster([(child, date(2025, 10, 25))], user=town_staff)
    agreement = Agreement.objects.get(child=child)
    assert agreement.status == AgreementStatus.TO_RESIGN and agreement.valid_until == date(2026, 10, 24)


def test_exited_children_future_dates_and_missing_dates_are_skipped(town_staff):
    exited, future, empty = _children(3, town_staff)
    child_exit(user=town_staff, child=exited, reason=ExitReason.OVER_AGE, on=TODAY)
    pairs = [(exited, date(2026, 5, 6)), (future, date(2026, 12, 1)), (empty, None)]
    assert agreements_sign_from_roster(pairs, user=town_staff) == 0
    assert not Agreement.objects.exists()


def test_without_a_carer_link_the_guardian_is_the_carer(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    ChildAdult.objects.filter(child=child, role=AdultRole.CARER).delete()
    agreements_sign_from_roster([(child, date(2026, 5, 6))], user=town_staff)
    assert Agreement.objects.get(child=child).carer.name == "顾兰春"
    agreements_on_archive_change([child], source="测试")
    assert Agreement.objects.get(child=child).status == AgreementStatus.SIGNED


def test_roster_signing_takes_the_same_number_of_queries_for_3_or_30_children(town_staff):
    few, many = _children(3, town_staff), _children(30, town_staff)
    few_queries = _queries(lambda: agreements_sign_from_roster([(c, date(2026, 5, 6)) for c in few], user=town_staff))
    many_queries = _queries(lambda: agreements_sign_from_roster([(c, date(2026, 5, 6)) for c in many], user=town_staff))
    assert few_queries == many_queries <= 10
    assert Agreement.objects.filter(status=AgreementStatus.SIGNED).count() == 33


def test_the_archive_hook_takes_the_same_number_of_queries_for_3_or_30_children(town_staff):
    few, many = _children(3, town_staff), _children(30, town_staff)
    agreements_sign_from_roster([(c, date(2026, 5, 6)) for c in few + many], user=town_staff)
    # Every carer changes and every other child exits, behind the hook's back (as a bulk import would).
    ChildAdult.objects.filter(role=AdultRole.CARER).delete()
    ChildAdult.objects.filter(role=AdultRole.GUARDIAN).delete()
    exits = [c.pk for i, c in enumerate(few + many) if i % 2]
    Child.objects.filter(pk__in=exits).update(
        roster_status=RosterStatus.EXITED, exit_reason=ExitReason.OVER_AGE, exit_date=TODAY
    )
    few_queries = _queries(lambda: agreements_on_archive_change(few, source="花名册导入"))
    many_queries = _queries(lambda: agreements_on_archive_change(many, source="花名册导入"))
    assert few_queries == many_queries <= 8
    assert Agreement.objects.filter(status=AgreementStatus.ENDED).count() == len(exits)
    assert Agreement.objects.filter(status=AgreementStatus.TO_RESIGN).count() == 33 - len(exits)
    assert Agreement.objects.get(child_id=exits[0]).end_reason == "儿童退出在册名单（超龄退出）"


def test_the_hook_is_registered_and_called_by_the_registry(town_staff, settings):
    assert "agreements.services.agreements_on_archive_change" in settings.ARCHIVE_CHANGE_HANDLERS
    child = make_child(YAGUANG, user=town_staff)
    sign(child, user=town_staff)
    change_carer(child, user=town_staff)
    assert Agreement.objects.get(child=child).status == AgreementStatus.TO_RESIGN


def test_the_hook_ignores_children_without_agreements_and_ended_ones(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    assert agreements_on_archive_change([child], source="x") == {"ended": 0, "to_resign": 0}
    assert agreements_on_archive_change([], source="x") == {"ended": 0, "to_resign": 0}
