"""Reads for the waiting list: the places an organisation holds in line."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet

from batteriet.bookings.models import WaitlistEntry, WaitlistStatus


def waitlist_for_organisations(
    organisation_ids: Iterable[int], *, now: dt.datetime
) -> QuerySet[WaitlistEntry]:
    """Places these organisations wait in, or have a time held for, that have not started yet."""
    return (
        WaitlistEntry.objects.filter(
            organisation_id__in=list(organisation_ids),
            status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED],
            starts_at__gt=now,
        )
        .select_related("resource", "resource__centre", "organisation", "offer")
        .order_by("starts_at", "id")
    )
