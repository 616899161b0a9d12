"""Referrals (转介, 通知 二.4): opening them in bulk, moving them through their statuses, reminding."""

from collections.abc import Sequence
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from qidong_care.accounts.roles import Role
from qidong_care.notifications.models import Notification
from qidong_care.notifications.services import notify, notify_region, users_responsible_for
from registry.models import Child

from ..choices import ReferralBody, ReferralStatus
from ..escalation import chunks, deadlines_from_settings
from ..escalation.rules import body_for, is_high_risk, referral_deadline
from ..models import Referral, Visit

# The workflow: 待报告 → 已报告 → 处置中 → 已办结 (a report may be closed at once when nothing follows).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ReferralStatus.PENDING: (ReferralStatus.REPORTED,),
    ReferralStatus.REPORTED: (ReferralStatus.IN_PROGRESS, ReferralStatus.CLOSED),
    ReferralStatus.IN_PROGRESS: (ReferralStatus.CLOSED,),
    ReferralStatus.CLOSED: (),
}
HIGH_RISK_ROLES = (Role.TOWN_STAFF, Role.BUREAU)
OVERDUE_ROLES = (Role.TOWN_STAFF, Role.DIRECTOR, Role.BUREAU)


def _existing_open(pairs: Sequence[tuple[Child, str]]) -> set[tuple[int, str]]:
    child_ids = sorted({child.pk for child, _ in pairs})
    triggers = sorted({finding for _, finding in pairs})
    found: set[tuple[int, str]] = set()
    for part in chunks(child_ids):
        rows = Referral.objects.open().filter(child_id__in=part, trigger__in=triggers)
        found.update(rows.values_list("child_id", "trigger"))
    return found


def _child_of(child) -> dict:
    """A Child, or a record with its attributes (a roster import passes small records, not instances)."""
    return {"child": child} if isinstance(child, Child) else {"child_id": child.pk}


def referrals_open(
    findings: Sequence[tuple[Child, str]],
    *,
    source: str,
    user=None,
    visit: Visit | None = None,
    now: datetime | None = None,
) -> list[Referral]:
    """Open one referral per (child, finding), unless one for the same child and finding is still open
    (then the finding is already being handled). High-risk ones notify the town staff and the bureau
    once the transaction commits."""
    if not findings:
        return []
    now = now or timezone.now()
    local = timezone.localtime(now)
    deadlines = deadlines_from_settings()
    seen = _existing_open(findings)
    opener = user if getattr(user, "is_authenticated", False) else None
    fresh: list[Referral] = []
    for child, finding in findings:
        if (child.pk, finding) in seen:
            continue
        seen.add((child.pk, finding))
        fresh.append(
            Referral(
                **_child_of(child),
                town_id=child.town_id,
                village_id=child.village_id,
                trigger=finding,
                body=body_for(finding),
                source=source,
                visit=visit,
                opened_at=now,
                deadline=referral_deadline(finding, local, deadlines),
                opened_by=opener,
            )
        )
    if not fresh:
        return []
    _insert_with_history(fresh, user=opener)
    high_risk = [referral.pk for referral in fresh if is_high_risk(referral.trigger)]
    if high_risk:
        transaction.on_commit(lambda: _queue_high_risk(high_risk), robust=True)
    return fresh


def _insert_with_history(referrals: list[Referral], *, user) -> None:
    """The new referrals and their "+" history rows, streamed in (COPY on PostgreSQL): a province's
    roster import opens tens of thousands at once. Their primary keys are set."""
    from registry.roster.inserts import insert_with_history  # the registry's bulk writer

    insert_with_history(Referral, referrals, user=user, reason=None, when=timezone.now())


def _queue_high_risk(ids: list[int]) -> None:
    from ..tasks import notify_high_risk_referrals

    notify_high_risk_referrals.delay(ids)


def _short_name(child: Child) -> str:
    """Notices are e-mailed: the child's surname only (the page behind the link has the rest)."""
    return f"{child.name[:1]}某" if child.name else "某儿童"


def referral_url(referral: Referral) -> str:
    return reverse("visits:referral_detail", args=[referral.pk])


def referrals_notify_high_risk(referral_ids: Sequence[int]) -> int:
    """Tell the town staff and the bureau at once (idempotent: key referral-<id>)."""
    referrals = Referral.objects.filter(pk__in=list(referral_ids)).select_related("child", "village")
    sent = 0
    for referral in referrals:
        if referral.status != ReferralStatus.PENDING or not referral.is_high_risk:
            continue
        deadline = timezone.localtime(referral.deadline)
        sent += notify_region(
            town_id=referral.town_id,
            kind=Notification.Kind.HIGH_RISK,
            title=f"高风险：{referral.village.name}{_short_name(referral.child)}{referral.get_trigger_display()}",
            body=f"须于{deadline:%Y-%m-%d %H:%M}前向{referral.get_body_display()}报告（通知 二.4：第一时间报告）。",
            url=referral_url(referral),
            key=f"referral-{referral.pk}",
            roles=HIGH_RISK_ROLES,
        )
    return sent


def referrals_remind_overdue(now: datetime) -> dict:
    """Remind the responsible town staff, directors and the bureau of each referral whose report is
    overdue: once a day per referral (key referral-overdue-<id>-<day>), so the hourly job is idempotent.
    Also catches up any high-risk notice whose queued task was lost (same key as the first notice)."""
    day = timezone.localtime(now).date()
    overdue = list(Referral.objects.overdue(now).select_related("child", "village").order_by("deadline"))
    reminded = 0
    for referral in overdue:
        users = users_responsible_for(town_id=referral.town_id, village_id=referral.village_id, roles=OVERDUE_ROLES)
        late = timezone.localtime(referral.deadline)
        reminded += notify(
            users=users,
            kind=Notification.Kind.REFERRAL_OVERDUE,
            title=f"转介逾期：{referral.village.name}{_short_name(referral.child)}{referral.get_trigger_display()}",
            body=f"报告期限{late:%Y-%m-%d %H:%M}已过，尚未向{referral.get_body_display()}报告。",
            url=referral_url(referral),
            key=f"referral-overdue-{referral.pk}-{day:%Y%m%d}",
        )
    pending_high = Referral.objects.filter(status=ReferralStatus.PENDING, trigger__in=_high_risk_codes())
    caught_up = referrals_notify_high_risk(list(pending_high.values_list("pk", flat=True)))
    return {"overdue": len(overdue), "reminded": reminded, "high_risk_caught_up": caught_up}


def _high_risk_codes() -> list[str]:
    from ..escalation.rules import HIGH_RISK_FINDINGS

    return sorted(HIGH_RISK_FINDINGS)


# --- the workflow ------------------------------------------------------------------------------------


def _bump_version(referral: Referral, expected_version: int | None) -> None:
    expected = referral.version if expected_version is None else expected_version
    if not Referral.objects.filter(pk=referral.pk, version=expected).update(version=F("version") + 1):
        raise ValidationError(
            "保存失败：您打开此页面后，该转介已被其他人更新。请刷新查看最新状态后再提交。", code="concurrent_edit"
        )
    referral.version = expected + 1


def _not_future(value: datetime, field: str, now: datetime) -> None:
    if value > now:
        raise ValidationError({field: "时间不能晚于现在。"})


@transaction.atomic
def referral_transition(
    *,
    user,
    referral: Referral,
    to_status: str,
    expected_version: int | None = None,
    reported_to: str = "",
    reported_at: datetime | None = None,
    receipt_no: str = "",
    progress_note: str = "",
    outcome: str = "",
) -> Referral:
    """Move a referral one step on: 已报告 needs to whom and when; 已办结 needs the outcome (and, for the
    education department, the parents or guardian notified first: 通知 二.4 通报其父母或监护人)."""
    now = timezone.now()
    if to_status not in TRANSITIONS[referral.status]:
        raise ValidationError(
            {"status": f"不能从“{referral.get_status_display()}”改为“{ReferralStatus(to_status).label}”。"}
        )
    if to_status == ReferralStatus.REPORTED:
        if not reported_to.strip():
            raise ValidationError({"reported_to": "请填写报告的单位或经办人。"})
        reported_at = reported_at or now
        _not_future(reported_at, "reported_at", now)
        referral.reported_to, referral.reported_at, referral.reported_by = reported_to.strip(), reported_at, user
    if to_status == ReferralStatus.CLOSED:
        if not outcome.strip():
            raise ValidationError({"outcome": "办结时请填写处置结果。"})
        if referral.body == ReferralBody.EDUCATION and referral.parents_notified_at is None:
            raise ValidationError({"outcome": "办结前请先记录通报父母或监护人的情况。"})
        referral.outcome, referral.closed_at, referral.closed_by = outcome.strip(), now, user
    if receipt_no.strip():
        referral.receipt_no = receipt_no.strip()
    if progress_note.strip():
        referral.progress_note = progress_note.strip()
    _bump_version(referral, expected_version)
    referral.status = to_status
    referral._change_reason = f"状态改为{ReferralStatus(to_status).label}"
    referral.save()
    return referral


@transaction.atomic
def referral_notify_parents(
    *, user, referral: Referral, at: datetime, note: str, expected_version: int | None = None
) -> Referral:
    """Record that the parents or guardian were told of the child's dropping out (通知 二.4)."""
    if referral.body != ReferralBody.EDUCATION:
        raise ValidationError("只有失学辍学的转介需要记录通报父母或监护人。")
    _not_future(at, "at", timezone.now())
    if not note.strip():
        raise ValidationError({"note": "请填写通报的对象和方式（如：电话通知父亲石某）。"})
    _bump_version(referral, expected_version)
    referral.parents_notified_at, referral.parents_notified_note = at, note.strip()
    referral._change_reason = "记录通报父母或监护人"
    referral.save()
    return referral


def visit_opened_at(visit_date, now: datetime) -> datetime:
    """A finding is dated when it is recorded; a visit entered later counts from the end of its day
    (the deadline does not restart because the entry was late)."""
    local_now = timezone.localtime(now)
    if visit_date >= local_now.date():
        return now
    return datetime.combine(visit_date, time(23, 59, 59), tzinfo=local_now.tzinfo)
