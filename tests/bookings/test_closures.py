"""Centre staff close their centre for some days: the rules, the services, the page, and the
bookings on closed days that staff must move or cancel."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from batteriet.bookings import rules, selectors, services
from batteriet.bookings.models import BookingStatus, Closure
from batteriet.bookings.services import closures as closure_services
from batteriet.core import audit
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

at = factories.at
LONG = "x" * 20_000
SCRIPT = "<script>alert(1)</script>"
TODAY = dt.date(2027, 3, 10)


def days(n: int) -> dt.date:
    return clock.local_today() + dt.timedelta(days=n)


# --- Rules ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("starts_on", "ends_on", "overlapping", "code"),
    [
        (TODAY, TODAY, [], None),
        (TODAY - dt.timedelta(days=5), TODAY, [], None),  # still going on today
        (TODAY, TODAY + dt.timedelta(days=365), [], None),  # 366 days
        (TODAY, TODAY + dt.timedelta(days=366), [], "closure_too_long"),
        (TODAY + dt.timedelta(days=2), TODAY + dt.timedelta(days=1), [], "closure_ends_before_start"),
        (TODAY - dt.timedelta(days=3), TODAY - dt.timedelta(days=1), [], "closure_in_past"),
        (
            TODAY,
            TODAY + dt.timedelta(days=3),
            [(TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=9))],
            "closure_overlaps",
        ),
        (TODAY, TODAY + dt.timedelta(days=3), [(TODAY - dt.timedelta(days=9), TODAY)], "closure_overlaps"),
        (
            TODAY,
            TODAY + dt.timedelta(days=3),
            [(TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=1))],
            "closure_overlaps",
        ),
        (
            TODAY,
            TODAY + dt.timedelta(days=3),
            [(TODAY + dt.timedelta(days=4), TODAY + dt.timedelta(days=9))],
            None,
        ),
        (
            TODAY,
            TODAY + dt.timedelta(days=3),
            [(TODAY - dt.timedelta(days=9), TODAY - dt.timedelta(days=1))],
            None,
        ),
    ],
)
def test_closure_dates(starts_on, ends_on, overlapping, code):
    check = lambda: rules.check_closure_dates(  # noqa: E731
        starts_on=starts_on, ends_on=ends_on, today=TODAY, overlapping=overlapping
    )
    if code is None:
        check()
        return
    with pytest.raises(RuleViolation) as caught:
        check()
    assert caught.value.code == code
    assert str(caught.value.message).strip()


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("Sommerferie", None),
        ("x" * 200, None),
        ("", "closure_reason_required"),
        ("   ", "closure_reason_required"),
        ("x" * 201, "closure_reason_too_long"),
    ],
)
def test_closure_reason(reason, code):
    if code is None:
        rules.check_closure_reason(reason)
        return
    with pytest.raises(RuleViolation) as caught:
        rules.check_closure_reason(reason)
    assert caught.value.code == code


# --- Services ---------------------------------------------------------------------------
def add(actor, centre, starts_on, ends_on, reason="Sommerferie") -> Closure:
    return closure_services.closure_add(
        actor=actor, centre=centre, starts_on=starts_on, ends_on=ends_on, reason=reason
    )


def refused(call, *args, **kwargs) -> str:
    before = list(Closure.objects.values()), AuditEntry.objects.count()
    with pytest.raises(RuleViolation) as caught:
        call(*args, **kwargs)
    assert (list(Closure.objects.values()), AuditEntry.objects.count()) == before
    return caught.value.code


def test_staff_close_their_centre_and_it_is_audited(centre, adviser):
    closure = add(adviser, centre, days(30), days(40), "  Sommerferie ")

    assert (closure.centre, closure.starts_on, closure.ends_on, closure.reason) == (
        centre,
        days(30),
        days(40),
        "Sommerferie",
    )
    entry = AuditEntry.objects.get(action="closure.added")
    assert entry.actor == adviser and entry.scope == audit.scope_for(centre)
    assert entry.changes["starts_on"] == days(30).isoformat()

    closure_services.closure_remove(actor=adviser, closure=closure)
    assert not Closure.objects.exists()
    removed = AuditEntry.objects.get(action="closure.removed")
    assert removed.scope == audit.scope_for(centre) and removed.object_id == str(closure.pk)


def test_staff_of_one_centre_cannot_close_or_open_another(centre):
    other = factories.CentreFactory(slug="vest")
    adviser_b = factories.staff(other)
    closure = Closure.objects.create(centre=centre, starts_on=days(5), ends_on=days(6), reason="Fagdag")
    _organisation, member = factories.booker(centre)

    assert refused(add, adviser_b, centre, days(30), days(31)) == "not_allowed"
    assert refused(add, member, centre, days(30), days(31)) == "not_allowed"
    assert refused(closure_services.closure_remove, actor=adviser_b, closure=closure) == "not_allowed"
    assert Closure.objects.filter(pk=closure.pk).exists()
    # The national coordinator works for every centre.
    add(factories.national_coordinator(), other, days(30), days(31))


def test_overlapping_past_and_bad_closures_are_refused(centre, adviser):
    add(adviser, centre, days(10), days(20))
    # Another centre's closure does not count.
    add(factories.national_coordinator(), factories.CentreFactory(slug="nord"), days(15), days(25))

    assert refused(add, adviser, centre, days(20), days(25)) == "closure_overlaps"
    assert refused(add, adviser, centre, days(1), days(10)) == "closure_overlaps"
    assert refused(add, adviser, centre, days(-5), days(-1)) == "closure_in_past"
    assert refused(add, adviser, centre, days(5), days(4)) == "closure_ends_before_start"
    assert refused(add, adviser, centre, days(1), days(500)) == "closure_too_long"
    assert refused(add, adviser, centre, days(1), days(2), "") == "closure_reason_required"
    assert refused(add, adviser, centre, days(1), days(2), LONG) == "closure_reason_too_long"
    add(adviser, centre, days(21), days(21))


def test_a_closure_that_is_over_cannot_be_removed(centre, adviser):
    over = Closure.objects.create(centre=centre, starts_on=days(-10), ends_on=days(-1), reason="Fagdag")
    today = Closure.objects.create(centre=centre, starts_on=days(-2), ends_on=days(0), reason="Fagdag")

    assert refused(closure_services.closure_remove, actor=adviser, closure=over) == "closure_over"
    closure_services.closure_remove(actor=adviser, closure=today)
    assert list(Closure.objects.all()) == [over]


def test_bookings_on_days_closed_afterwards_are_listed_and_new_ones_refused(
    centre, room, booker, adviser, day
):
    organisation, person = booker
    before = factories.booking_row(
        room, organisation, at(day, 10), at(day, 11), status=BookingStatus.CONFIRMED
    )
    # Touches the closed day only at midnight (half-open): not on it.
    factories.booking_row(
        room, organisation, at(day - dt.timedelta(days=1), 22), at(day, 0), status=BookingStatus.CONFIRMED
    )
    factories.booking_row(room, organisation, at(day, 12), at(day, 13), status=BookingStatus.CANCELLED)
    elsewhere = factories.ResourceFactory.bookable_now(centre=factories.CentreFactory(slug="sor"))
    factories.booking_row(elsewhere, organisation, at(day, 10), at(day, 11), status=BookingStatus.CONFIRMED)

    closure = add(adviser, centre, day, day, "Fagdag")

    with CaptureQueriesContext(connection) as captured:
        listed = list(selectors.bookings_on_closed_days(closure))
    assert listed == [before]
    assert len(captured.captured_queries) == 1
    assert selectors.bookings_on_closures([closure]) == {closure.pk: [before]}
    before.refresh_from_db()
    assert before.status == BookingStatus.CONFIRMED  # closing cancels nothing by itself

    with pytest.raises(RuleViolation) as caught:
        services.booking_create(
            actor=person,
            resource=room,
            organisation=organisation,
            starts_at=at(day, 14),
            ends_at=at(day, 15),
            purpose="Styremøte",
        )
    assert caught.value.code == "closed"


# --- The page ---------------------------------------------------------------------------
def _post(starts_on, ends_on, reason="Sommerferie", **extra) -> dict:
    return {"starts_on": str(starts_on), "ends_on": str(ends_on), "reason": reason, **extra}


def test_staff_close_the_centre_from_the_page(client, centre, room, booker, adviser, day):
    booking = factories.booking_row(room, booker[0], at(day, 10), at(day, 11), status=BookingStatus.CONFIRMED)
    client.force_login(adviser)
    client.cookies["language"] = "en"
    url = reverse("bookings:closures")

    body = client.get(url).content.decode()
    assert 'name="centre"' not in body  # one centre: nothing to choose
    assert "<legend" in body and 'type="date"' in body and "Public holidays" in body

    response = client.post(url, _post(day, day + dt.timedelta(days=2), "Fagdag"), follow=True)

    assert response.redirect_chain[-1][0] == url
    closure = Closure.objects.get()
    assert (closure.centre, closure.starts_on, closure.ends_on) == (centre, day, day + dt.timedelta(days=2))
    body = response.content.decode()
    assert "1 booking is already on those days" in body
    assert "Fagdag" in body
    assert reverse("bookings:staff_move", args=[booking.pk]) in body
    assert reverse("bookings:staff_cancel", args=[booking.pk]) in body
    assert reverse("bookings:closure_remove", args=[closure.pk]) in body

    response = client.post(reverse("bookings:closure_remove", args=[closure.pk]), follow=True)
    assert not Closure.objects.exists()
    assert "removed" in response.content.decode()


def test_staff_at_several_centres_choose_the_centre(client, centre):
    other = factories.CentreFactory(slug="vest", name="Batteriet Vest")
    coordinator = factories.national_coordinator()
    client.force_login(coordinator)
    url = reverse("bookings:closures")
    assert 'name="centre"' in client.get(url).content.decode()

    response = client.post(url, _post(days(3), days(3), centre=str(other.pk)))

    assert response.status_code == 302
    assert Closure.objects.get().centre == other


def test_a_staff_member_cannot_pick_another_centre(client, centre):
    factories.CentreFactory(slug="vest")
    adviser = factories.staff(centre)
    client.force_login(adviser)
    other_closure = Closure.objects.create(
        centre=factories.CentreFactory(slug="nord"), starts_on=days(3), ends_on=days(4), reason="Fagdag"
    )
    body = client.get(reverse("bookings:closures")).content.decode()
    assert "Fagdag" not in body

    response = client.post(reverse("bookings:closure_remove", args=[other_closure.pk]))
    assert response.status_code == 404
    assert Closure.objects.filter(pk=other_closure.pk).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_on": ""}, "starts_on"),
        ({"ends_on": ""}, "ends_on"),
        ({"starts_on": "tull"}, "starts_on"),
        ({"ends_on": "2027-02-30"}, "ends_on"),
        ({"starts_on": "1999-01-01"}, "starts_on"),
        ({"ends_on": str(days(2))}, "ends_on"),  # before the first day
        ({"starts_on": str(days(-9)), "ends_on": str(days(-8))}, "ends_on"),  # over
        ({"reason": LONG}, "reason"),
        ({"reason": ""}, "reason"),
        ({"starts_on": SCRIPT, "reason": SCRIPT}, "starts_on"),
    ],
)
def test_bad_input_gives_a_message_and_stores_nothing(client, centre, adviser, changes, field):
    Closure.objects.create(centre=centre, starts_on=days(40), ends_on=days(41), reason="Sommer")
    client.force_login(adviser)
    before = list(Closure.objects.values()), AuditEntry.objects.count()

    response = client.post(reverse("bookings:closures"), {**_post(days(5), days(6)), **changes})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in body and f'id="id_{field}_error"' in body
    assert SCRIPT not in body
    assert (list(Closure.objects.values()), AuditEntry.objects.count()) == before


def test_overlap_on_the_page_gives_a_message(client, centre, adviser):
    Closure.objects.create(centre=centre, starts_on=days(5), ends_on=days(9), reason="Sommer")
    client.force_login(adviser)
    client.cookies["language"] = "en"

    body = client.post(reverse("bookings:closures"), _post(days(8), days(12))).content.decode()

    assert "already closed from" in body
    assert Closure.objects.count() == 1


def test_organisations_see_coming_closures_on_the_centre_page(client, centre, booker):
    Closure.objects.create(centre=centre, starts_on=days(20), ends_on=days(22), reason="Sommerferie")
    Closure.objects.create(centre=centre, starts_on=days(-5), ends_on=days(-1), reason="Over nå")
    Closure.objects.create(centre=centre, starts_on=days(400), ends_on=days(401), reason="Langt fram")
    Closure.objects.create(
        centre=factories.CentreFactory(slug="vest"),
        starts_on=days(20),
        ends_on=days(22),
        reason="Annet senter",
    )
    client.force_login(booker[1])
    client.cookies["language"] = "en"

    body = client.get(reverse("bookings:resources", args=[centre.slug])).content.decode()

    assert "Closed:" in body and "Sommerferie" in body
    assert "Over nå" not in body and "Langt fram" not in body and "Annet senter" not in body


def test_the_page_runs_a_fixed_number_of_queries(client, centre, room, booker, adviser):
    client.force_login(adviser)
    url = reverse("bookings:closures")

    closed_days: list[dt.date] = []

    def add_closure_with_bookings() -> None:
        day = factories.bookable_day(weekday=2, weeks_ahead=2, after=closed_days[-1] if closed_days else None)
        closed_days.append(day)
        Closure.objects.create(centre=centre, starts_on=day, ends_on=day, reason=f"Fagdag {day}")
        for hour in (10, 12):
            factories.booking_row(
                room, booker[0], at(day, hour), at(day, hour + 1), status=BookingStatus.CONFIRMED
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured.captured_queries)

    add_closure_with_bookings()
    few = queries()
    for _ in range(6):
        add_closure_with_bookings()
    many = queries()
    assert client.get(url).content.decode().count("Fagdag") == 7

    assert many == few
    assert few <= 25
