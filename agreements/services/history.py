"""History rows for agreements changed in bulk (queryset.update() writes none by itself)."""

from collections import defaultdict
from collections.abc import Iterable

from django.utils import timezone

from qidong_care.core.history_copy import history_copy

from ..models import Agreement


def history_bulk_create(
    ids: Iterable[int], *, user=None, reason: str = "", reasons: dict[int, str] | None = None, created: bool = False
) -> int:
    """One history row per agreement in `ids` as it now stands ("+" when just created, "~" when
    changed), copied by the database: one INSERT … SELECT per reason and thousand agreements."""
    by_reason: dict[str, list[int]] = defaultdict(list)
    for pk in ids:
        by_reason[(reasons or {}).get(pk, reason)].append(pk)
    history_user = user if getattr(user, "is_authenticated", False) else None
    now, kind = timezone.now(), "+" if created else "~"
    return sum(
        history_copy(Agreement, sorted(pks), when=now, reason=why, user=history_user, kind=kind)
        for why, pks in by_reason.items()
    )


def history_bulk_create_for(
    agreements: list[Agreement],
    *,
    user=None,
    reason: str = "",
    reasons: dict[int, str] | None = None,
    created: bool = False,
) -> int:
    for agreement in agreements:
        agreement._change_reason = (reasons or {}).get(agreement.pk, reason)
    history_user = user if getattr(user, "is_authenticated", False) else None
    Agreement.history.bulk_history_create(agreements, update=not created, default_user=history_user)
    return len(agreements)
