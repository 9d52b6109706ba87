"""Production settings pass Django's deployment checks, and real responses carry the headers."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-for-the-deploy-check-0123456789abcdef",
    "ALLOWED_HOSTS": "referater.example.dk",
    # Without these the alerts' deploy check warns (alerts/checks.py).
    "EMAIL_URL": "smtp://mail.example.dk:587/?tls=True",
    "DEFAULT_FROM_EMAIL": "Referatarkiv <noreply@referater.example.dk>",
    "SITE_URL": "https://referater.example.dk",
}


def production_env():
    env = {**os.environ, **PRODUCTION}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests; never in production
    return env


def run_production(code: str):
    env = production_env()
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_at_warning_level():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


RESPONSE_HEADERS = """
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.test import Client
client = Client(HTTP_HOST="referater.example.dk")
plain = client.get("/findes-ikke/")
secure = client.get("/findes-ikke/", secure=True)
print(json.dumps({"plain": [plain.status_code, plain.get("Location")],
                  "secure": [secure.status_code, dict(secure.headers)]}))
"""


def test_production_responses_redirect_to_https_and_carry_security_headers():
    result = run_production(RESPONSE_HEADERS)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["plain"] == [301, "https://referater.example.dk/findes-ikke/"]
    status, headers = data["secure"]
    assert status == 404
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_every_page_has_a_strict_content_security_policy(client, seed_archive):
    for path in ("/", "/soeg/?q=reform", "/moeder/", "/api/search?q=reform"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(client, seed_archive):
    for path in ("/", "/soeg/?q=reform", "/moeder/", "/sag/00.01.00-A00-29-25/"):
        html = client.get(path).content.decode()
        assert "<script>" not in html and "<style" not in html and ' style="' not in html, path
