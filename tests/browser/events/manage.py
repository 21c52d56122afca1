"""Browser pages of the events manage area, per role (see tests/browser/test_event_pages.py).

Staff at Oslo (adviser, lead) and the national coordinator see the list of their events,
the event form (new, and to edit an Oslo course), its programme, one session, questions and
partner organisations, and each form sent empty. The coordinator also edits a national
conference. A member of an organisation is turned away (403).
"""

import datetime as dt

from django.urls import reverse

from batteriet.core import time as clock
from batteriet.events.models import Event, EventKind, Partner, PartnerRole, Question, Session
from tests import factories
from tests.browser.pages import Page, _pages

ORGANISERS = {"adviser", "lead", "coordinator"}
TURNED_AWAY = {"member", "person"}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.OSLO)


def _event(site, title: str, centres, **fields) -> Event:
    event = Event.objects.filter(title=title).first()
    if event is not None:
        return event
    day = clock.local_today() + dt.timedelta(days=35)
    event = factories.EventFactory(
        title=title,
        centres=centres,
        starts_at=_at(day, 18),
        ends_at=_at(day + dt.timedelta(days=14), 21),
        capacity=2,
        is_published=False,
        **fields,
    )
    for week in range(3):
        evening = day + dt.timedelta(days=7 * week)
        Session.objects.create(
            event=event, title=f"Kveld {week + 1}", starts_at=_at(evening, 18), ends_at=_at(evening, 21)
        )
    return event


def _course(site) -> Event:
    event = _event(site, "Styrearbeid for nybegynnere", [site.centre], kind=EventKind.COURSE)
    if not event.questions.exists():
        Question.objects.create(
            event=event, label="Har du behov for tolk?", kind="text", is_special_need=True
        )
        Question.objects.create(
            event=event, label="Hvilken kveld passer best?", kind="choice", choices="Mandag\nTirsdag"
        )
        Partner.objects.create(event=event, organisation=site.organisation, role=PartnerRole.CO_ORGANISER)
        for person in (site.contact, site.board):
            factories.registration_row(event, person, organisation=site.organisation)
        factories.registration_row(event, site.member, status="waiting")
    return event


def _national(site) -> Event:
    return _event(site, "Fattigdomshøring 2027", [], kind=EventKind.HEARING)


def pages(role: str, site) -> list:
    if role in TURNED_AWAY:
        course = _course(site)
        return [
            *_pages("events:staff_list", "events:staff_create", status=403),
            *_pages(("events:staff_edit", [course.pk]), status=403),
        ]
    if role not in ORGANISERS:
        return []
    course = _course(site)
    session = course.sessions.first()
    result = [
        *_pages(
            "events:staff_list",
            "events:staff_create",
            ("events:staff_edit", [course.pk]),
            ("events:staff_sessions", [course.pk]),
            ("events:staff_session_edit", [course.pk, session.pk]),
            ("events:staff_questions", [course.pk]),
            ("events:staff_partners", [course.pk]),
        ),
        Page(reverse("events:staff_create"), submit_empty=True),
        Page(reverse("events:staff_sessions", args=[course.pk]), submit_empty=True),
        Page(reverse("events:staff_questions", args=[course.pk]), submit_empty=True),
        Page(reverse("events:staff_partners", args=[course.pk]), submit_empty=True),
    ]
    if role == "coordinator":
        national = _national(site)
        result += _pages(("events:staff_edit", [national.pk]), ("events:staff_questions", [national.pk]))
    return result
