"""The director's month (一月一访): who is visited and who is still due, and the village's month grid."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery

from registry.choices import RosterStatus
from registry.models import Child, Region

from ..choices import ReferralStatus, VisitKind
from ..models import Referral, Visit
from .coverage import month_of

LIST_FIELDS = ("id", "name", "gender", "birth_date", "id_number_masked", "village__name", "village__code", "town_id")


def children_this_month(user, *, on: date, village_id: int | None = None, query: str = "") -> QuerySet[Child]:
    """The active children the user may see, each with `visited_on` (the director visit this month, or
    None), `last_visit` (any kind, ever) and `has_open_referral`; the ones still due first."""
    month_start = month_of(on)
    this_month = Visit.objects.filter(
        child=OuterRef("pk"), kind=VisitKind.DIRECTOR_MONTHLY, month=month_start, date__lte=on
    ).order_by("-date")
    last = Visit.objects.filter(child=OuterRef("pk")).order_by("-date", "-id")
    open_referral = Referral.objects.filter(child=OuterRef("pk")).exclude(status=ReferralStatus.CLOSED)
    children = Child.objects.visible_to(user).on_roster()
    if village_id:
        children = children.filter(village_id=village_id)
    if query:
        children = children.filter(name__contains=query.strip())
    return (
        children.select_related("village")
        .only(*LIST_FIELDS)
        .annotate(
            visited_on=Subquery(this_month.values("date")[:1]),
            last_visit=Subquery(last.values("date")[:1]),
            has_open_referral=Exists(open_referral),
        )
        .order_by(F("visited_on").asc(nulls_first=True), "village__code", "name", "id")
    )


@dataclass
class GridRow:
    child: Child
    months: list[str] = field(default_factory=list)  # per month: "director", "other" or ""


def month_grid(user, *, village: Region, year: int) -> list[GridRow]:
    """Children of `village` on the roster × the twelve months of `year` (two queries)."""
    children = list(
        Child.objects.visible_to(user)
        .filter(village=village, roster_status=RosterStatus.ACTIVE)
        .only("id", "name", "birth_date", "gender")
        .order_by("name", "id")
    )
    marks: dict[tuple[int, int], str] = {}
    visits = (
        Visit.objects.filter(village=village, month__year=year, child__in=[c.pk for c in children])
        .order_by()
        .values_list("child_id", "month", "kind")
        .distinct()
    )
    for child_id, month, kind in visits:
        key = (child_id, month.month)
        if kind == VisitKind.DIRECTOR_MONTHLY:
            marks[key] = "director"
        else:
            marks.setdefault(key, "other")
    return [GridRow(child=c, months=[marks.get((c.pk, m), "") for m in range(1, 13)]) for c in children]
