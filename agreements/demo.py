"""Demo agreements for seed_demo: about 80% of the active demo children signed, a few of them lapsed
(signed over a year ago), so the coverage pages and the to-do have something to show."""

from datetime import timedelta

from registry.models import Child

from .services import agreements_mark_lapsed, agreements_sign_from_roster
from .services.lifecycle import today


def _left_unsigned(pk: int) -> bool:
    return pk % 5 == 4  # one child in five keeps no agreement (≈80% coverage)


def _days_ago(pk: int) -> int:
    if pk % 8 == 3:
        return 380 + pk % 40  # signed over a year ago: lapsed, 需重签
    return 10 + (pk * 37) % 300


def seed_demo_agreements() -> int:
    """Sign agreements for the active demo children that have none yet; returns how many were signed.
    The choice depends on the child alone, so running it again adds nothing."""
    on = today()
    children = Child.objects.on_roster().filter(agreement__isnull=True).order_by("pk")
    pairs = [(child, on - timedelta(days=_days_ago(child.pk))) for child in children if not _left_unsigned(child.pk)]
    signed = agreements_sign_from_roster(pairs, user=None)
    agreements_mark_lapsed(on)
    return signed
