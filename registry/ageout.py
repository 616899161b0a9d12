"""剔除超龄儿童 (通知 二.3): children who are 16 leave the roster as 超龄退出 on their 16th birthday.

Nothing is deleted. In bulk: one locking SELECT, one UPDATE per exit date (children born on the same
day share it; a daily run has one), history rows written with `bulk_history_create` (reason
"超龄自动退出"), dynamic-update rows, and the archive-change hook, all in one transaction. Django's
`bulk_update` (CASE WHEN over every row) is avoided on purpose (DESIGN.md).

Idempotent, also twice at once: the rows are locked (SELECT … FOR UPDATE) and the UPDATE only
touches children not yet exited, so a second run finds nothing left to do.
"""

import calendar
from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .choices import ExitReason, RosterStatus
from .models import Child
from .rules.eligibility import AGE_LIMIT
from .services import archive_changed, record_archive_update

AGE_OUT_REASON = "超龄自动退出"
CHUNK = 1000


def birthday_at(birth: date, years: int) -> date:
    """The day one turns `years`; a 29 February birthday falls on 1 March in a non-leap year."""
    year = birth.year + years
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return birth.replace(year=year)


def latest_birth_of_age(on: date, years: int = AGE_LIMIT) -> date:
    """Children born on or before this day are `years` old or more on `on` (the birthday counts)."""
    year = on.year - years
    if on.month == 2 and on.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return on.replace(year=year)


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _exit(ids: list[int], exit_date: date, now) -> int:
    note = f"{exit_date:%Y年%m月%d日}年满{AGE_LIMIT}周岁，系统自动退出在册名单。"
    return (
        Child.objects.filter(pk__in=ids)
        .exclude(roster_status=RosterStatus.EXITED)
        .update(
            roster_status=RosterStatus.EXITED,
            exit_reason=ExitReason.OVER_AGE,
            exit_date=exit_date,
            exit_note=note,
            version=F("version") + 1,
            updated_at=now,
        )
    )


@transaction.atomic
def children_age_out(*, on: date) -> int:
    """Exit every child not yet exited who is 16 or older on `on`; returns how many left."""
    due = (
        Child.objects.select_for_update()
        .filter(birth_date__lte=latest_birth_of_age(on))
        .exclude(roster_status=RosterStatus.EXITED)
        .order_by("pk")
        .values_list("pk", "birth_date")
    )
    by_exit_date: dict[date, list[int]] = defaultdict(list)
    for pk, birth in due:
        by_exit_date[birthday_at(birth, AGE_LIMIT)].append(pk)
    now = timezone.now()
    aged_out = 0
    for exit_date, ids in sorted(by_exit_date.items()):
        for chunk in _chunks(ids):
            aged_out += _exit(chunk, exit_date, now)
    all_ids = [pk for ids in by_exit_date.values() for pk in ids]
    for chunk in _chunks(sorted(all_ids)):
        children = list(Child.objects.filter(pk__in=chunk, updated_at=now))
        Child.history.bulk_history_create(children, update=True, default_change_reason=AGE_OUT_REASON, default_date=now)
        record_archive_update(children, on=on)
        archive_changed(children, source=AGE_OUT_REASON)
    return aged_out
