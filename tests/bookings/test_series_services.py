"""Recurring bookings against the database: preview, book the free ones or all, quota,
agreement, cancel and change this and later times."""

import datetime as dt
from types import SimpleNamespace

import holidays
import icalendar
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from batteriet.bookings import recurrence, services
from batteriet.bookings.models import Booking, BookingStatus, Occupancy, RecurrenceFrequency, Series
from batteriet.bookings.services import series as series_services
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

at = factories.at


def ordinary_weeks(weekday: int, weeks: int) -> dt.date:
    """A `weekday` at least a week ahead from which `weeks` weeks in a row have no public holiday."""
    day = factories.bookable_day(weekday=weekday)
    calendar = holidays.country_holidays("NO", years=range(day.year, day.year + 2))
    while True:
        monday = day - dt.timedelta(days=day.weekday())
        if not any(monday + dt.timedelta(days=offset) in calendar for offset in range(7 * weeks)):
            return day
        day += dt.timedelta(weeks=1)


def weekly(first_day: dt.date, *, weekdays=(1,), count=4, start=10, end=11, **kwargs) -> recurrence.Pattern:
    return recurrence.Pattern(
        frequency=RecurrenceFrequency.WEEKLY,
        interval=kwargs.pop("interval", 1),
        weekdays=weekdays,
        first_day=first_day,
        starts_at_time=dt.time(start),
        ends_at_time=dt.time(end),
        count=count,
        **kwargs,
    )


def stored() -> tuple[int, int, int, int]:
    return (
        Series.objects.count(),
        Booking.objects.count(),
        Occupancy.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def ctx(centre, room, booker, adviser, settings):
    organisation, person = booker
    tuesday = ordinary_weeks(weekday=1, weeks=5)
    return SimpleNamespace(
        centre=centre,
        room=room,
        organisation=organisation,
        person=person,
        adviser=adviser,
        tuesday=tuesday,
        settings=settings,
    )


def preview(ctx, pattern, **kwargs):
    kwargs.setdefault("actor", ctx.person)
    kwargs.setdefault("resource", ctx.room)
    return series_services.series_preview(
        organisation=ctx.organisation, pattern=pattern, purpose="Samtalegruppe", **kwargs
    )


def create(ctx, pattern, **kwargs):
    kwargs.setdefault("actor", ctx.person)
    kwargs.setdefault("resource", ctx.room)
    return series_services.series_create(
        organisation=ctx.organisation, pattern=pattern, purpose="Samtalegruppe", **kwargs
    )


def taken(ctx, day: dt.date, start=10, end=11) -> Booking:
    other, _person = factories.booker(ctx.centre)
    return factories.booking_row(
        ctx.room, other, at(day, start), at(day, end), status=BookingStatus.CONFIRMED
    )


def week(ctx, n: int) -> dt.date:
    return ctx.tuesday + dt.timedelta(weeks=n)


# --- Preview --------------------------------------------------------------------------
def test_the_preview_shows_every_time_and_which_clash_and_stores_nothing(ctx):
    taken(ctx, week(ctx, 1), 10, 12)
    ctx.centre.closures.create(starts_on=week(ctx, 3), ends_on=week(ctx, 3), reason="Maling")
    before = stored()

    times = preview(ctx, weekly(ctx.tuesday))

    assert stored() == before
    assert [(t.starts_at, t.ends_at) for t in times] == [
        (at(week(ctx, n), 10), at(week(ctx, n), 11)) for n in range(4)
    ]
    assert [t.ok for t in times] == [True, False, True, False]
    assert [t.code for t in times] == ["", "booking_conflict", "", "closed"]
    assert all(t.reason for t in times if not t.ok)


def test_the_preview_reads_the_same_number_of_queries_for_2_or_40_times(ctx):
    def queries(count: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            preview(ctx, weekly(ctx.tuesday, weekdays=(1, 3), count=count, start=12, end=13))
        return len(captured.captured_queries)

    taken(ctx, week(ctx, 3), start=12, end=13)
    queries(1)  # who the person is and what they belong to is read once, then remembered
    assert queries(40) == queries(2) <= 7


def test_the_preview_marks_a_public_holiday_closed(ctx):
    """Whichever holiday comes next on a weekday, the series through it shows it closed."""
    calendar = holidays.country_holidays("NO", years=range(ctx.tuesday.year, ctx.tuesday.year + 2))
    holiday = min(
        day for day in calendar if day > clock.local_today() + dt.timedelta(days=2) and day.weekday() < 5
    )
    ctx.room.max_horizon_days = 400
    ctx.room.save()
    pattern = weekly(holiday - dt.timedelta(weeks=1), weekdays=(holiday.weekday(),), count=2)
    if pattern.first_day <= clock.local_today():
        pattern = weekly(holiday, weekdays=(holiday.weekday(),), count=1)

    times = preview(ctx, pattern)

    closed = [t for t in times if t.starts_at.date() == holiday]
    assert len(closed) == 1
    assert (closed[0].ok, closed[0].code) == (False, "closed_holiday")


def test_the_preview_refuses_what_concerns_the_whole_series(ctx):
    outsider = factories.UserFactory()
    for kwargs, code in [
        ({"actor": outsider}, "not_allowed"),
        ({"expected_people": 500}, "over_capacity"),
    ]:
        with pytest.raises(RuleViolation) as caught:
            preview(ctx, weekly(ctx.tuesday), **kwargs)
        assert caught.value.code == code
    with pytest.raises(RuleViolation) as caught:
        series_services.series_preview(
            actor=ctx.person,
            resource=ctx.room,
            organisation=ctx.organisation,
            pattern=weekly(ctx.tuesday),
            purpose=" ",
        )
    assert caught.value.code == "purpose_required"


def test_times_too_far_ahead_or_too_soon_are_marked(ctx):
    ctx.room.max_horizon_days = 21
    ctx.room.save()
    today = clock.local_today()
    times = preview(ctx, weekly(today, weekdays=(today.weekday(),), count=6, start=9, end=10))
    codes = {t.code for t in times if not t.ok}
    assert "too_far_ahead" in codes
    assert codes <= {
        "too_far_ahead",
        "in_the_past",
        "too_short_notice",
        "outside_opening_hours",
        "closed_holiday",
        "closed",
    }


# --- Book the free ones, or all -------------------------------------------------------
def test_book_the_free_ones_skips_the_taken_times(ctx, django_capture_on_commit_callbacks):
    clash = taken(ctx, week(ctx, 2))

    with django_capture_on_commit_callbacks(execute=True):
        series = create(ctx, weekly(ctx.tuesday, count=4), book="free")

    booked = list(series.occurrences.order_by("starts_at"))
    assert [b.starts_at for b in booked] == [at(week(ctx, n), 10) for n in (0, 1, 3)]
    assert {b.status for b in booked} == {BookingStatus.CONFIRMED}
    assert {(b.organisation, b.booked_by, b.purpose) for b in booked} == {
        (ctx.organisation, ctx.person, "Samtalegruppe")
    }
    assert Occupancy.objects.filter(booking__series=series).count() == 3
    assert Booking.objects.get(pk=clash.pk).status == BookingStatus.CONFIRMED
    assert (series.first_day, series.count, series.weekdays) == (ctx.tuesday, 4, [1])
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["booking.created"] * 3 + ["series.created"]
    assert AuditEntry.objects.get(action="series.created").changes["skipped"] == 1
    assert len({message.subject for message in mail.outbox}) == 1  # one e-mail for the series


def test_the_one_e_mail_lists_and_invites_to_every_time(ctx, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        series = create(ctx, weekly(ctx.tuesday, count=3), book="free")

    booked = list(series.occurrences.order_by("starts_at"))
    (message,) = [message for message in mail.outbox if ctx.person.email in message.to]
    ((_name, content, _type),) = message.attachments
    events = icalendar.Calendar.from_ical(content).events
    assert [event["UID"] for event in events] == [f"booking-{b.pk}@127.0.0.1" for b in booked]
    assert [event.start for event in events] == [b.starts_at for b in booked]
    assert message.body.count("10:00–11:00") == 2  # the two further times, listed

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        series_services.series_cancel_from(actor=ctx.person, booking=booked[1])
    (message,) = [message for message in mail.outbox if ctx.person.email in message.to]
    ((_name, content, _type),) = message.attachments
    cancelled = icalendar.Calendar.from_ical(content)
    assert cancelled["METHOD"] == "CANCEL"
    assert [event["UID"] for event in cancelled.events] == [f"booking-{b.pk}@127.0.0.1" for b in booked[1:]]


def test_book_all_books_nothing_when_one_time_is_taken(ctx):
    taken(ctx, week(ctx, 3))
    before = stored()

    with pytest.raises(series_services.SeriesRefused) as caught:
        create(ctx, weekly(ctx.tuesday, count=4), book="all")

    assert caught.value.code == "series_not_all_free"
    assert "1 av de 4" in str(caught.value.message)
    assert [t.starts_at for t in caught.value.refused] == [at(week(ctx, 3), 10)]
    assert stored() == before


def test_book_all_when_every_time_is_free(ctx):
    series = create(ctx, weekly(ctx.tuesday, weekdays=(1, 3), count=6), book="all")
    assert series.occurrences.count() == 6


def test_nothing_free_means_nothing_stored(ctx):
    for n in range(2):
        taken(ctx, week(ctx, n))
    before = stored()
    with pytest.raises(series_services.SeriesRefused) as caught:
        create(ctx, weekly(ctx.tuesday, count=2), book="free")
    assert caught.value.code == "series_nothing_free"
    assert stored() == before


def test_the_preview_is_not_trusted_a_time_taken_since_is_skipped(ctx):
    times = preview(ctx, weekly(ctx.tuesday, count=3))
    assert all(t.ok for t in times)
    taken(ctx, week(ctx, 1))

    series = create(ctx, weekly(ctx.tuesday, count=3), book="free")

    assert [b.starts_at for b in series.occurrences.order_by("starts_at")] == [
        at(week(ctx, n), 10) for n in (0, 2)
    ]


def test_a_room_that_needs_approval_gets_requests_and_staff_bookings_are_confirmed(ctx):
    ctx.room.requires_approval = True
    ctx.room.save()
    requested = create(ctx, weekly(ctx.tuesday, count=2))
    assert set(requested.occurrences.values_list("status", flat=True)) == {BookingStatus.REQUESTED}
    assert AuditEntry.objects.filter(action="booking.requested").count() == 2

    by_staff = create(ctx, weekly(ctx.tuesday, count=2, start=12, end=13), actor=ctx.adviser)
    assert set(by_staff.occurrences.values_list("status", flat=True)) == {BookingStatus.CONFIRMED}


def test_hall_series_blocks_its_parts(ctx):
    hall, (part, _other) = factories.ResourceFactory.hall_with_parts(
        centre=ctx.centre, requires_approval=False
    )
    other, person = factories.booker(ctx.centre)
    services.booking_create(
        actor=person,
        resource=part,
        organisation=other,
        starts_at=at(week(ctx, 1), 10),
        ends_at=at(week(ctx, 1), 11),
        purpose="Kurs",
    )
    times = preview(ctx, weekly(ctx.tuesday, count=3), resource=hall)
    assert [t.ok for t in times] == [True, False, True]


def test_buffer_is_kept_after_each_time(ctx):
    ctx.room.buffer_minutes = 30
    ctx.room.save()
    taken(ctx, week(ctx, 0), 11, 12)  # starts within the buffer after 10–11
    times = preview(ctx, weekly(ctx.tuesday, count=2))
    assert [t.code for t in times] == ["booking_conflict", ""]


# --- Weekly quota, counted across the series -------------------------------------------
def test_the_weekly_quota_counts_the_series_own_times(ctx):
    ctx.settings.BOOKING_WEEKLY_QUOTA = {"meeting_room": 2}
    other_room = factories.ResourceFactory.bookable_now(centre=ctx.centre)
    factories.booking_row(
        other_room,
        ctx.organisation,
        at(week(ctx, 1), 12),
        at(week(ctx, 1), 13),
        status=BookingStatus.CONFIRMED,
    )
    monday = ctx.tuesday - dt.timedelta(days=1)
    pattern = weekly(monday, weekdays=(0, 1, 2), count=6)

    times = preview(ctx, pattern)

    # Week one: Monday and Tuesday, Wednesday is over the quota. Week two already has one
    # booking of the organisation, so only Monday fits.
    assert [t.code for t in times] == ["", "", "quota_reached", "", "quota_reached", "quota_reached"]
    series = create(ctx, pattern)
    assert series.occurrences.count() == 3


# --- Agreement -------------------------------------------------------------------------
def test_times_after_the_agreement_ends_cannot_be_booked(ctx, centre):
    organisation, person = factories.booker(centre, valid_until=week(ctx, 1))
    pattern = weekly(ctx.tuesday, count=4)

    times = series_services.series_preview(
        actor=person, resource=ctx.room, organisation=organisation, pattern=pattern, purpose="Kurs"
    )

    assert [t.code for t in times] == ["", "", "no_active_agreement", "no_active_agreement"]
    series = series_services.series_create(
        actor=person, resource=ctx.room, organisation=organisation, pattern=pattern, purpose="Kurs"
    )
    assert series.occurrences.count() == 2


# --- Premises: a responsible person at every time ---------------------------------------
def test_premises_need_a_responsible_person_for_the_series(ctx):
    premises = factories.ResourceFactory.premises(centre=ctx.centre, requires_approval=False)
    pattern = weekly(ctx.tuesday, count=2, start=18, end=21)
    with pytest.raises(RuleViolation) as caught:
        create(ctx, pattern, resource=premises)
    assert caught.value.code == "responsible_person_required"

    series = create(
        ctx,
        pattern,
        resource=premises,
        responsible=series_services.Responsible(name="Kari Nordmann", phone="912 34 567"),
    )
    assert set(series.occurrences.values_list("responsible_name", "responsible_phone")) == {
        ("Kari Nordmann", "+4791234567")
    }


# --- Cancel this and all later times ----------------------------------------------------
def test_cancel_from_a_time_cancels_it_and_the_later_ones(ctx, django_capture_on_commit_callbacks):
    series = create(ctx, weekly(ctx.tuesday, count=4))
    first, second, *_rest = series.occurrences.order_by("starts_at")
    AuditEntry.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = series_services.series_cancel_from(
            actor=ctx.person, booking=second, reason="Gruppa tar pause"
        )

    assert [b.starts_at for b in cancelled] == [at(week(ctx, n), 10) for n in (1, 2, 3)]
    statuses = list(series.occurrences.order_by("starts_at").values_list("status", flat=True))
    assert statuses == [BookingStatus.CONFIRMED] + [BookingStatus.CANCELLED] * 3
    assert list(Occupancy.objects.values_list("booking_id", flat=True)) == [first.pk]
    assert set(series.occurrences.exclude(pk=first.pk).values_list("cancel_reason", "cancelled_by")) == {
        ("Gruppa tar pause", ctx.person.pk)
    }
    assert AuditEntry.objects.filter(action="booking.cancelled").count() == 3
    assert len({message.subject for message in mail.outbox}) == 1


def test_cancel_from_leaves_times_already_cancelled_alone(ctx):
    series = create(ctx, weekly(ctx.tuesday, count=3))
    first, second, third = series.occurrences.order_by("starts_at")
    series_services.series_cancel_from(actor=ctx.adviser, booking=third)
    cancelled = series_services.series_cancel_from(actor=ctx.adviser, booking=first)
    assert [b.pk for b in cancelled] == [first.pk, second.pk]
    with pytest.raises(RuleViolation) as caught:
        series_services.series_cancel_from(actor=ctx.person, booking=first)
    assert caught.value.code == "series_nothing_to_cancel"


def test_cancel_from_is_refused_to_others_and_for_single_bookings(ctx):
    series = create(ctx, weekly(ctx.tuesday, count=2))
    booking = series.occurrences.first()
    _other_org, stranger = factories.booker(ctx.centre)
    before = stored()
    with pytest.raises(RuleViolation) as caught:
        series_services.series_cancel_from(actor=stranger, booking=booking)
    assert caught.value.code == "not_allowed"
    single = taken(ctx, week(ctx, 4))
    with pytest.raises(RuleViolation) as caught:
        series_services.series_cancel_from(actor=ctx.adviser, booking=single)
    assert caught.value.code == "not_a_series"
    assert stored()[1:3] == (before[1] + 1, before[2] + 1)  # only the single booking was added


# --- Change this and all later times ----------------------------------------------------
def test_change_from_moves_this_and_later_times_on_their_own_days(ctx, django_capture_on_commit_callbacks):
    series = create(ctx, weekly(ctx.tuesday, count=3))
    first = series.occurrences.order_by("starts_at").first()
    second = series.occurrences.order_by("starts_at")[1]

    with django_capture_on_commit_callbacks(execute=True):
        moved = series_services.series_change_from(
            actor=ctx.person, booking=second, starts_at_time=dt.time(13), ends_at_time=dt.time(14, 30)
        )

    assert [(b.starts_at, b.ends_at) for b in moved] == [
        (at(week(ctx, n), 13), at(week(ctx, n), 14, 30)) for n in (1, 2)
    ]
    first.refresh_from_db()
    assert first.starts_at == at(week(ctx, 0), 10)
    occupied = sorted(Occupancy.objects.values_list("starts_at", flat=True))
    assert occupied == [at(week(ctx, 0), 10), at(week(ctx, 1), 13), at(week(ctx, 2), 13)]
    assert AuditEntry.objects.filter(action="booking.moved").count() == 2
    assert len({message.subject for message in mail.outbox}) == 1


def test_change_from_changes_nothing_when_one_new_time_is_taken(ctx):
    series = create(ctx, weekly(ctx.tuesday, count=3))
    first = series.occurrences.order_by("starts_at").first()
    taken(ctx, week(ctx, 2), 13, 14)
    before = list(Booking.objects.order_by("pk").values("starts_at", "ends_at", "status"))
    occupied = list(Occupancy.objects.order_by("pk").values_list("booking_id", "starts_at", "ends_at"))

    with pytest.raises(series_services.SeriesRefused) as caught:
        series_services.series_change_from(
            actor=ctx.person, booking=first, starts_at_time=dt.time(13), ends_at_time=dt.time(14)
        )

    assert caught.value.code == "series_change_refused"
    assert [(t.starts_at, t.code) for t in caught.value.refused] == [
        (at(week(ctx, 2), 13), "booking_conflict")
    ]
    assert list(Booking.objects.order_by("pk").values("starts_at", "ends_at", "status")) == before
    assert (
        list(Occupancy.objects.order_by("pk").values_list("booking_id", "starts_at", "ends_at")) == occupied
    )


def test_change_from_outside_opening_hours_is_refused(ctx):
    series = create(ctx, weekly(ctx.tuesday, count=2))
    with pytest.raises(series_services.SeriesRefused) as caught:
        series_services.series_change_from(
            actor=ctx.person,
            booking=series.occurrences.first(),
            starts_at_time=dt.time(17),
            ends_at_time=dt.time(18),
        )
    assert {t.code for t in caught.value.refused} == {"outside_opening_hours"}
    with pytest.raises(RuleViolation) as caught:
        series_services.series_change_from(
            actor=ctx.person,
            booking=series.occurrences.first(),
            starts_at_time=dt.time(12),
            ends_at_time=dt.time(11),
        )
    assert caught.value.code == "series_ends_before_start"
