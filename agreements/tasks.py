from celery import shared_task

from .jobs import mark_lapsed_job


@shared_task(name="agreements.mark_lapsed")
def mark_lapsed_agreements() -> dict:
    """Daily: signed agreements past their validity become 需重签 (idempotent)."""
    return mark_lapsed_job(trigger="schedule")
