"""A director records a visit on a phone with a weak signal: the half-filled form survives a reload,
is kept while offline, and is sent by itself when the connection comes back."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from qidong_care.accounts.roles import Role
from tests.browser.conftest import PHONE
from tests.conftest import DIRECTOR_VILLAGES, make_user
from tests.factories import make_child
from visits.models import Visit


@pytest.fixture
def phone_director(transactional_db):
    """Regions are loaded again: an earlier browser test's flush may have emptied them."""
    call_command("load_regions", verbosity=0)
    return make_user("director_phone", Role.DIRECTOR, DIRECTOR_VILLAGES, last_name="王", first_name="主任")


@pytest.mark.django_db(transaction=True)
def test_a_director_records_a_visit_on_a_phone_and_the_draft_survives_reload_and_offline(
    browser_login, live_server, phone_director
):
    child = make_child(DIRECTOR_VILLAGES[0], user=phone_director, name="石红轩")
    page = browser_login(phone_director, viewport=PHONE)
    page.goto(f"{live_server.url}/visits/")
    expect(page.locator(".badge", has_text="待访")).to_be_visible()
    page.get_by_role("link", name="记录走访").click()
    expect(page.locator("h1")).to_contain_text("石红轩")

    # Half-fill the form: a drowning risk with its note, and a need.
    page.locator("label[for=id_safety_water_1]").click()
    page.fill("#id_safety_water_note", "屋后鱼塘无护栏")
    page.fill("#id_needs", "需要课外辅导")
    page.wait_for_timeout(500)  # the draft is written a moment after typing stops

    page.reload()
    expect(page.locator("#draft-status")).to_contain_text("已恢复")
    expect(page.locator("#id_needs")).to_have_value("需要课外辅导")
    expect(page.locator("#id_safety_water_1")).to_be_checked()
    expect(page.locator("#id_safety_water_note")).to_have_value("屋后鱼塘无护栏")

    # The signal drops as the director taps save: the visit waits on the phone.
    page.context.set_offline(True)
    page.locator("[data-save-button]").click()
    expect(page.locator("#draft-status")).to_contain_text("网络已断开")
    assert Visit.objects.count() == 0

    # Back online: the form is sent by itself, saved once, and the draft is cleared.
    page.context.set_offline(False)
    page.wait_for_url("**/visits/?saved=*")
    expect(page.locator(".alert-success")).to_contain_text("已保存石红轩的走访记录")
    visit = Visit.objects.get()
    assert (visit.child_id, visit.safety_water, visit.needs) == (child.pk, "risk", "需要课外辅导")
    assert visit.recorded_by_id == phone_director.pk and visit.client_token is not None
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('visit-draft:')).length") == 0
    expect(page.locator(".badge", has_text="已访")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_routine_visit_is_a_single_tap_on_a_phone(browser_login, live_server, phone_director):
    make_child(DIRECTOR_VILLAGES[1], user=phone_director, name="白露")
    page = browser_login(phone_director, viewport=PHONE)
    page.goto(f"{live_server.url}/visits/")
    page.get_by_role("link", name="记录走访").click()
    save = page.locator("[data-save-button]")
    expect(save).to_be_in_viewport()  # sticky at the bottom of the phone's screen
    save.click()
    page.wait_for_url("**/visits/?saved=*")
    assert Visit.objects.get().kind == "director_monthly"
