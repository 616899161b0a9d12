from .campaigns import Campaign, CampaignDeadline, DeadlineKind
from .spotchecks import SpotCheck, SpotCheckProblem, SpotCheckResult
from .weekly import WeeklyReport, WeeklyReportRow

__all__ = [
    "Campaign",
    "CampaignDeadline",
    "DeadlineKind",
    "SpotCheck",
    "SpotCheckProblem",
    "SpotCheckResult",
    "WeeklyReport",
    "WeeklyReportRow",
]
