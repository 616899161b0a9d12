from .activities import activity_child_search, activity_create, activity_detail, activity_edit, activity_list
from .coverage import coverage, month_grid
from .referrals import (
    referral_detail,
    referral_list,
    referral_parents_view,
    referral_report_pdf,
    referral_transition_view,
)
from .visits import child_visits, my_month, photo, visit_create, visit_detail

__all__ = [
    "activity_child_search",
    "activity_create",
    "activity_detail",
    "activity_edit",
    "activity_list",
    "child_visits",
    "coverage",
    "month_grid",
    "my_month",
    "photo",
    "referral_detail",
    "referral_list",
    "referral_parents_view",
    "referral_report_pdf",
    "referral_transition_view",
    "visit_create",
    "visit_detail",
]
