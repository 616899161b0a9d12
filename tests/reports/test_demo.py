from datetime import date

from reports.demo import DEMO_WEEKS, seed_demo_reports
from reports.models import Campaign, SpotCheck, WeeklyReport

from .builders import HUILONG_VILLAGE, active_child


def test_the_demo_gives_trends_a_campaign_and_a_spot_check_sample_once(db, clock, inspector, town_staff):
    clock.set(date(2026, 11, 20))
    for n in range(4):
        active_child(HUILONG_VILLAGE, name=f"演示{n}")
    clock.set(date(2026, 12, 2))
    first = seed_demo_reports()
    again = seed_demo_reports()
    assert first["snapshots"] == DEMO_WEEKS and again["snapshots"] == 0
    weeks = list(WeeklyReport.objects.order_by("week_start").values_list("week", flat=True))
    assert weeks[0] == "2026-W41" and weeks[-1] == "2026-W48"
    assert Campaign.objects.get().deadlines.count() == 3
    assert SpotCheck.objects.filter(updated_on=date(2026, 12, 1)).count() == first["spot_checks"] == 4
    assert SpotCheck.objects.filter(result="problem").count() == 1
    assert town_staff.notifications.count() == 1
