"""A children's director signs an agreement on a phone; town staff follow a coverage number."""

import pytest
from playwright.sync_api import expect

from agreements.models import Agreement, AgreementStatus
from tests.browser.conftest import PHONE
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import make_child


@pytest.mark.django_db(transaction=True)
def test_a_director_signs_an_agreement_on_a_phone(browser_login, director, live_server):
    child = make_child(DIRECTOR_VILLAGES[0], user=director, name="石红轩")
    page = browser_login(director, viewport=PHONE)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/agreements/child/{child.pk}/")
    assert page.locator("#agreement-state").inner_text().strip() == "未签订"
    page.get_by_role("button", name="登记签订").click()
    form = page.locator("#sign-form.show")  # Bootstrap adds "show" once the panel has opened
    form.wait_for(state="visible")
    assert form.locator("input[name=principals]:checked").count() == 2  # both away parents, prefilled
    page.fill("#id_valid_from", "2026-01-15")
    page.locator("#id_valid_from").dispatch_event("change")
    assert page.input_value("#id_valid_until") == "2027-01-14"  # a year from the start (agreements.js)
    page.fill("#id_signed_on", "2026-01-15")
    with page.expect_navigation():  # the form posts, and the agreement page comes back
        page.get_by_role("button", name="保存签订信息").click()
    expect(page.locator("body")).to_contain_text("已登记石红轩的委托照护协议")
    assert Agreement.objects.get(child=child).status == AgreementStatus.SIGNED
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_town_staff_follow_a_coverage_number_to_the_children_behind_it(browser_login, town_staff, live_server):
    make_child(DIRECTOR_VILLAGES[0], user=town_staff, name="石红轩")
    page = browser_login(town_staff, viewport=PHONE)
    page.goto(f"{live_server.url}/agreements/")
    assert page.locator("#total-ratio").inner_text() == "0.0%"
    page.locator("#total-unsigned").click()
    expect(page.locator("table tbody tr")).to_have_count(1)  # waits for the list to arrive
    assert "石红轩" in page.locator("table tbody").inner_text()
