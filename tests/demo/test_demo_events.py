"""The demo courses and events: one of each kind, made through the services, and safe to load twice."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import override_settings

from batteriet.core import time as clock
from batteriet.demo import events as demo_events
from batteriet.events.models import (
    Attendance,
    Event,
    EventKind,
    Partner,
    PartnerRole,
    Registration,
    RegistrationStatus,
    Session,
)
from batteriet.events.selectors_calendar import visible_events

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--quiet-logins", stdout=out)
    return out.getvalue()


@override_settings(DEBUG=True)
def test_one_event_of_each_kind_with_what_a_visitor_should_see():
    _seed()
    assert set(Event.objects.values_list("kind", flat=True)) == set(EventKind.values)

    course = Event.objects.get(title=demo_events.COURSE)
    assert list(course.centres.values_list("slug", flat=True)) == ["oslo"]
    assert (course.capacity, course.sessions.count()) == (12, 3)
    assert {session.starts_at.astimezone(clock.OSLO).hour for session in course.sessions.all()} == {18}
    statuses = list(course.registrations.values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.CONFIRMED) == 12
    assert statuses.count(RegistrationStatus.WAITING) == 1
    waiting = course.registrations.get(status=RegistrationStatus.WAITING)
    assert waiting.person.email == "tone.larsen@epost.example"

    conference = Event.objects.get(title=demo_events.CONFERENCE)
    assert not conference.centres.exists()  # national
    parallel = conference.sessions.filter(capacity__isnull=False)
    assert parallel.count() >= 3
    assert len(set(parallel.values_list("track", flat=True))) == parallel.count()
    assert all(session.speakers for session in conference.sessions.all())
    assert len({(s.starts_at, s.ends_at) for s in parallel}) == 1  # at the same time

    hearing = Event.objects.get(title=demo_events.HEARING)
    assert hearing.kind == EventKind.HEARING
    assert list(hearing.centres.values_list("slug", flat=True)) == ["vest"]
    roles = set(Partner.objects.filter(event=hearing).values_list("role", flat=True))
    assert {
        PartnerRole.CHAIR,
        PartnerRole.SPEAKERS,
        PartnerRole.CULTURE,
        PartnerRole.RIGGING,
        PartnerRole.MEDIA,
    } <= roles

    staff_only = Event.objects.get(title=demo_events.BATTERISAMLING)
    assert staff_only.audience == "staff"
    assert staff_only not in visible_events(AnonymousUser())

    seminar = Event.objects.get(title=demo_events.SEMINAR)
    assert seminar.place_kind == "online" and seminar.online_link

    past = Event.objects.get(title=demo_events.PAST_COURSE)
    assert past.ends_at < course.starts_at
    marks = Attendance.objects.filter(session__event=past)
    assert marks.count() == past.registrations.count() * past.sessions.count()
    assert marks.filter(attended=False).count() == 1


@override_settings(DEBUG=True)
def test_a_second_run_adds_no_events():
    _seed()
    models = (Event, Session, Partner, Registration, Attendance)
    counts = {model: model.objects.count() for model in models}
    assert "(0 rows added this time)" in _seed()
    assert counts == {model: model.objects.count() for model in models}
    assert Event.objects.values("title").distinct().count() == Event.objects.count()
