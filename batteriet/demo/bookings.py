"""Demo bookings, made through the booking services so they obey every rule.

Runs after the centres, people and organisations exist, outside their transaction
(each service owns its own). Skipped when the demo organisations already have bookings,
so running `seed_demo` again adds nothing.
"""

import datetime as dt
from dataclasses import dataclass

import holidays

from batteriet.accounts.models import User
from batteriet.bookings import services
from batteriet.bookings.models import Booking, BookingStatus, RecurrenceFrequency, Resource
from batteriet.bookings.recurrence import Pattern
from batteriet.bookings.services import closures, loans, series, waitlist
from batteriet.centres.models import Centre
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.demo import data as demo
from batteriet.organisations.models import Organisation

NORWAY = holidays.country_holidays("NO")


@dataclass(frozen=True)
class People:
    wayback: Organisation
    wayback_contact: User
    rettferd: Organisation
    rettferd_contact: User
    lead: User


def add_demo_bookings() -> int:
    """Book for the Oslo demo organisations; returns how many bookings were added."""
    people = _people()
    if Booking.objects.filter(organisation__in=[people.wayback, people.rettferd]).exists():
        return 0
    before = Booking.objects.count()
    oslo = {resource.name: resource for resource in Resource.objects.filter(centre__slug="oslo")}
    _meeting_and_series(people, oslo)
    _evening_in_the_hall(people, oslo)
    _desk(people, oslo)
    _equipment(people, oslo)
    _overdue_laptop(people, oslo)
    _christmas_eve_closed(people)
    return Booking.objects.count() - before


def _people() -> People:
    def user(seed: demo.PersonSeed) -> User:
        return User.objects.get(email=seed.email)

    return People(
        wayback=Organisation.objects.get(name="Wayback"),
        wayback_contact=user(demo.CONTACT),
        rettferd=Organisation.objects.get(name="Stiftelsen Rettferd for taperne"),
        rettferd_contact=User.objects.get(email="bjorn.hagen@epost.example"),
        lead=User.objects.get(email="leder.oslo@batteriet.example"),
    )


def _open_day(weekday: int, *, weeks_ahead: int) -> dt.date:
    """The first `weekday` at least `weeks_ahead` weeks from today that is not a public holiday."""
    day = clock.local_today() + dt.timedelta(weeks=weeks_ahead)
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    while day in NORWAY:
        day += dt.timedelta(weeks=1)
    return day


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.OSLO)


def _meeting_and_series(people: People, oslo: dict[str, Resource]) -> None:
    """Wayback's board meets in room 1; Rettferd would like that time too and waits for it.
    Wayback's peer group meets every Thursday in room 2."""
    tuesday = _open_day(1, weeks_ahead=1)
    room = oslo["Møterom 1"]
    services.booking_create(
        actor=people.wayback_contact,
        resource=room,
        organisation=people.wayback,
        starts_at=_at(tuesday, 10),
        ends_at=_at(tuesday, 12),
        purpose="Styremøte",
        expected_people=6,
    )
    waitlist.waitlist_join(
        actor=people.rettferd_contact,
        resource=room,
        organisation=people.rettferd,
        starts_at=_at(tuesday, 10),
        ends_at=_at(tuesday, 12),
        purpose="Møte med advokat om en klagesak",
        expected_people=3,
    )
    series.series_create(
        actor=people.wayback_contact,
        resource=oslo["Møterom 2"],
        organisation=people.wayback,
        pattern=Pattern(
            frequency=RecurrenceFrequency.WEEKLY,
            interval=1,
            weekdays=(3,),
            first_day=_open_day(3, weeks_ahead=1),
            starts_at_time=dt.time(12),
            ends_at_time=dt.time(14),
            count=6,
        ),
        purpose="Likepersonsgruppe",
        expected_people=5,
    )


def _evening_in_the_hall(people: People, oslo: dict[str, Resource]) -> None:
    """A Saturday evening in the hall: waits in the staff queue for approval."""
    saturday = _open_day(5, weeks_ahead=2)
    services.booking_create(
        actor=people.wayback_contact,
        resource=oslo["Storsalen"],
        organisation=people.wayback,
        starts_at=_at(saturday, 17),
        ends_at=_at(saturday, 21),
        purpose="Medlemsmøte med middag",
        expected_people=40,
        responsible_name=demo.BOARD_MEMBER.full_name,
        responsible_phone="912 34 567",
    )


def _desk(people: People, oslo: dict[str, Resource]) -> None:
    """Rettferd gets an office desk for two months, approved, with a review date."""
    monday = _open_day(0, weeks_ahead=1)
    last_day = monday + dt.timedelta(weeks=8, days=4)
    while last_day in NORWAY or last_day.weekday() > 4:
        last_day -= dt.timedelta(days=1)
    desk = services.booking_create(
        actor=people.rettferd_contact,
        resource=oslo["Kontorplass 1"],
        organisation=people.rettferd,
        starts_at=_at(monday, 9),
        ends_at=_at(last_day, 15),
        purpose="Saksbehandling og søknadsskriving",
    )
    desk = services.booking_approve(actor=people.lead, booking=desk)
    loans.desk_review_set(actor=people.lead, booking=desk, review_on=monday + dt.timedelta(weeks=4))


def _equipment(people: People, oslo: dict[str, Resource]) -> None:
    """Wayback borrows a projector over two days next week (staff hand it out on the day)."""
    wednesday = _open_day(2, weeks_ahead=1)
    services.booking_create(
        actor=people.wayback_contact,
        resource=oslo["Prosjektor"],
        organisation=people.wayback,
        starts_at=_at(wednesday, 10),
        ends_at=_at(wednesday + dt.timedelta(days=1), 14),
        purpose="Temakveld om løslatelse",
        quantity=1,
    )


def _overdue_laptop(people: People, oslo: dict[str, Resource]) -> None:
    """Rettferd picked up a laptop last week and has not brought it back, so the staff page
    has something overdue to show. Written directly: the services (rightly) refuse to book
    in the past. Equipment holds no occupied time, so a booking row is all a loan is."""
    picked_up = _last_open_day_before(clock.local_today() - dt.timedelta(days=4))
    due_back = _last_open_day_before(clock.local_today() - dt.timedelta(days=1))
    loan = Booking.objects.create(
        resource=oslo["Bærbar PC"],
        organisation=people.rettferd,
        booked_by=people.rettferd_contact,
        starts_at=_at(picked_up, 10),
        ends_at=_at(due_back, 15),
        status=BookingStatus.CONFIRMED,
        purpose="Kurs i regnskap for styret",
        checked_out_at=_at(picked_up, 10),
        checked_out_by=people.lead,
    )
    audit.record(
        actor=people.lead, action="booking.checked_out", obj=loan, scope=audit.scope_for(loan.organisation)
    )


def _last_open_day_before(day: dt.date) -> dt.date:
    while day.weekday() > 4 or day in NORWAY:
        day -= dt.timedelta(days=1)
    return day


def _christmas_eve_closed(people: People) -> None:
    """Oslo closes on Christmas Eve, after the peer group booked its Thursdays: the closures
    page then shows which booking staff must move or cancel."""
    today = clock.local_today()
    christmas_eve = dt.date(today.year if today <= dt.date(today.year, 12, 24) else today.year + 1, 12, 24)
    closures.closure_add(
        actor=people.lead,
        centre=Centre.objects.get(slug="oslo"),
        starts_on=christmas_eve,
        ends_on=christmas_eve,
        reason="Julaften",
    )
