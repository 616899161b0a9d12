"""Settings of the supervision jobs, with defaults; override them in settings.py if needed."""

from django.conf import settings


def spot_check_per_town() -> int:
    """How many updated children per town the daily spot check draws (通知 三.2 每天抽查)."""
    return int(getattr(settings, "REPORTS_SPOT_CHECK_PER_TOWN", 5))


def deadline_remind_days() -> tuple[int, ...]:
    """Days before a campaign deadline on which incomplete towns are reminded."""
    return tuple(int(d) for d in getattr(settings, "REPORTS_DEADLINE_REMIND_DAYS", (2, 1)))
