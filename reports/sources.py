"""Figures that other apps own (agreements, visits), read through their selectors.

Imported lazily, here and only here, so that this app loads (and its tests run) without them; tests
replace these functions with fixed figures (monkeypatch `reports.sources.<name>`). When an app is
not installed yet, its figures are empty: towns then show no coverage ("—") rather than a guess.
"""

import logging
from collections.abc import Callable
from datetime import date, datetime
from importlib import import_module
from typing import Any

logger = logging.getLogger(__name__)


def _selector(module: str, name: str) -> Callable[..., Any] | None:
    try:
        return getattr(import_module(module), name)
    except ModuleNotFoundError as exc:
        if exc.name != module:  # a genuine bug inside the other app: do not hide it
            raise
    except AttributeError:
        pass
    logger.warning("%s.%s is not available; its figures are left out", module, name)
    return None


def agreement_coverage_by_town(*, on: date) -> dict[int, Any]:
    """town id → AgreementCoverage(needing, signed_valid, to_resign) (委托照护协议, 通知 二.2)."""
    fn = _selector("agreements.selectors", "agreement_coverage_by_town")
    return fn(on=on) if fn else {}


def visit_coverage_by_town(*, month_start: date, on: date) -> dict[int, Any]:
    """town id → VisitCoverage(active, visited) for the month so far (一月一访, 通知 二.4)."""
    fn = _selector("visits.selectors", "visit_coverage_by_town")
    return fn(month_start=month_start, on=on) if fn else {}


def referral_counts_by_town(*, at: datetime) -> dict[int, Any]:
    """town id → ReferralCounts(open, overdue) at a moment (转介, 通知 二.4)."""
    fn = _selector("visits.selectors", "referral_counts_by_town")
    return fn(at=at) if fn else {}


def agreement_todo_count(user, *, on: date) -> int | None:
    """Agreements to sign or re-sign in the user's scope; None when the agreements app is absent."""
    fn = _selector("agreements.selectors", "agreement_todo_count")
    return fn(user, on=on) if fn else None


def visit_todo_counts(user, *, on: date) -> dict[str, int]:
    """{"visits_due": n, "referrals_overdue": n} in the user's scope; {} when the visits app is absent."""
    fn = _selector("visits.selectors", "visit_todo_counts")
    return fn(user, on=on) if fn else {}
