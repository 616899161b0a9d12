"""Dashboards at province scale read their live figures from the cache that the beat job
(reports.refresh_live_figures) fills every 10 minutes (reports.live); a page computes what is missing."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qidong_care.celery import app
from reports.selectors import refresh_live_figures

from .builders import HUILONG_VILLAGE, active_child

pytestmark = pytest.mark.urls("tests.reports.urls")


def dashboard(client, user, url=None):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url or reverse("reports:dashboard"))
    assert response.status_code == 200
    return response, len(queries)


def active_in_huilong(response) -> int:
    return response.context["counts"].active


def test_the_town_dashboard_shows_the_figures_the_job_computed(client, db, town_staff):
    active_child(HUILONG_VILLAGE, name="汇一")
    refresh_live_figures()
    _response, cached_queries = dashboard(client, town_staff)
    active_child(HUILONG_VILLAGE, name="汇二", birth=date(2016, 5, 3))
    response, _queries = dashboard(client, town_staff)
    assert active_in_huilong(response) == 1  # as computed, until the next refresh
    call_command("refresh_live_figures")
    response, queries = dashboard(client, town_staff)
    assert active_in_huilong(response) == 2
    assert queries == cached_queries
    assert "计算于" in response.content.decode()


def test_a_page_computes_what_the_cache_lacks(client, db, town_staff):
    active_child(HUILONG_VILLAGE, name="汇一")
    first, computing = dashboard(client, town_staff)
    assert active_in_huilong(first) == 1
    _again, cached = dashboard(client, town_staff)
    assert cached < computing


def test_the_county_dashboard_reads_the_cached_week(client, db, bureau):
    active_child(HUILONG_VILLAGE, name="汇一")
    refresh_live_figures()
    response, _queries = dashboard(client, bureau)
    assert response.context["view"].computed_at is not None
    assert response.context["view"].total.active == 1
    assert "计算于" in response.content.decode()


def test_the_refresh_is_scheduled_every_ten_minutes():
    entry = app.conf.beat_schedule["refresh-live-figures"]
    assert entry["task"] == "reports.refresh_live_figures"
    assert entry["schedule"].minute == set(range(0, 60, 10))
