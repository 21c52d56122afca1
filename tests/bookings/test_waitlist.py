"""The waiting list: join only a taken time, offers in line, holds that block, confirm, pass on, expire."""

import datetime as dt
import io
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from batteriet.bookings import services
from batteriet.bookings.models import (
    Booking,
    BookingStatus,
    Occupancy,
    Resource,
    Series,
    WaitlistEntry,
    WaitlistStatus,
)
from batteriet.bookings.services import series as series_services
from batteriet.bookings.services import waitlist
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from batteriet.organisations.models import Organisation, OrganisationStatus
from tests import factories

pytestmark = pytest.mark.django_db

at = factories.at


def frozen(moment: dt.datetime):
    """Stop the clock at `moment` (clock.now reads Django's timezone.now)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def refused(call, **kwargs) -> str:
    with pytest.raises(RuleViolation) as caught:
        call(**kwargs)
    assert str(caught.value.message).strip()
    return caught.value.code


def book(person, resource, organisation, starts_at, ends_at) -> Booking:
    return services.booking_create(
        actor=person,
        resource=resource,
        organisation=organisation,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose="Styremøte",
    )


def join(person, resource, organisation, starts_at, ends_at, **kwargs) -> WaitlistEntry:
    kwargs.setdefault("purpose", "Årsmøte")
    return waitlist.waitlist_join(
        actor=person,
        resource=resource,
        organisation=organisation,
        starts_at=starts_at,
        ends_at=ends_at,
        **kwargs,
    )


def cancel(booking: Booking) -> Booking:
    return services.booking_cancel(actor=booking.booked_by, booking=booking)


def offer_of(entry: WaitlistEntry) -> Booking:
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    return entry.offer


def status_of(obj) -> str:
    obj.refresh_from_db()
    return obj.status


@pytest.fixture
def ctx(centre, room, booker, day):
    """A room booked 10–12 by one organisation, and two other organisations that want it."""
    holder, holder_person = booker
    first, first_person = factories.booker(centre)
    second, second_person = factories.booker(centre)
    taken = book(holder_person, room, holder, at(day, 10), at(day, 12))
    return SimpleNamespace(
        centre=centre,
        room=room,
        day=day,
        taken=taken,
        holder=holder,
        holder_person=holder_person,
        first=first,
        first_person=first_person,
        second=second,
        second_person=second_person,
    )


def line_up(c) -> tuple[WaitlistEntry, WaitlistEntry]:
    """The first and the second organisation wait for 10–12, in that order."""
    return (
        join(c.first_person, c.room, c.first, at(c.day, 10), at(c.day, 12)),
        join(c.second_person, c.room, c.second, at(c.day, 10), at(c.day, 12)),
    )


# --- Joining ------------------------------------------------------------------------------
def test_an_organisation_waits_for_a_taken_time(ctx):
    entry = join(ctx.first_person, ctx.room, ctx.first, at(ctx.day, 10), at(ctx.day, 11), expected_people=6)

    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING
    assert (entry.organisation, entry.requested_by, entry.expected_people) == (ctx.first, ctx.first_person, 6)
    assert entry.starts_at == at(ctx.day, 10)
    assert AuditEntry.objects.filter(action="waitlist.joined", scope=f"organisation:{ctx.first.pk}").exists()


def test_a_free_time_cannot_be_waited_for_but_booked_at_once(ctx):
    code = refused(
        waitlist.waitlist_join,
        actor=ctx.first_person,
        resource=ctx.room,
        organisation=ctx.first,
        starts_at=at(ctx.day, 12),
        ends_at=at(ctx.day, 13),
        purpose="Årsmøte",
    )
    assert code == "waitlist_time_free"
    assert not WaitlistEntry.objects.exists()


def test_an_organisation_waits_only_once_for_a_time(ctx):
    join(ctx.first_person, ctx.room, ctx.first, at(ctx.day, 10), at(ctx.day, 12))
    another_member = factories.member(ctx.first)
    code = refused(
        waitlist.waitlist_join,
        actor=another_member,
        resource=ctx.room,
        organisation=ctx.first,
        starts_at=at(ctx.day, 10),
        ends_at=at(ctx.day, 12),
        purpose="Årsmøte igjen",
    )
    assert code == "waitlist_already_waiting"
    assert WaitlistEntry.objects.count() == 1


def test_an_organisation_cannot_wait_for_its_own_booking(ctx):
    code = refused(
        waitlist.waitlist_join,
        actor=ctx.holder_person,
        resource=ctx.room,
        organisation=ctx.holder,
        starts_at=at(ctx.day, 11),
        ends_at=at(ctx.day, 13),
        purpose="Årsmøte",
    )
    assert code == "waitlist_own_booking"


@pytest.mark.parametrize(
    ("arrange", "expected"),
    [
        (lambda c: {"actor": factories.UserFactory()}, "not_allowed"),
        (lambda c: {"actor": factories.staff(c.centre)}, "not_allowed"),
        (lambda c: {"starts_at": at(c.day, 7), "ends_at": at(c.day, 8)}, "outside_opening_hours"),
        (lambda c: {"ends_at": at(c.day, 9)}, "ends_before_start"),
        (lambda c: {"expected_people": 500}, "over_capacity"),
        (lambda c: {"purpose": "  "}, "purpose_required"),
        (lambda c: {"starts_at": at(c.day - dt.timedelta(days=30), 10)}, "in_the_past"),
        (lambda c: _pending(c.first), "organisation_not_approved"),
        (
            lambda c: {"resource": factories.ResourceFactory.equipment(centre=c.centre)},
            "waitlist_not_for_equipment",
        ),
        (lambda c: _without_agreement(c.first), "no_active_agreement"),
    ],
    ids=[
        "not a member",
        "staff",
        "outside opening hours",
        "ends before start",
        "over capacity",
        "no purpose",
        "in the past",
        "organisation not approved",
        "equipment",
        "no agreement",
    ],
)
def test_joining_follows_the_booking_rules(ctx, arrange, expected):
    arguments = {
        "actor": ctx.first_person,
        "resource": ctx.room,
        "organisation": ctx.first,
        "starts_at": at(ctx.day, 10),
        "ends_at": at(ctx.day, 12),
        "purpose": "Årsmøte",
    }
    arguments.update(arrange(ctx))
    assert refused(waitlist.waitlist_join, **arguments) == expected
    assert not WaitlistEntry.objects.exists()


def _pending(organisation) -> dict:
    Organisation.objects.filter(pk=organisation.pk).update(status=OrganisationStatus.PENDING)
    return {}


def _without_agreement(organisation) -> dict:
    organisation.agreements.all().delete()
    return {}


# --- Offers in line -----------------------------------------------------------------------
def test_a_cancelled_time_is_held_for_the_first_in_line(ctx, settings, django_capture_on_commit_callbacks):
    settings.BOOKING_HOLD_HOURS = 24
    first, second = line_up(ctx)

    with django_capture_on_commit_callbacks(execute=True):
        cancel(ctx.taken)

    held = offer_of(first)
    assert held.status == BookingStatus.HELD
    assert (held.organisation, held.booked_by, held.purpose) == (ctx.first, ctx.first_person, "Årsmøte")
    assert (held.starts_at, held.ends_at) == (at(ctx.day, 10), at(ctx.day, 12))
    assert abs(held.hold_expires_at - (clock.now() + dt.timedelta(hours=24))) < dt.timedelta(minutes=1)
    assert held.occupancies.count() == 1
    assert status_of(second) == WaitlistStatus.WAITING
    assert AuditEntry.objects.filter(action="booking.offered", object_id=str(held.pk)).exists()
    recipients = {address for message in mail.outbox for address in message.to}
    assert ctx.first_person.email in recipients
    assert ctx.second_person.email not in recipients


def test_a_hold_blocks_everyone_else(ctx):
    line_up(ctx)
    cancel(ctx.taken)
    other, someone = factories.booker(ctx.centre)

    with pytest.raises(RuleViolation) as caught:
        book(someone, ctx.room, other, at(ctx.day, 11), at(ctx.day, 12))

    assert caught.value.code == "booking_conflict"


def test_the_first_in_line_confirms_the_hold(ctx):
    first, second = line_up(ctx)
    cancel(ctx.taken)

    booking = waitlist.waitlist_offer_accept(actor=ctx.first_person, booking=offer_of(first))

    assert status_of(booking) == BookingStatus.CONFIRMED
    assert booking.occupancies.count() == 1
    assert status_of(first) == WaitlistStatus.BOOKED
    assert status_of(second) == WaitlistStatus.WAITING
    assert AuditEntry.objects.filter(action="booking.offer_accepted", object_id=str(booking.pk)).exists()


def test_a_hold_cannot_be_confirmed_past_the_weekly_quota(ctx, settings):
    first, _second = line_up(ctx)
    cancel(ctx.taken)
    held = offer_of(first)
    book(ctx.first_person, ctx.room, ctx.first, at(ctx.day, 14), at(ctx.day, 15))
    settings.BOOKING_WEEKLY_QUOTA = {"meeting_room": 1}

    code = refused(waitlist.waitlist_offer_accept, actor=ctx.first_person, booking=held)

    assert code == "quota_reached"
    assert status_of(held) == BookingStatus.HELD


def test_a_hold_within_the_quota_counts_itself_once(ctx, settings):
    first, _second = line_up(ctx)
    cancel(ctx.taken)
    settings.BOOKING_WEEKLY_QUOTA = {"meeting_room": 1}

    booking = waitlist.waitlist_offer_accept(actor=ctx.first_person, booking=offer_of(first))

    assert status_of(booking) == BookingStatus.CONFIRMED


def test_a_hold_on_a_room_that_needs_approval_becomes_a_request(ctx):
    first, _second = line_up(ctx)
    cancel(ctx.taken)
    Resource.objects.filter(pk=ctx.room.pk).update(requires_approval=True)

    booking = waitlist.waitlist_offer_accept(actor=ctx.first_person, booking=offer_of(first))

    assert status_of(booking) == BookingStatus.REQUESTED
    assert status_of(first) == WaitlistStatus.BOOKED


def test_saying_no_thanks_passes_the_time_to_the_next(ctx):
    first, second = line_up(ctx)
    cancel(ctx.taken)
    declined = offer_of(first)

    waitlist.waitlist_offer_decline(actor=ctx.first_person, booking=declined)

    assert status_of(declined) == BookingStatus.CANCELLED
    assert not declined.occupancies.exists()
    assert status_of(first) == WaitlistStatus.WITHDRAWN
    assert offer_of(second).organisation == ctx.second


def test_an_unconfirmed_hold_expires_and_passes_on(ctx):
    first, second = line_up(ctx)
    cancel(ctx.taken)
    held = offer_of(first)

    released = waitlist.holds_release_expired(now=held.hold_expires_at + dt.timedelta(seconds=1))

    assert released == 1
    assert status_of(held) == BookingStatus.EXPIRED
    assert not held.occupancies.exists()
    assert status_of(first) == WaitlistStatus.EXPIRED
    assert offer_of(second).status == BookingStatus.HELD


def test_a_run_out_hold_does_not_block_a_booking_before_the_job_runs(ctx):
    first = join(ctx.first_person, ctx.room, ctx.first, at(ctx.day, 10), at(ctx.day, 12))
    cancel(ctx.taken)
    held = offer_of(first)

    with frozen(held.hold_expires_at + dt.timedelta(seconds=1)):
        booking = book(ctx.second_person, ctx.room, ctx.second, at(ctx.day, 10), at(ctx.day, 11))

    assert status_of(held) == BookingStatus.EXPIRED
    assert status_of(first) == WaitlistStatus.EXPIRED
    assert booking.status == BookingStatus.CONFIRMED


def test_a_run_out_hold_gives_way_to_staff_blocking_the_time_too(ctx):
    first = join(ctx.first_person, ctx.room, ctx.first, at(ctx.day, 10), at(ctx.day, 12))
    cancel(ctx.taken)
    held = offer_of(first)

    with frozen(held.hold_expires_at + dt.timedelta(seconds=1)):
        block = services.booking_block(
            actor=factories.staff(ctx.centre),
            resource=ctx.room,
            starts_at=at(ctx.day, 9),
            ends_at=at(ctx.day, 13),
            reason="Maling",
        )

    assert status_of(held) == BookingStatus.EXPIRED
    assert block.status == BookingStatus.CONFIRMED


def test_a_hold_still_running_blocks_a_booking(ctx):
    first = join(ctx.first_person, ctx.room, ctx.first, at(ctx.day, 10), at(ctx.day, 12))
    cancel(ctx.taken)
    held = offer_of(first)

    with frozen(held.hold_expires_at - dt.timedelta(seconds=1)):
        code = refused(
            services.booking_create,
            actor=ctx.second_person,
            resource=ctx.room,
            organisation=ctx.second,
            starts_at=at(ctx.day, 10),
            ends_at=at(ctx.day, 11),
            purpose="Styremøte",
        )

    assert code == "booking_conflict"
    assert status_of(held) == BookingStatus.HELD


def test_releasing_expired_holds_again_changes_nothing(ctx):
    first, second = line_up(ctx)
    cancel(ctx.taken)
    with frozen(offer_of(first).hold_expires_at + dt.timedelta(minutes=1)):
        assert waitlist.holds_release_expired() == 1
        before = _everything()

        assert waitlist.holds_release_expired() == 0
    assert _everything() == before
    assert offer_of(second).status == BookingStatus.HELD


def _everything() -> tuple[list, list, list]:
    return (
        list(Booking.objects.order_by("pk").values()),
        list(WaitlistEntry.objects.order_by("pk").values()),
        list(Occupancy.objects.order_by("pk").values()),
    )


def test_a_hold_is_kept_until_its_deadline_and_not_a_moment_longer(ctx, settings):
    settings.BOOKING_HOLD_HOURS = 2
    first, second = line_up(ctx)
    start = clock.now()
    with frozen(start):
        cancel(ctx.taken)
    held = offer_of(first)
    assert held.hold_expires_at == start + dt.timedelta(hours=2)

    with frozen(start + dt.timedelta(hours=2) - dt.timedelta(seconds=1)):
        assert waitlist.holds_release_expired() == 0
    assert status_of(held) == BookingStatus.HELD

    with frozen(start + dt.timedelta(hours=2)):
        code = refused(waitlist.waitlist_offer_accept, actor=ctx.first_person, booking=held)
    assert code == "hold_expired"
    # The hold was let go although the confirmation was refused, and the next got it.
    assert status_of(held) == BookingStatus.EXPIRED
    assert status_of(first) == WaitlistStatus.EXPIRED
    assert offer_of(second).status == BookingStatus.HELD


def test_a_hold_confirmed_just_before_its_deadline_is_booked(ctx, settings):
    settings.BOOKING_HOLD_HOURS = 2
    first, _second = line_up(ctx)
    start = clock.now()
    with frozen(start):
        cancel(ctx.taken)
    with frozen(start + dt.timedelta(hours=2) - dt.timedelta(seconds=1)):
        booking = waitlist.waitlist_offer_accept(actor=ctx.first_person, booking=offer_of(first))
    assert status_of(booking) == BookingStatus.CONFIRMED


def test_a_hold_never_lasts_beyond_the_start_of_the_time(ctx, settings):
    settings.BOOKING_HOLD_HOURS = 24 * 60
    first, _second = line_up(ctx)
    cancel(ctx.taken)
    assert offer_of(first).hold_expires_at == at(ctx.day, 10)


def test_those_who_left_the_line_are_skipped(ctx):
    first, second = line_up(ctx)
    waitlist.waitlist_leave(actor=ctx.first_person, entry=first)
    assert status_of(first) == WaitlistStatus.WITHDRAWN

    cancel(ctx.taken)

    assert status_of(first) == WaitlistStatus.WITHDRAWN
    assert offer_of(second).organisation == ctx.second


def test_leaving_with_a_hold_passes_it_on(ctx):
    first, second = line_up(ctx)
    cancel(ctx.taken)
    held = offer_of(first)

    waitlist.waitlist_leave(actor=ctx.first_person, entry=first)

    assert status_of(held) == BookingStatus.CANCELLED
    assert status_of(first) == WaitlistStatus.WITHDRAWN
    assert offer_of(second).status == BookingStatus.HELD
    assert refused(waitlist.waitlist_leave, actor=ctx.first_person, entry=first) == "waitlist_not_waiting"


def test_cancelling_a_hold_like_a_booking_also_passes_it_on(ctx):
    first, second = line_up(ctx)
    cancel(ctx.taken)
    held = offer_of(first)

    services.booking_cancel(actor=ctx.first_person, booking=held)

    assert status_of(first) == WaitlistStatus.WITHDRAWN
    assert offer_of(second).status == BookingStatus.HELD


def test_overlapping_waits_get_what_is_free_in_order(ctx):
    """10–12 is freed. The first waits for 10–11, the second for 10:30–12 (clashes with the
    first's hold), the third for 11–12 (does not): the first and the third get holds."""
    third, third_person = factories.booker(ctx.centre)
    first = join(ctx.first_person, ctx.room, ctx.first, at(ctx.day, 10), at(ctx.day, 11))
    second = join(ctx.second_person, ctx.room, ctx.second, at(ctx.day, 10, 30), at(ctx.day, 12))
    third_entry = join(third_person, ctx.room, third, at(ctx.day, 11), at(ctx.day, 12))

    cancel(ctx.taken)

    assert offer_of(first).organisation == ctx.first
    assert status_of(second) == WaitlistStatus.WAITING
    assert offer_of(third_entry).organisation == third
    assert Booking.objects.filter(status=BookingStatus.HELD).count() == 2

    waitlist.waitlist_offer_decline(actor=ctx.first_person, booking=offer_of(first))
    assert status_of(second) == WaitlistStatus.WAITING  # 11–12 is still held for the third

    waitlist.waitlist_offer_decline(actor=third_person, booking=offer_of(third_entry))
    assert offer_of(second).starts_at == at(ctx.day, 10, 30)


def test_a_time_only_partly_freed_is_not_offered(ctx):
    """The first waits for 10–13; 12–13 is booked by someone else too."""
    other, other_person = factories.booker(ctx.centre)
    later = book(other_person, ctx.room, other, at(ctx.day, 12), at(ctx.day, 13))
    first = join(ctx.first_person, ctx.room, ctx.first, at(ctx.day, 10), at(ctx.day, 13))

    cancel(ctx.taken)
    assert status_of(first) == WaitlistStatus.WAITING
    assert not Booking.objects.filter(status=BookingStatus.HELD).exists()

    cancel(later)
    assert offer_of(first).ends_at == at(ctx.day, 13)


def test_a_declined_request_is_offered_too(ctx):
    Resource.objects.filter(pk=ctx.room.pk).update(requires_approval=True)
    requested = book(ctx.holder_person, ctx.room, ctx.holder, at(ctx.day, 13), at(ctx.day, 14))
    first = join(ctx.first_person, ctx.room, ctx.first, at(ctx.day, 13), at(ctx.day, 14))

    services.booking_decline(actor=factories.staff(ctx.centre), booking=requested, reason="Maling.")

    assert offer_of(first).status == BookingStatus.HELD


def test_a_freed_hall_is_offered_to_those_waiting_for_a_part(centre, day):
    hall, parts = factories.ResourceFactory.hall_with_parts(centre=centre)
    holder, holder_person = factories.booker(centre)
    waiting, waiting_person = factories.booker(centre)
    hall_booking = book(holder_person, hall, holder, at(day, 10), at(day, 12))
    entry = join(waiting_person, parts[0], waiting, at(day, 10), at(day, 11))

    cancel(hall_booking)

    held = offer_of(entry)
    assert held.resource == parts[0]
    assert set(held.occupancies.values_list("resource_id", flat=True)) == {parts[0].pk, hall.pk}


def test_an_organisation_that_may_no_longer_book_is_passed_over(ctx):
    first, second = line_up(ctx)
    Organisation.objects.filter(pk=ctx.first.pk).update(status=OrganisationStatus.PENDING)

    cancel(ctx.taken)

    assert status_of(first) == WaitlistStatus.WAITING
    assert offer_of(second).organisation == ctx.second


def test_only_members_answer_an_offer(ctx):
    first, _second = line_up(ctx)
    cancel(ctx.taken)
    held = offer_of(first)
    for outsider in (ctx.second_person, factories.staff(ctx.centre)):
        assert refused(waitlist.waitlist_offer_accept, actor=outsider, booking=held) == "not_allowed"
        assert refused(waitlist.waitlist_offer_decline, actor=outsider, booking=held) == "not_allowed"
        assert refused(waitlist.waitlist_leave, actor=outsider, entry=first) == "not_allowed"
    assert status_of(held) == BookingStatus.HELD


def test_a_confirmed_hold_cannot_be_answered_again(ctx):
    first, _second = line_up(ctx)
    cancel(ctx.taken)
    held = offer_of(first)
    waitlist.waitlist_offer_accept(actor=ctx.first_person, booking=held)

    assert (
        refused(waitlist.waitlist_offer_accept, actor=ctx.first_person, booking=held) == "booking_wrong_state"
    )
    assert (
        refused(waitlist.waitlist_offer_decline, actor=ctx.first_person, booking=held)
        == "booking_wrong_state"
    )
    assert Occupancy.objects.filter(booking=held).count() == 1


def test_a_moved_booking_offers_its_old_time(ctx):
    first, _second = line_up(ctx)

    services.booking_move(
        actor=ctx.holder_person, booking=ctx.taken, starts_at=at(ctx.day, 14), ends_at=at(ctx.day, 16)
    )

    assert offer_of(first).starts_at == at(ctx.day, 10)


def test_the_booking_job_passes_expired_holds_on(ctx):
    first, second = line_up(ctx)
    cancel(ctx.taken)
    output = io.StringIO()

    with frozen(offer_of(first).hold_expires_at):
        call_command("booking_jobs", stdout=output)

    assert "passed on: 1." in output.getvalue()
    assert offer_of(second).status == BookingStatus.HELD


def test_an_expired_hold_is_explained_in_the_e_mail(ctx, django_capture_on_commit_callbacks):
    first, _second = line_up(ctx)
    cancel(ctx.taken)
    held = offer_of(first)
    ctx.first_person.language = "en"
    ctx.first_person.save(update_fields=["language"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        waitlist.holds_release_expired(now=held.hold_expires_at)

    to_first = [message for message in mail.outbox if ctx.first_person.email in message.to]
    assert to_first
    assert "not confirmed in time" in to_first[0].body


def _weekly_series(c, count: int = 2) -> list[Booking]:
    """The holder's weekly series 10–12 from `c.day`, written straight to the database."""
    pattern = Series.objects.create(
        resource=c.room,
        organisation=c.holder,
        booked_by=c.holder_person,
        weekdays=[c.day.weekday()],
        first_day=c.day,
        count=count,
        starts_at_time=dt.time(10),
        ends_at_time=dt.time(12),
    )
    days = [c.day + dt.timedelta(weeks=n) for n in range(1, count + 1)]
    return [
        factories.booking_row(
            c.room,
            c.holder,
            at(day, 10),
            at(day, 12),
            status=BookingStatus.CONFIRMED,
            series=pattern,
            booked_by=c.holder_person,
        )
        for day in days
    ]


def test_cancelling_the_rest_of_a_series_offers_the_times(ctx):
    _first, second = _weekly_series(ctx)
    entry = join(ctx.first_person, ctx.room, ctx.first, second.starts_at, second.ends_at)

    series_services.series_cancel_from(actor=ctx.holder_person, booking=second)

    assert offer_of(entry).starts_at == second.starts_at


def test_moving_the_rest_of_a_series_offers_the_old_times(ctx):
    _first, second = _weekly_series(ctx)
    entry = join(ctx.first_person, ctx.room, ctx.first, second.starts_at, second.ends_at)

    series_services.series_change_from(
        actor=ctx.holder_person, booking=second, starts_at_time=dt.time(13), ends_at_time=dt.time(15)
    )

    assert offer_of(entry).starts_at == second.starts_at
