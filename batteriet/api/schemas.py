"""Input and output types shared by the routers.

Inputs are checked here for shape only: a moment must carry its offset from UTC and
lie in a sensible range, text must be text a database can store, numbers must fit.
The booking rules themselves are the services' business.
"""

import datetime as dt
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, Field

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_ID = 2**53  # larger ids are never handed out; bigger numbers are refused, not looked up
SMALL_INT_MAX = 32_767  # PositiveSmallIntegerField


def _in_our_years(moment: dt.datetime) -> dt.datetime:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(_("Choose a time between the years %(first)s and %(last)s.") % _years())
    return moment


def _day_in_our_years(day: dt.date) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(_("Choose a date between the years %(first)s and %(last)s.") % _years())
    return day


def _years() -> dict[str, int]:
    return {"first": FIRST_YEAR, "last": LAST_YEAR}


def _storable_text(value: str) -> str:
    """No NUL characters or lone surrogates: no database stores them."""
    if "\x00" in value:
        raise ValueError(_("The text contains a character that is not allowed."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("The text contains a character that is not allowed.")) from None
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_in_our_years)]
Day = Annotated[dt.date, AfterValidator(_day_in_our_years)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def text(max_length: int):
    return Annotated[str, Field(max_length=max_length), AfterValidator(_storable_text)]


class CentreOut(Schema):
    slug: str
    name: str
    city: str


class ResourceOut(Schema):
    id: int
    centre: str = Field(description="The centre's slug.")
    kind: str = Field(description="meeting_room, premises, desk or equipment.")
    name: str
    description: str
    capacity: int | None
    stock: int
    part_of: int | None = Field(description="The hall this is a part of, if any.")
    step_free: bool
    hearing_loop: bool
    accessible_toilet: bool
    house_rules: str
    requires_approval: bool
    min_notice_minutes: int
    max_horizon_days: int
    min_duration_minutes: int
    max_duration_minutes: int
    buffer_minutes: int


class BusyOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    kind: str = Field(
        description="confirmed, requested, blocked, part_booked (a part of this hall is booked), "
        "in_use (some units of equipment are lent) or fully_booked."
    )
    quantity: int | None = Field(None, description="Equipment: how many units are lent.")


class AvailabilityOut(Schema):
    resource: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    busy: list[BusyOut]


class CentreAvailabilityOut(Schema):
    centre: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    resources: list[AvailabilityOut]


class OrganisationRef(Schema):
    id: int
    name: str


class ResourceRef(Schema):
    id: int
    name: str
    centre: str


class BookingOut(Schema):
    id: int
    resource: ResourceRef
    organisation: OrganisationRef | None = Field(description="Empty when staff blocked the time.")
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str = Field(description="requested, confirmed, held, declined, cancelled or expired.")
    purpose: str
    expected_people: int | None
    quantity: int
    created_at: dt.datetime
    cancelled_at: dt.datetime | None
    cancel_reason: str
    decision_reason: str


class BookingIn(Schema):
    resource: Id
    organisation: Id
    starts_at: Moment
    ends_at: Moment
    purpose: text(500)
    expected_people: Annotated[int, Field(ge=1, le=SMALL_INT_MAX)] | None = None
    quantity: Annotated[int, Field(ge=1, le=SMALL_INT_MAX)] = 1
    responsible_name: text(200) = Field(
        "", description="Premises: the person who is present and responsible while you use them."
    )
    responsible_phone: text(32) = Field("", description="Premises: that person's phone number.")


class CancelIn(Schema):
    reason: text(2000) = ""


class BookingPage(Schema):
    count: int
    items: list[BookingOut]
