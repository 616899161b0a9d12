from .campaigns import campaign_create, campaign_detail, campaign_edit, campaign_list
from .dashboard import dashboard, town_dashboard
from .spotchecks import spotcheck_list, spotcheck_mark, spotcheck_problems, spotcheck_resolve
from .weekly import weekly_circular, weekly_detail, weekly_export, weekly_list

__all__ = [
    "campaign_create",
    "campaign_detail",
    "campaign_edit",
    "campaign_list",
    "dashboard",
    "spotcheck_list",
    "spotcheck_mark",
    "spotcheck_problems",
    "spotcheck_resolve",
    "town_dashboard",
    "weekly_circular",
    "weekly_detail",
    "weekly_export",
    "weekly_list",
]
