"""Who may see and answer waiting list places and the times held for them.

Only members of the organisation that waits: staff see the held booking (it blocks a
time at their centre) but do not answer for the organisation. Anything else is a 404,
so another organisation's place in line is never revealed.
"""

from django.http import Http404

from batteriet.bookings import permissions
from batteriet.bookings.models import Booking, WaitlistEntry
from batteriet.organisations import permissions as organisation_permissions


def get_waitlist_entry_for_member(user, pk: int) -> WaitlistEntry:
    """A waiting list place of one of the user's organisations, or 404."""
    entry = WaitlistEntry.objects.select_related("organisation", "resource").filter(pk=pk).first()
    if entry is None or not organisation_permissions.is_member(user, entry.organisation):
        raise Http404
    return entry


def get_booking_for_offer_answer(user, pk: int) -> Booking:
    """A booking of one of the user's organisations, to confirm or turn down a held time, or 404."""
    booking = (
        Booking.objects.select_related("resource", "resource__centre", "organisation").filter(pk=pk).first()
    )
    if booking is None or not permissions.is_booking_member(user, booking):
        raise Http404
    return booking
