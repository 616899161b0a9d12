"""Fixtures of the integration tests: a settable clock (as the reports tests use) and the county of
tests/integration/dataset.py built through every app's services."""

import pytest

from tests.integration.dataset import build_county
from tests.reports.conftest import Clock


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def county(db, clock, town_staff, director, outsider):
    return build_county(clock, town_staff=town_staff, director=director, outsider=outsider)
