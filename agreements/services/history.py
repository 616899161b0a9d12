"""History rows for agreements changed in bulk (queryset.update() writes none by itself)."""

from collections.abc import Iterable

from ..models import Agreement


def history_bulk_create(
    ids: Iterable[int], *, user=None, reason: str = "", reasons: dict[int, str] | None = None, created: bool = False
) -> int:
    """One history row per agreement in `ids` as it now stands ("+" when just created, "~" when
    changed): one read, one insert."""
    agreements = list(Agreement.objects.filter(pk__in=list(ids)))
    return history_bulk_create_for(agreements, user=user, reason=reason, reasons=reasons, created=created)


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
