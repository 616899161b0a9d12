"""Reads of referrals for lists, the home page and the weekly report."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from ..choices import ReferralStatus
from ..escalation.rules import HIGH_RISK_FINDINGS
from ..models import Referral


@dataclass
class ReferralCounts:
    """open: not 已办结. overdue: open, still 待报告 (the report to the body not yet made) and past its
    deadline — once reported, the notice's deadline is met and the body's handling follows."""

    open: int = 0
    overdue: int = 0


def _overdue(at: datetime) -> Q:
    return Q(status=ReferralStatus.PENDING, deadline__lt=at)


def referral_counts_by_town(*, at: datetime) -> dict[int, ReferralCounts]:
    """Town id → ReferralCounts (one grouped query over the (town, status) index)."""
    rows = (
        Referral.objects.open()
        .order_by()
        .values("town_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=_overdue(at)))
    )
    return {row["town_id"]: ReferralCounts(open=row["open"], overdue=row["overdue"]) for row in rows}


def referral_counts(referrals, *, at: datetime) -> ReferralCounts:
    """The counts over any queryset of referrals (e.g. one user's scope)."""
    totals = referrals.open().aggregate(open=Count("id"), overdue=Count("id", filter=_overdue(at)))
    return ReferralCounts(open=totals["open"], overdue=totals["overdue"])


def high_risk_pending(user):
    """High-risk referrals in the user's scope not yet reported: the red banner."""
    return (
        Referral.objects.visible_to(user)
        .filter(status=ReferralStatus.PENDING, trigger__in=sorted(HIGH_RISK_FINDINGS))
        .select_related("child", "village")
        .only("id", "trigger", "deadline", "status", "child__name", "village__name", "town_id", "village_id")
        .order_by("deadline")
    )
