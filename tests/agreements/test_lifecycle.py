"""Every transition of an agreement: 未签订 → 已签订 → 需重签 (carer changed, lapsed, marked) → 已签订
again, and 已终止 (exit, or by staff); a child whose parents are home needs none."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from agreements.models import Agreement, AgreementStatus
from agreements.selectors import agreement_coverage_for, agreement_todo_count
from agreements.services import (
    AgreementConcurrentEditError,
    agreement_end,
    agreement_mark_resign,
    agreement_sign,
    parties_of,
)
from registry.choices import AdultRole, ExitReason, RosterStatus
from registry.models import Child
from registry.services import child_save
from tests.agreements.conftest import TODAY, YAGUANG, change_carer, exit_child, parents_return, sign
from tests.factories import away, make_child

pytestmark = pytest.mark.django_db


def test_signing_records_the_away_parents_the_carer_and_the_village_as_witness(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    agreement = sign(child, user=town_staff)
    assert agreement.status == AgreementStatus.SIGNED
    assert [a.name for a in agreement.principals] == ["石轩瑶", "张明浩"]
    assert agreement.carer.name == "顾兰春"
    assert agreement.witness_region == child.village
    record = agreement.history.get()
    assert record.history_user == town_staff and record.history_change_reason == "签订协议"


def test_a_signed_child_counts_as_covered(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    assert agreement_todo_count(town_staff, on=TODAY) == 1
    sign(child, user=town_staff)
    assert agreement_todo_count(town_staff, on=TODAY) == 0
    assert agreement_coverage_for(Child.objects.all(), on=TODAY).ratio == 1.0


def test_changing_the_carer_through_the_survey_form_makes_the_agreement_need_resigning(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    sign(child, user=town_staff)
    change_carer(child, user=town_staff)
    agreement = Agreement.objects.get(child=child)
    assert agreement.status == AgreementStatus.TO_RESIGN
    assert agreement.resign_reason == "委托照护人变更"
    assert agreement.history.first().history_change_reason.startswith("委托照护人变更")
    assert agreement_todo_count(town_staff, on=TODAY) == 1


def test_other_archive_changes_leave_a_signed_agreement_alone(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    sign(child, user=town_staff)
    child.refresh_from_db()
    data = {"school": "启东市实验小学"}
    child_save(user=town_staff, child=child, data=data, adults={}, expected_version=child.version)
    assert Agreement.objects.get(child=child).status == AgreementStatus.SIGNED


def test_resigning_with_the_new_carer_makes_it_valid_again_and_clears_the_old_scan(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    sign(child, user=town_staff)
    Agreement.objects.filter(child=child).update(scan="agreements/scans/2026/old.pdf")
    change_carer(child, user=town_staff)
    agreement = sign(child, user=town_staff, signed_on=date(2026, 11, 20))
    assert agreement.status == AgreementStatus.SIGNED and agreement.carer.name == "陈桂英"
    assert not agreement.scan and agreement.resign_reason == ""
    assert agreement.history.first().history_change_reason == "重新签订协议"
    assert agreement.history.filter(scan="agreements/scans/2026/old.pdf").exists()  # the old paper stays findable


def test_a_lapsed_agreement_counts_as_needing_resigning_before_the_nightly_job(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    sign(child, user=town_staff, valid_until=date(2026, 12, 31))
    later = date(2027, 1, 1)
    coverage = agreement_coverage_for(Child.objects.all(), on=later)
    assert (coverage.needing, coverage.signed_valid, coverage.to_resign) == (1, 0, 1)
    assert Agreement.objects.get(child=child).status == AgreementStatus.SIGNED


def test_an_exited_child_has_the_agreement_ended_not_deleted(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    sign(child, user=town_staff)
    exit_child(child, user=town_staff, reason=ExitReason.MOVED_AWAY)
    agreement = Agreement.objects.get(child=child)
    assert agreement.status == AgreementStatus.ENDED
    assert agreement.end_reason == "儿童退出在册名单（迁出）" and agreement.ended_on == TODAY
    assert agreement.signed_on == date(2026, 3, 1)  # the record stays as it was signed
    assert agreement_coverage_for(Child.objects.all(), on=TODAY).needing == 0


def test_an_exited_child_cannot_be_signed_again(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    exit_child(child, user=town_staff)
    with pytest.raises(ValidationError, match="已退出"):
        sign(child, user=town_staff)


def test_a_child_whose_parents_returned_needs_none_and_is_not_counted(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    assert agreement_todo_count(town_staff, on=TODAY) == 1
    parents_return(child, user=town_staff)
    child.refresh_from_db()
    assert child.roster_status == RosterStatus.NOT_LEFT_BEHIND
    assert agreement_todo_count(town_staff, on=TODAY) == 0
    assert agreement_coverage_for(Child.objects.all(), on=TODAY).needing == 0
    with pytest.raises(ValidationError, match="无需签订"):
        sign(child, user=town_staff)


def test_staff_mark_a_signed_agreement_for_resigning_with_a_reason(town_staff):
    agreement = sign(make_child(YAGUANG, user=town_staff), user=town_staff)
    with pytest.raises(ValidationError):
        agreement_mark_resign(user=town_staff, agreement=agreement, reason=" ")
    agreement_mark_resign(user=town_staff, agreement=agreement, reason="母亲返乡后又外出", expected_version=1)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.TO_RESIGN and agreement.version == 2
    with pytest.raises(ValidationError, match="已签订"):
        agreement_mark_resign(user=town_staff, agreement=agreement, reason="再次")


def test_staff_end_an_agreement_which_is_kept(town_staff):
    agreement = sign(make_child(YAGUANG, user=town_staff), user=town_staff)
    agreement_end(user=town_staff, agreement=agreement, reason="父母协商解除委托")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ENDED and agreement.end_reason == "父母协商解除委托"
    with pytest.raises(ValidationError, match="已经终止"):
        agreement_end(user=town_staff, agreement=agreement, reason="再次")
    assert Agreement.objects.filter(pk=agreement.pk).exists()


def test_a_second_writer_with_an_old_version_is_refused(town_staff, director):
    child = make_child(YAGUANG, user=town_staff)
    sign(child, user=town_staff, expected_version=0)
    with pytest.raises(AgreementConcurrentEditError):
        sign(child, user=director, expected_version=0)  # opened the page before the first signing
    stale = Agreement.objects.get(child=child)  # the director opens the page …
    agreement_end(user=town_staff, agreement=Agreement.objects.get(child=child), reason="解除", expected_version=1)
    with pytest.raises(AgreementConcurrentEditError):  # … and submits after the town ended it
        agreement_mark_resign(user=director, agreement=stale, reason="过期页面", expected_version=1)
    assert Agreement.objects.get(child=child).status == AgreementStatus.ENDED


@pytest.mark.parametrize(
    ("signed_on", "valid_from", "valid_until", "field"),
    [
        (date(2026, 12, 1), date(2026, 12, 1), date(2027, 11, 30), "signed_on"),
        (date(2026, 3, 1), date(2026, 2, 1), date(2027, 1, 31), "valid_from"),
        (date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 1), "valid_until"),
        (date(2025, 3, 1), date(2025, 3, 1), date(2026, 2, 28), "valid_until"),
    ],
)
def test_it_refuses_impossible_dates_on_the_field_at_fault(town_staff, signed_on, valid_from, valid_until, field):
    child = make_child(YAGUANG, user=town_staff)
    with pytest.raises(ValidationError) as caught:
        sign(child, user=town_staff, signed_on=signed_on, valid_from=valid_from, valid_until=valid_until)
    assert field in caught.value.error_dict
    assert not Agreement.objects.exists()


def _sign_with(child, principals):
    return agreement_sign(
        user=None,
        child=child,
        signed_on=date(2026, 3, 1),
        valid_from=date(2026, 3, 1),
        valid_until=date(2027, 2, 28),
        principals=principals,
        witness_name="亚光村村民委员会",
    )


def test_the_carer_cannot_be_a_principal_and_principals_must_be_the_childs_parents(town_staff):
    child = make_child(YAGUANG, user=town_staff)
    carer = parties_of(child).carer
    with pytest.raises(ValidationError, match="同一人"):
        _sign_with(child, [carer])
    stranger = make_child(YAGUANG, user=town_staff, name="另一个").links.get(role=AdultRole.FATHER).adult
    stranger.pk += 10_000  # an adult who is no parent of this child
    with pytest.raises(ValidationError, match="父母或监护人"):
        _sign_with(child, [stranger])
    with pytest.raises(ValidationError, match="委托方"):
        _sign_with(child, [])


def test_a_child_without_a_carer_or_guardian_cannot_be_signed_until_the_archive_names_one(town_staff):
    adults = {AdultRole.FATHER: away("石轩瑶"), AdultRole.MOTHER: away("张明浩", male=False)}
    child = make_child(YAGUANG, user=town_staff, adults=adults)
    with pytest.raises(ValidationError, match="没有登记委托照护人"):
        _sign_with(child, parties_of(child).principals)
