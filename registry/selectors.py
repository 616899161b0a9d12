"""Reads of the archive that pages and reports share. Counts group over indexed columns with
Count('*') (DESIGN.md: PostgreSQL then answers from the (town, status) indexes)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from .choices import RosterStatus
from .models import Child


@dataclass
class StatusCounts:
    active: int = 0
    suspected: int = 0
    not_left_behind: int = 0
    exited: int = 0
    active_missing: int = 0
    active_errors: int = 0


def status_counts_by(children: QuerySet[Child], key: str | None = None) -> dict[object, StatusCounts]:
    """Counts per value of `key` (e.g. "town_id", "village_id"), or one total under None."""
    fields = ["roster_status", "has_missing", "has_errors"] + ([key] if key else [])
    rows = children.order_by().values(*fields).annotate(n=Count("*"))
    result: dict[object, StatusCounts] = defaultdict(StatusCounts)
    for row in rows:
        counts = result[row[key] if key else None]
        status, n = row["roster_status"], row["n"]
        setattr(counts, status, getattr(counts, status) + n)
        if status == RosterStatus.ACTIVE:
            counts.active_missing += n if row["has_missing"] else 0
            counts.active_errors += n if row["has_errors"] else 0
    return result


def status_counts(children: QuerySet[Child]) -> StatusCounts:
    return status_counts_by(children).get(None) or StatusCounts()
