"""ISO weeks in Asia/Shanghai: Monday 00:00 to Sunday 24:00 (DOMAIN.md, weekly bureau report)."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK_LABEL = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int

    @classmethod
    def parse(cls, label: str) -> "Week":
        """ "2026-W48" → Week(2026, 48); a ValidationError for anything else."""
        match = WEEK_LABEL.match((label or "").strip())
        if match is None:
            raise ValidationError(f"周的写法应为“2026-W48”，而不是“{label}”。", code="week")
        year, number = int(match.group(1)), int(match.group(2))
        try:
            date.fromisocalendar(year, number, 1)
        except ValueError:
            raise ValidationError(f"{year}年没有第{number}周。", code="week") from None
        return cls(year, number)

    @classmethod
    def containing(cls, day: date) -> "Week":
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def start(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=SHANGHAI)

    @property
    def ends_at(self) -> datetime:
        """Sunday 24:00, i.e. the next Monday 00:00 (exclusive bound)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=SHANGHAI)

    def previous(self) -> "Week":
        return Week.containing(self.start - timedelta(days=1))

    def __str__(self) -> str:
        return self.label

    @property
    def title(self) -> str:
        return f"{self.year}年第{self.number}周（{self.start:%m月%d日}—{self.end:%m月%d日}）"


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """00:00 of `day` and of the next day, Asia/Shanghai."""
    start = datetime.combine(day, time.min, tzinfo=SHANGHAI)
    return start, start + timedelta(days=1)
