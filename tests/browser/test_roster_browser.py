"""The roster import in a real browser (CSP: no inline script): upload, preview, confirm, imported."""

import pytest

from registry.models import Child
from tests.browser.conftest import PHONE
from tests.conftest import SAMPLE_DATE
from tests.roster.conftest import SAMPLE


@pytest.fixture(autouse=True)
def screening_date(monkeypatch, settings, tmp_path):
    monkeypatch.setattr("registry.assessment.today", lambda: SAMPLE_DATE)
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db(transaction=True)
def test_an_administrator_uploads_previews_and_confirms_a_roster_on_a_phone(browser_login, admin_user, live_server):
    page = browser_login(admin_user, viewport=PHONE)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/children/import/")
    page.set_input_files("input[type=file]", str(SAMPLE))
    page.click("#roster-upload button[type=submit]")
    page.wait_for_selector("text=尚未写入")
    assert "将新增" in page.content() and not Child.objects.exists()
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("form[action$='/confirm/'] button")
    page.wait_for_selector("text=已导入：新增 300 名")
    assert Child.objects.count() == 300
    assert not [text for text in errors if "Content Security Policy" in text]


@pytest.mark.django_db(transaction=True)
def test_the_upload_form_says_at_once_that_a_csv_file_will_not_do(browser_login, admin_user, live_server, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("儿童姓名\n")
    page = browser_login(admin_user)
    page.goto(f"{live_server.url}/children/import/")
    page.set_input_files("input[type=file]", str(path))
    assert "另存为 .xlsx" in page.locator("#roster-upload-error").inner_text()
    page.click("#roster-upload button[type=submit]")
    assert page.url.endswith("/children/import/")
