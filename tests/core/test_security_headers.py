"""Headers and deployment (issue 8.6): `check --deploy` is clean with production settings; cookies
are HTTPS-only, HSTS is on, plain HTTP is redirected; the CSP allows no inline script (and no
template has any); frames are refused; pages of logged-in users are never stored."""

import json
import os
import re
import secrets
import subprocess
import sys
from base64 import b64encode
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
names = ["DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
         "SECURE_SSL_REDIRECT", "X_FRAME_OPTIONS", "SESSION_COOKIE_AGE", "TRUSTED_PROXY_COUNT"]
# Serving static files from the manifest needs collectstatic; it has no bearing on the headers.
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
    secure = Client().get("/accounts/login/", secure=True)
    plain = Client().get("/accounts/login/")
print(json.dumps({
    "settings": {name: getattr(settings, name) for name in names},
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "csrf_cookie": dict(secure.cookies["csrftoken"]),
    "plain": [plain.status_code, plain.get("Location")],
}))
"""


def production_environment(tmp_path) -> dict[str, str]:
    # Without what the test run sets (DJANGO_ALLOW_ASYNC_UNSAFE comes from tests/conftest.py for Playwright).
    dropped = {"DATABASE_URL", "REDIS_URL", "DEBUG", "CI", "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_CURRENT_TEST"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        FIELD_ENCRYPTION_KEYS="prod1:" + b64encode(secrets.token_bytes(32)).decode(),
        FIELD_HASH_KEY=b64encode(secrets.token_bytes(32)).decode(),
        ALLOWED_HOSTS="care.qidong.example,testserver",
        SQLITE_PATH=str(tmp_path / "production.sqlite3"),
        DJANGO_SETTINGS_MODULE="qidong_care.settings",
        PYTHONPATH=str(ROOT),
    )
    return environment


def run(args: list[str], tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    result = run(["-c", PROBE], tmp_path_factory.mktemp("production"))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_https_only_and_hidden_from_scripts(production):
    values = production["settings"]
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_SECURE"]
    assert production["csrf_cookie"]["secure"] is True and production["csrf_cookie"]["httponly"] is True
    assert values["SESSION_COOKIE_AGE"] == 1800 and values["TRUSTED_PROXY_COUNT"] == 1


def test_production_sends_hsts_and_redirects_plain_http(production):
    assert production["status"] == 200
    assert production["headers"]["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert production["plain"] == [301, "https://testserver/accounts/login/"]


def test_production_refuses_frames_and_sniffing(production):
    headers = production["headers"]
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def script_sources(csp: str) -> list[str]:
    for directive in csp.split(";"):
        name, *values = directive.split()
        if name == "script-src":
            return values
    return []


def test_the_csp_allows_scripts_from_our_own_files_only(login, town_staff):
    response = login(town_staff).get("/")
    csp = response["Content-Security-Policy"]
    assert script_sources(csp) == ["'self'"]
    assert "object-src 'none'" in csp and "base-uri 'self'" in csp and "form-action 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "fixture_and_page",
    [
        ("town_staff", "home"),
        ("town_staff", "notifications:list"),
        ("admin_user", "admin:accounts_user_changelist"),
        ("auditor", "audit:event_list"),
        ("auditor", "audit:event_export"),
        ("security_admin", "accounts:lockouts"),
    ],
)
def test_pages_of_logged_in_users_are_never_stored(request, login, fixture_and_page):
    fixture, page = fixture_and_page
    response = login(request.getfixturevalue(fixture)).get(reverse(page))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store" and response["Pragma"] == "no-cache"


def test_a_page_for_anonymous_users_still_has_the_csp(client, db):
    response = client.get("/accounts/login/")
    assert script_sources(response["Content-Security-Policy"]) == ["'self'"]


# --- templates: no inline script, no event-handler attributes -------------------------------------------

INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def inline_script_problems(text: str) -> list[str]:
    problems = []
    for attributes, body in INLINE_SCRIPT.findall(text):
        if body.strip():
            problems.append(f"inline <script{attributes}>")
        elif "src=" not in attributes:
            problems.append(f"<script{attributes}> without src")
    problems += [f"event handler: {m.group(0)[-40:]}" for m in EVENT_HANDLER.finditer(text)]
    problems += [f"javascript: URL: {m.group(0)}" for m in JAVASCRIPT_URL.finditer(text)]
    return problems


def project_templates() -> list[Path]:
    found = set(ROOT.glob("templates/**/*.html")) | set(ROOT.glob("*/templates/**/*.html"))
    found |= set(ROOT.glob("*/*/templates/**/*.html"))
    return sorted(p for p in found if ".venv" not in p.parts and "node_modules" not in p.parts)


def test_no_template_has_inline_script_or_event_handlers():
    templates = project_templates()
    assert len(templates) >= 10
    problems = {str(p.relative_to(ROOT)): inline_script_problems(p.read_text()) for p in templates}
    assert not {name: found for name, found in problems.items() if found}


@pytest.mark.parametrize(
    "bad",
    [
        "<script>alert(1)</script>",
        '<script type="text/javascript">\n  var x = 1;\n</script>',
        '<script type="application/json">{"a": 1}</script>',
        '<button class="btn" onclick="go()">',
        '<body\n   onload="init()">',
        '<img src="x.png" ONERROR = "steal()">',
        '<a href="javascript:void(0)">',
    ],
)
def test_the_template_scanner_catches(bad):
    assert inline_script_problems(bad)


@pytest.mark.parametrize(
    "good",
    [
        "<script src=\"{% static 'js/app.js' %}\"></script>",
        '<button data-confirm="确定？" data-online="1">',
        "{{ data|json_script:'chart-data' }}",
        '<input name="honor" class="x">',
    ],
)
def test_the_template_scanner_lets_pass(good):
    assert not inline_script_problems(good)
