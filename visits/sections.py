"""The visits and referrals section of a child's archive page (settings.ARCHIVE_SECTIONS; 通知 二.4).

Three queries whatever the number of visits and referrals: the last visits, this month's director
visit, the open referrals (overdue first).
"""

from dataclasses import dataclass

from django.utils import timezone

from qidong_care.accounts.roles import Capability
from registry.models import Child

from .choices import Finding, VisitKind
from .models import Referral, Visit
from .selectors import month_of

TEMPLATE = "visits/includes/archive_section.html"
LAST_VISITS = 5
# Findings about violence, a guardian who cannot or will not care, and injuries: restricted data
# (Capability.VIEW_RESTRICTED, "健康、残疾和家暴相关信息"), as on the visit page.
RESTRICTED_FINDINGS = frozenset(
    {Finding.VIOLENCE, Finding.GUARDIAN_INCAPABLE, Finding.GUARDIAN_NEGLECT, Finding.INJURY}
)
RESTRICTED_LABEL = "（受限信息）"
VISIT_FIELDS = ("id", "child_id", "date", "kind", "mode", "risk_level")
REFERRAL_FIELDS = ("id", "child_id", "trigger", "body", "status", "deadline", "opened_at")


@dataclass
class ReferralRow:
    referral: Referral
    trigger_label: str
    overdue: bool


def referral_rows(child: Child, *, restricted: bool) -> list[ReferralRow]:
    """Open referrals, overdue first; a restricted finding is named only to those who may read it."""
    now = timezone.now()
    referrals = child.referrals.open().only(*REFERRAL_FIELDS).overdue_first(now)
    return [
        ReferralRow(
            referral=referral,
            trigger_label=referral.get_trigger_display()
            if restricted or referral.trigger not in RESTRICTED_FINDINGS
            else RESTRICTED_LABEL,
            overdue=referral.is_overdue,
        )
        for referral in referrals
    ]


def visits_section(request, child: Child) -> dict | None:
    """The last visits (date, kind, risk), whether this month's director visit is done, the open
    referrals with their deadlines; None for an exited child with nothing recorded."""
    user = request.user
    visits = list(Visit.objects.filter(child=child).only(*VISIT_FIELDS).order_by("-date", "-id")[: LAST_VISITS + 1])
    referrals = referral_rows(child, restricted=user.can(Capability.VIEW_RESTRICTED))
    if child.is_exited and not visits and not referrals:
        return None
    this_month = (
        Visit.objects.filter(child=child, kind=VisitKind.DIRECTOR_MONTHLY, month=month_of(timezone.localdate()))
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    return {
        "template": TEMPLATE,
        "child": child,
        "visits": visits[:LAST_VISITS],
        "more_visits": len(visits) > LAST_VISITS,
        "visited_this_month": this_month,
        "referrals": referrals,
        "overdue": sum(1 for row in referrals if row.overdue),
        "can_record": user.can(Capability.RECORD_VISITS) and not user.is_read_only and not child.is_exited,
        "can_open_referrals": user.can(Capability.MANAGE_REFERRALS),
    }
