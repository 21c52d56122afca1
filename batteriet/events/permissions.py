"""Who may manage an event and act on a registration (predicates for the `rules` package)."""

import rules

from batteriet.centres import permissions as centre_permissions
from batteriet.events.models import Event, Registration
from batteriet.organisations import permissions as organisation_permissions


@rules.predicate
def is_organiser(user, event: Event) -> bool:
    """Staff of a centre that organises the event; national events: national coordinators."""
    if event is None:
        return False
    if centre_permissions.is_national_coordinator(user):
        return True
    return any(centre_permissions.is_staff_at(user, centre) for centre in event.centres.all())


@rules.predicate
def may_act_on_registration(user, registration: Registration) -> bool:
    """The person registered, whoever registered them, the organisation's contact, or organisers."""
    if registration is None or not getattr(user, "is_authenticated", False):
        return False
    if user.pk in {registration.person_id, registration.registered_by_id}:
        return True
    if registration.organisation is not None and organisation_permissions.is_contact(
        user, registration.organisation
    ):
        return True
    return is_organiser(user, registration.event)


# Not named like Django's model permissions (add_/change_/delete_/view_<model>), which
# Django admin asks for without an object.
rules.add_perm("events.manage_event", is_organiser)
rules.add_perm("events.act_on_registration", may_act_on_registration)


# --- Loader for the public event page ---------------------------------------------------
def get_event_for_view(user, pk: int) -> Event:
    """An event for its public page: published and visible to the user (staff gatherings
    only for staff), or any event for its organisers. Otherwise 404."""
    from django.http import Http404

    from batteriet.events import selectors_calendar

    event = Event.objects.select_related("room__centre").prefetch_related("centres").filter(pk=pk).first()
    if event is None:
        raise Http404
    if is_organiser(user, event):
        return event
    if not selectors_calendar.visible_events(user).filter(pk=pk).exists():
        raise Http404
    return event
