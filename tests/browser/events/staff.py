"""Browser pages of the events staff area, per role (see tests/browser/test_event_pages.py).

A course at Oslo of two evenings, the first started an hour ago: two people registered (one
with a special need, one a walk-in who attended and has a certificate), an open offer,
one waiting and one cancelled. One evening is enough for a certificate.
"""

import datetime as dt

from django.urls import reverse

from batteriet.core import time as clock
from batteriet.events.models import Answer, Attendance, Event, Question, Session
from tests import factories
from tests.browser.pages import Page, _pages

TITLE = "Styrearbeid for nye styremedlemmer"


def _course(site):
    event = Event.objects.filter(title=TITLE).first()
    if event is not None:
        return event, event.sessions.get(title="Kveld 1"), event.sessions.get(title="Kveld 2")
    starts_at = clock.now() - dt.timedelta(hours=1)
    event = factories.EventFactory(
        title=TITLE,
        centres=[site.centre],
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(days=7, hours=3),
        capacity=3,
        certificate_sessions=1,
    )
    session = Session.objects.create(
        event=event, title="Kveld 1", starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=3)
    )
    later = Session.objects.create(
        event=event,
        title="Kveld 2",
        starts_at=starts_at + dt.timedelta(days=7),
        ends_at=starts_at + dt.timedelta(days=7, hours=3),
    )
    need = Question.objects.create(event=event, label="Tilrettelegging", kind="text", is_special_need=True)
    diet = Question.objects.create(event=event, label="Mat", kind="text")
    base = clock.now() - dt.timedelta(days=3)

    def add(person, seconds, **fields):
        return factories.registration_row(
            event,
            person,
            registered_by=fields.pop("registered_by", person),
            position_at=base + dt.timedelta(seconds=seconds),
            **fields,
        )

    member = add(site.member, 1, organisation=site.organisation)
    Answer.objects.create(registration=member, question=need, value="Rullestol")
    Answer.objects.create(registration=member, question=diet, value="Vegetar")
    walk_in = add(None, 2, name="Gunn Gjest", registered_by=site.adviser)
    Attendance.objects.create(registration=walk_in, session=session, attended=True)
    add(site.board, 3, status="offered", offer_expires_at=starts_at, organisation=site.organisation)
    add(site.contact, 4, status="waiting", organisation=site.organisation)
    add(site.newcomer, 5, status="cancelled", cancelled_at=base)
    return event, session, later


def _organiser_pages(site) -> list[Page]:
    event, session, later = _course(site)
    return [
        *_pages(
            ("events:staff_registrations", [event.pk]),
            ("events:staff_capacity", [event.pk]),
            ("events:staff_register", [event.pk]),
            ("events:attendance", [event.pk, session.pk]),
            ("events:attendance_print", [event.pk, session.pk]),
            ("events:staff_certificates", [event.pk]),
        ),
        Page(reverse("events:staff_capacity", args=[event.pk]), submit_empty=True),
        Page(reverse("events:staff_register", args=[event.pk]), submit_empty=True),
        *_pages(("events:attendance", [event.pk, later.pk])),
        # Nobody is marked for the second evening yet, so sending it as it is asks to mark someone.
        Page(reverse("events:attendance", args=[event.pk, later.pk]), submit_empty=True),
    ]


def pages(role: str, site) -> list:
    if role in {"adviser", "lead", "coordinator"}:
        return _organiser_pages(site)
    if role in {"contact", "member", "person", "partner"}:
        event, _session, _later = _course(site)
        return _pages(("events:staff_registrations", [event.pk]), status=403)
    return []
