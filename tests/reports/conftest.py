"""Fixtures of the supervision tests: a settable clock, and fixed figures from agreements/visits."""

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from reports import sources
from reports.weeks import SHANGHAI
from tests.reports.regions import regions, regions_after_flush  # noqa: F401  (fixtures)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


class Clock:
    """Sets "now" for Django (timezone.now, hence localdate, auto_now, history dates). Time ticks
    on by a microsecond at each reading, as it would, so that "before now" includes what was just
    written."""

    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch

    def set(self, moment: datetime | date, hour: int = 10) -> datetime:
        if not isinstance(moment, datetime):
            moment = at(moment, hour)
        ticks = itertools.count()
        self._monkeypatch.setattr(timezone, "now", lambda: moment + timedelta(microseconds=next(ticks)))
        return moment


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@dataclass
class AgreementCoverage:
    needing: int
    signed_valid: int
    to_resign: int = 0

    @property
    def ratio(self) -> float:
        return self.signed_valid / self.needing if self.needing else 1.0


@dataclass
class VisitCoverage:
    active: int
    visited: int

    @property
    def ratio(self) -> float:
        return self.visited / self.active if self.active else 1.0


@dataclass
class ReferralCounts:
    open: int
    overdue: int


class FixedSources:
    """What the agreements and visits apps would answer, and the arguments they were asked with."""

    def __init__(self):
        self.agreements: dict[int, AgreementCoverage] = {}
        self.visits: dict[int, VisitCoverage] = {}
        self.referrals: dict[int, ReferralCounts] = {}
        self.agreement_todo = 0
        self.visit_todo = {"visits_due": 0, "referrals_overdue": 0}
        self.calls: list[tuple[str, dict]] = []

    def install(self, monkeypatch) -> "FixedSources":
        def record(name, value):
            def fn(*args, **kwargs):
                self.calls.append((name, kwargs))
                return value() if callable(value) else value

            return fn

        monkeypatch.setattr(sources, "agreement_coverage_by_town", record("agreements", lambda: self.agreements))
        monkeypatch.setattr(sources, "visit_coverage_by_town", record("visits", lambda: self.visits))
        monkeypatch.setattr(sources, "referral_counts_by_town", record("referrals", lambda: self.referrals))
        monkeypatch.setattr(sources, "agreement_todo_count", record("agreement_todo", lambda: self.agreement_todo))
        monkeypatch.setattr(sources, "visit_todo_counts", record("visit_todo", lambda: self.visit_todo))
        return self


@pytest.fixture
def figures(monkeypatch):
    return FixedSources().install(monkeypatch)
