"""Thin Celery tasks: each calls a service through job_run (recorded, idempotent). The schedule is in
qidong_care/celery.py; each task is also a management command."""

from celery import shared_task
from django.utils import timezone

from qidong_care.core.jobs import job_run

from . import services


@shared_task(name="visits.remind_overdue_referrals")
def remind_overdue_referrals() -> dict:
    return job_run("remind_overdue_referrals", services.referrals_remind_overdue, now=timezone.now())


@shared_task(name="visits.remind_due_visits")
def remind_due_visits() -> dict:
    return job_run("remind_due_visits", services.visits_remind_due, on=timezone.localdate())


@shared_task(name="visits.notify_high_risk_referrals")
def notify_high_risk_referrals(referral_ids: list[int]) -> int:
    """Queued on commit when high-risk referrals open (idempotent per referral: key referral-<id>)."""
    return services.referrals_notify_high_risk(referral_ids)
