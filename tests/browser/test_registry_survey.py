"""Survey entry on a phone: a children's director enters a child in the village and sees the verdict."""

from datetime import date

import pytest

from tests.browser.conftest import PHONE
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import make_child, make_id


def fill_parent(page, role: str, name: str, place: str, departed: str) -> None:
    page.fill(f"#id_{role}-name", name)
    page.select_option(f"#id_{role}-status", "away")
    page.fill(f"#id_{role}-work_place", place)
    page.fill(f"#id_{role}-departed_on", departed)


@pytest.mark.django_db(transaction=True)
def test_a_director_enters_a_child_with_both_parents_away_on_a_phone(browser_login, director, region):
    page = browser_login(director, viewport=PHONE)
    page.goto(page.url.split("/accounts/")[0].rstrip("/") + "/children/")
    page.click("text=新增儿童")
    page.wait_for_selector("#id_name")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # stacked, no sideways scroll

    village = region(DIRECTOR_VILLAGES[0])
    page.fill("#id_name", "陆小明")
    page.fill("#id_id_number", make_id(date(2016, 5, 6), male=True, seq=310))
    page.select_option("#id_village", str(village.pk))
    page.select_option("#id_household_type", "rural")
    page.fill("#id_household_address", "江苏省启东市亚光村3组8号")
    fill_parent(page, "father", "陆建国", "上海", "2024-01-10")
    fill_parent(page, "mother", "沈美华", "浙江", "2024-02-01")
    page.fill("#id_guardian-name", "顾兰春")
    page.select_option("#id_guardian-relation", "maternal_grandmother")
    page.select_option("#id_carer-same_as", "guardian")
    assert not page.locator("#id_carer-name").is_visible()  # 同监护人: the carer's own fields fold away
    page.click("button[type=submit]:has-text('保存')")
    page.wait_for_selector("#verdict-title")

    assert "父母双方外出务工" in page.locator("#verdict-title").locator("..").inner_text()
    assert "陆小明" in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The ID number is masked; revealing it (htmx, audited) shows the full number in place.
    page.locator(".reveal-button").first.click()
    page.wait_for_selector(".revealed")
    assert make_id(date(2016, 5, 6), male=True, seq=310) in page.inner_text(".revealed")


@pytest.mark.django_db(transaction=True)
def test_typing_an_adults_id_number_fills_in_the_adult_on_file(browser_login, director):
    first = make_child(DIRECTOR_VILLAGES[0], user=director, id_number=make_id(date(2013, 3, 3), seq=320))
    grandma = first.links.get(role="guardian").adult
    page = browser_login(director, viewport=PHONE)
    page.goto(page.url.split("/accounts/")[0].rstrip("/") + "/children/new/")
    page.fill("#id_guardian-id_number", grandma.id_number)
    page.locator("#id_guardian-id_number").blur()
    page.wait_for_selector("#guardian-lookup [data-fill]")
    assert "已有档案：顾兰春，与1名儿童关联" in page.inner_text("#guardian-lookup")
    assert page.input_value("#id_guardian-name") == "顾兰春"
    assert page.input_value("#id_guardian-phone") == grandma.phone_masked
