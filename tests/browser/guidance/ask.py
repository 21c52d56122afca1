"""Browser pages of the guidance ask area, per role (see tests/browser/test_guidance_pages.py).

The Oslo centre's adviser has free times on Tuesdays. The initiator, the member and the
contact person each have a request in every state: waiting, a time proposed, a time
booked, handed over, referred elsewhere, cancelled and done; the staff also read a
request of the member's about the organisation (the contact person does not).
"""

import datetime as dt

from django.urls import reverse

from batteriet.core import time as clock
from batteriet.guidance.models import AvailabilitySlot, GuidanceRequest, RequestStatus
from tests import factories
from tests.browser.pages import Page

STATES = [
    ("new", None),
    ("proposed", "proposed"),
    ("scheduled", "booked"),
    ("handed_over", None),
    ("referred", None),
    ("cancelled", "cancelled"),
    ("done", "done"),
]
TOPICS = ["starting", "statutes", "board", "economy", "funding", "advocacy", "conflict"]


def free_times(site) -> None:
    """Tuesdays 10–12 for the Oslo adviser, once."""
    if not AvailabilitySlot.objects.filter(
        adviser=site.adviser, centre=site.centre, weekday=1, starts_at_time=dt.time(10)
    ).exists():
        factories.availability(site.adviser, site.centre, 1, dt.time(10), dt.time(12))


def requests_of(site, person, *, number: int, organisation=None) -> list[GuidanceRequest]:
    """One request of `person` in each state (each its own topic), made once. Appointments
    fall on Wednesdays, a week apart per person, so no two of them overlap."""
    found = list(GuidanceRequest.objects.filter(requested_by=person, role="representative").order_by("pk"))
    if found:
        return found
    made = []
    day = factories.bookable_day(weekday=2, weeks_ahead=2 + number)
    for index, (status, appointment_status) in enumerate(STATES):
        fields = {
            "status": status,
            "role": "representative",
            "topic": TOPICS[index],
            "organisation": organisation,
        }
        if status == "referred":
            fields |= {"referred_to": "Frivillighet Norge", "staff_message": "De kan hjelpe dere med dette."}
        if status == "handed_over":
            fields |= {"staff_message": "En kollega tar over og foreslår en tid."}
        if appointment_status is not None:
            fields["adviser"] = site.adviser
        request = factories.guidance_request_row(site.centre, requested_by=person, **fields)
        if appointment_status is not None:
            start = (
                factories.at(clock.local_today() - dt.timedelta(days=7 * (1 + number)), 9 + index)
                if appointment_status == "done"
                else factories.at(day, 8 + index)
            )
            factories.appointment_row(
                request, site.adviser, start, start + dt.timedelta(hours=1), status=appointment_status
            )
        made.append(request)
    return made


def _person_pages(site, person, number: int, organisation=None) -> list[Page]:
    free_times(site)
    requests = requests_of(site, person, number=number, organisation=organisation)
    by_status = {request.status: request for request in requests}
    ask = reverse("guidance:ask", args=[site.centre.slug])
    later = clock.local_today() + dt.timedelta(days=14)
    return [
        Page(reverse("guidance:start")),
        Page(ask),
        Page(ask, submit_empty=True),
        Page(f"{ask}?fra={later.isoformat()}"),
        Page(reverse("guidance:mine")),
        *[Page(reverse("guidance:request", args=[request.pk])) for request in requests],
        Page(reverse("guidance:decline", args=[by_status[RequestStatus.PROPOSED].pk])),
        Page(reverse("guidance:cancel", args=[by_status[RequestStatus.SCHEDULED].pk])),
        Page(reverse("guidance:move", args=[by_status[RequestStatus.SCHEDULED].pk])),
        Page(reverse("guidance:move", args=[by_status[RequestStatus.SCHEDULED].pk]), submit_empty=True),
        Page(reverse("guidance:cancel", args=[by_status[RequestStatus.NEW].pk])),
    ]


def _members_request(site) -> GuidanceRequest:
    return requests_of(site, site.member, number=1, organisation=site.organisation)[1]  # a time proposed


def pages(role: str, site) -> list:
    start = [Page(reverse("guidance:start"))]
    if role == "visitor":
        return start
    if role == "initiator":
        return _person_pages(site, site.initiator, 0)
    if role == "member":
        return _person_pages(site, site.member, 1, site.organisation)
    if role == "contact":
        return _person_pages(site, site.contact, 2, site.organisation)
    logged_in = [
        *start,
        Page(reverse("guidance:ask", args=[site.centre.slug])),
        Page(reverse("guidance:mine")),
    ]
    if role in {"adviser", "lead", "coordinator"}:
        return [*logged_in, Page(reverse("guidance:request", args=[_members_request(site).pk]))]
    return logged_in
