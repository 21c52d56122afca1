"""Reads: what clashes, when things are busy, how much equipment is out."""

import dataclasses
import datetime as dt

import pytest

from batteriet.bookings import selectors, services
from batteriet.bookings.models import Resource
from batteriet.bookings.selectors import BusyInterval, BusyKind
from tests import factories

pytestmark = pytest.mark.django_db

at = factories.at


def book(actor, resource, organisation, starts_at, ends_at, **kwargs):
    return services.booking_create(
        actor=actor,
        resource=resource,
        organisation=organisation,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose="Årsmøte",
        **kwargs,
    )


def whole_day(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return at(day, 0), at(day + dt.timedelta(days=1), 0)


def test_availability_of_a_room_shows_what_holds_it_and_the_buffer(room, booker, adviser, day):
    organisation, person = booker
    Resource.objects.filter(pk=room.pk).update(buffer_minutes=15)
    room.refresh_from_db()
    book(person, room, organisation, at(day, 9), at(day, 10))
    services.booking_block(
        actor=adviser, resource=room, starts_at=at(day, 12), ends_at=at(day, 13), reason="Maling"
    )
    cancelled = book(person, room, organisation, at(day, 14), at(day, 15))
    services.booking_cancel(actor=person, booking=cancelled)
    Resource.objects.filter(pk=room.pk).update(requires_approval=True)
    book(person, room, organisation, at(day, 10, 30), at(day, 11))

    assert selectors.availability(room, *whole_day(day)) == [
        BusyInterval(at(day, 9), at(day, 10, 15), BusyKind.CONFIRMED),
        BusyInterval(at(day, 10, 30), at(day, 11, 15), BusyKind.REQUESTED),
        BusyInterval(at(day, 12), at(day, 13, 15), BusyKind.BLOCKED),
    ]
    assert selectors.availability(room, at(day, 11, 15), at(day, 12)) == []  # touching only
    assert selectors.availability(room, at(day, 11), at(day, 12)) == [
        BusyInterval(at(day, 10, 30), at(day, 11, 15), BusyKind.REQUESTED)
    ]


def test_availability_holds_no_personal_data():
    assert {field.name for field in dataclasses.fields(BusyInterval)} == {
        "starts_at",
        "ends_at",
        "kind",
        "quantity",
    }


def test_availability_of_a_hall_and_its_parts(centre, booker, day):
    organisation, person = booker
    hall, (part_a, part_b) = factories.ResourceFactory.hall_with_parts(centre=centre)
    book(person, part_a, organisation, at(day, 9), at(day, 10))
    book(person, hall, organisation, at(day, 12), at(day, 14))

    span = whole_day(day)
    assert selectors.availability(hall, *span) == [
        BusyInterval(at(day, 9), at(day, 10), BusyKind.PART_BOOKED),
        BusyInterval(at(day, 12), at(day, 14), BusyKind.CONFIRMED),
    ]
    assert selectors.availability(part_a, *span) == [
        BusyInterval(at(day, 9), at(day, 10), BusyKind.CONFIRMED),
        BusyInterval(at(day, 12), at(day, 14), BusyKind.CONFIRMED),
    ]
    # The other part is free while part A is booked; only the whole hall's booking holds it.
    assert selectors.availability(part_b, *span) == [
        BusyInterval(at(day, 12), at(day, 14), BusyKind.CONFIRMED)
    ]


def test_availability_of_equipment_counts_units(centre, booker, day):
    organisation, person = booker
    projector = factories.ResourceFactory.equipment(centre=centre, stock=2)
    book(person, projector, organisation, at(day, 9), at(day, 12))
    book(person, projector, organisation, at(day, 11), at(day, 15))

    assert selectors.availability(projector, *whole_day(day)) == [
        BusyInterval(at(day, 9), at(day, 11), BusyKind.IN_USE, 1),
        BusyInterval(at(day, 11), at(day, 12), BusyKind.FULLY_BOOKED, 2),
        BusyInterval(at(day, 12), at(day, 15), BusyKind.IN_USE, 1),
    ]
    assert selectors.peak_quantity(projector, at(day, 9), at(day, 11)) == 1
    assert selectors.peak_quantity(projector, at(day, 9), at(day, 16)) == 2
    assert selectors.peak_quantity(projector, at(day, 15), at(day, 16)) == 0


def test_equipment_buffer_counts_as_busy(centre, booker, day):
    organisation, person = booker
    camera = factories.ResourceFactory.equipment(centre=centre, stock=1, buffer_minutes=60)
    book(person, camera, organisation, at(day, 9), at(day, 12))
    assert selectors.peak_quantity(camera, at(day, 12, 30), at(day, 14)) == 1
    assert selectors.peak_quantity(camera, at(day, 13), at(day, 14)) == 0
    assert [
        booking.starts_at for booking in selectors.bookings_overlapping(camera, at(day, 12, 30), at(day, 14))
    ] == [at(day, 9)]


def test_bookings_overlapping(centre, room, booker, day):
    organisation, person = booker
    first = book(person, room, organisation, at(day, 9), at(day, 10))
    second = book(person, room, organisation, at(day, 10), at(day, 11))

    assert list(selectors.bookings_overlapping(room, at(day, 9, 30), at(day, 10, 30))) == [first, second]
    assert list(selectors.bookings_overlapping(room, at(day, 10), at(day, 12))) == [second]
    assert list(selectors.bookings_overlapping(room, at(day, 11), at(day, 12))) == []
    assert list(selectors.bookings_overlapping(room, at(day, 8), at(day, 12), exclude=first)) == [second]

    hall, (part, _other) = factories.ResourceFactory.hall_with_parts(centre=centre)
    in_hall = book(person, hall, organisation, at(day, 13), at(day, 14))
    assert list(selectors.bookings_overlapping(part, at(day, 13, 30), at(day, 15))) == [in_hall]


def test_centre_availability_matches_each_resource_in_two_queries(
    centre, room, booker, adviser, day, django_assert_num_queries
):
    organisation, person = booker
    hall, (part_a, part_b) = factories.ResourceFactory.hall_with_parts(centre=centre)
    projector = factories.ResourceFactory.equipment(centre=centre, stock=2, buffer_minutes=30)
    factories.ResourceFactory.bookable_now(centre=centre, is_active=False)
    factories.ResourceFactory.bookable_now(centre=factories.CentreFactory())  # another centre: not listed
    span = (at(day, 0), at(day + dt.timedelta(days=3), 0))

    def check(expected_rows: int) -> None:
        with django_assert_num_queries(2):
            result = selectors.centre_availability(centre, *span)
        assert [entry.resource for entry in result] == sorted(
            [room, hall, part_a, part_b, projector], key=lambda r: (r.kind, r.name)
        )
        for entry in result:
            assert entry.busy == selectors.availability(entry.resource, *span)
        assert sum(len(entry.busy) for entry in result) == expected_rows

    check(0)
    book(person, room, organisation, at(day, 9), at(day, 10))
    book(person, part_a, organisation, at(day, 10), at(day, 11))
    book(person, projector, organisation, at(day, 9), at(day, 12))
    services.booking_block(
        actor=adviser, resource=hall, starts_at=at(day, 14), ends_at=at(day, 16), reason="Rydding"
    )
    # room 1; hall: part booked + block; part A: its own + block; part B: block; projector 1
    check(7)
    for offset in range(3):
        later = day + dt.timedelta(days=offset)
        book(adviser, room, organisation, at(later, 12), at(later, 13))
        book(adviser, projector, organisation, at(later, 13), at(later, 14), quantity=2)
    check(7 + 3 + 3)


def test_centre_availability_without_resources_needs_one_query(centre, day, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.centre_availability(centre, *whole_day(day)) == []


def test_closures_and_opening_hours_for_the_rules(centre, day):
    from batteriet.bookings.models import Closure

    Closure.objects.create(centre=centre, starts_on=day, ends_on=day + dt.timedelta(days=2), reason="Sommer")
    assert selectors.closures_between(centre, day + dt.timedelta(days=1), day + dt.timedelta(days=1)) == [
        (day, day + dt.timedelta(days=2))
    ]
    assert selectors.closures_between(centre, day + dt.timedelta(days=3), day + dt.timedelta(days=9)) == []
    assert sorted(span.weekday for span in selectors.opening_spans(centre)) == [0, 1, 2, 3, 4]
