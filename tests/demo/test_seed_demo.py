"""The demo data the Quick start shows: complete, valid and safe to load twice."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from batteriet.bookings import selectors_loans
from batteriet.bookings.models import (
    Booking,
    BookingStatus,
    Closure,
    Resource,
    ResourceKind,
    WaitlistEntry,
    WaitlistStatus,
)
from batteriet.centres.models import Centre
from batteriet.core import time as clock
from batteriet.demo import data as demo

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--quiet-logins", stdout=out)
    return out.getvalue()


@override_settings(DEBUG=True)
def test_every_centre_lends_rooms_premises_desks_and_equipment():
    _seed()
    for centre in Centre.objects.all():
        kinds = set(centre.resources.values_list("kind", flat=True))
        assert kinds == set(ResourceKind.values), centre.slug
    oslo_hall = Resource.objects.get(centre__slug="oslo", name="Storsalen")
    assert sorted(oslo_hall.parts.values_list("name", flat=True)) == [
        "Storsalen – del A",
        "Storsalen – del B",
    ]
    assert Resource.objects.count() == sum(len(demo.resources_for(c.slug)) for c in demo.CENTRES)


@override_settings(DEBUG=True)
def test_oslo_has_bookings_in_every_state_a_visitor_should_see():
    _seed()
    wayback = Booking.objects.filter(organisation__name="Wayback")
    assert wayback.filter(resource__name="Møterom 1", status=BookingStatus.CONFIRMED).count() == 1
    assert wayback.filter(resource__name="Møterom 2", series__isnull=False).count() == 6
    hall = wayback.get(resource__name="Storsalen")
    assert (hall.status, hall.responsible_phone) == (BookingStatus.REQUESTED, "+4791234567")
    assert wayback.filter(resource__kind=ResourceKind.EQUIPMENT).count() == 1
    desk = Booking.objects.get(resource__name="Kontorplass 1", resource__centre__slug="oslo")
    assert desk.status == BookingStatus.CONFIRMED and desk.review_on is not None
    assert WaitlistEntry.objects.filter(status=WaitlistStatus.WAITING).count() == 1
    assert Closure.objects.filter(centre__slug="oslo", reason="Julaften").count() == 1
    (overdue,) = selectors_loans.overdue_loans(now=clock.now())
    assert overdue.resource.name == "Bærbar PC"


@override_settings(DEBUG=True)
def test_a_second_run_adds_nothing():
    _seed()
    models = (Centre, Resource, Booking, WaitlistEntry)
    counts = {model: model.objects.count() for model in models}
    assert "(0 rows added this time)" in _seed()
    assert counts == {model: model.objects.count() for model in models}


def test_refuses_to_run_outside_debug():
    with pytest.raises(CommandError):
        _seed()
    assert not Centre.objects.exists()
