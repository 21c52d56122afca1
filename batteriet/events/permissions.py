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


# --- Loaders for the organisers' pages (registrations, attendance, certificates) --------
def _require_staff(user) -> None:
    """Staff pages answer 403 to anyone who is not staff at all."""
    from django.core.exceptions import PermissionDenied

    if not user.has_perm("centres.view_staff_pages"):
        raise PermissionDenied


def get_event_for_organisers(user, pk: int) -> Event:
    """An event the user organises: 403 for non-staff, 404 for staff of other centres."""
    from django.http import Http404

    _require_staff(user)
    event = Event.objects.prefetch_related("centres").filter(pk=pk).first()
    if event is None or not is_organiser(user, event):
        raise Http404
    return event


def get_session_for_attendance(user, event_pk: int, session_pk: int):
    """A session of an event the user organises (see `get_event_for_organisers`), or 404."""
    from django.http import Http404

    event = get_event_for_organisers(user, event_pk)
    session = event.sessions.filter(pk=session_pk).first()
    if session is None:
        raise Http404
    session.event = event
    return session


def get_registration_for_organisers(user, pk: int) -> Registration:
    """A registration for an event the user organises: 403 for non-staff, else 404."""
    from django.http import Http404

    _require_staff(user)
    registration = Registration.objects.select_related("event").filter(pk=pk).first()
    if registration is None or not is_organiser(user, registration.event):
        raise Http404
    return registration


def get_registration_for_certificate(user, pk: int) -> Registration:
    """A registration whose certificate the user may fetch: the person themself or the
    organisers. 404 for everyone else (whether or not it exists)."""
    from django.http import Http404

    registration = (
        Registration.objects.select_related("event", "person", "organisation").filter(pk=pk).first()
    )
    if registration is None:
        raise Http404
    if not (user.pk == registration.person_id or is_organiser(user, registration.event)):
        raise Http404
    return registration


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


# --- Loaders for the registration pages -------------------------------------------------
def get_event_for_registration(user, pk: int) -> Event:
    """A published event the user may see, or 404."""
    from django.shortcuts import get_object_or_404

    from batteriet.events import selectors_calendar

    return get_object_or_404(selectors_calendar.visible_events(user), pk=pk)


def get_registration_for_view(user, pk: int) -> Registration:
    """A registration the user may see and act on (see `may_act_on_registration`), or 404."""
    from django.http import Http404

    registration = (
        Registration.objects.select_related("event", "organisation", "person", "registered_by")
        .filter(pk=pk)
        .first()
    )
    if registration is None or not user.has_perm("events.act_on_registration", registration):
        raise Http404
    return registration


def may_see_special_needs(user, registration: Registration) -> bool:
    """Only the person themself and the organisers see (and change) special-need answers."""
    return user.pk == registration.person_id or is_organiser(user, registration.event)


# --- Loader for the evaluation results ----------------------------------------------------
def get_event_for_evaluation_results(user, pk: int) -> Event:
    """An event whose evaluation the user may see: 403 for non-staff, 404 unless organiser."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    if not user.has_perm("centres.view_staff_pages"):
        raise PermissionDenied
    event = Event.objects.prefetch_related("centres").filter(pk=pk).first()
    if event is None or not user.has_perm("events.manage_event", event):
        raise Http404
    return event
