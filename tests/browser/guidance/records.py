"""Browser pages of the guidance records area, per role (see tests/browser/test_guidance_pages.py).

At the Oslo centre: an appointment with the organisation's contact person held this
morning and not yet recorded, one with the initiator already recorded (with follow-ups
for the adviser and the lead, a journey step and a confidential note), and a session at
the other centre, so the journey shows sessions at two centres. Staff see the record
form (and the session without an appointment, also sent empty), the "already recorded"
page, the follow-ups, the journey, the notes (also sent empty) and, for the lead, who
read them. The contact person sees the journey.
"""

import datetime as dt

from django.urls import reverse

from batteriet.core import time as clock
from batteriet.guidance.models import Appointment, JourneyStep, SessionRecord
from batteriet.guidance.services import notes as note_services
from batteriet.guidance.services import records as record_services
from tests import factories
from tests.browser.pages import Page

MARK = "(records)"


def _appointment(site, person, organisation, days_ago: int) -> Appointment:
    found = Appointment.objects.filter(
        request__requested_by=person, request__situation__endswith=MARK
    ).first()
    if found is not None:
        return found
    request = factories.guidance_request_row(
        site.centre,
        person,
        situation=f"Vi vil snakke om vedtektene {MARK}",
        topic="statutes",
        status="scheduled",
        adviser=site.adviser,
        organisation=organisation,
        role="representative" if organisation else "initiator",
    )
    starts_at = (clock.now() - dt.timedelta(days=days_ago, hours=2)).replace(second=0, microsecond=0)
    return factories.appointment_row(request, site.adviser, starts_at, starts_at + dt.timedelta(hours=1))


def _data(site) -> dict:
    """Made once per site."""
    open_appointment = _appointment(site, site.contact, site.organisation, 0)
    recorded = _appointment(site, site.initiator, None, 3)
    if not SessionRecord.objects.filter(appointment=recorded).exists():
        due = clock.local_today() + dt.timedelta(days=5)
        session = record_services.record_create(
            actor=site.adviser,
            centre=site.centre,
            held_at=recorded.starts_at,
            minutes=60,
            mode="centre",
            people=2,
            topics=["statutes", "board"],
            outcomes=["statutes_adopted"],
            organisation=site.organisation,
            appointment=recorded,
            follow_ups=[
                ("Send vedtektene til styret", site.adviser, due),
                ("Ring om årsmøtet", site.lead, clock.local_today()),
                ("Finn fram regnskapet", site.contact, due),
            ],
            journey_steps=[JourneyStep.FOUNDED, JourneyStep.STATUTES],
        )
        note_services.note_write(
            actor=site.adviser, centre=site.centre, text="Styret er nytt og usikkert.", record=session
        )
        other_adviser = factories.staff(site.other_centre, full_name="Vera Vest")
        record_services.record_create(
            actor=other_adviser,
            centre=site.other_centre,
            held_at=clock.now() - dt.timedelta(days=40),
            minutes=45,
            mode="video",
            topics=["funding"],
            outcomes=[],
            organisation=site.organisation,
        )
        done = record_services.record_create(
            actor=site.adviser,
            centre=site.centre,
            held_at=clock.now() - dt.timedelta(days=10),
            minutes=30,
            mode="phone",
            topics=["economy"],
            outcomes=[],
            organisation=site.organisation,
            follow_ups=[("Sjekk kontoen", site.adviser, clock.local_today())],
        )
        record_services.follow_up_done(actor=site.adviser, follow_up=done.follow_ups.get())
    return {"open": open_appointment, "recorded": recorded}


def _staff_pages(site, data) -> list[Page]:
    return [
        Page(reverse("guidance:record", args=[data["open"].pk])),
        Page(reverse("guidance:record", args=[data["recorded"].pk])),
        Page(reverse("guidance:record_new", args=[site.centre.slug])),
        Page(reverse("guidance:record_new", args=[site.centre.slug]), submit_empty=True),
        Page(reverse("guidance:follow_ups")),
        Page(reverse("guidance:journey", args=[site.organisation.pk])),
    ]


def pages(role: str, site) -> list:
    if role not in {"adviser", "lead", "coordinator", "contact"}:
        return []
    data = _data(site)
    journey = Page(reverse("guidance:journey", args=[site.organisation.pk]))
    if role == "contact":
        return [journey]
    found = _staff_pages(site, data)
    if role in {"adviser", "lead"}:
        notes = reverse("guidance:notes", args=[site.organisation.pk])
        found += [Page(notes), Page(notes, submit_empty=True)]
    if role == "lead":
        found.append(Page(reverse("guidance:note_reads", args=[site.centre.slug])))
    if role == "coordinator":
        found.append(Page(reverse("guidance:notes", args=[site.organisation.pk]), status=404))
    return found
