"""Reminding directors of the children they have not visited yet this month (通知 二.4: 一月一访)."""

from datetime import date

from django.db.models import Q
from django.urls import reverse

from qidong_care.accounts.models import User
from qidong_care.accounts.roles import Role
from qidong_care.notifications.models import Notification
from qidong_care.notifications.services import notify
from registry.models import RegionLevel

from ..selectors.coverage import month_of, visit_coverage_by_village

REMIND_FROM_DAY = 20  # from the 20th, a daily reminder while children are still due


def visits_remind_due(on: date) -> dict:
    """From the 20th of the month, tell each director how many of their children are still due.
    One notice per director and day (key visits-due-<date>): running the job twice sends one."""
    if on.day < REMIND_FROM_DAY:
        return {"skipped": f"提醒从每月{REMIND_FROM_DAY}日开始", "reminded": 0}
    directors = list(User.objects.filter(role=Role.DIRECTOR, is_active=True).prefetch_related("regions").order_by("pk"))
    village_ids = {region.pk for d in directors for region in d.regions.all() if region.level == RegionLevel.VILLAGE}
    if not village_ids:
        return {"directors_due": 0, "reminded": 0}
    coverage = visit_coverage_by_village(month_start=month_of(on), on=on, scope=Q(village_id__in=sorted(village_ids)))
    url = reverse("visits:my_month")
    due_directors = reminded = 0
    for director in directors:
        due = sum(coverage[r.pk].due for r in director.regions.all() if r.pk in coverage)
        if not due:
            continue
        due_directors += 1
        reminded += notify(
            users=[director],
            kind=Notification.Kind.VISIT_DUE,
            title=f"本月还有 {due} 名儿童未走访",
            body=f"{on:%Y年%m月}的“一月一访”尚未完成，请在月底前走访。",
            url=url,
            key=f"visits-due-{on:%Y%m%d}",
        )
    return {"directors_due": due_directors, "reminded": reminded}
