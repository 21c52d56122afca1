"""Sending e-mail in the recipient's language, from templates (never HTML built in code)."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def send_templated(
    *,
    to: Iterable[str],
    template: str,
    context: dict[str, Any],
    language: str = "nb",
    attachments: Iterable[tuple[str, bytes | str, str]] = (),
) -> int:
    """Render `<template>_subject.txt` and `<template>_body.txt` and send one message each.

    Each recipient gets their own message so addresses are never disclosed to others.
    `attachments` are (filename, content, mimetype), for example a calendar invitation.
    """
    recipients = sorted({address for address in to if address})
    attachments = list(attachments)
    with translation.override(language):
        full_context = {"SITE_URL": settings.SITE_URL, **context}
        subject = render_to_string(f"{template}_subject.txt", full_context).strip()
        body = render_to_string(f"{template}_body.txt", full_context)
    sent = 0
    for address in recipients:
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        for filename, content, mimetype in attachments:
            message.attach(filename, content, mimetype)
        sent += message.send()
    return sent
