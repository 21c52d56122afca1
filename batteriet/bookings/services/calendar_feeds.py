"""An organisation's private calendar address: made on first use, reset by a contact person."""

import secrets

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.bookings.models import CalendarFeed
from batteriet.core import audit
from batteriet.core.errors import RuleViolation
from batteriet.organisations import permissions as organisation_permissions
from batteriet.organisations.models import Organisation


def new_token() -> str:
    """43 random URL-safe characters (256 bits): the address is the only key."""
    return secrets.token_urlsafe(32)


def calendar_feed_get_or_create(*, organisation: Organisation) -> CalendarFeed:
    """The organisation's feed, made the first time a member looks for it.

    Two members opening the page at once may both try to create it; the one-to-one
    constraint lets one win, and the other reads the winner's row.
    """
    feed = CalendarFeed.objects.filter(organisation=organisation).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(organisation=organisation, token=new_token())
    except IntegrityError:
        return CalendarFeed.objects.get(organisation=organisation)


def calendar_feed_reset(*, actor: User, organisation: Organisation) -> CalendarFeed:
    """A contact person gives the organisation a new private address; the old one stops working."""
    if not organisation_permissions.is_contact(actor, organisation):
        raise RuleViolation(
            code="not_allowed",
            message=_("Only the organisation's contact persons can make a new calendar address."),
        )
    with transaction.atomic(durable=True):
        feed = CalendarFeed.objects.select_for_update().filter(organisation=organisation).first()
        if feed is None:
            feed = CalendarFeed(organisation=organisation)
        feed.token = new_token()
        feed.save()
        audit.record(
            actor=actor,
            action="calendar_feed.reset",
            obj=feed,
            scope=f"organisation:{organisation.pk}",
            changes={"token": "new"},
        )
    return feed
