"""Storing the weekly report as a snapshot that never changes (DOMAIN.md, 通知 三.2 每周调度)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..figures import total_of, week_rows
from ..models import WeeklyReport, WeeklyReportRow
from ..weeks import Week

JSON_KEYS = (
    "active",
    "new",
    "exits",
    "updates",
    "zero_update",
    "missing_info",
    "errors",
    "agreement_coverage",
    "visit_coverage",
    "referrals_open",
    "referrals_overdue",
    "unverified",
)


def last_finished_week(now: datetime | None = None) -> Week:
    """The week before the current one (the Monday 01:00 job reports it)."""
    return Week.containing(timezone.localdate(now)).previous()


def _insert(week: Week, rows: list[WeeklyReportRow], trigger: str) -> WeeklyReport | None:
    """Create the snapshot; None when another run created it first (twice at once: same end state)."""
    try:
        with transaction.atomic():
            report = WeeklyReport.objects.create(
                week=week.label, week_start=week.start, week_end=week.end, trigger=trigger
            )
            for row in rows:
                row.report = report
            WeeklyReportRow.objects.bulk_create(rows)
    except IntegrityError:
        return None
    return report


@transaction.atomic
def _replace(report: WeeklyReport, rows: list[WeeklyReportRow], trigger: str) -> WeeklyReport:
    report = WeeklyReport.objects.select_for_update().get(pk=report.pk)
    report.rows.all().delete()
    for row in rows:
        row.report = report
    WeeklyReportRow.objects.bulk_create(rows)
    report.computed_at, report.trigger = timezone.now(), trigger
    report.save(update_fields=["computed_at", "trigger"])
    return report


def weekly_report_store(*, week: Week, recompute: bool = False, trigger: str = "command") -> tuple[WeeklyReport, bool]:
    """The snapshot of `week`, computed and stored the first time. Returns (report, computed_now).

    A stored week is returned unchanged; `recompute=True` (the command's --recompute, for
    administrators) replaces its rows from the archive's history as of the week's end."""
    if week.ends_at > timezone.now():
        raise ValidationError(f"{week.label} 尚未结束（周日 24:00 后才能生成周报快照）。", code="week_not_over")
    existing = WeeklyReport.objects.filter(week=week.label).first()
    if existing is not None and not recompute:
        return existing, False
    rows = week_rows(week, until=week.ends_at)
    if existing is not None:
        return _replace(existing, rows, trigger), True
    report = _insert(week, rows, trigger)
    if report is None:
        return WeeklyReport.objects.get(week=week.label), False
    return report, True


def row_json(row: WeeklyReportRow, *, with_town: bool = True) -> dict:
    """One town (or the total, without code and name) in the shape of `weekly_report --json`."""
    data = {"code": row.town_code, "name": row.town_name} if with_town else {}
    for key in JSON_KEYS:
        value = getattr(row, key)
        data[key] = round(value, 4) if isinstance(value, float) else value
    return data


def report_json(report: WeeklyReport) -> dict:
    rows = list(report.rows.order_by("town_code"))
    return {
        "week": report.week,
        "towns": [row_json(row) for row in rows],
        "total": row_json(total_of(rows), with_town=False),
    }


def weekly_report_for_last_week(*, trigger: str = "schedule") -> dict:
    """The scheduled job (Monday 01:00): store last week's snapshot; a summary for the job log."""
    report, computed = weekly_report_store(week=last_finished_week(), trigger=trigger)
    return {"week": report.week, "computed": computed, "towns": report.rows.count()}
