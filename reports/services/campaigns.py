"""Campaigns and their deadlines: progress per town, and reminders to the towns that are behind
(通知 二.1 摸排 8月7日前完成, 二.3 新增 8月8日前录入, 三.2 8月14日通报)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from qidong_care.accounts.roles import Role
from qidong_care.notifications.models import Notification
from qidong_care.notifications.services import notify_region
from registry.choices import RosterStatus
from registry.models import ArchiveUpdate, Child, Region

from ..conf import deadline_remind_days
from ..models import Campaign, CampaignDeadline, DeadlineKind
from ..weeks import day_bounds


@dataclass
class TownProgress:
    town: Region
    roster: int = 0  # on the roster now
    reverified: int = 0  # of them, updated or field-checked since the campaign start
    new_found: int = 0  # children entered since the campaign start
    new_incomplete: int = 0  # of them, with missing or wrong information
    suspected: int = 0  # 待核实 still undecided

    @property
    def ratio(self) -> float | None:
        return round(self.reverified / self.roster, 4) if self.roster else None

    @property
    def screening_done(self) -> bool:
        """通知 二.1: every child on the roster looked at again, every suspected child decided."""
        return self.reverified >= self.roster and self.suspected == 0

    @property
    def entry_done(self) -> bool:
        """通知 二.3: new children entered with complete, consistent information."""
        return self.new_incomplete == 0

    def done_for(self, kind: str) -> bool:
        if kind == DeadlineKind.ENTRY:
            return self.entry_done
        if kind == DeadlineKind.CIRCULAR:  # by the circular everything must be in
            return self.screening_done and self.entry_done
        return self.screening_done


def campaign_progress(campaign: Campaign, *, towns=None, today: date) -> list[TownProgress]:
    """Progress of each town (all active towns, or `towns`) in one grouped query."""
    last_day = min(today, campaign.ends_on)
    since, _ = day_bounds(campaign.starts_on)
    _, until = day_bounds(last_day)
    updated = ArchiveUpdate.objects.filter(child=OuterRef("pk"), on__gte=campaign.starts_on, on__lte=last_day)
    on_roster = Q(roster_status=RosterStatus.ACTIVE)
    reverified = on_roster & (Exists(updated) | Q(field_checked_at__gte=since, field_checked_at__lt=until))
    new = Q(created_at__gte=since, created_at__lt=until)
    rows = (
        Child.objects.order_by()
        .values("town_id")
        .annotate(
            roster=Count("pk", filter=on_roster),
            reverified=Count("pk", filter=reverified),
            new_found=Count("pk", filter=new),
            new_incomplete=Count("pk", filter=new & (Q(has_missing=True) | Q(has_errors=True))),
            suspected=Count("pk", filter=Q(roster_status=RosterStatus.SUSPECTED)),
        )
    )
    figures = {row.pop("town_id"): row for row in rows}
    towns = towns if towns is not None else Region.objects.towns().active().order_by("code")
    return [TownProgress(town=town, **figures.get(town.pk, {})) for town in towns]


def _check_dates(starts_on: date, ends_on: date, deadlines: list[dict]) -> None:
    errors: dict[str, str] = {}
    if ends_on < starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期。"
    if any(d["due_on"] < starts_on for d in deadlines):
        errors["__all__"] = "截止日期不能早于活动开始日期。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def campaign_save(*, user, campaign: Campaign | None, data: dict, deadlines: list[dict]) -> Campaign:
    """Create or update a campaign with its deadlines ({kind, name, due_on} each), all or nothing."""
    _check_dates(data["starts_on"], data["ends_on"], deadlines)
    campaign = campaign or Campaign(created_by=user)
    for name in ("name", "starts_on", "ends_on", "note"):
        setattr(campaign, name, data.get(name, getattr(campaign, name)))
    if Campaign.objects.filter(name=campaign.name).exclude(pk=campaign.pk).exists():
        raise ValidationError({"name": "已有同名的专项活动。"})
    campaign.save()
    campaign.deadlines.all().delete()
    CampaignDeadline.objects.bulk_create(
        [CampaignDeadline(campaign=campaign, kind=d["kind"], name=d["name"], due_on=d["due_on"]) for d in deadlines]
    )
    return campaign


def _remind_town(deadline: CampaignDeadline, progress: TownProgress, days_left: int) -> int:
    campaign = deadline.campaign
    title = f"{campaign.name}：距“{deadline.name}”还有{days_left}天"
    body = (
        f"截止日期 {deadline.due_on:%Y-%m-%d}。{progress.town.name}尚未完成："
        f"在册 {progress.roster} 人，本次活动已更新或核实 {progress.reverified} 人；"
        f"待核实 {progress.suspected} 人；新增 {progress.new_found} 人，"
        f"其中信息缺失或错误 {progress.new_incomplete} 人。"
    )
    return notify_region(
        town_id=progress.town.pk,
        kind=Notification.Kind.DEADLINE,
        title=title,
        body=body,
        key=f"deadline-{deadline.pk}-{days_left}d-town-{progress.town.pk}",
        url=reverse("reports:campaign_detail", args=[campaign.pk]),
        roles=(Role.TOWN_STAFF,),
    )


def deadlines_remind(*, on: date) -> dict:
    """Before each deadline (2 and 1 days by default), remind the town staff of every town whose work
    is incomplete. Idempotent: one notice per deadline, day and user (notification keys)."""
    wanted = {on + timedelta(days=days): days for days in deadline_remind_days()}
    deadlines = list(CampaignDeadline.objects.filter(due_on__in=wanted).select_related("campaign"))
    towns_behind, notices = 0, 0
    for deadline in deadlines:
        for progress in campaign_progress(deadline.campaign, today=on):
            if progress.done_for(deadline.kind):
                continue
            towns_behind += 1
            notices += _remind_town(deadline, progress, wanted[deadline.due_on])
    return {"on": on.isoformat(), "deadlines": len(deadlines), "towns_behind": towns_behind, "notices": notices}
