from .activities import Activity, ActivityAttendance
from .referrals import Referral, ReferralQuerySet
from .visits import Visit, VisitPhoto, VisitQuerySet

__all__ = [
    "Activity",
    "ActivityAttendance",
    "Referral",
    "ReferralQuerySet",
    "Visit",
    "VisitPhoto",
    "VisitQuerySet",
]
