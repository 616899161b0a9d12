"""Transactional tests (threads, a live server, a real worker) end with a flush that empties every
table, the regions too, which the session loads only once. These fixtures put them back."""

import pytest
from django.core.management import call_command

from registry.models import Region


def load_regions_if_missing() -> None:
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)


@pytest.fixture
def regions(transactional_db):
    """For a transactional test: the regions, loaded again if an earlier flush removed them."""
    load_regions_if_missing()


@pytest.fixture(scope="module", autouse=True)
def regions_after_flush(django_db_blocker):
    """After this module's tests, leave the regions in place for whatever runs next."""
    yield
    with django_db_blocker.unblock():
        load_regions_if_missing()
