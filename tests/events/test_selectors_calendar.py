import datetime as dt

import pytest

from batteriet.centres.models import StaffRole
from batteriet.core import time as clock
from batteriet.events import selectors_calendar as calendar
from batteriet.events.models import Audience
from tests import factories

pytestmark = pytest.mark.django_db


def test_staff_gatherings_are_seen_by_staff_only_and_drafts_by_nobody():
    centre = factories.CentreFactory()
    open_event = factories.EventFactory(centres=[centre])
    staff_event = factories.EventFactory(audience=Audience.STAFF, centres=[centre])
    factories.EventFactory(is_published=False)
    person = factories.UserFactory()
    adviser = factories.staff(centre, StaffRole.ADVISER)
    assert list(calendar.visible_events(person)) == [open_event]
    assert set(calendar.visible_events(adviser)) == {open_event, staff_event}


def test_filters_by_centre_kind_language_and_days():
    oslo, bergen = factories.CentreFactory(slug="oslo"), factories.CentreFactory(slug="bergen")
    start = clock.now().replace(microsecond=0) + dt.timedelta(days=30)
    course = factories.EventFactory(centres=[oslo], starts_at=start, language="nb")
    hearing = factories.EventFactory(
        centres=[bergen], kind="hearing", starts_at=start + dt.timedelta(days=10), language="en"
    )
    both = factories.EventFactory(
        centres=[oslo, bergen], starts_at=start + dt.timedelta(days=20), language="nb_en"
    )
    anyone = factories.UserFactory()
    assert list(calendar.calendar(anyone, calendar.CalendarFilters(centre_slug="oslo"))) == [course, both]
    assert list(calendar.calendar(anyone, calendar.CalendarFilters(kind="hearing"))) == [hearing]
    assert list(calendar.calendar(anyone, calendar.CalendarFilters(language="en"))) == [hearing, both]
    day = hearing.starts_at.astimezone(clock.OSLO).date()
    only_that_day = calendar.CalendarFilters(starts_on=day, ends_on=day)
    assert list(calendar.calendar(anyone, only_that_day)) == [hearing]


def test_places_held_counts_confirmed_and_offered_once_even_with_several_centres():
    oslo, bergen = factories.CentreFactory(), factories.CentreFactory()
    event = factories.EventFactory(centres=[oslo, bergen])
    factories.registration_row(event, factories.UserFactory())
    factories.registration_row(
        event, factories.UserFactory(), status="offered", offer_expires_at=clock.now() + dt.timedelta(hours=5)
    )
    factories.registration_row(event, factories.UserFactory(), status="waiting")
    factories.registration_row(event, factories.UserFactory(), status="cancelled")
    [row] = calendar.calendar(factories.UserFactory(), calendar.CalendarFilters())
    assert row.held == 2


def test_the_calendar_costs_the_same_queries_for_many_events(django_assert_num_queries):
    centre = factories.CentreFactory()
    for _ in range(12):
        event = factories.EventFactory(centres=[centre])
        factories.registration_row(event, factories.UserFactory())
    person = factories.UserFactory()
    with django_assert_num_queries(3):  # is-staff check, events, their centres
        rows = list(calendar.calendar(person, calendar.CalendarFilters()))
        assert all(row.centres.all() for row in rows)
