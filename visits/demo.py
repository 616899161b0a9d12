"""Demo visits, referrals and activities for the demo children (called by `seed_demo`, DEBUG only).

Most active children are visited every month for the last three months; about a quarter are still
due this month; a few referrals (one overdue); two activities. Runs once: does nothing if visits exist.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from qidong_care.accounts.models import User
from qidong_care.accounts.roles import Role
from registry.models import Child
from registry.scope import in_scope

from .choices import (
    ActivityAudience,
    ActivityTopic,
    ActivityType,
    Finding,
    ReferralSource,
    ReferralStatus,
    RiskLevel,
    VisitKind,
    VisitMode,
)
from .models import Visit
from .services import activity_save, referral_transition, referrals_open, visit_record

ROUTINE = {
    "kind": VisitKind.DIRECTOR_MONTHLY,
    "mode": VisitMode.HOME,
    "safety_home": "ok",
    "safety_fire": "ok",
    "safety_water": "ok",
    "safety_traffic": "ok",
    "guardianship": "good",
    "physical_health": "good",
    "mental_health": "good",
    "schooling": "normal",
    "contact_methods": ["phone", "video"],
    "contact_frequency": "weekly",
    "risk_level": RiskLevel.LOW,
    "services": [],
}


def _months_back(today: date, count: int) -> list[date]:
    months, first = [], today.replace(day=1)
    for _ in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return months


def _recorder(child: Child, people: list[User]) -> User | None:
    return next((u for u in people if in_scope(u, town_id=child.town_id, village_id=child.village_id)), None)


def _visit(child: Child, user: User | None, on: date, **changes) -> Visit:
    return visit_record(user=user, child=child, data={**ROUTINE, "date": on, **changes.pop("data", {})}, **changes)


@transaction.atomic
def seed_demo_visits(*, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    children = list(Child.objects.on_roster().select_related("village", "town").order_by("pk")[:200])
    if not children or Visit.objects.exists():
        return {"visits": 0, "referrals": 0, "activities": 0}
    people = list(User.objects.filter(role__in=[Role.DIRECTOR, Role.TOWN_STAFF], is_active=True).order_by("role"))
    count = 0
    for index, child in enumerate(children):
        user = _recorder(child, people)
        for month in _months_back(today, 3):
            _visit(child, user, month + timedelta(days=4 + index % 20))
            count += 1
        if index % 4 and today.day > 1:  # a quarter still due this month
            _visit(child, user, today.replace(day=1) + timedelta(days=index % (today.day - 1)))
            count += 1
    referrals = _demo_referrals(children, people, today)
    activities = _demo_activities(children, people, today)
    return {"visits": count, "referrals": referrals, "activities": activities}


def _demo_referrals(children: list[Child], people: list[User], today: date) -> int:
    now = timezone.now()
    opened = 0
    if len(children) > 0:  # dropped out: the written report to the education department
        child = children[0]
        _visit(
            child, _recorder(child, people), today, data={"schooling": "dropped_out", "schooling_note": "开学后未到校"}
        )
        opened += 1
    if len(children) > 1:  # overdue: an injury that should have been reported within 24 hours
        referrals_open([(children[1], Finding.INJURY)], source=ReferralSource.ARCHIVE, now=now - timedelta(days=2))
        opened += 1
    if len(children) > 2:  # hardship, already reported to civil-affairs assistance
        child = children[2]
        (referral,) = referrals_open([(child, Finding.HARDSHIP)], source=ReferralSource.ARCHIVE)
        user = _recorder(child, people)
        referral_transition(
            user=user, referral=referral, to_status=ReferralStatus.REPORTED, reported_to="镇社会救助窗口 陈某"
        )
        opened += 1
    if len(children) > 3:  # high risk: living alone, just found (the red banner)
        child = children[3]
        _visit(child, _recorder(child, people), today, findings=[Finding.ALONE], data={"notes": "父母外出，祖母住院"})
        opened += 1
    return opened


def _demo_activities(children: list[Child], people: list[User], today: date) -> int:
    town = children[0].town
    user = next((u for u in people if u.role == Role.TOWN_STAFF and in_scope(u, town_id=town.pk, village_id=0)), None)
    attendees = [c for c in children if c.town_id == town.pk]
    summer = {
        "type": ActivityType.SUMMER_CLASS,
        "title": "爱心暑托班·科学实验课",
        "date": today - timedelta(days=20),
        "place": f"{town.name}未保站",
        "organiser": f"{town.name}民政办",
        "audience": ActivityAudience.CHILDREN,
        "adult_count": 0,
        "description": "兴趣培养、科学实验、职业扮演。",
    }
    talk = {
        "type": ActivityType.POLICY_TALK,
        "title": "政策宣讲进村（居）",
        "date": today - timedelta(days=10),
        "place": "村委会会议室",
        "organiser": f"{town.name}民政办",
        "audience": ActivityAudience.FAMILIES,
        "topics": [ActivityTopic.GUARDIANSHIP, ActivityTopic.SELF_PROTECTION],
        "adult_count": 12,
        "description": "家庭监护、安全自护专题宣讲。",
    }
    activity_save(user=user, activity=None, town=town, data=summer, children=attendees[:8])
    activity_save(user=user, activity=None, town=town, data=talk, children=attendees[2:6])
    return 2
