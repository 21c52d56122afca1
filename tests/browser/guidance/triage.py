"""Browser pages of the guidance triage area, per role (see tests/browser/test_guidance_pages.py).

At the Oslo centre the lead has free times on Thursday afternoons. Four people have asked
for guidance: one waits for an adviser (with needs and times that suit), one has a time
proposed, one a booked time, and one was referred elsewhere. Staff see the overview, the
queue (everyone's and only their own), each request, and every action's form, also sent
empty.
"""

import datetime as dt

from django.urls import reverse

from batteriet.guidance.models import AvailabilitySlot, GuidanceRequest
from tests import factories
from tests.browser.pages import Page

MARK = "(triage)"
PEOPLE = [
    ("new", "Trine Venter", "economy"),
    ("proposed", "Frode Forslag", "funding"),
    ("scheduled", "Berit Booket", "board"),
    ("referred", "Henrik Henvist", "advocacy"),
]


def _requests(site) -> dict[str, GuidanceRequest]:
    """One request in each state, made once; the lead's appointments fall on Mondays."""
    found = {
        r.status: r for r in GuidanceRequest.objects.filter(situation__endswith=MARK, centre=site.centre)
    }
    if found:
        return found
    if not AvailabilitySlot.objects.filter(adviser=site.lead, centre=site.centre).exists():
        factories.availability(site.lead, site.centre, 3, dt.time(13), dt.time(15))
    day = factories.bookable_day(weekday=0, weeks_ahead=3)
    for index, (status, name, topic) in enumerate(PEOPLE):
        fields = {
            "status": status,
            "topic": topic,
            "role": "representative",
            "organisation": site.organisation,
        }
        if status == "new":
            fields |= {
                "language_need": "Arabisk tolk",
                "accessibility_need": "Trinnfri inngang",
                "preferred_times": "Tirsdager etter klokka 16",
                "role": "initiator",
                "organisation": None,
            }
        if status == "referred":
            fields |= {"referred_to": "Frivillighet Norge", "staff_message": "De har kurs i dette."}
        if status in {"proposed", "scheduled"}:
            fields["adviser"] = site.lead
        person = factories.UserFactory(full_name=name)
        request = factories.guidance_request_row(
            site.centre, person, situation=f"Vi trenger hjelp, se {MARK}", **fields
        )
        if status in {"proposed", "scheduled"}:
            starts_at = factories.at(day, 9 + index)
            factories.appointment_row(
                request,
                site.lead,
                starts_at,
                starts_at + dt.timedelta(hours=1),
                status="proposed" if status == "proposed" else "booked",
            )
        found[status] = request
    return found


def _staff_pages(site) -> list[Page]:
    requests = _requests(site)
    new, scheduled = requests["new"].pk, requests["scheduled"].pk
    queue = reverse("guidance:queue", args=[site.centre.slug])
    forms = [
        reverse("guidance:propose", args=[new]),
        reverse("guidance:hand_over", args=[new]),
        reverse("guidance:refer", args=[new]),
        reverse("guidance:staff_cancel", args=[scheduled]),
        reverse("guidance:staff_move", args=[scheduled]),
    ]
    return [
        Page(reverse("guidance:staff_home")),
        Page(queue),
        Page(f"{queue}?vis=mine"),
        *[Page(reverse("guidance:triage", args=[request.pk])) for request in requests.values()],
        *[Page(url) for url in forms],
        *[Page(url, submit_empty=True) for url in forms],
        Page(reverse("guidance:staff_cancel", args=[new])),
        Page(reverse("guidance:staff_move", args=[new])),
    ]


def pages(role: str, site) -> list:
    if role in {"adviser", "lead", "coordinator"}:
        return _staff_pages(site)
    return []
