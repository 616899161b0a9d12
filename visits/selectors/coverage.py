"""Visit coverage (通知 二.4: 一月一访): children visited by their director this month ÷ active children.

Only the children's director's monthly visit (儿童主任一月一访) counts: the notice asks for that visit
every month; a party member's or social worker's visit is welcome but does not replace it.
Every function aggregates in the database (Count grouped by region), never loops over children.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q

from qidong_care.accounts.models import User
from qidong_care.accounts.roles import Role
from registry.choices import RosterStatus
from registry.models import Child

from ..models import Visit


@dataclass
class VisitCoverage:
    active: int = 0
    visited: int = 0

    @property
    def ratio(self) -> float:
        """visited ÷ active; 1.0 when there is nobody to visit."""
        return 1.0 if self.active == 0 else self.visited / self.active

    @property
    def percent(self) -> float:
        return round(self.ratio * 100, 1)

    @property
    def due(self) -> int:
        return max(self.active - self.visited, 0)

    def __add__(self, other: "VisitCoverage") -> "VisitCoverage":
        return VisitCoverage(active=self.active + other.active, visited=self.visited + other.visited)


def month_of(day: date) -> date:
    return day.replace(day=1)


def director_visits_between(month_start: date, on: date):
    """Director visits dated month_start..on, to children now on the roster (month also filtered,
    so the (town, month) and (village, month) indexes serve the query)."""
    return Visit.objects.director_visits().filter(
        month__range=(month_start, month_of(on)),
        date__range=(month_start, on),
        child__roster_status=RosterStatus.ACTIVE,
    )


def visit_coverage_by(key: str, *, month_start: date, on: date, scope: Q | None = None) -> dict[int, VisitCoverage]:
    """Coverage per "town_id" or "village_id" (two grouped queries). A visit counts where the child now
    lives (the copied region equals the child's), so visited never exceeds active."""
    scope = scope if scope is not None else Q()
    result: dict[int, VisitCoverage] = {}
    active = Child.objects.on_roster().filter(scope).order_by().values(key).annotate(n=Count("*"))
    for row in active:
        result[row[key]] = VisitCoverage(active=row["n"])
    visited = (
        director_visits_between(month_start, on)
        .filter(scope, **{f"child__{key}": F(key)})
        .order_by()
        .values(key)
        .annotate(n=Count("child_id", distinct=True))
    )
    for row in visited:
        result.setdefault(row[key], VisitCoverage()).visited = row["n"]
    return result


def visit_coverage_by_town(*, month_start: date, on: date) -> dict[int, VisitCoverage]:
    """Town id → VisitCoverage for the whole county (the weekly report and the bureau's dashboard)."""
    return visit_coverage_by("town_id", month_start=month_start, on=on)


def visit_coverage_by_village(*, month_start: date, on: date, scope: Q | None = None) -> dict[int, VisitCoverage]:
    return visit_coverage_by("village_id", month_start=month_start, on=on, scope=scope)


def total(coverages: dict[int, VisitCoverage]) -> VisitCoverage:
    return sum(coverages.values(), VisitCoverage())


@dataclass
class DirectorCoverage:
    director: User
    villages: list
    coverage: VisitCoverage


def visit_coverage_by_director(
    *, village_coverage: dict[int, VisitCoverage], village_ids: set[int]
) -> list[DirectorCoverage]:
    """Each active director holding one of `village_ids`, with the coverage of their villages (summed
    from the per-village figures: no query per child; one query for the directors and their villages)."""
    directors = (
        User.objects.filter(role=Role.DIRECTOR, is_active=True, regions__in=village_ids)
        .distinct()
        .prefetch_related("regions")
        .order_by("last_name", "first_name", "username")
    )
    rows = []
    for director in directors:
        villages = sorted((r for r in director.regions.all() if r.pk in village_ids), key=lambda r: r.code)
        coverage = sum((village_coverage.get(v.pk, VisitCoverage()) for v in villages), VisitCoverage())
        rows.append(DirectorCoverage(director=director, villages=villages, coverage=coverage))
    return rows
