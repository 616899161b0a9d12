"""Town staff see one system: from the home page's to-do to the list behind it, and on a child's
archive the agreement and the visits that the other apps keep."""

import pytest

from registry.assessment import today
from registry.choices import LivingArrangement
from tests.browser.conftest import PHONE
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import make_child, sign_for_a_year
from tests.registry.registry_pages import next_id
from visits.services.visits import visit_record


def visit(child, user) -> None:
    data = {
        "date": today(),
        "kind": "director_monthly",
        "mode": "home",
        "guardianship": "good",
        "physical_health": "good",
        "mental_health": "good",
        "schooling": "normal",
        "risk_level": "low",
    }
    visit_record(user=user, child=child, data=data)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_town_staff_go_from_the_home_page_to_the_list_and_to_an_archive(
    browser_login, town_staff, live_server, viewport
):
    signed = make_child(DIRECTOR_VILLAGES[0], user=town_staff, name="石红轩", id_number=next_id())
    sign_for_a_year(signed)
    visit(signed, town_staff)
    make_child(DIRECTOR_VILLAGES[0], user=town_staff, name="陆小明", id_number=next_id())
    alone = make_child(
        DIRECTOR_VILLAGES[1],
        user=town_staff,
        name="顾一凡",
        id_number=next_id(),
        living_arrangement=LivingArrangement.ALONE,
    )
    page = browser_login(town_staff, viewport=viewport)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/")
    assert "顾一凡：脱离监护单独居住生活" in page.locator(".alert-danger").inner_text()
    todo = page.locator('[data-figure="agreements_todo"]')
    assert todo.locator(".stat-value").inner_text().strip() == "2"  # 陆小明 and 顾一凡
    assert page.locator('[data-figure="agreement_coverage"] .stat-value').inner_text().strip() == "33.3%"
    todo.locator("a").click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server.url}/agreements/children/")
    listed = page.locator("main").inner_text()
    assert "陆小明" in listed and "顾一凡" in listed and "石红轩" not in listed

    page.goto(f"{live_server.url}/children/{signed.pk}/")
    agreement = page.locator("#agreement-section")
    assert "已签订（有效）" in agreement.inner_text() and "亚光村村民委员会" in agreement.inner_text()
    visits = page.locator("#visits-section")
    assert f"{today():%Y-%m-%d}" in visits.inner_text() and "风险低" in visits.inner_text()
    assert visits.get_by_role("link", name="记录走访").is_visible()

    page.goto(f"{live_server.url}/children/{alone.pk}/")
    referral = page.locator("#visits-section .archive-referrals")
    assert "脱离监护单独居住生活 → 公安机关" in referral.inner_text() and "报告期限" in referral.inner_text()
    assert errors == []
