"""Browser pages of the events public area, per role (see tests/browser/test_event_pages.py).

Everyone sees the calendar (plain, filtered, with a bad filter), a month (plain and
filtered) and the pages of a conference with a programme and partners, a full course and
a members-only gathering. Staff also see a staff gathering; the organisers at Oslo (and
the national coordinator) see an event not yet published.
"""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from batteriet.core import time as clock
from batteriet.events.models import Audience, Event, EventKind, Partner, PartnerRole, Session
from tests import factories
from tests.browser.pages import Page, _pages

STAFF_ROLES = {"adviser", "lead", "coordinator"}
ORGANISERS = {"adviser", "lead", "coordinator"}  # staff at Oslo, and the national coordinator


@dataclass
class PublicEvents:
    conference: Event
    full: Event
    members: Event
    staff_gathering: Event
    draft: Event


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.OSLO)


def _build(site) -> PublicEvents:
    day = clock.local_today() + dt.timedelta(days=21)
    conference = factories.EventFactory(
        title="Makt og muligheter",
        kind=EventKind.CONFERENCE,
        description="To dager om makt, fattigdom og hva vi kan gjøre sammen.",
        centres=[site.centre, site.other_centre],
        place_kind="centre_room",
        room=site.hall,
        venue="",
        capacity=80,
        starts_at=_at(day, 9),
        ends_at=_at(day + dt.timedelta(days=1), 16),
        registration_closes_at=_at(day - dt.timedelta(days=3), 12),
    )
    Session.objects.create(event=conference, title="Åpning", starts_at=_at(day, 9), ends_at=_at(day, 10))
    for track, title in (("Spor 1", "Verksted om bolig"), ("Spor 2", "Verksted om arbeid")):
        Session.objects.create(
            event=conference,
            title=title,
            track=track,
            speakers="Kari Nordmann og Ola Nordmann",
            capacity=20,
            starts_at=_at(day, 10),
            ends_at=_at(day, 12),
        )
    next_day = day + dt.timedelta(days=1)
    Session.objects.create(
        event=conference, title="Oppsummering", starts_at=_at(next_day, 9), ends_at=_at(next_day, 12)
    )
    Partner.objects.create(event=conference, organisation=site.organisation, role=PartnerRole.CO_ORGANISER)
    Partner.objects.create(event=conference, organisation=site.partner, role=PartnerRole.MEDIA)

    full = factories.EventFactory(
        title="Styrearbeid i frivillige organisasjoner",
        centres=[site.centre],
        capacity=2,
        starts_at=_at(day + dt.timedelta(days=2), 18),
    )
    for person in (site.board, site.initiator):
        factories.registration_row(full, person)
    members = factories.EventFactory(
        title="Medlemssamling",
        kind=EventKind.MEMBER_GATHERING,
        audience=Audience.MEMBERS,
        place_kind="online",
        venue="",
        online_link="https://meet.example/samling",
        capacity=None,
        starts_at=_at(day + dt.timedelta(days=3), 18),
        registration_opens_at=_at(day - dt.timedelta(days=1), 9),
    )
    staff_gathering = factories.EventFactory(
        title="Batterisamling",
        kind=EventKind.STAFF_GATHERING,
        audience=Audience.STAFF,
        starts_at=_at(day + dt.timedelta(days=4), 9),
    )
    draft = factories.EventFactory(
        title="Høring om fattigdom (utkast)",
        kind=EventKind.HEARING,
        centres=[site.centre],
        is_published=False,
        starts_at=_at(day + dt.timedelta(days=5), 12),
    )
    return PublicEvents(conference, full, members, staff_gathering, draft)


def _events(site) -> PublicEvents:
    """Built once per site and kept on it."""
    if "public_events" not in site.__dict__:
        site.__dict__["public_events"] = _build(site)
    return site.__dict__["public_events"]


def pages(role: str, site) -> list:
    events = _events(site)
    month_of = events.conference.starts_at.astimezone(clock.OSLO).date()
    month = reverse("events:month", args=[month_of.year, month_of.month])
    calendar = reverse("events:calendar")
    found = [
        Page(calendar),
        Page(f"{calendar}?senter={site.centre.slug}&type=course&sprak=nb"),
        Page(f"{calendar}?fra=2026-02-30&publikum=ingen"),  # the filters' error state
        Page(month),
        Page(f"{month}?senter={site.centre.slug}&publikum=open"),
        *_pages(
            ("events:detail", [events.conference.pk]),
            ("events:detail", [events.full.pk]),
            ("events:detail", [events.members.pk]),
        ),
    ]
    if role in STAFF_ROLES:
        found += _pages(("events:detail", [events.staff_gathering.pk]))
    if role in ORGANISERS:
        found += _pages(("events:detail", [events.draft.pk]))
    return found
