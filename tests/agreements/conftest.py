"""Fixtures of the agreement tests: scans go to a temporary MEDIA_ROOT, and a helper signs."""

from datetime import date

import pytest
from django.utils import timezone

from agreements.models import Agreement
from agreements.services import agreement_sign, parties_of
from registry.choices import AdultRole, ExitReason, ParentStatus, Relation
from registry.services import AdultInput, child_exit, child_save
from tests.conftest import DIRECTOR_VILLAGES, SAMPLE_DATE
from tests.factories import make_id

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


def change_carer(child, *, user=None, name: str = "陈桂英") -> None:
    """The survey form records a new entrusted carer for the child (registry.services.child_save)."""
    child.refresh_from_db()
    carer = AdultInput(
        name=name,
        id_number=make_id(date(1958, 6, 1), male=False),
        phone="13800001111",
        health="healthy",
        relation=Relation.GRANDMOTHER,
    )
    child_save(user=user, child=child, data={}, adults={AdultRole.CARER: carer}, expected_version=child.version)


def parents_return(child, *, user=None) -> None:
    """Both parents are back home: the child is no longer left behind (not exited). New adult records
    (new ID numbers): registry.services.save_adult cannot yet update an existing adult (its F()
    version bump reaches simple-history's insert: reported to the registry's owner)."""
    child.refresh_from_db()
    home = {"status": ParentStatus.HOME, "phone": "13912345678"}
    adults = {
        AdultRole.FATHER: AdultInput(
            name="石父", id_number=make_id(date(1985, 1, 1)), relation=Relation.FATHER, **home
        ),
        AdultRole.MOTHER: AdultInput(
            name="张母", id_number=make_id(date(1986, 1, 1), male=False), relation=Relation.MOTHER, **home
        ),
    }
    child_save(user=user, child=child, data={}, adults=adults, expected_version=child.version)


def exit_child(child, *, user=None, reason: str = ExitReason.MOVED_AWAY, on: date = TODAY) -> None:
    child.refresh_from_db()
    child_exit(user=user, child=child, reason=reason, on=on, expected_version=child.version)
