"""Constraints in the database, resource validation and the personal data declarations."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from batteriet.bookings.models import Booking, BookingStatus, Closure, Occupancy, Resource
from tests import factories
from tests.core.test_personal_data import looks_personal, undeclared_personal_fields

pytestmark = pytest.mark.django_db

at = factories.at


def test_every_personal_field_of_bookings_is_declared():
    models = list(apps.get_app_config("bookings").get_models())
    assert undeclared_personal_fields(models) == []
    personal = {f"{m.__name__}.{f.name}" for m in models for f in m._meta.get_fields() if looks_personal(f)}
    assert {"Booking.booked_by", "Booking.decided_by", "Booking.cancelled_by"} <= personal


@pytest.fixture
def booking(room, booker, day):
    organisation, person = booker
    return Booking.objects.create(
        resource=room,
        organisation=organisation,
        booked_by=person,
        starts_at=at(day, 10),
        ends_at=at(day, 11),
        status=BookingStatus.CONFIRMED,
    )


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"ends_at_hour": 9}, "bookings_booking_ends_after_start"),
        ({"ends_at_hour": 10}, "bookings_booking_ends_after_start"),
        ({"quantity": 0}, "bookings_booking_quantity_at_least_one"),
        ({"expected_people": 0}, "bookings_booking_expected_people_at_least_one"),
        ({"status": BookingStatus.DECLINED}, "bookings_booking_declined_has_reason"),
    ],
)
def test_booking_constraints(booking, day, changes, constraint):
    if "ends_at_hour" in changes:
        booking.ends_at = at(day, changes.pop("ends_at_hour"))
    for name, value in changes.items():
        setattr(booking, name, value)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        booking.save()


def test_occupancy_and_closure_constraints(booking, room, centre, day):
    with pytest.raises(IntegrityError, match="bookings_occupancy_ends_after_start"), transaction.atomic():
        Occupancy.objects.create(booking=booking, resource=room, starts_at=at(day, 11), ends_at=at(day, 11))
    with pytest.raises(IntegrityError, match="bookings_closure_ends_on_or_after_start"), transaction.atomic():
        Closure.objects.create(centre=centre, starts_on=day, ends_on=day - dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"stock": 0}, "bookings_resource_stock_at_least_one"),
        ({"capacity": 0}, "bookings_resource_capacity_at_least_one"),
        (
            {"min_duration_minutes": 60, "max_duration_minutes": 30},
            "bookings_resource_duration_limits_in_order",
        ),
        ({"min_duration_minutes": 0}, "bookings_resource_duration_limits_in_order"),
        ({"parent_id": "self"}, "bookings_resource_not_own_parent"),
    ],
)
def test_resource_constraints(room, changes, constraint):
    for name, value in changes.items():
        setattr(room, name, room.pk if value == "self" else value)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        room.save()


def test_a_resource_name_is_unique_per_centre(room, centre):
    # PostgreSQL names the constraint; SQLite names the columns.
    with (
        pytest.raises(IntegrityError, match=r"unique_name_per_centre|UNIQUE.*centre_id"),
        transaction.atomic(),
    ):
        factories.ResourceFactory(centre=centre, name=room.name)
    assert factories.ResourceFactory(name=room.name)  # another centre may use it


def _parent_error(resource: Resource) -> str:
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            resource.full_clean()
        return " ".join(str(message) for message in caught.value.message_dict["parent"])


def test_a_hall_is_divided_once_within_one_centre(centre):
    hall, (part, _other) = factories.ResourceFactory.hall_with_parts(centre=centre)
    part.full_clean()

    elsewhere = factories.ResourceFactory.build(centre=factories.CentreFactory(), parent=hall)
    assert "same centre" in _parent_error(elsewhere)
    nested = factories.ResourceFactory.build(centre=centre, parent=part)
    assert "divided only once" in _parent_error(nested)
    hall.parent = factories.ResourceFactory(centre=centre)
    assert "parts of its own" in _parent_error(hall)
    hall.parent = hall
    assert "part of itself" in _parent_error(hall)
    projector = factories.ResourceFactory.equipment(centre=centre)
    assert "Equipment" in _parent_error(factories.ResourceFactory.build(centre=centre, parent=projector))


@pytest.mark.django_db
def test_a_resource_is_booked_at_most_ten_years_ahead():
    """A larger horizon would overflow date arithmetic in the rules and the feeds."""
    resource = factories.ResourceFactory(max_horizon_days=3650)
    with pytest.raises(IntegrityError), transaction.atomic():
        Resource.objects.filter(pk=resource.pk).update(max_horizon_days=3651)
