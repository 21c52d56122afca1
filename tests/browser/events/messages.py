"""Browser pages of the events messages area, per role (see tests/browser/test_event_pages.py).

A seminar at Oslo next week with two people registered, one by name only, one waiting,
and a message already sent; its organisers write to participants (also with the form
sent empty) and read the messages sent.
"""

import datetime as dt

from django.urls import reverse

from batteriet.core import time as clock
from batteriet.events.models import Event, EventMessage
from tests import factories
from tests.browser.pages import Page, _pages

TITLE = "Seminar om søknadsskriving"
ORGANISERS = {"adviser", "lead", "coordinator"}


def _seminar(site) -> Event:
    event = Event.objects.filter(title=TITLE).first()
    if event is not None:
        return event
    starts_at = clock.now() + dt.timedelta(days=7)
    event = factories.EventFactory(
        title=TITLE,
        kind="seminar",
        centres=[site.centre],
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        capacity=3,
    )
    factories.registration_row(event, site.member, registered_by=site.member, organisation=site.organisation)
    factories.registration_row(event, site.board, registered_by=site.board, organisation=site.organisation)
    factories.registration_row(event, None, name="Gunn Gjest", registered_by=site.adviser)
    factories.registration_row(event, site.contact, registered_by=site.contact, status="waiting")
    EventMessage.objects.create(
        event=event,
        audience="both",
        subject="Husk å ta med utkast",
        body="Ta gjerne med et utkast til en søknad.\nVi sees!",
        recipients=3,
        name_only=1,
        sent_by=site.adviser,
        sent_at=clock.now() - dt.timedelta(hours=2),
    )
    return event


def pages(role: str, site) -> list[Page]:
    if role not in ORGANISERS:
        return []
    event = _seminar(site)
    return [
        *_pages(("events:staff_message", [event.pk]), ("events:staff_messages", [event.pk])),
        Page(reverse("events:staff_message", args=[event.pk]), submit_empty=True),
    ]
