"""The demo data the Quick start shows: complete, valid and safe to load twice."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from batteriet.bookings.models import Resource, ResourceKind
from batteriet.centres.models import Centre
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
def test_a_second_run_adds_nothing():
    _seed()
    counts = {model: model.objects.count() for model in (Centre, Resource)}
    assert "(0 rows added this time)" in _seed()
    assert counts == {model: model.objects.count() for model in (Centre, Resource)}


def test_refuses_to_run_outside_debug():
    with pytest.raises(CommandError):
        _seed()
    assert not Centre.objects.exists()
