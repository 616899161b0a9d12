import pytest


@pytest.mark.django_db(transaction=True)
def test_town_staff_logs_in_and_sees_the_home_page_in_chinese(browser_login, town_staff):
    page = browser_login(town_staff)
    assert page.locator("h1").inner_text().startswith("您好")
    assert "汇龙镇" in page.content()
    assert page.title().endswith("启东市农村留守儿童关爱服务系统")


@pytest.mark.django_db(transaction=True)
def test_the_navigation_collapses_into_a_menu_on_a_phone(browser_login, town_staff):
    from tests.browser.conftest import PHONE

    page = browser_login(town_staff, viewport=PHONE)
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    toggler.click()
    page.locator("#main-nav .nav-link", has_text="首页").wait_for(state="visible")
