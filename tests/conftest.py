"""Shared fixtures: regions loaded once, one named user for every role, plus an outsider.

Every view test uses these names: `town_staff` (汇龙镇), `outsider` (town staff of 南阳镇),
`director` (two villages of 汇龙镇), `bureau`, `inspector`, `admin_user`, `security_admin`, `auditor`.
"""

import os
from datetime import date

import pytest
from django.core.management import call_command

from qidong_care.accounts.models import User
from qidong_care.accounts.roles import Role
from registry.models import Region

# Screening date of ../shared/samples/roster-sample.xlsx (ROSTER.md): ages are reckoned from it.
SAMPLE_DATE = date(2026, 11, 28)
HUILONG, NANYANG, COUNTY = "320681100", "320681106", "320681"
DIRECTOR_VILLAGES = ("320681100236", "320681100201")  # 亚光村、克明村 of 汇龙镇
PASSWORD = "Test-pass-2026"

# Playwright's sync API runs an event loop; Django's ORM refuses to run beside one unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_regions", verbosity=0)


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


@pytest.fixture(autouse=True)
def _regions_loaded(request):
    """Regions are loaded once per session, but a transactional test (browser, worker) empties every
    table when it ends: put them back for whichever database test comes next."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if not marker and not names & DB_FIXTURES:
        return
    transactional = "transactional_db" in names or "live_server" in names
    transactional = transactional or bool(marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)


def make_user(username: str, role: str, codes: tuple[str, ...], **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)
    user.must_change_password = False
    user.save()
    user.regions.set(Region.objects.filter(code__in=codes))
    return user


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (dashboards keep live figures there, reports.live)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def region():
    """Look a region up by code: region("320681100")."""
    return lambda code: Region.objects.get(code=code)


@pytest.fixture
def huilong():
    return Region.objects.get(code=HUILONG)


@pytest.fixture
def nanyang():
    return Region.objects.get(code=NANYANG)


@pytest.fixture
def town_staff(db):
    return make_user("town_huilong", Role.TOWN_STAFF, (HUILONG,), last_name="张", first_name="汇龙")


@pytest.fixture
def outsider(db):
    return make_user("town_nanyang", Role.TOWN_STAFF, (NANYANG,), last_name="李", first_name="南阳")


@pytest.fixture
def director(db):
    return make_user("director_huilong", Role.DIRECTOR, DIRECTOR_VILLAGES, last_name="王", first_name="主任")


@pytest.fixture
def bureau(db):
    return make_user("bureau", Role.BUREAU, (COUNTY,))


@pytest.fixture
def inspector(db):
    return make_user("inspector", Role.INSPECTOR, (COUNTY,))


@pytest.fixture
def admin_user(db):
    return make_user("admin", Role.ADMIN, (COUNTY,))


@pytest.fixture
def security_admin(db):
    return make_user("security", Role.SECURITY_ADMIN, (COUNTY,))


@pytest.fixture
def auditor(db):
    return make_user("auditor", Role.AUDITOR, (COUNTY,))


@pytest.fixture
def login(client):
    """login(user) → the test client, logged in as `user`."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a skipped browser test is a failure: CI must really drive Chromium."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and item.get_closest_marker("browser"):
        report.outcome = "failed"
        report.longrepr = f"browser test skipped under CI=true: {report.longrepr}"


def pytest_collection_modifyitems(items):
    """Under pytest-xdist, tests that start a real Celery worker share one process (--dist loadgroup):
    two workers on one Redis queue would take each other's tasks, run against the wrong database."""
    for item in items:
        if item.get_closest_marker("worker"):
            item.add_marker(pytest.mark.xdist_group("celery-worker"))
