"""Login and sign-up are rate limited with the production limits from base settings."""

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse
from django.utils import translation

from config.settings import base
from tests.factories import UserFactory


def too_many_attempts_message() -> str:
    with translation.override("nb"):
        return str(DefaultAccountAdapter.error_messages["too_many_login_attempts"])


@pytest.fixture
def production_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_repeated_failed_logins_for_one_address_are_stopped(client, production_limits):
    user = UserFactory()
    statuses = [
        client.post(reverse("account_login"), {"login": user.email, "password": f"wrong-{n}"}).status_code
        for n in range(7)
    ]

    assert statuses == [200] * 7
    # Even the right password is refused now, with a message saying why.
    page = client.post(reverse("account_login"), {"login": user.email, "password": "Passord-for-test-1"})
    assert page.status_code == 200
    assert "_auth_user_id" not in client.session
    assert page.context["form"].errors["__all__"] == [too_many_attempts_message()]


@pytest.mark.django_db
def test_many_signups_from_one_address_are_stopped(client, production_limits):
    statuses = [
        client.post(
            reverse("account_signup"),
            {"email": f"new{n}@example.org", "full_name": "Ny Person", "accept_privacy": "on"},
        ).status_code
        for n in range(12)
    ]

    assert 429 not in statuses[:10]
    assert statuses[-1] == 429


@pytest.mark.django_db
def test_login_code_requests_are_limited_per_address(client, production_limits):
    user = UserFactory()
    responses = []
    for _ in range(5):
        client.cookies.clear()  # a fresh visitor each time, as a script would be
        responses.append(client.post(reverse("account_request_login_code"), {"email": user.email}))

    assert [r.status_code for r in responses[:3]] == [302] * 3
    assert responses[-1].status_code == 200
    assert responses[-1].context["form"].errors["email"] == [too_many_attempts_message()]
