"""Playwright drives Debian's /usr/bin/chromium (no browser download: nothing is fetched)."""

import os
import shutil

import pytest
from playwright.sync_api import expect

# On a 2-core CI machine the other test worker, Chromium and the live server share the cores: the
# page after a submit can take longer than Playwright's 5 s default to arrive (seen under load).
expect.set_options(timeout=20_000)

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}


HERE = os.path.dirname(__file__)


def pytest_collection_modifyitems(items):
    """Mark the tests of this folder (a conftest hook sees every collected item: filter by path)."""
    for item in items:
        if not str(item.path).startswith(HERE):
            continue
        item.add_marker(pytest.mark.browser)
        if not os.path.exists(CHROMIUM):
            item.add_marker(pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def browser_login(live_server, page):
    """browser_login(user) → the Playwright page, logged in through the real login form."""
    from tests.conftest import PASSWORD

    def _login(user, *, viewport=None):
        if viewport:
            page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return _login


@pytest.fixture(autouse=True)
def regions_for_browser_tests(transactional_db):
    """Browser tests are transactional: Django empties every table after each one, the regions that
    tests/conftest.py loads once per session included. Load them again before each browser test."""
    from django.core.management import call_command

    call_command("load_regions", verbosity=0)
