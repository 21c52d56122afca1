"""Who may create and edit events: loaders for the manage pages.

Staff pages answer 403 to people who are not staff at all, and 404 for an event the
staff member does not organise (another centre's event), so it is never revealed.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from batteriet.bookings.models import Resource, ResourceKind
from batteriet.centres import permissions as centre_permissions
from batteriet.events.models import Event, Partner, Question, Session

# Events can take a meeting room or premises (a hall or one of its parts).
ROOM_KINDS = [ResourceKind.MEETING_ROOM, ResourceKind.PREMISES]


def require_staff(user) -> None:
    if not user.has_perm("centres.view_staff_pages"):
        raise PermissionDenied


def events_organised_by(user) -> QuerySet[Event]:
    """Every event the user organises: their centres' events; for coordinators all events."""
    ids = centre_permissions.centre_ids_for_staff(user)
    events = Event.objects.all()
    if ids is None:
        return events
    through = Event.centres.through.objects.filter(centre_id__in=ids)
    return events.filter(pk__in=through.values("event_id"))


def get_event_for_manage(user, pk: int) -> Event:
    """An event the staff member organises, or 404 (403 for someone who is not staff)."""
    require_staff(user)
    event = Event.objects.prefetch_related("centres").filter(pk=pk).first()
    if event is None or not user.has_perm("events.manage_event", event):
        raise Http404
    return event


def get_session_for_manage(user, pk: int, session_pk: int) -> Session:
    event = get_event_for_manage(user, pk)
    session = Session.objects.filter(event=event, pk=session_pk).first()
    if session is None:
        raise Http404
    session.event = event
    return session


def get_question_for_manage(user, pk: int, question_pk: int) -> Question:
    event = get_event_for_manage(user, pk)
    question = Question.objects.filter(event=event, pk=question_pk).first()
    if question is None:
        raise Http404
    question.event = event
    return question


def get_partner_for_manage(user, pk: int, partner_pk: int) -> Partner:
    event = get_event_for_manage(user, pk)
    partner = Partner.objects.select_related("organisation").filter(event=event, pk=partner_pk).first()
    if partner is None:
        raise Http404
    partner.event = event
    return partner


def rooms_for_staff(user) -> QuerySet[Resource]:
    """Rooms and halls an event of this staff member can take: those of their centres."""
    rooms = Resource.objects.filter(kind__in=ROOM_KINDS, is_active=True).select_related("centre")
    ids = centre_permissions.centre_ids_for_staff(user)
    if ids is not None:
        rooms = rooms.filter(centre_id__in=ids)
    return rooms.order_by("centre__name", "name")


def may_organise_centres(user, centres) -> bool:
    """Staff organise events for centres they work at; only coordinators organise national events."""
    if centre_permissions.is_national_coordinator(user):
        return True
    centres = list(centres)
    return bool(centres) and all(centre_permissions.is_staff_at(user, centre) for centre in centres)
