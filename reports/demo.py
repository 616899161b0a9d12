"""Demo data of the supervision pages, for `seed_demo` (DEBUG only): eight past weekly snapshots so
the trend lines have something to draw, a campaign whose deadlines fall in the coming days, and
yesterday's spot-check sample with one problem found.

The demo archive is created today and has no history weeks back, so the past snapshots are
SYNTHESISED from today's figures with small deterministic variations, and marked trigger="demo".
Running it again adds nothing that exists already."""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from qidong_care.accounts.models import User
from qidong_care.accounts.roles import Role
from registry.choices import RosterStatus
from registry.models import ArchiveUpdate, Child

from .figures import finish, week_rows
from .models import Campaign, CampaignDeadline, DeadlineKind, SpotCheck, SpotCheckResult, WeeklyReport, WeeklyReportRow
from .services.spotchecks import spot_check_mark, spot_checks_draw
from .weeks import Week

DEMO_WEEKS = 8
DEMO_CAMPAIGN = "冬季农村留守儿童精准排查和关爱服务活动（演示）"


def _vary(row: WeeklyReportRow, weeks_back: int, rng: random.Random) -> WeeklyReportRow:
    active = max(row.active - weeks_back * rng.randint(0, 1), 0)
    copy = WeeklyReportRow(town=row.town, town_code=row.town_code, town_name=row.town_name, active=active)
    copy.new = rng.randint(0, 2) if active else 0
    copy.updates = 0 if rng.random() < 0.3 else rng.randint(1, max(active, 1))
    copy.missing_info = min(active, row.missing_info + rng.randint(0, 1) * weeks_back // 3)
    copy.errors = min(active, row.errors + rng.randint(0, 1))
    copy.unverified = row.unverified + rng.randint(0, 1)
    copy.agreement_needing = copy.visit_active = active
    copy.agreement_signed = round(active * max(0.5, 0.95 - 0.05 * weeks_back))
    copy.visit_visited = round(active * rng.uniform(0.4, 0.9))
    return finish(copy)


def demo_snapshots(today: date) -> int:
    current = Week.containing(today)
    base = week_rows(current, until=None)
    created, week = 0, current
    for weeks_back in range(1, DEMO_WEEKS + 1):
        week = week.previous()
        if WeeklyReport.objects.filter(week=week.label).exists():
            continue
        rng = random.Random(week.label)
        with transaction.atomic():
            report = WeeklyReport.objects.create(
                week=week.label, week_start=week.start, week_end=week.end, trigger="demo"
            )
            rows = [_vary(row, weeks_back, rng) for row in base]
            for row in rows:
                row.report = report
            WeeklyReportRow.objects.bulk_create(rows)
        created += 1
    return created


def demo_campaign(today: date) -> Campaign:
    campaign, created = Campaign.objects.get_or_create(
        name=DEMO_CAMPAIGN,
        defaults={"starts_on": today - timedelta(days=10), "ends_on": today + timedelta(days=20)},
    )
    if created:
        deadlines = [
            (DeadlineKind.SCREENING, "集中摸底排查完成", 2),
            (DeadlineKind.ENTRY, "新增儿童信息录入完成", 3),
            (DeadlineKind.CIRCULAR, "全市摸排更新情况通报", 9),
        ]
        CampaignDeadline.objects.bulk_create(
            [
                CampaignDeadline(campaign=campaign, kind=kind, name=name, due_on=today + timedelta(days=days))
                for kind, name, days in deadlines
            ]
        )
    return campaign


def demo_spot_checks(today: date) -> int:
    """Yesterday's draw. The demo children were all entered today, so a few per town are recorded
    as updated yesterday too (demo only), then the sample is drawn and one problem marked."""
    yesterday = today - timedelta(days=1)
    if not ArchiveUpdate.objects.filter(on=yesterday).exists():
        children = Child.objects.filter(roster_status=RosterStatus.ACTIVE).order_by("town_id", "pk")
        picked, per_town = [], {}
        for child in children.only("pk", "town_id"):
            per_town[child.town_id] = per_town.get(child.town_id, 0) + 1
            if per_town[child.town_id] <= 8:
                picked.append(ArchiveUpdate(child_id=child.pk, town_id=child.town_id, on=yesterday))
        ArchiveUpdate.objects.bulk_create(picked, ignore_conflicts=True)
    drawn = spot_checks_draw(on=today)["drawn"]
    inspector = User.objects.filter(role=Role.INSPECTOR, is_active=True).first()
    item = SpotCheck.objects.filter(updated_on=yesterday).select_related("village").first()
    if inspector and item and not SpotCheck.objects.filter(updated_on=yesterday).exclude(result="").exists():
        spot_check_mark(
            user=inspector,
            item=item,
            result=SpotCheckResult.PROBLEM,
            problems=["guardian"],
            note="监护人联系电话与户籍登记不一致，请核实。（演示）",
        )
    return drawn


def seed_demo_reports(*, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    return {
        "snapshots": demo_snapshots(today),
        "campaign": demo_campaign(today).name,
        "spot_checks": demo_spot_checks(today),
    }
