"""A mail server that is down gives the person a message, never an error page."""

import smtplib
from unittest import mock

import pytest
from django.urls import reverse

from tests.factories import UserFactory


@pytest.mark.django_db
def test_login_code_request_survives_a_mail_server_failure(client):
    user = UserFactory()
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPServerDisconnected("down"),
    ):
        response = client.post(reverse("account_request_login_code"), {"email": user.email}, follow=True)

    assert response.status_code == 200
    texts = [str(message) for message in response.context["messages"]]
    assert any("prøv igjen" in text.lower() or "try again" in text.lower() for text in texts)
