"""The escalation table of 通知 二.4 (DOMAIN.md) as pure functions: no database."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from registry.choices import FamilyEconomy, LivingArrangement, Schooling
from visits.choices import Finding, Guardianship, PhysicalHealth, ReferralBody, RiskLevel, SchoolingState
from visits.escalation.rules import (
    Deadlines,
    add_working_days,
    body_for,
    findings_from_archive,
    findings_from_visit,
    is_high_risk,
    minimum_risk,
    raise_risk,
    referral_deadline,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEADLINES = Deadlines(police_hours=24, education_working_days=3, assistance_working_days=10)
WEDNESDAY = datetime(2026, 11, 25, 10, 30, tzinfo=SHANGHAI)
FRIDAY = datetime(2026, 11, 27, 16, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("finding", "body", "deadline"),
    [
        (Finding.ALONE, ReferralBody.POLICE, datetime(2026, 11, 26, 10, 30, tzinfo=SHANGHAI)),
        (Finding.GUARDIAN_INCAPABLE, ReferralBody.POLICE, datetime(2026, 11, 26, 10, 30, tzinfo=SHANGHAI)),
        (Finding.GUARDIAN_NEGLECT, ReferralBody.POLICE, datetime(2026, 11, 26, 10, 30, tzinfo=SHANGHAI)),
        (Finding.VIOLENCE, ReferralBody.POLICE, datetime(2026, 11, 26, 10, 30, tzinfo=SHANGHAI)),
        (Finding.INJURY, ReferralBody.POLICE, datetime(2026, 11, 26, 10, 30, tzinfo=SHANGHAI)),
        # Wednesday + 10 working days: Thu, Fri, Mon-Fri, Mon, Tue, Wed → Wednesday 9 December.
        (Finding.HARDSHIP, ReferralBody.ASSISTANCE, datetime(2026, 12, 9, 23, 59, 59, tzinfo=SHANGHAI)),
        # Wednesday + 3 working days: Thu, Fri, Mon → Monday 30 November.
        (Finding.OUT_OF_SCHOOL, ReferralBody.EDUCATION, datetime(2026, 11, 30, 23, 59, 59, tzinfo=SHANGHAI)),
    ],
)
def test_each_row_of_the_table_goes_to_its_body_by_its_deadline(finding, body, deadline):
    assert body_for(finding) == body
    assert referral_deadline(finding, WEDNESDAY, DEADLINES) == deadline


def test_the_written_report_found_on_a_friday_skips_the_weekend():
    # Friday + 3 working days: Monday, Tuesday, Wednesday (Saturday and Sunday do not count).
    assert referral_deadline(Finding.OUT_OF_SCHOOL, FRIDAY, DEADLINES).date() == date(2026, 12, 2)


def test_a_finding_on_a_saturday_counts_from_monday():
    saturday = FRIDAY + timedelta(days=1)
    assert add_working_days(saturday.date(), 1) == date(2026, 11, 30)
    assert add_working_days(saturday.date(), 3) == date(2026, 12, 2)


def test_the_police_deadline_runs_through_the_weekend():
    assert referral_deadline(Finding.ALONE, FRIDAY, DEADLINES) == FRIDAY + timedelta(hours=24)


def test_deadlines_follow_the_settings_values():
    slow = Deadlines(police_hours=12, education_working_days=5, assistance_working_days=1)
    assert referral_deadline(Finding.VIOLENCE, WEDNESDAY, slow) == WEDNESDAY + timedelta(hours=12)
    assert referral_deadline(Finding.OUT_OF_SCHOOL, WEDNESDAY, slow).date() == date(2026, 12, 2)
    assert referral_deadline(Finding.HARDSHIP, WEDNESDAY, slow).date() == date(2026, 11, 26)


def test_holidays_passed_in_are_skipped_too():
    assert add_working_days(date(2026, 9, 30), 1, holidays={date(2026, 10, 1), date(2026, 10, 2)}) == date(2026, 10, 5)


def test_high_risk_findings_are_living_alone_violence_and_guardians_who_cannot_or_will_not_care():
    high = {code for code in Finding.values if is_high_risk(code)}
    assert high == {Finding.ALONE, Finding.VIOLENCE, Finding.GUARDIAN_INCAPABLE, Finding.GUARDIAN_NEGLECT}


def test_a_visit_implies_findings_from_its_assessment_and_archive_changes():
    found = findings_from_visit(
        marked=[Finding.VIOLENCE],
        guardianship=Guardianship.INCAPABLE,
        physical_health=PhysicalHealth.INJURED,
        schooling=SchoolingState.NORMAL,
        now_alone=True,
    )
    assert found == [Finding.ALONE, Finding.GUARDIAN_INCAPABLE, Finding.VIOLENCE, Finding.INJURY]
    assert findings_from_visit(guardianship=Guardianship.NEGLECT) == [Finding.GUARDIAN_NEGLECT]
    assert findings_from_visit(schooling=SchoolingState.DROPPED_OUT) == [Finding.OUT_OF_SCHOOL]
    assert findings_from_visit(now_dropped_out=True) == [Finding.OUT_OF_SCHOOL]
    assert findings_from_visit(guardianship=Guardianship.WEAK, schooling=SchoolingState.TRUANCY) == []


def archive(**changes):
    values = {
        "living_arrangement": LivingArrangement.WITH_CARER,
        "schooling": Schooling.PRIMARY,
        "family_economy": FamilyEconomy.ORDINARY,
        "birth_date": date(2015, 4, 2),
        "on": date(2026, 11, 27),
    }
    values.update(changes)
    return findings_from_archive(**values)


def test_an_ordinary_archive_shows_nothing_to_escalate():
    assert archive() == []


def test_an_archive_shows_living_alone_dropping_out_hardship_and_an_incapable_guardian():
    assert archive(living_arrangement=LivingArrangement.ALONE) == [Finding.ALONE]
    assert archive(schooling=Schooling.DROPPED_OUT) == [Finding.OUT_OF_SCHOOL]
    assert archive(family_economy=FamilyEconomy.DIBAO) == [Finding.HARDSHIP]
    assert archive(family_economy=FamilyEconomy.TEKUN) == [Finding.HARDSHIP]
    assert archive(family_economy=FamilyEconomy.LOW_INCOME) == []
    assert archive(guardian_incapable=True) == [Finding.GUARDIAN_INCAPABLE]


def test_not_in_school_is_out_of_school_only_at_compulsory_school_age():
    assert archive(schooling=Schooling.NOT_IN_SCHOOL, birth_date=date(2015, 4, 2)) == [Finding.OUT_OF_SCHOOL]
    assert archive(schooling=Schooling.NOT_IN_SCHOOL, birth_date=date(2021, 4, 2)) == []  # five years old


def test_the_risk_level_is_raised_to_what_the_findings_imply_never_lowered():
    assert minimum_risk([]) == RiskLevel.LOW
    assert minimum_risk([Finding.OUT_OF_SCHOOL]) == RiskLevel.MEDIUM
    assert minimum_risk([Finding.HARDSHIP, Finding.INJURY]) == RiskLevel.HIGH
    assert raise_risk(RiskLevel.LOW, [Finding.ALONE]) == RiskLevel.HIGH
    assert raise_risk(RiskLevel.HIGH, [Finding.HARDSHIP]) == RiskLevel.HIGH
    assert raise_risk(RiskLevel.LOW, []) == RiskLevel.LOW


def test_an_unknown_finding_is_refused():
    with pytest.raises(ValueError):
        body_for("nonsense")
