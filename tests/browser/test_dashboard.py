"""The dashboards and the spot check in Chromium: charts draw under the CSP, a phone works."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports.services.spotchecks import spot_checks_draw
from reports.services.weekly import last_finished_week, weekly_report_store
from tests.browser.conftest import PHONE
from tests.reports.builders import HUILONG_VILLAGE, active_child
from tests.reports.regions import regions, regions_after_flush  # noqa: F401  (fixtures)


@pytest.fixture
def county(transactional_db, request):
    """Two children and a stored snapshot of last week (regions: loaded again after a flush)."""
    request.getfixturevalue("regions")
    active_child(HUILONG_VILLAGE, name="浏览器甲")
    active_child(HUILONG_VILLAGE, name="浏览器乙", household_address="")
    weekly_report_store(week=last_finished_week())


def watch_console(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.mark.django_db(transaction=True)
def test_the_bureau_sees_both_charts_drawn_without_script_errors(browser_login, county, bureau, live_server):
    page = browser_login(bureau)
    errors = watch_console(page)
    page.goto(f"{live_server.url}/reports/")
    page.locator('[data-chart="towns"][data-chart-ready="true"] canvas').wait_for()
    page.locator('[data-chart="trend"][data-chart-ready="true"] canvas').wait_for()
    assert "南阳镇" in page.locator("#red-list").inner_text()
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_town_staff_read_their_villages_and_todos_on_a_phone(browser_login, county, town_staff, live_server):
    page = browser_login(town_staff, viewport=PHONE)
    errors = watch_console(page)
    page.goto(f"{live_server.url}/reports/")
    assert "亚光村委会" in page.locator("#village-table").inner_text()
    todo = page.locator("#todos .card", has_text="信息缺失")
    assert todo.locator(".stat-value").inner_text().strip() == "1"
    page.locator('[data-chart="town-trend"][data-chart-ready="true"] canvas').wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_an_inspector_marks_a_problem_on_a_phone_without_leaving_the_page(
    browser_login, county, inspector, live_server
):
    spot_checks_draw(on=timezone.localdate() + timedelta(days=1))
    page = browser_login(inspector, viewport=PHONE)
    page.goto(f"{live_server.url}/reports/spot-checks/")
    card = page.locator(".spotcheck-item").first
    card.get_by_label("发现问题").check()
    card.get_by_label("监护人信息").check()
    card.locator("textarea[name=note]").fill("监护人电话无法接通")
    url = page.url
    card.get_by_role("button", name="保存抽查结果").click()
    page.locator(".spotcheck-item .badge.text-bg-danger", has_text="发现问题").first.wait_for()
    assert page.url == url
