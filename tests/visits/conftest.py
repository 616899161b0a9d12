"""Fixtures of the visits tests: a child in the director's village, one elsewhere in 汇龙镇 and one in
南阳镇 (the outsider's town); a routine visit's data; direct builders for known data sets."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from registry.models import Region
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import make_child
from visits.choices import Guardianship, MentalHealth, PhysicalHealth, RiskLevel, SchoolingState, VisitKind, VisitMode
from visits.models import Visit

SHANGHAI = ZoneInfo("Asia/Shanghai")
YAGUANG, KEMING = DIRECTOR_VILLAGES
OTHER_HUILONG_VILLAGE = "320681100001"  # a village of 汇龙镇 the director does not hold
NANYANG_VILLAGE = "320681106200"  # 启兴村, 南阳镇


def at(*args) -> datetime:
    """An aware Asia/Shanghai datetime: at(2026, 11, 27, 10, 0)."""
    return datetime(*args, tzinfo=SHANGHAI)


def routine(on: date, **changes) -> dict:
    """The data of a routine visit, as VisitForm.visit_data() gives it."""
    data = {
        "date": on,
        "kind": VisitKind.DIRECTOR_MONTHLY,
        "mode": VisitMode.HOME,
        "safety_home": "ok",
        "safety_fire": "ok",
        "safety_water": "ok",
        "safety_traffic": "ok",
        "guardianship": Guardianship.GOOD,
        "physical_health": PhysicalHealth.GOOD,
        "mental_health": MentalHealth.GOOD,
        "schooling": SchoolingState.NORMAL,
        "contact_methods": ["phone"],
        "contact_frequency": "weekly",
        "risk_level": RiskLevel.LOW,
        "services": [],
    }
    data.update(changes)
    return data


def add_visit(child, on: date, kind: str = VisitKind.DIRECTOR_MONTHLY, **extra) -> Visit:
    """A stored visit without the service (known data sets for the selectors)."""
    return Visit.objects.create(
        child=child,
        town_id=child.town_id,
        village_id=child.village_id,
        month=on.replace(day=1),
        date=on,
        kind=kind,
        mode=VisitMode.HOME,
        guardianship=Guardianship.GOOD,
        physical_health=PhysicalHealth.GOOD,
        mental_health=MentalHealth.GOOD,
        schooling=SchoolingState.NORMAL,
        **extra,
    )


@pytest.fixture
def child(db, director):
    return make_child(YAGUANG, user=director, name="石红轩")


@pytest.fixture
def huilong_child(db, town_staff):
    """In 汇龙镇 but outside the director's villages."""
    return make_child(OTHER_HUILONG_VILLAGE, user=town_staff, name="陈一凡")


@pytest.fixture
def nanyang_child(db, outsider):
    return make_child(NANYANG_VILLAGE, user=outsider, name="黄小南")


@pytest.fixture
def village():
    return lambda code: Region.objects.get(code=code)


def _adult_update_broken() -> bool:
    """registry.services.save_adult on main assigns F("version") before save(), which django-simple-history
    then copies into the history row (ValueError). The registry-ui branch fixes it; until that is
    merged, updating an existing adult through child_save fails whatever the caller."""
    import inspect

    from registry import services

    return 'adult.version = F("version") + 1' in inspect.getsource(services.save_adult)


needs_adult_update_fix = pytest.mark.xfail(
    _adult_update_broken(),
    reason="registry.services.save_adult cannot update an existing adult on main (fixed on branch registry-ui)",
    raises=ValueError,
    strict=True,
)
