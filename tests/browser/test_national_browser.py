import pytest
from playwright.sync_api import expect

from registry.national.models import NationalMatch
from tests.browser.conftest import PHONE
from tests.national.conftest import build_scenario
from tests.national.test_views import direct_run


@pytest.fixture
def scenario(transactional_db, town_staff):
    return build_scenario(town_staff)


@pytest.mark.django_db(transaction=True)
def test_town_staff_confirm_a_likely_match_on_a_phone(browser_login, live_server, scenario, town_staff, huilong):
    run = direct_run(town_staff, scenario.rows, town=huilong)
    page = browser_login(town_staff, viewport=PHONE)
    page.goto(f"{live_server.url}/children/national/{run.pk}/")
    page.get_by_role("link", name="疑似同一儿童（待确认）").click()
    page.get_by_role("link", name="核对并确认").click()
    assert "季梓涵" in page.locator("h1").inner_text()
    page.get_by_role("button", name="是同一儿童", exact=True).click()
    expect(page.locator(".alert").first).to_contain_text("已确认为同一儿童")  # waits for the next page
    assert NationalMatch.objects.filter(child=scenario.children["likely"], same=True).exists()
