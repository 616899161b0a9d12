from .activity import ActivityForm
from .referral import ParentsNotifiedForm, ReferralTransitionForm, apply_errors
from .visit import VisitForm

__all__ = ["ActivityForm", "ParentsNotifiedForm", "ReferralTransitionForm", "VisitForm", "apply_errors"]
