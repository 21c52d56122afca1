"""Browser pages of the guidance availability area, per role (see tests/browser/test_guidance_pages.py).

At the Oslo centre the adviser has weekly times on Tuesdays and Thursdays, the lead on
Wednesdays, and the adviser a coming absence with an appointment still booked in it.
Drop-ins are logged today and a session was held, so the figures have something to show.
Staff see the weekly times and the absences (also with the add forms sent empty), delete
a time and an absence they may change, log drop-ins and read the figures.
"""

import datetime as dt

from django.urls import reverse

from batteriet.core import time as clock
from batteriet.guidance.models import Absence, AvailabilitySlot, DropIn, SessionRecord
from tests import factories
from tests.browser.pages import Page

STAFF = {"adviser", "lead", "coordinator"}
REASON = "Kurs i Trondheim"


def _slot(adviser, centre, weekday: int, start: int, end: int) -> AvailabilitySlot:
    found = AvailabilitySlot.objects.filter(adviser=adviser, centre=centre, weekday=weekday).first()
    return found or factories.availability(adviser, centre, weekday, dt.time(start), dt.time(end))


def _absence(site) -> Absence:
    found = Absence.objects.filter(adviser=site.adviser, reason=REASON).first()
    if found is not None:
        return found
    day = factories.bookable_day(weekday=2, weeks_ahead=3)
    absence = Absence.objects.create(
        adviser=site.adviser,
        starts_at=factories.at(day, 0),
        ends_at=factories.at(day, 23, 59),
        reason=REASON,
    )
    request = factories.guidance_request_row(
        site.centre, site.initiator, status="scheduled", adviser=site.adviser
    )
    factories.appointment_row(request, site.adviser, factories.at(day, 12), factories.at(day, 13))
    return absence


def _data(site) -> dict:
    slots = {
        "adviser": _slot(site.adviser, site.centre, 1, 10, 14),
        "lead": _slot(site.lead, site.centre, 2, 12, 15),
    }
    _slot(site.adviser, site.centre, 3, 10, 14)
    absence = _absence(site)
    today = clock.local_today()
    if not DropIn.objects.filter(centre=site.centre, held_on=today).exists():
        for topic, mode, minutes in (("registers", "centre", 15), ("funding", "phone", 20)):
            DropIn.objects.create(centre=site.centre, held_on=today, topic=topic, mode=mode, minutes=minutes)
    if not SessionRecord.objects.filter(centre=site.centre, organisation=site.organisation).exists():
        SessionRecord.objects.create(
            centre=site.centre,
            adviser=site.adviser,
            organisation=site.organisation,
            held_at=clock.now() - dt.timedelta(hours=2),
            minutes=60,
            mode="centre",
            people=2,
            topics=["statutes", "board"],
            outcomes=["plan_made"],
        )
    return {"slots": slots, "absence": absence}


def pages(role: str, site) -> list:
    if role not in STAFF:
        return []
    data = _data(site)
    slug = site.centre.slug
    availability = reverse("guidance:availability", args=[slug])
    absences = reverse("guidance:absences", args=[slug])
    figures = reverse("guidance:figures")
    found = [
        Page(availability),
        Page(availability, submit_empty=True),
        Page(absences),
        Page(absences, submit_empty=True),
        Page(reverse("guidance:dropin", args=[slug])),
        Page(figures),
        Page(f"{figures}?date_from=2026-02-30&date_to=2026-01-01"),
    ]
    own = "lead" if role == "lead" else "adviser"
    if role in {"adviser", "lead", "coordinator"}:
        found.append(Page(reverse("guidance:slot_delete", args=[data["slots"][own].pk])))
    if role in {"adviser", "lead"}:
        found.append(Page(reverse("guidance:absence_delete", args=[data["absence"].pk])))
    if role == "coordinator":
        found.append(Page(f"{figures}?centre=vest"))
    return found
