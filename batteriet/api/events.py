"""Courses and events: the public calendar, so the centres' own websites can show it.

No login is needed. The list and each event show exactly what the calendar pages show
(`selectors_calendar`): published events, and staff gatherings only to staff who send
their key or session. Organisers may also read their unpublished events. Never who is
registered, and never the link to join an online event.
"""

import datetime as dt
from typing import Annotated

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import AfterValidator, Field

from batteriet.api import auth, errors
from batteriet.api.schemas import MAX_ID, Day, text
from batteriet.centres.models import Centre
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.events import ics_feeds, permissions
from batteriet.events import rules as event_rules
from batteriet.events.models import (
    Audience,
    Event,
    EventKind,
    Language,
    Partner,
    PlaceKind,
    RegistrationStatus,
    Session,
)
from batteriet.events.selectors_calendar import CalendarFilters, calendar, visible_events

router = Router(tags=["events"])

PAGE_SIZE, MAX_PAGE_SIZE, MAX_OFFSET = 50, 200, 100_000


def _anonymous(request: HttpRequest):
    """No key and no session: a visitor, who sees what the public calendar shows."""
    return AnonymousUser()


# A key or a session when sent (an unknown key is still refused), otherwise a visitor.
PUBLIC = [auth.TokenAuth(), auth.SessionAuth(), _anonymous]


def _one_of(choices: type) -> AfterValidator:
    def check(value: str) -> str:
        if value and value not in choices.values:
            raise ValueError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)})
        return value

    return AfterValidator(check)


class EventListQuery(Schema):
    centre: text(50) = Field(
        "", description="A centre's slug: its events (national events are not included)."
    )
    kind: Annotated[text(20), _one_of(EventKind)] = Field("", description=", ".join(EventKind.values))
    audience: Annotated[text(20), _one_of(Audience)] = Field("", description=", ".join(Audience.values))
    language: Annotated[text(10), _one_of(Language)] = Field(
        "", description="nb or en (events in both languages are included), or nb_en."
    )
    first_day: Day | None = Field(
        None, alias="from", description="Events that end on or after this day. Default: today."
    )
    last_day: Day | None = Field(None, alias="to", description="Events that start on or before this day.")
    limit: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)] = PAGE_SIZE
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0


class EventOut(Schema):
    id: int
    title: str
    kind: str = Field(description=", ".join(EventKind.values))
    kind_label: str
    audience: str = Field(description=", ".join(Audience.values))
    language: str = Field(description=", ".join(Language.values))
    starts_at: dt.datetime
    ends_at: dt.datetime
    centres: list[str] = Field(description="Slugs of the organising centres; empty for a national event.")
    place_kind: str = Field(description=", ".join(PlaceKind.values))
    location: str = Field(description="Where, as text. An online event never gives its link here.")
    description: str
    capacity: int | None = Field(description="Places in all; empty for no limit.")
    places_left: int | None = Field(description="Free places now; empty for no limit. 0: waiting list.")
    registration_opens_at: dt.datetime | None
    registration_closes_at: dt.datetime | None
    url: str = Field(description="The event's page, where people register.")


class SessionOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    track: str
    speakers: str
    description: str
    capacity: int | None = Field(description="Places of a parallel session; empty: the event's places.")
    places_left: int | None = Field(
        description="Free places in this session; empty when it has no own limit."
    )


class PartnerOut(Schema):
    organisation: str
    role: str
    role_label: str


class EventDetailOut(EventOut):
    sessions: list[SessionOut]
    partners: list[PartnerOut] = Field(description="Organisations that co-organise or take a role.")


class EventPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[EventOut]


@router.get(
    "/events",
    auth=PUBLIC,
    response={200: EventPage, **errors.documented()},
    summary="Courses and events",
    description="The public calendar, in time order, from today unless `from` is given. Paged: "
    f"`limit` (1–{MAX_PAGE_SIZE}, default {PAGE_SIZE}) and `offset`. No login needed.",
)
def event_list(request: HttpRequest, query: Query[EventListQuery]):
    user = request.auth
    if query.centre and not Centre.objects.filter(slug=query.centre).exists():
        raise RuleViolation(
            code="unknown_centre", field="centre", message=_("There is no centre with that name.")
        )
    first_day = query.first_day or clock.local_today()
    if query.last_day is not None and query.last_day < first_day:
        raise RuleViolation(
            code="range_reversed", field="to", message=_("The last day must be on or after the first day.")
        )
    events = calendar(
        user,
        CalendarFilters(
            centre_slug=query.centre,
            kind=query.kind,
            audience=query.audience,
            language=query.language,
            starts_on=first_day,
            ends_on=query.last_day,
        ),
    ).select_related("room__centre")
    page = list(events[query.offset : query.offset + query.limit])
    return {
        "count": events.count(),
        "limit": query.limit,
        "offset": query.offset,
        "items": [event_out(event) for event in page],
    }


@router.get(
    "/events/{int:event_id}",
    auth=PUBLIC,
    response={200: EventDetailOut, **errors.documented(404)},
    summary="One event, with its programme and places left",
)
def event_detail(request: HttpRequest, event_id: int):
    event = _event_for_view(request.auth, event_id)
    out = event_out(event)
    out["sessions"] = [_session_out(session) for session in event.sessions.all()]
    out["partners"] = [
        {
            "organisation": partner.organisation.name,
            "role": partner.role,
            "role_label": partner.get_role_display(),
        }
        for partner in event.partners.all()
    ]
    return out


# --- Helpers ------------------------------------------------------------------------------
def event_out(event: Event) -> dict:
    """Needs `held` (places held) annotated and `centres` and `room.centre` loaded."""
    return {
        "id": event.pk,
        "title": event.title,
        "kind": event.kind,
        "kind_label": event.get_kind_display(),
        "audience": event.audience,
        "language": event.language,
        "starts_at": event.starts_at.astimezone(clock.OSLO),
        "ends_at": event.ends_at.astimezone(clock.OSLO),
        "centres": [centre.slug for centre in event.centres.all()],
        "place_kind": event.place_kind,
        "location": ics_feeds.location(event),
        "description": event.description,
        "capacity": event.capacity,
        "places_left": event_rules.places_left(capacity=event.capacity, taken=event.held),
        "registration_opens_at": _oslo(event.registration_opens_at),
        "registration_closes_at": _oslo(event.registration_closes_at),
        "url": ics_feeds.event_url(event),
    }


def _session_out(session: Session) -> dict:
    return {
        "id": session.pk,
        "title": session.title,
        "starts_at": session.starts_at.astimezone(clock.OSLO),
        "ends_at": session.ends_at.astimezone(clock.OSLO),
        "track": session.track,
        "speakers": session.speakers,
        "description": session.description,
        "capacity": session.capacity,
        "places_left": None
        if session.capacity is None
        else event_rules.places_left(capacity=session.capacity, taken=session.seats_held),
    }


def _event_for_view(user, event_id: int) -> Event:
    """A visible event, or an unpublished one for its organisers; otherwise 404."""
    if not 1 <= event_id <= MAX_ID:
        raise Http404
    held = Q(registrations__status__in=RegistrationStatus.holding_a_place())
    seats_held = Q(seats__registration__status__in=RegistrationStatus.holding_a_place())
    event = (
        Event.objects.filter(pk=event_id)
        .annotate(held=Count("registrations", filter=held, distinct=True))
        .select_related("room__centre")
        .prefetch_related(
            "centres",
            Prefetch(
                "sessions", queryset=Session.objects.annotate(seats_held=Count("seats", filter=seats_held))
            ),
            Prefetch("partners", queryset=Partner.objects.select_related("organisation")),
        )
        .first()
    )
    if event is None:
        raise Http404
    if not visible_events(user).filter(pk=event.pk).exists() and not permissions.is_organiser(user, event):
        raise Http404
    return event


def _oslo(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone(clock.OSLO) if moment is not None else None
