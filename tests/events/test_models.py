"""The rules the database itself keeps for events, sessions and registrations."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from batteriet.core import time as clock
from batteriet.events.models import Registration, Session
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def stored_nothing(write) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_one_active_registration_per_person_and_event():
    event, person = factories.EventFactory(), factories.UserFactory()
    factories.registration_row(event, person)

    stored_nothing(lambda: factories.registration_row(event, person, status="waiting"))
    factories.registration_row(factories.EventFactory(), person)  # another event is fine
    assert Registration.objects.filter(person=person).count() == 2


def test_a_cancelled_registration_does_not_block_a_new_one():
    event, person = factories.EventFactory(), factories.UserFactory()
    factories.registration_row(event, person, status="cancelled")
    factories.registration_row(event, person, status="expired")

    factories.registration_row(event, person)
    assert Registration.objects.filter(event=event, person=person).count() == 3


def test_an_offer_has_a_deadline_and_a_registration_has_someone():
    event = factories.EventFactory()
    stored_nothing(lambda: factories.registration_row(event, factories.UserFactory(), status="offered"))
    stored_nothing(lambda: factories.registration_row(event, None))
    walk_in = factories.registration_row(event, None, name="Kari Nordmann")
    assert walk_in.display_name == "Kari Nordmann"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"capacity": 0}, "Room for at least one person, or leave it empty."),
        ({"offer_hold_hours": 0}, "Hold an offered place for at least one hour."),
        ({"venue": ""}, "Write where the event is held."),
        ({"place_kind": "online", "online_link": ""}, "Give the link people use to join."),
    ],
)
def test_an_event_says_what_is_wrong(fields, message):
    event = factories.EventFactory.build(**fields)

    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    assert message in str(caught.value)


def test_times_run_forwards():
    start = clock.now() + dt.timedelta(days=3)
    event = factories.EventFactory.build(starts_at=start, ends_at=start)
    with pytest.raises(ValidationError, match="The end must be after the start"):
        event.full_clean()
    event = factories.EventFactory.build(
        registration_opens_at=start, registration_closes_at=start - dt.timedelta(hours=1)
    )
    with pytest.raises(ValidationError, match="Registration must close after it opens"):
        event.full_clean()
    event = factories.EventFactory()
    stored_nothing(
        lambda: Session.objects.create(event=event, title="Kveld 1", starts_at=start, ends_at=start)
    )
    stored_nothing(
        lambda: Session.objects.create(
            event=event, title="Kveld 1", starts_at=start, ends_at=start + dt.timedelta(hours=2), capacity=0
        )
    )


@pytest.mark.django_db
def test_asking_for_an_event_permission_without_an_object_answers_no():
    """Django admin asks for permissions without an object; that must never raise."""
    user = factories.UserFactory()
    assert not user.has_perm("events.manage_event")
    assert not user.has_perm("events.act_on_registration")
