"""Writes of the visits app. Import from here: `from visits.services import visit_record`."""

from .activities import activity_save
from .referrals import (
    referral_notify_parents,
    referral_transition,
    referrals_notify_high_risk,
    referrals_open,
    referrals_remind_overdue,
)
from .reminders import visits_remind_due
from .visits import ArchiveChange, visit_record

__all__ = [
    "ArchiveChange",
    "activity_save",
    "referral_notify_parents",
    "referral_transition",
    "referrals_notify_high_risk",
    "referrals_open",
    "referrals_remind_overdue",
    "visit_record",
    "visits_remind_due",
]
