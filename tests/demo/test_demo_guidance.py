"""The demo guidance: weekly times, an absence, requests in every state, a session with
follow-ups, journey steps and a note, and drop-ins, made through the services and safe to
load twice."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import override_settings

from batteriet.core import time as clock
from batteriet.guidance import selectors_figures
from batteriet.guidance.models import (
    Absence,
    Appointment,
    AvailabilitySlot,
    DropIn,
    FollowUp,
    GuidanceRequest,
    JourneyProgress,
    NoteRead,
    RequestStatus,
    SessionRecord,
)
from batteriet.guidance.services import availability

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--quiet-logins", stdout=out)
    return out.getvalue()


@override_settings(DEBUG=True)
def test_oslo_and_bergen_have_guidance_in_every_state():
    _seed()

    for slug in ("oslo", "vest"):
        slots = AvailabilitySlot.objects.filter(centre__slug=slug)
        assert sorted(slots.values_list("weekday", flat=True)) == [1, 2, 3]
    statuses = Counter(GuidanceRequest.objects.filter(centre__slug="oslo").values_list("status", flat=True))
    assert set(statuses) == set(RequestStatus.values)
    assert (
        GuidanceRequest.objects.filter(centre__slug="vest", status="new").exclude(preferred_times="").exists()
    )

    now = clock.now()
    booked = Appointment.objects.filter(status="booked")
    assert booked.count() >= 3
    assert all(appointment.starts_at > now for appointment in booked)
    done = SessionRecord.objects.get(appointment__isnull=False)
    assert done.organisation.name == "Wayback"
    assert FollowUp.objects.filter(record=done).count() == 2
    assert JourneyProgress.objects.filter(record=done).count() == 3
    assert done.notes.count() == 1
    assert NoteRead.objects.count() == 0  # written, never read by the demo

    absence = Absence.objects.get()
    assert absence.starts_at > now
    assert len(availability.appointments_during(absence)) == 1  # still booked, for staff to move

    assert DropIn.objects.filter(centre__slug="oslo").count() > 20
    today = clock.local_today()
    figures = selectors_figures.figures(centre=None, date_from=today.replace(month=1, day=1), date_to=today)
    assert figures.returning_organisations >= 1 or today.month == 1


@override_settings(DEBUG=True)
def test_a_second_run_adds_no_guidance():
    _seed()
    counts = [
        model.objects.count()
        for model in (AvailabilitySlot, Absence, GuidanceRequest, Appointment, SessionRecord, DropIn)
    ]

    assert "(0 rows added this time)" in _seed()
    assert [
        model.objects.count()
        for model in (AvailabilitySlot, Absence, GuidanceRequest, Appointment, SessionRecord, DropIn)
    ] == counts
