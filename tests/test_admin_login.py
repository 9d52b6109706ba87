"""Admin login is throttled: repeated failures lock the username out for a cool-off period."""

import datetime
import time

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(
        "redaktoer", password="rigtigt-kodeord-42", is_staff=True
    )


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_five_failures_lock_the_user_out_even_with_the_right_password(client, staff):
    for _ in range(4):
        assert attempt(client, "redaktoer", "forkert").status_code == 200
    locked = attempt(client, "redaktoer", "forkert")
    assert locked.status_code == 429
    assert "For mange mislykkede login-forsøg" in locked.content.decode()
    assert "15 minutter" in locked.content.decode()
    assert attempt(client, "redaktoer", "rigtigt-kodeord-42").status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, staff, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(seconds=2)
    for _ in range(5):
        attempt(client, "redaktoer", "forkert")
    assert attempt(client, "redaktoer", "rigtigt-kodeord-42").status_code == 429
    time.sleep(2.2)
    response = attempt(client, "redaktoer", "rigtigt-kodeord-42")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_other_users_are_not_locked_out(client, staff):
    get_user_model().objects.create_user("kollega", password="andet-kodeord-42", is_staff=True)
    for _ in range(5):
        attempt(client, "redaktoer", "forkert")
    assert attempt(client, "kollega", "andet-kodeord-42").status_code == 302
