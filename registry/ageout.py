"""剔除超龄儿童 (通知 二.3): children who are 16 leave the roster as 超龄退出 on their 16th birthday.

Nothing is deleted. In bulk, a fixed number of statements per exit date and per thousand children
(never one per child): one locking SELECT, one UPDATE per exit date (children born on the same day
share it; a daily run has one), history rows copied by the database (`history_copy`, reason
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

from qidong_care.core.history_copy import history_copy

from .choices import ExitReason, RosterStatus
from .models import Child
from .rules.eligibility import AGE_LIMIT
from .services import archive_changed, record_archive_update

AGE_OUT_REASON = "超龄自动退出"
EXIT_FIELDS = ("id", "town_id", "village_id", "birth_date", "roster_status", "exit_reason", "exit_date", "version")
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


def _children_for_hooks(ids: list[int]) -> list[Child]:
    """The exited children for the dynamic-update rows and the archive-change hook. Only the columns
    an exit concerns are read (no decryption); any other is still read on access, so a hook stays
    correct, only slower."""
    children: list[Child] = []
    for chunk in _chunks(ids):
        children += Child.objects.filter(pk__in=chunk).only(*EXIT_FIELDS).order_by("pk")
    return children


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
    # The locked rows were all not exited yet: every one of them was updated by this run.
    exited = sorted(pk for ids in by_exit_date.values() for pk in ids)
    history_copy(Child, exited, when=now, reason=AGE_OUT_REASON)
    children = _children_for_hooks(exited)
    record_archive_update(children, on=on)
    archive_changed(children, source=AGE_OUT_REASON)
    return aged_out
