"""A small county built through the real services of every app (registry, agreements, visits), with
figures counted by hand, for the tests that check the apps agree with each other.

汇龙镇 (亚光村 and 克明村, the director's villages):
  h1  on the roster · agreement valid          · director visit 11-24
  h2  on the roster · agreement, carer changed → 需重签 · director visit 11-25
  h3  on the roster · no agreement · living alone → police referral, 待报告, overdue from 11-26 10:00
                    · only a party member's visit (does not count for 一月一访)
  h4  on the roster · agreement lapsed 11-20   · director visit 11-26 finding hardship → assistance
                    referral, due in 10 working days
  h5  待核实 (father's departure date unknown): not counted for agreements or visits
南阳镇 (启兴村):
  n1  on the roster · agreement valid          · director visit 11-24
  n2  on the roster · no agreement · no visit
  n3  on the roster · no agreement · living alone → police referral, already reported (open, not overdue)

Week 2026-W48 runs Monday 11-23 to Sunday 11-29; the report is run on Monday 11-30.
"""

from datetime import date, datetime, time

from agreements.services import agreement_sign, parties_of, witness_name_for
from registry.choices import AdultRole, LivingArrangement, Relation
from registry.models import Child
from registry.services import AdultInput, child_save
from reports.weeks import SHANGHAI, Week
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import make_child, make_id
from tests.registry.registry_pages import next_id
from tests.reports.builders import suspected_adults
from tests.visits.conftest import routine
from visits.choices import (
    Finding,
    ReferralStatus,
    VisitKind,
)
from visits.models import Referral, Visit
from visits.services import referral_transition, visit_record

YAGUANG, KEMING = DIRECTOR_VILLAGES
QIXING = "320681106200"  # 启兴村, 南阳镇
W48 = Week(2026, 48)
REPORT_DAY = date(2026, 11, 30)  # Monday after the week


def moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def child(village: str, name: str, *, user, **fields) -> Child:
    birth = fields.pop("birth", date(2015, 4, 2))
    return make_child(village, user=user, name=name, birth=birth, id_number=next_id(birth), **fields)


def sign(kid: Child, *, user, signed_on: date, valid_until: date):
    kid.refresh_from_db()
    return agreement_sign(
        user=user,
        child=kid,
        signed_on=signed_on,
        valid_from=signed_on,
        valid_until=valid_until,
        principals=parties_of(kid).principals,
        witness_name=witness_name_for(kid.village),
    )


def visit(kid: Child, *, user, on: date, kind: str = VisitKind.DIRECTOR_MONTHLY, findings=()) -> Visit:
    data = routine(on, kind=kind)
    kid.refresh_from_db()
    return visit_record(user=user, child=kid, data=data, findings=list(findings))


def change_carer(kid: Child, *, user) -> None:
    kid.refresh_from_db()
    carer = AdultInput(
        name="陈桂英",
        id_number=make_id(date(1958, 6, 1), male=False),
        phone="13800001111",
        health="healthy",
        relation=Relation.GRANDMOTHER,
    )
    child_save(user=user, child=kid, data={}, adults={AdultRole.CARER: carer}, expected_version=kid.version)


def build_county(clock, *, town_staff, director, outsider) -> dict[str, Child]:
    """The county above, each step at its own moment; leaves the clock at the report day, 10:00."""
    kids: dict[str, Child] = {}
    clock.set(moment(date(2026, 1, 5)))
    kids["h4"] = child(KEMING, "甲四", user=director)
    sign(kids["h4"], user=director, signed_on=date(2026, 1, 5), valid_until=date(2026, 11, 20))

    clock.set(moment(date(2026, 11, 2)))
    kids["h1"] = child(YAGUANG, "甲一", user=director)
    kids["h2"] = child(YAGUANG, "甲二", user=director)
    kids["h5"] = child(YAGUANG, "甲疑", user=director, adults=suspected_adults())
    kids["n1"] = child(QIXING, "乙一", user=outsider)
    kids["n2"] = child(QIXING, "乙二", user=outsider)
    for name, user in (("h1", director), ("h2", director), ("n1", outsider)):
        sign(kids[name], user=user, signed_on=date(2026, 11, 2), valid_until=date(2027, 11, 1))

    clock.set(moment(date(2026, 11, 24)))
    visit(kids["h1"], user=director, on=date(2026, 11, 24))
    visit(kids["n1"], user=outsider, on=date(2026, 11, 24))

    clock.set(moment(date(2026, 11, 25)))
    kids["h3"] = child(KEMING, "甲三", user=town_staff, living_arrangement=LivingArrangement.ALONE)
    kids["n3"] = child(QIXING, "乙三", user=outsider, living_arrangement=LivingArrangement.ALONE)
    reported = Referral.objects.get(child=kids["n3"], trigger=Finding.ALONE)
    referral_transition(
        user=outsider, referral=reported, to_status=ReferralStatus.REPORTED, reported_to="南阳派出所 王警官"
    )
    change_carer(kids["h2"], user=director)
    visit(kids["h2"], user=director, on=date(2026, 11, 25))
    visit(kids["h3"], user=town_staff, on=date(2026, 11, 25), kind=VisitKind.PARTY_MEMBER)

    clock.set(moment(date(2026, 11, 26)))
    visit(kids["h4"], user=director, on=date(2026, 11, 26), findings=[Finding.HARDSHIP])

    clock.set(moment(REPORT_DAY))
    for kid in kids.values():
        kid.refresh_from_db()
    return kids
