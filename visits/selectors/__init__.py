"""Reads of the visits app that pages, the home page and the weekly report share.

Others code against these names: `visit_coverage_by_town`, `referral_counts_by_town`, `visit_todo_counts`.
"""

from datetime import date

from django.utils import timezone

from registry.models import Child

from ..models import Referral
from .activities import ActivityTotals, activity_totals_by_town
from .coverage import (
    DirectorCoverage,
    VisitCoverage,
    director_visits_between,
    month_of,
    total,
    visit_coverage_by,
    visit_coverage_by_director,
    visit_coverage_by_town,
    visit_coverage_by_village,
)
from .month import GridRow, children_this_month, month_grid
from .referrals import ReferralCounts, high_risk_pending, referral_counts, referral_counts_by_town

__all__ = [
    "ActivityTotals",
    "DirectorCoverage",
    "GridRow",
    "ReferralCounts",
    "VisitCoverage",
    "activity_totals_by_town",
    "children_this_month",
    "director_visits_between",
    "high_risk_pending",
    "month_grid",
    "month_of",
    "referral_counts",
    "referral_counts_by_town",
    "total",
    "visit_coverage_by",
    "visit_coverage_by_director",
    "visit_coverage_by_town",
    "visit_coverage_by_village",
    "referral_todo_counts",
    "visit_month_counts",
    "visit_todo_counts",
]


def visit_todo_counts(user, *, on: date) -> dict:
    """For the home page, in the user's scope (three queries): visit_month_counts and
    referral_todo_counts together."""
    return {**visit_month_counts(user, on=on), **referral_todo_counts(user)}


def visit_month_counts(user, *, on: date) -> dict:
    """active — children on the roster in the user's scope; visited — of them, visited by their
    director this month (up to `on`); due — active − visited."""
    active = Child.objects.visible_to(user).on_roster().count()
    visited = (
        director_visits_between(month_of(on), on)
        .filter(child__in=Child.objects.visible_to(user).on_roster().values("pk"))
        .values("child_id")
        .distinct()
        .count()
    )
    return {"active": active, "visited": visited, "due": max(active - visited, 0)}


def referral_todo_counts(user) -> dict:
    """referrals_open; referrals_overdue (待报告 past the deadline); high_risk — high-risk referrals
    not yet reported. Always live: a child found alone must not wait for a cache (通知 二.4)."""
    from ..choices import ReferralStatus
    from ..escalation.rules import HIGH_RISK_FINDINGS

    referrals = Referral.objects.visible_to(user)
    counts = referral_counts(referrals, at=timezone.now())
    high_risk = referrals.filter(status=ReferralStatus.PENDING, trigger__in=sorted(HIGH_RISK_FINDINGS)).count()
    return {"referrals_open": counts.open, "referrals_overdue": counts.overdue, "high_risk": high_risk}
