"""Totals of care activities per town (通知 二.5): activities, child attendances, distinct children
reached and adults (guardians, carers) — two grouped queries."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum

from ..models import Activity, ActivityAttendance


@dataclass
class ActivityTotals:
    activities: int = 0
    attendances: int = 0
    children_reached: int = 0
    adults: int = 0

    def __add__(self, other: "ActivityTotals") -> "ActivityTotals":
        return ActivityTotals(
            self.activities + other.activities,
            self.attendances + other.attendances,
            self.children_reached + other.children_reached,
            self.adults + other.adults,
        )


def activity_totals_by_town(activities: QuerySet[Activity]) -> dict[int, ActivityTotals]:
    """Town id → totals over `activities` (already scoped and filtered). A child belongs to one town,
    so children reached add up across towns."""
    totals: dict[int, ActivityTotals] = {}
    for row in activities.order_by().values("town_id").annotate(n=Count("id"), adults=Sum("adult_count")):
        totals[row["town_id"]] = ActivityTotals(activities=row["n"], adults=row["adults"] or 0)
    attendance = (
        ActivityAttendance.objects.filter(activity__in=activities.order_by().values("id"))
        .values("activity__town_id")
        .annotate(n=Count("id"), reached=Count("child_id", distinct=True))
    )
    for row in attendance:
        town_totals = totals.setdefault(row["activity__town_id"], ActivityTotals())
        town_totals.attendances, town_totals.children_reached = row["n"], row["reached"]
    return totals
