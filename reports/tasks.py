"""Scheduled jobs of the supervision app: thin tasks, each a service run through job_run (recorded
for administrators at /jobs/). The schedule is in qidong_care/celery.py."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from qidong_care.core.jobs import job_run

from .selectors import refresh_live_figures as live_figures_refresh
from .services.campaigns import deadlines_remind
from .services.spotchecks import spot_checks_draw
from .services.weekly import weekly_report_for_last_week


def _day(on: str | None) -> date:
    return date.fromisoformat(on) if on else timezone.localdate()


@shared_task(name="reports.weekly_report")
def weekly_report() -> dict:
    """Monday 01:00: the snapshot of the week that has just ended (每周调度, 通知 三.2)."""
    return job_run("weekly_report", weekly_report_for_last_week, trigger="schedule")


@shared_task(name="reports.draw_spot_checks")
def draw_spot_checks(on: str | None = None) -> dict:
    """Daily 06:00: the sample of yesterday's updates for the inspectors (每天抽查, 通知 三.2)."""
    return job_run("draw_spot_checks", spot_checks_draw, trigger="schedule", on=_day(on))


@shared_task(name="reports.remind_deadlines")
def remind_deadlines(on: str | None = None) -> dict:
    """Daily 08:30: towns behind on a campaign deadline 2 and 1 days ahead get a reminder."""
    return job_run("remind_deadlines", deadlines_remind, trigger="schedule", on=_day(on))


@shared_task(name="reports.refresh_live_figures")
def refresh_live_figures() -> dict:
    """Every 10 minutes: the dashboards' live figures recomputed into the cache (reports.live)."""
    return job_run("refresh_live_figures", live_figures_refresh, trigger="schedule")
