from datetime import date

from qidong_care.notifications.models import Notification
from tests.factories import make_child
from visits.demo import seed_demo_visits
from visits.models import Activity, Referral, Visit
from visits.selectors import visit_coverage_by_town

from .conftest import KEMING, YAGUANG


def test_the_demo_has_visits_some_children_due_referrals_one_overdue_and_two_activities(
    director, town_staff, huilong, django_capture_on_commit_callbacks
):
    children = [make_child(YAGUANG if i % 2 else KEMING, user=director, name=f"演示{i}") for i in range(8)]
    with django_capture_on_commit_callbacks(execute=True):
        summary = seed_demo_visits(today=date(2026, 11, 29))
    assert summary["visits"] >= 3 * len(children) and summary["activities"] == 2
    coverage = visit_coverage_by_town(month_start=date(2026, 11, 1), on=date(2026, 11, 29))[huilong.pk]
    assert 0 < coverage.visited < coverage.active
    from django.utils import timezone

    assert Referral.objects.overdue(timezone.now()).count() == 1
    assert Referral.objects.count() == 4 and Activity.objects.count() == 2
    assert Notification.objects.filter(kind="high_risk").exists()
    again = seed_demo_visits(today=date(2026, 11, 29))
    assert again["visits"] == 0 and Visit.objects.count() == summary["visits"] + 2
