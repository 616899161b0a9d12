"""The weekly figures per town, with a fixed number of aggregate queries (DESIGN.md: Count('*')
grouped by town over indexed columns, never a Python loop over children).

"As of the week's end" comes from the archive's history (django-simple-history): for every child
its last historical record before Sunday 24:00 says whether it was on the roster, suspected,
missing information or in error then. So a week computed late (or recomputed) still shows the
week as it was, and later edits never leak into it. Definitions (reports/README.md):

- active: on the roster (在册) at the week's end;
- new: on the roster at the week's end but not at its start (first entry, or a 待核实 child
  confirmed by a field check during the week);
- exits: exited as of the week's end with an exit date inside the week, by reason;
- updates: distinct children with a registry.ArchiveUpdate row dated inside the week (动态更新量);
- missing_info / errors: children on the roster at the week's end with missing / wrong items;
- unverified: suspected (待核实) children at the week's end not yet decided by a field check;
- agreement coverage at the week's end; visit coverage for the month of the week's end up to it;
  referrals open / overdue at the week's end (figures of the agreements and visits apps);
- spot_check_problems: spot checks marked "problem" during the week (每天抽查, 通知 三.2).
"""

from collections import defaultdict
from dataclasses import fields
from datetime import date, datetime

from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from registry.choices import RosterStatus
from registry.models import ArchiveUpdate, Child, Region
from registry.selectors import StatusCounts, status_counts_by

from . import sources
from .models import SpotCheck, SpotCheckResult, WeeklyReportRow
from .weeks import Week

COUNTED = (
    "active",
    "new",
    "exits",
    "updates",
    "missing_info",
    "errors",
    "agreement_needing",
    "agreement_signed",
    "agreement_to_resign",
    "visit_active",
    "visit_visited",
    "referrals_open",
    "referrals_overdue",
    "unverified",
    "spot_check_problems",
)


def ratio(numerator: int, denominator: int) -> float | None:
    """A coverage 0..1 rounded to 4 places; None when there is nobody to cover."""
    return round(numerator / denominator, 4) if denominator else None


def records_as_of(moment: datetime, *, among: QuerySet | None = None) -> QuerySet:
    """Each child's last historical record before `moment` (children are never deleted); `among`
    (a queryset of child ids) narrows the children looked at before grouping."""
    history = Child.history.model.objects
    before = history.filter(history_date__lt=moment)
    if among is not None:
        before = before.filter(id__in=among)
    latest = before.order_by().values("id").annotate(last=Max("history_id"))
    return history.filter(history_id__in=latest.values("last")).exclude(history_type="-")


def _by_town(rows, key: str = "n") -> dict[int, int]:
    return {row["town_id"]: row[key] for row in rows}


def _changed_since(moment: datetime) -> QuerySet:
    """Ids of the children with a historical record at or after `moment`."""
    return Child.history.model.objects.filter(history_date__gte=moment).values("id")


def children_as_of(moment: datetime | None) -> tuple[QuerySet, ...]:
    """The children as they stood at `moment`, as querysets whose counts add up. None means now: the
    archive itself. Otherwise the archive for every child whose history has no record since
    `moment` (its latest record is the archive as it is), and the history for the few changed
    since: the work grows with the changes since `moment`, not with the size of the roster."""
    if moment is None:
        return (Child.objects.all(),)
    changed = Child.history.model.objects.filter(id=OuterRef("pk"), history_date__gte=moment)
    return Child.objects.filter(~Exists(changed)), records_as_of(moment, among=_changed_since(moment))


def _status_counts(moment: datetime | None) -> dict[int, StatusCounts]:
    result: dict[int, StatusCounts] = defaultdict(StatusCounts)
    for part in children_as_of(moment):
        for town_id, counts in status_counts_by(part, "town_id").items():
            total = result[town_id]
            for field in fields(StatusCounts):
                setattr(total, field.name, getattr(total, field.name) + getattr(counts, field.name))
    return result


def _new_on_roster(start: datetime, end: datetime | None) -> dict[int, int]:
    """Children on the roster at `end` but not at `start`: only children with a historical record in
    between can be (anyone else stood at `end` as at `start`), so only those are looked at."""
    touched = Child.history.model.objects.filter(history_date__gte=start)
    if end is not None:
        touched = touched.filter(history_date__lt=end)
    ids = touched.values("id")
    at_start = (
        Child.history.model.objects.filter(id=OuterRef("id"), history_date__lt=start)
        .order_by("-history_id")
        .annotate(status=Case(When(history_type="-", then=Value("")), default=F("roster_status")))
        .values("status")[:1]
    )
    at_end = Child.objects.filter(id__in=ids) if end is None else records_as_of(end, among=ids)
    after = at_end.filter(roster_status=RosterStatus.ACTIVE).annotate(status_at_start=Subquery(at_start))
    newly = after.filter(Q(status_at_start__isnull=True) | ~Q(status_at_start=RosterStatus.ACTIVE))
    return _by_town(newly.order_by().values("town_id").annotate(n=Count("*")))


def _exits(week: Week, end: datetime | None) -> dict[int, dict[str, int]]:
    result: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for part in children_as_of(end):
        rows = (
            part.filter(roster_status=RosterStatus.EXITED, exit_date__gte=week.start, exit_date__lte=week.end)
            .order_by()
            .values("town_id", "exit_reason")
            .annotate(n=Count("*"))
        )
        for row in rows:
            result[row["town_id"]][row["exit_reason"] or "other"] += row["n"]
    return {town_id: dict(reasons) for town_id, reasons in result.items()}


def _updates(first: date, last: date) -> dict[int, int]:
    rows = ArchiveUpdate.objects.filter(on__gte=first, on__lte=last).order_by().values("town_id")
    return _by_town(rows.annotate(n=Count("child_id", distinct=True)))


def _spot_check_problems(start: datetime, end: datetime) -> dict[int, int]:
    rows = SpotCheck.objects.filter(result=SpotCheckResult.PROBLEM, checked_at__gte=start, checked_at__lt=end)
    return _by_town(rows.order_by().values("town_id").annotate(n=Count("*")))


class _Inputs:
    """Everything the rows are made of, fetched once: a fixed number of queries whatever the size."""

    def __init__(self, week: Week, until: datetime | None):
        end = min(until or timezone.now(), week.ends_at)
        as_of = None if until is None else end  # None: the archive as it is now
        last_day = min(week.end, end.astimezone(week.starts_at.tzinfo).date())
        self.status = _status_counts(as_of)
        self.new = _new_on_roster(week.starts_at, as_of)
        self.exits = _exits(week, as_of)
        self.updates = _updates(week.start, last_day)
        self.problems = _spot_check_problems(week.starts_at, end)
        self.agreements = sources.agreement_coverage_by_town(on=last_day)
        self.visits = sources.visit_coverage_by_town(month_start=last_day.replace(day=1), on=last_day)
        self.referrals = sources.referral_counts_by_town(at=end)

    def town_ids(self) -> set[int]:
        maps = (self.status, self.new, self.exits, self.updates, self.problems)
        return {key for figures in maps for key in figures if key is not None}


def _row(town: Region, data: _Inputs) -> WeeklyReportRow:
    status = data.status.get(town.pk)
    agreement = data.agreements.get(town.pk)
    visit = data.visits.get(town.pk)
    referral = data.referrals.get(town.pk)
    exits = data.exits.get(town.pk, {})
    row = WeeklyReportRow(
        town=town,
        town_code=town.code,
        town_name=town.name,
        active=status.active if status else 0,
        new=data.new.get(town.pk, 0),
        exits=sum(exits.values()),
        exits_by_reason=dict(sorted(exits.items())),
        updates=data.updates.get(town.pk, 0),
        missing_info=status.active_missing if status else 0,
        errors=status.active_errors if status else 0,
        unverified=status.suspected if status else 0,
        agreement_needing=getattr(agreement, "needing", 0),
        agreement_signed=getattr(agreement, "signed_valid", 0),
        agreement_to_resign=getattr(agreement, "to_resign", 0),
        visit_active=getattr(visit, "active", 0),
        visit_visited=getattr(visit, "visited", 0),
        referrals_open=getattr(referral, "open", 0),
        referrals_overdue=getattr(referral, "overdue", 0),
        spot_check_problems=data.problems.get(town.pk, 0),
    )
    finish(row)
    return row


def finish(row: WeeklyReportRow) -> WeeklyReportRow:
    """The derived columns: zero-update flag (通知 三.2: 动态更新量为零的地区重点跟进) and coverages."""
    row.zero_update = row.updates == 0
    row.agreement_coverage = ratio(row.agreement_signed, row.agreement_needing)
    row.visit_coverage = ratio(row.visit_visited, row.visit_active)
    return row


def week_rows(week: Week, *, until: datetime | None) -> list[WeeklyReportRow]:
    """Unsaved rows, one per town of the county (active towns, and retired ones that still have
    figures), ordered by code. `until` before the week's end gives the week so far, from history;
    None gives the current week up to now, from the archive as it is."""
    data = _Inputs(week, until)
    wanted = data.town_ids()
    towns = Region.objects.towns().filter(Q(active=True) | Q(pk__in=wanted)).order_by("code")
    return [_row(town, data) for town in towns]


def total_of(rows) -> WeeklyReportRow:
    """The county total (启东市合计) as an unsaved row: sums, with coverages from the summed counts."""
    total = WeeklyReportRow(town_code="", town_name="合计")
    reasons: dict[str, int] = defaultdict(int)
    for row in rows:
        for name in COUNTED:
            setattr(total, name, getattr(total, name) + getattr(row, name))
        for reason, n in row.exits_by_reason.items():
            reasons[reason] += n
    total.exits_by_reason = dict(sorted(reasons.items()))
    return finish(total)
