"""The notice's escalation rules (通知 二.4; DOMAIN.md "Escalation") as plain functions over plain
data: which findings a visit or an archive shows, which body each goes to, and by when.

No database and no settings here: callers pass the deadlines (`Deadlines`) from settings.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from registry.choices import FamilyEconomy, LivingArrangement, Schooling
from registry.rules.idnumber import age_on

from ..choices import (
    Finding,
    Guardianship,
    PhysicalHealth,
    ReferralBody,
    RiskLevel,
    SchoolingState,
)

# 通知 二.4: "第一时间向公安机关报告" for these four findings (five codes: incapable and neglect apart).
POLICE_FINDINGS = frozenset(
    {Finding.ALONE, Finding.GUARDIAN_INCAPABLE, Finding.GUARDIAN_NEGLECT, Finding.VIOLENCE, Finding.INJURY}
)
# Shown at once to the town staff and the bureau (issue 6): a child left alone, a guardian who cannot
# or will not care, suspected violence. An injury has already happened and is reported the same way,
# but is not broadcast.
HIGH_RISK_FINDINGS = frozenset({Finding.ALONE, Finding.GUARDIAN_INCAPABLE, Finding.GUARDIAN_NEGLECT, Finding.VIOLENCE})
# 通知 二.4: 监护人家庭经济困难且符合有关社会救助、社会福利政策的，要及时纳入保障范围.
ASSISTANCE_ECONOMY = frozenset({FamilyEconomy.DIBAO, FamilyEconomy.TEKUN})
# Compulsory education (义务教育): a child of 7 to 15 who is "不在学" is out of school (失学).
SCHOOL_AGE = range(7, 16)


@dataclass(frozen=True)
class Deadlines:
    """How long each body's report may take (settings.REFERRAL_*: 24 h, 3 and 10 working days)."""

    police_hours: int = 24
    education_working_days: int = 3
    assistance_working_days: int = 10


def body_for(finding: str) -> str:
    """The body a finding is reported to (通知 二.4)."""
    if finding in POLICE_FINDINGS:
        return ReferralBody.POLICE
    if finding == Finding.OUT_OF_SCHOOL:
        return ReferralBody.EDUCATION  # 书面报告教育部门
    if finding == Finding.HARDSHIP:
        return ReferralBody.ASSISTANCE  # 纳入保障范围
    raise ValueError(f"unknown finding {finding!r}")


def is_high_risk(finding: str) -> bool:
    return finding in HIGH_RISK_FINDINGS


def add_working_days(start: date, days: int, *, holidays: Iterable[date] = ()) -> date:
    """The `days`-th working day after `start` (the start day itself does not count).

    Working days are Monday to Friday: Saturdays and Sundays are skipped. Public holidays and the
    swapped working weekends (调休) are not known to the system unless passed in `holidays`: a
    national holiday table is out of scope, so a deadline over 国庆 is earlier than the law's, never later.
    """
    closed = set(holidays)
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            counted += 1
    return day


def referral_deadline(
    finding: str, opened_at: datetime, deadlines: Deadlines, *, holidays: Iterable[date] = ()
) -> datetime:
    """When the report for `finding` is due. Police: `police_hours` after the finding ("第一时间",
    tracked as 24 h). Education and assistance: the end of the N-th working day after the day of
    the finding, in the time zone of `opened_at` (pass a local time: Asia/Shanghai)."""
    body = body_for(finding)
    if body == ReferralBody.POLICE:
        return opened_at + timedelta(hours=deadlines.police_hours)
    days = deadlines.education_working_days if body == ReferralBody.EDUCATION else deadlines.assistance_working_days
    last_day = add_working_days(opened_at.date(), days, holidays=holidays)
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=opened_at.tzinfo)


def ordered(findings: Iterable[str]) -> list[str]:
    """Unique findings in the table's order."""
    present = set(findings)
    return [code for code in _FINDING_ORDER if code in present]


_FINDING_ORDER = tuple(Finding.values)  # Finding.values builds a new list on every read


def findings_from_visit(
    *,
    marked: Iterable[str] = (),
    guardianship: str = "",
    physical_health: str = "",
    schooling: str = "",
    now_alone: bool = False,
    now_dropped_out: bool = False,
) -> list[str]:
    """What a visit found: the findings ticked, plus those its assessment and its archive changes imply."""
    found = set(marked)
    if guardianship == Guardianship.INCAPABLE:
        found.add(Finding.GUARDIAN_INCAPABLE)
    if guardianship == Guardianship.NEGLECT:
        found.add(Finding.GUARDIAN_NEGLECT)
    if physical_health == PhysicalHealth.INJURED:
        found.add(Finding.INJURY)
    if schooling == SchoolingState.DROPPED_OUT or now_dropped_out:
        found.add(Finding.OUT_OF_SCHOOL)
    if now_alone:
        found.add(Finding.ALONE)
    return ordered(found)


def findings_from_archive(
    *,
    living_arrangement: str,
    schooling: str,
    family_economy: str,
    birth_date: date | None,
    on: date,
    guardian_incapable: bool = False,
) -> list[str]:
    """What a child's archive shows: 居住情况 独居, 就学状况 辍学 (or 不在学 at school age), 家庭经济状况
    低保/特困, a guardian whose status means no guardianship capacity."""
    found = set()
    if living_arrangement == LivingArrangement.ALONE:
        found.add(Finding.ALONE)
    out_of_school_age = birth_date is not None and age_on(birth_date, on) in SCHOOL_AGE
    if schooling == Schooling.DROPPED_OUT or (schooling == Schooling.NOT_IN_SCHOOL and out_of_school_age):
        found.add(Finding.OUT_OF_SCHOOL)
    if family_economy in ASSISTANCE_ECONOMY:
        found.add(Finding.HARDSHIP)
    if guardian_incapable:
        found.add(Finding.GUARDIAN_INCAPABLE)
    return ordered(found)


def minimum_risk(findings: Iterable[str]) -> str:
    """The lowest risk level a visit with these findings may carry: high for anything the police must
    hear of, medium for out of school or hardship, else low."""
    present = set(findings)
    if present & POLICE_FINDINGS:
        return RiskLevel.HIGH
    if present:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


RISK_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


def raise_risk(chosen: str, findings: Iterable[str]) -> str:
    floor = minimum_risk(findings)
    return floor if RISK_ORDER[floor] > RISK_ORDER.get(chosen, 0) else chosen
