"""Fixtures of the agreement tests: scans go to a temporary MEDIA_ROOT, and a helper signs."""

from datetime import date

import pytest
from django.utils import timezone

from agreements.models import Agreement
from agreements.services import agreement_sign, parties_of
from tests.conftest import DIRECTOR_VILLAGES, SAMPLE_DATE

YAGUANG, KEMING = DIRECTOR_VILLAGES  # 汇龙镇 亚光村、克明村 (the director's villages)
HUILONG_OTHER_VILLAGE = "320681100001"  # 汇龙镇 幸福一村 (not the director's)
NANYANG_VILLAGE = "320681106200"


TODAY = SAMPLE_DATE  # 2026-11-28: "today" in every agreement test


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """timezone.localdate() without arguments answers TODAY, everywhere (registry and agreements)."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def sign(
    child,
    *,
    user=None,
    signed_on: date = date(2026, 3, 1),
    valid_from: date | None = None,
    valid_until: date = date(2027, 2, 28),
    expected_version: int | None = None,
) -> Agreement:
    """Sign the child's agreement with the parties the archive names."""
    child.refresh_from_db()
    return agreement_sign(
        user=user,
        child=child,
        signed_on=signed_on,
        valid_from=valid_from or signed_on,
        valid_until=valid_until,
        principals=parties_of(child).principals,
        witness_name="亚光村村民委员会",
        expected_version=expected_version,
    )
