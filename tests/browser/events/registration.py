"""Browser pages of the events registration area, per role (see tests/browser/test_event_pages.py).

A course at the Oslo centre with questions (a required choice, yes/no, text and a special
need), parallel sessions, and registrations in every status: with a place, waiting,
offered a place and cancelled.
"""

import datetime as dt

from django.urls import reverse

from batteriet.core import time as clock
from batteriet.events.models import Event, Question, Registration, Session
from tests import factories
from tests.browser.pages import Page


def _event(site, title: str, **fields) -> Event:
    event = Event.objects.filter(title=title).first()
    if event is None:
        event = factories.EventFactory(title=title, centres=[site.centre], **fields)
    return event


def course(site) -> Event:
    """The course everyone registers for: questions, and two parallel workshops with places."""
    event = Event.objects.filter(title="Styrearbeid for nybegynnere").first()
    if event is not None:
        return event
    event = _event(site, "Styrearbeid for nybegynnere", capacity=20)
    Question.objects.create(
        event=event, label="Hvilket kveldsmåltid?", kind="choice", choices="Kjøtt\nVegetar", required=True
    )
    Question.objects.create(event=event, label="Trenger du reisestøtte?", kind="yes_no", position=1)
    Question.objects.create(event=event, label="Noe vi bør vite?", kind="text", position=2)
    Question.objects.create(
        event=event, label="Behov for tilrettelegging", kind="text", is_special_need=True, position=3
    )
    for track, title in (("A", "Verksted: regnskap"), ("B", "Verksted: årsmøte")):
        Session.objects.create(
            event=event,
            title=title,
            track=track,
            starts_at=event.starts_at,
            ends_at=event.starts_at + dt.timedelta(hours=1),
            capacity=10,
        )
    return event


def _registration(event, person, **fields) -> Registration:
    found = Registration.objects.filter(event=event, person=person).first()
    return found or factories.registration_row(event, person, registered_by=person, **fields)


def _statuses(site, person) -> list[Registration]:
    """One registration of `person` in each status, each at its own event."""
    full = _event(site, "Fullt seminar", capacity=1)
    if not Registration.objects.filter(event=full, person=site.lead).exists():
        factories.registration_row(full, site.lead)
    offered = _event(site, "Konferanse med ledig plass", capacity=5, kind="conference")
    cancelled = _event(
        site, "Avlyst påmelding", place_kind="online", venue="", online_link="https://m.example/x"
    )
    return [
        _registration(course(site), person),
        _registration(full, person, status="waiting"),
        _registration(
            offered, person, status="offered", offer_expires_at=clock.now() + dt.timedelta(hours=20)
        ),
        _registration(cancelled, person, status="cancelled", cancelled_at=clock.now()),
    ]


def _registered_by_contact(site) -> Registration:
    event = course(site)
    found = Registration.objects.filter(event=event, person=site.member).first()
    return found or factories.registration_row(
        event, site.member, registered_by=site.contact, organisation=site.organisation
    )


def _register(site) -> list[Page]:
    url = reverse("events:register", args=[course(site).pk])
    return [Page(url), Page(url, submit_empty=True)]


def _mine_and(registrations) -> list[Page]:
    pages = [Page(reverse("events:mine"))]
    for registration in registrations:
        pages.append(Page(reverse("events:registration", args=[registration.pk])))
    if registrations:
        pages.append(Page(reverse("events:registration_cancel", args=[registrations[0].pk])))
    return pages


def pages(role: str, site) -> list:
    if role == "person":
        return [*_register(site), *_mine_and(_statuses(site, site.newcomer))]
    if role == "contact":
        member = _registered_by_contact(site)
        return [
            *_register(site),
            *_mine_and([member]),
        ]
    if role == "member":
        _registered_by_contact(site)
        return [*_register(site), *_mine_and(_statuses(site, site.member)[1:])]
    if role in {"board", "partner"}:
        person = site.board if role == "board" else site.partner_contact
        return [*_register(site), *_mine_and([_registration(course(site), person)])]
    if role == "adviser":
        return [*_register(site), *_mine_and([_registered_by_contact(site)])]
    return []
