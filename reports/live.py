"""Live dashboard figures at province scale (issue 9).

Counting a million children by town and status, their agreements, this month's visits and the week's
new entries from the history takes seconds on two cores. The dashboards therefore show these figures
from the cache: the beat job `reports.refresh_live_figures` recomputes the county's every
REFRESH_MINUTES, and a page computes what the cache lacks (a town's figures for its staff) and keeps
it for LIVE_SECONDS. Each dashboard says when its figures were computed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from registry.models import RegionLevel
from registry.scope import scope_key  # noqa: F401 - reports.selectors reads live.scope_key

REFRESH_MINUTES = 10
LIVE_SECONDS = 3 * REFRESH_MINUTES * 60  # outlives two missed refreshes before a page recomputes


@dataclass
class Live:
    value: Any
    computed_at: datetime


def cached(key: str, compute: Callable[[], Any], *, seconds: int = LIVE_SECONDS) -> Live:
    """The cached figures under `key`, computed now (and kept `seconds`) when the cache has none."""
    found = cache.get(key)
    if found is None:
        found = refresh(key, compute, seconds=seconds)
    return found


def refresh(key: str, compute: Callable[[], Any], *, seconds: int = LIVE_SECONDS) -> Live:
    live = Live(compute(), timezone.now())
    cache.set(key, live, seconds)
    return live


def town_staff_view(town):
    """An unsaved town-staff user holding `town` alone: the beat job computes what that town's
    staff see (the same scope key, so their pages find it in the cache)."""
    from qidong_care.accounts.models import User
    from qidong_care.accounts.roles import Role

    user = User(username=f"live-{town.pk}", role=Role.TOWN_STAFF)
    user._region_ids_by_level = {level: set() for level in RegionLevel.values}
    user._region_ids_by_level[RegionLevel.TOWN].add(town.pk)
    return user


def live_week_key(week) -> str:
    return f"reports:live-week:{week.label}"
