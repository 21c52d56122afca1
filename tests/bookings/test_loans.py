"""After a booking: equipment hand-over, desks (review date, printing), premises (key note,
closing checklist). Rules without a database, then services, selectors and pages.

The clock is stopped at Wednesday 10 March 2027, 12:00 in Oslo, so "today", "this
month" and "overdue" never depend on when the tests run.
"""

import datetime as dt
import functools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from batteriet.bookings import rules_loans, selectors_loans, services
from batteriet.bookings.models import Booking, BookingStatus, PremisesReport, PrintCount
from batteriet.bookings.rules_loans import ClosingChecklist
from batteriet.bookings.services import loans
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.models import AuditEntry
from tests import factories
from tests.test_bad_input import LONG, SCRIPT, db_snapshot

NOW = dt.datetime(2027, 3, 10, 12, 0, tzinfo=clock.OSLO)
TODAY = NOW.date()
MARCH = dt.date(2027, 3, 1)
ALL_DONE = ClosingChecklist(
    lights_off=True, windows_closed=True, tidied=True, rubbish_out=True, doors_locked=True
)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return factories.at(day, hour, minute)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def code_of(function, /, *args, **kwargs) -> str | None:
    """The code of the RuleViolation that `function(*args, **kwargs)` raises, or None."""
    try:
        function(*args, **kwargs)
    except RuleViolation as violation:
        return violation.code
    return None


# --- Rules, without a database ----------------------------------------------------------
CHECK_OUT = [
    # status, pick-up day, picked up already → code
    (BookingStatus.CONFIRMED, TODAY, False, None),
    (BookingStatus.CONFIRMED, days(-3), False, None),
    (BookingStatus.CONFIRMED, days(1), False, "loan_too_early"),
    (BookingStatus.CONFIRMED, TODAY, True, "loan_already_picked_up"),
    (BookingStatus.REQUESTED, TODAY, False, "loan_not_confirmed"),
    (BookingStatus.CANCELLED, TODAY, False, "loan_not_confirmed"),
    (BookingStatus.HELD, TODAY, False, "loan_not_confirmed"),
]


@pytest.mark.parametrize(("status", "pick_up_day", "picked_up", "code"), CHECK_OUT)
def test_rule_check_out(status, pick_up_day, picked_up, code):
    assert (
        code_of(
            functools.partial(
                rules_loans.check_check_out,
                status=status,
                pick_up_day=pick_up_day,
                today=TODAY,
                is_picked_up=picked_up,
            )
        )
        == code
    )


@pytest.mark.parametrize(
    ("picked_up", "returned", "code"),
    [(True, False, None), (False, False, "loan_not_picked_up"), (True, True, "loan_already_returned")],
)
def test_rule_check_in(picked_up, returned, code):
    assert code_of(rules_loans.check_check_in, is_picked_up=picked_up, is_returned=returned) == code


@pytest.mark.parametrize(
    ("review_on", "code"),
    [
        (dt.date(2027, 3, 1), None),  # the first day
        (dt.date(2027, 6, 30), None),  # the last day
        (dt.date(2027, 2, 28), "review_outside_booking"),
        (dt.date(2027, 7, 1), "review_outside_booking"),
    ],
)
def test_rule_review_date_within_the_loan(review_on, code):
    call = functools.partial(
        rules_loans.check_review_date,
        review_on=review_on,
        first_day=dt.date(2027, 3, 1),
        last_day=dt.date(2027, 6, 30),
    )
    assert code_of(call) == code


@pytest.mark.parametrize(
    ("month", "pages", "code"),
    [
        (dt.date(2027, 2, 1), 0, None),  # lent from 15 February: February counts
        (dt.date(2027, 3, 1), 100_000, None),
        (dt.date(2027, 3, 1), 100_001, "pages_out_of_range"),
        (dt.date(2027, 3, 1), -1, "pages_out_of_range"),
        (dt.date(2027, 1, 1), 10, "month_outside_booking"),
        (dt.date(2027, 4, 1), 10, "month_in_future"),  # inside the loan, but not begun
        (dt.date(2026, 3, 1), 10, "month_outside_booking"),
    ],
)
def test_rule_print_count(month, pages, code):
    call = functools.partial(
        rules_loans.check_print_count,
        month=month,
        pages=pages,
        first_day=dt.date(2027, 2, 15),
        last_day=dt.date(2027, 5, 31),
        today=TODAY,
    )
    assert code_of(call) == code


def test_rule_print_count_month_after_the_loan_ended():
    call = functools.partial(
        rules_loans.check_print_count,
        month=dt.date(2027, 3, 1),
        pages=1,
        first_day=dt.date(2027, 1, 4),
        last_day=dt.date(2027, 2, 28),
        today=TODAY,
    )
    assert code_of(call) == "month_outside_booking"


STARTS = at(TODAY, 18)


@pytest.mark.parametrize(
    ("status", "now", "sent", "incident", "code"),
    [
        (BookingStatus.CONFIRMED, STARTS, False, "", None),  # exactly at the start
        (BookingStatus.CONFIRMED, STARTS + dt.timedelta(days=30), False, "x" * 5000, None),
        (BookingStatus.CONFIRMED, STARTS - dt.timedelta(seconds=1), False, "", "report_too_early"),
        (BookingStatus.CONFIRMED, STARTS, True, "", "report_already_sent"),
        (BookingStatus.CONFIRMED, STARTS, False, "x" * 5001, "incident_too_long"),
        (BookingStatus.REQUESTED, STARTS, False, "", "booking_not_confirmed"),
        (BookingStatus.CANCELLED, STARTS, False, "", "booking_not_confirmed"),
    ],
)
def test_rule_closing_checklist(status, now, sent, incident, code):
    call = functools.partial(
        rules_loans.check_report,
        status=status,
        starts_at=STARTS,
        now=now,
        already_sent=sent,
        incident=incident,
    )
    assert code_of(call) == code


@pytest.mark.parametrize(
    ("review_on", "expected"),
    [(None, False), (days(15), False), (days(14), True), (TODAY, True), (days(-40), True)],
)
def test_rule_desk_needs_review(review_on, expected):
    assert rules_loans.needs_review(review_on, TODAY) is expected


@pytest.mark.parametrize(
    ("pages", "allowance", "expected"),
    [(None, 100, False), (100, None, False), (100, 100, False), (101, 100, True), (0, 0, False)],
)
def test_rule_over_allowance(pages, allowance, expected):
    assert rules_loans.is_over_allowance(pages, allowance) is expected


@pytest.mark.parametrize(
    ("checklist", "incident", "handled", "code"),
    [
        (ALL_DONE, "", False, "report_nothing_to_handle"),
        (ALL_DONE, "  \n ", False, "report_nothing_to_handle"),
        (ALL_DONE, "A chair broke.", False, None),
        (ClosingChecklist(lights_off=True), "", False, None),
        (ALL_DONE, "A chair broke.", True, "report_already_handled"),
    ],
)
def test_rule_follow_up(checklist, incident, handled, code):
    needs = rules_loans.needs_follow_up(checklist=checklist, incident=incident)
    assert code_of(rules_loans.check_incident_handle, needs_follow_up=needs, is_handled=handled) == code


def test_nothing_is_ticked_on_a_new_checklist():
    assert not any(vars(ClosingChecklist()).values())
    assert not ClosingChecklist().is_done
    assert ALL_DONE.is_done


def test_the_handover_note_has_a_limit():
    assert code_of(rules_loans.check_handover_note, "x" * 2000) is None
    assert code_of(rules_loans.check_handover_note, "x" * 2001) == "note_too_long"


# --- Set-up for the database tests ------------------------------------------------------
@pytest.fixture
def stopped_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    return NOW


class Loans:
    """A centre with a projector, a desk and a hall; an organisation with a loan of each; a
    second organisation and a second centre with staff of their own."""

    def __init__(self) -> None:
        self.centre = factories.CentreFactory(slug="oslo", name="Batteriet Oslo")
        self.other_centre = factories.CentreFactory(slug="vest", name="Batteriet Vest")
        self.org = factories.OrganisationFactory(
            home_centre=self.centre, name="Foreningen", phone="+4791234567"
        )
        self.contact = factories.member(self.org, full_name="Kari Kontakt")
        self.other_org = factories.OrganisationFactory(home_centre=self.centre, name="Andre lag")
        self.other_contact = factories.member(self.other_org)
        self.adviser = factories.staff(self.centre)
        self.other_adviser = factories.staff(self.other_centre)
        self.projector = factories.ResourceFactory.equipment(centre=self.centre, name="Prosjektor")
        self.desk = factories.ResourceFactory.desk(
            centre=self.centre, name="Pult 1", printer_pages_per_month=300
        )
        self.hall = factories.ResourceFactory.premises(centre=self.centre, name="Storsalen")
        self.equipment_loan = factories.loan_row(self.projector, self.org, at(TODAY, 9), at(days(2), 15))
        self.desk_loan = factories.loan_row(
            self.desk, self.org, at(dt.date(2027, 2, 15), 0), at(dt.date(2027, 6, 1), 0)
        )
        self.premises = factories.loan_row(
            self.hall, self.org, at(days(-1), 18), at(days(-1), 22), responsible_name="Per Ansvarlig"
        )


@pytest.fixture
def s(db, stopped_clock):
    return Loans()


def audit_actions(booking) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(booking.pk)).order_by("pk").values_list("action", flat=True)
    )


# --- Services: equipment ----------------------------------------------------------------
def test_staff_hand_out_and_take_back_equipment(s):
    loans.equipment_check_out(actor=s.adviser, booking=s.equipment_loan)
    booking = Booking.objects.get(pk=s.equipment_loan.pk)
    assert booking.checked_out_at == NOW and booking.checked_out_by == s.adviser
    loans.equipment_check_in(actor=s.adviser, booking=booking)
    booking.refresh_from_db()
    assert booking.checked_in_at == NOW and booking.checked_in_by == s.adviser
    assert audit_actions(booking) == ["booking.checked_out", "booking.checked_in"]


@pytest.mark.parametrize("who", ["contact", "other_adviser", "other_contact"])
def test_only_staff_of_the_centre_hand_out(s, who):
    with pytest.raises(RuleViolation) as raised:
        loans.equipment_check_out(actor=getattr(s, who), booking=s.equipment_loan)
    assert raised.value.code == "not_allowed"
    assert Booking.objects.get(pk=s.equipment_loan.pk).checked_out_at is None


def test_check_out_refuses_what_is_not_a_confirmed_loan_on_its_day(s):
    tomorrow = factories.loan_row(s.projector, s.other_org, at(days(1), 9), at(days(1), 15))
    requested = factories.loan_row(s.projector, s.other_org, at(TODAY, 9), at(TODAY, 15), status="requested")
    block = factories.loan_row(s.projector, None, at(TODAY, 9), at(TODAY, 15))
    cases = {
        tomorrow: "loan_too_early",
        requested: "loan_not_confirmed",
        block: "not_an_organisation_booking",
        s.desk_loan: "wrong_resource_kind",
    }
    for booking, code in cases.items():
        assert code_of(loans.equipment_check_out, actor=s.adviser, booking=booking) == code
    loans.equipment_check_out(actor=s.adviser, booking=s.equipment_loan)
    twice = functools.partial(loans.equipment_check_out, actor=s.adviser, booking=s.equipment_loan)
    assert code_of(twice) == "loan_already_picked_up"
    assert Booking.objects.filter(checked_out_at__isnull=False).count() == 1


def test_equipment_picked_up_cannot_be_cancelled_or_moved_by_the_organisation(s):
    loans.equipment_check_out(actor=s.adviser, booking=s.equipment_loan)
    loan = Booking.objects.get(pk=s.equipment_loan.pk)
    cancel = functools.partial(services.booking_cancel, actor=s.contact, booking=loan)
    later = functools.partial(
        services.booking_move,
        actor=s.contact,
        booking=loan,
        starts_at=at(days(1), 9),
        ends_at=at(days(3), 15),
    )

    assert code_of(cancel) == "loan_picked_up"
    assert (
        code_of(functools.partial(services.booking_cancel, actor=s.adviser, booking=loan)) == "loan_picked_up"
    )
    assert code_of(later) == "booking_under_way"
    assert Booking.objects.get(pk=loan.pk).status == BookingStatus.CONFIRMED


def test_staff_may_give_a_loan_under_way_more_time(s):
    factories.agreement(s.org, s.centre, valid_from=days(-30), valid_until=days(300))
    loans.equipment_check_out(actor=s.adviser, booking=s.equipment_loan)
    loan = Booking.objects.get(pk=s.equipment_loan.pk)

    moved = services.booking_move(
        actor=s.adviser, booking=loan, starts_at=loan.starts_at, ends_at=at(days(5), 15)
    )

    assert moved.ends_at == at(days(5), 15)
    assert moved.checked_out_at == NOW


def test_the_checklist_of_a_staff_block_is_not_there(client, s):
    block = factories.loan_row(s.hall, None, at(days(-2), 18), at(days(-2), 22))
    client.force_login(s.adviser)

    assert client.get(reverse("bookings:checklist", args=[block.pk])).status_code == 404


def test_check_in_only_after_check_out_and_once(s):
    check_in = functools.partial(loans.equipment_check_in, actor=s.adviser, booking=s.equipment_loan)
    assert code_of(check_in) == "loan_not_picked_up"
    loans.equipment_check_out(actor=s.adviser, booking=s.equipment_loan)
    assert code_of(check_in) is None
    assert code_of(check_in) == "loan_already_returned"


# --- Services: desks --------------------------------------------------------------------
def test_staff_set_the_review_date_within_the_desk_loan(s):
    loans.desk_review_set(actor=s.adviser, booking=s.desk_loan, review_on=dt.date(2027, 5, 31))
    assert Booking.objects.get(pk=s.desk_loan.pk).review_on == dt.date(2027, 5, 31)
    # The loan ends at midnight going into 1 June, so 1 June is outside it.
    outside = functools.partial(
        loans.desk_review_set, actor=s.adviser, booking=s.desk_loan, review_on=dt.date(2027, 6, 1)
    )
    assert code_of(outside) == "review_outside_booking"
    by_member = functools.partial(
        loans.desk_review_set, actor=s.contact, booking=s.desk_loan, review_on=TODAY
    )
    assert code_of(by_member) == "not_allowed"
    assert Booking.objects.get(pk=s.desk_loan.pk).review_on == dt.date(2027, 5, 31)


def test_a_second_count_for_a_month_replaces_the_first(s):
    loans.print_count_record(actor=s.adviser, booking=s.desk_loan, month=dt.date(2027, 3, 17), pages=120)
    count = loans.print_count_record(actor=s.adviser, booking=s.desk_loan, month=MARCH, pages=340)
    assert list(PrintCount.objects.values_list("month", "pages")) == [(MARCH, 340)]
    assert count.recorded_by == s.adviser
    loans.print_count_record(actor=s.adviser, booking=s.desk_loan, month=dt.date(2027, 2, 1), pages=0)
    assert PrintCount.objects.count() == 2


@pytest.mark.parametrize(
    ("month", "pages", "code"),
    [
        (dt.date(2027, 1, 1), 10, "month_outside_booking"),
        (dt.date(2027, 4, 1), 10, "month_in_future"),
        (MARCH, 100_001, "pages_out_of_range"),
        (MARCH, -5, "pages_out_of_range"),
    ],
)
def test_bad_print_counts_store_nothing(s, month, pages, code):
    call = functools.partial(
        loans.print_count_record, actor=s.adviser, booking=s.desk_loan, month=month, pages=pages
    )
    assert code_of(call) == code
    assert not PrintCount.objects.exists()


def test_print_counts_are_for_desks_by_staff_of_the_centre(s):
    for actor, booking, code in [
        (s.adviser, s.equipment_loan, "wrong_resource_kind"),
        (s.other_adviser, s.desk_loan, "not_allowed"),
        (s.contact, s.desk_loan, "not_allowed"),
    ]:
        call = functools.partial(loans.print_count_record, actor=actor, booking=booking, month=MARCH, pages=1)
        assert code_of(call) == code
    assert not PrintCount.objects.exists()


# --- Services: premises -----------------------------------------------------------------
def test_the_key_note_is_saved_but_not_written_to_the_audit_log(s):
    loans.handover_note_set(actor=s.adviser, booking=s.premises, note="  Kode 1234 på døra.  ")
    assert Booking.objects.get(pk=s.premises.pk).handover_note == "Kode 1234 på døra."
    entry = AuditEntry.objects.get(action="booking.handover_note_set")
    assert "1234" not in str(entry.changes)


def test_the_key_note_is_for_premises_that_still_hold_their_time(s):
    cancelled = factories.loan_row(s.hall, s.org, at(days(3), 18), at(days(3), 22), status="cancelled")
    for actor, booking, note, code in [
        (s.adviser, cancelled, "Kode", "booking_not_active"),
        (s.adviser, s.desk_loan, "Kode", "wrong_resource_kind"),
        (s.contact, s.premises, "Kode", "not_allowed"),
        (s.adviser, s.premises, "x" * 2001, "note_too_long"),
    ]:
        call = functools.partial(loans.handover_note_set, actor=actor, booking=booking, note=note)
        assert code_of(call) == code
    assert not Booking.objects.exclude(handover_note="").exists()


def test_a_member_sends_the_closing_checklist_once(s):
    report = loans.premises_report_submit(
        actor=s.contact,
        booking=s.premises,
        checklist=ClosingChecklist(lights_off=True),
        incident=" Ei stol brakk. ",
    )
    assert (report.lights_off, report.doors_locked, report.incident) == (True, False, "Ei stol brakk.")
    again = functools.partial(
        loans.premises_report_submit, actor=s.contact, booking=s.premises, checklist=ALL_DONE
    )
    assert code_of(again) == "report_already_sent"
    assert PremisesReport.objects.count() == 1
    assert "booking.checklist_sent" in audit_actions(s.premises)


def test_the_checklist_is_refused_before_the_start_and_to_others(s):
    coming = factories.loan_row(s.hall, s.org, at(days(2), 18), at(days(2), 22))
    for actor, booking, code in [
        (s.contact, coming, "report_too_early"),
        (s.adviser, s.premises, "not_allowed"),
        (s.other_contact, s.premises, "not_allowed"),
        (s.contact, s.equipment_loan, "wrong_resource_kind"),
    ]:
        call = functools.partial(
            loans.premises_report_submit, actor=actor, booking=booking, checklist=ALL_DONE
        )
        assert code_of(call) == code
    assert not PremisesReport.objects.exists()


def test_staff_mark_a_report_as_handled(s):
    fine = factories.loan_row(s.hall, s.org, at(days(-8), 18), at(days(-8), 22))
    fine_report = loans.premises_report_submit(actor=s.contact, booking=fine, checklist=ALL_DONE)
    report = loans.premises_report_submit(
        actor=s.contact, booking=s.premises, checklist=ALL_DONE, incident="Brann"
    )
    assert code_of(loans.premises_incident_handle, actor=s.other_adviser, report=report) == "not_allowed"
    assert code_of(loans.premises_incident_handle, actor=s.adviser, report=fine_report) == (
        "report_nothing_to_handle"
    )
    loans.premises_incident_handle(actor=s.adviser, report=report)
    report.refresh_from_db()
    assert report.incident_handled_at == NOW
    assert code_of(loans.premises_incident_handle, actor=s.adviser, report=report) == "report_already_handled"


# --- Selectors --------------------------------------------------------------------------
def test_the_equipment_lists(s):
    overdue = factories.loan_row(
        s.projector, s.other_org, at(days(-5), 9), at(days(-1), 15), checked_out_at=at(days(-5), 9)
    )
    due_today = factories.loan_row(
        s.projector, s.other_org, at(days(-2), 9), at(TODAY, 15), checked_out_at=at(days(-2), 9)
    )
    returned = factories.loan_row(
        s.projector,
        s.org,
        at(days(-9), 9),
        at(days(-8), 15),
        checked_out_at=at(days(-9), 9),
        checked_in_at=NOW,
    )
    late_pick_up = factories.loan_row(s.projector, s.other_org, at(days(-1), 9), at(days(1), 15))
    factories.loan_row(s.projector, s.org, at(days(1), 9), at(days(1), 15))  # tomorrow
    factories.loan_row(s.projector, s.org, at(TODAY, 10), at(TODAY, 11), status="cancelled")
    at_other_centre = factories.ResourceFactory.equipment(centre=s.other_centre)
    factories.loan_row(
        at_other_centre, s.org, at(days(-5), 9), at(days(-1), 9), checked_out_at=at(days(-5), 9)
    )

    mine = [s.centre.pk]
    assert list(selectors_loans.loans_to_hand_out(mine, now=NOW)) == [late_pick_up, s.equipment_loan]
    assert list(selectors_loans.loans_due_back(mine, now=NOW)) == [due_today]
    assert list(selectors_loans.overdue_loans(mine, now=NOW)) == [overdue]
    assert selectors_loans.overdue_loans(now=NOW).count() == 2  # every centre
    assert returned not in selectors_loans.overdue_loans(now=NOW)
    assert selectors_loans.is_overdue(overdue, now=NOW) and not selectors_loans.is_overdue(due_today, now=NOW)


def test_the_desk_lists(s):
    loans.print_count_record(actor=s.adviser, booking=s.desk_loan, month=MARCH, pages=301)
    loans.print_count_record(actor=s.adviser, booking=s.desk_loan, month=dt.date(2027, 2, 1), pages=5)
    Booking.objects.filter(pk=s.desk_loan.pk).update(review_on=days(14))
    other_desk = factories.ResourceFactory.desk(centre=s.centre, name="Pult 2")
    later = factories.loan_row(
        other_desk, s.other_org, at(TODAY, 0), at(dt.date(2027, 9, 1), 0), review_on=days(15)
    )

    desks = selectors_loans.desk_loans([s.centre.pk], now=NOW)
    assert [(d.booking, d.pages_this_month, d.is_over_allowance, d.needs_review) for d in desks] == [
        (s.desk_loan, 301, True, True),
        (later, None, False, False),
    ]
    assert list(selectors_loans.desks_due_for_review([s.centre.pk], now=NOW)) == [s.desk_loan]
    assert selectors_loans.desk_loans([s.other_centre.pk], now=NOW) == []


def test_the_premises_lists(s):
    in_a_week = factories.loan_row(s.hall, s.other_org, at(days(6), 18), at(days(6), 22))
    factories.loan_row(s.hall, s.other_org, at(days(7), 18), at(days(7), 22))  # too far ahead
    tonight = factories.loan_row(s.hall, s.org, at(TODAY, 18), at(TODAY, 22), status="requested")
    assert list(selectors_loans.premises_coming([s.centre.pk], now=NOW)) == [tonight, in_a_week]

    loans.premises_report_submit(actor=s.contact, booking=s.premises, checklist=ClosingChecklist(tidied=True))
    fine = factories.loan_row(s.hall, s.org, at(days(-8), 18), at(days(-8), 22))
    loans.premises_report_submit(actor=s.contact, booking=fine, checklist=ALL_DONE)
    assert [r.booking for r in selectors_loans.reports_to_follow_up([s.centre.pk])] == [s.premises]
    assert not selectors_loans.reports_to_follow_up([s.other_centre.pk]).exists()


# --- Pages for staff --------------------------------------------------------------------
def test_the_loans_page_shows_what_to_do_today(client, s):
    factories.loan_row(
        s.projector, s.other_org, at(days(-5), 9), at(days(-1), 15), checked_out_at=at(days(-5), 9)
    )
    loans.print_count_record(actor=s.adviser, booking=s.desk_loan, month=MARCH, pages=450)
    loans.premises_report_submit(
        actor=s.contact, booking=s.premises, checklist=ALL_DONE, incident="Vinduet sprakk."
    )
    client.force_login(s.adviser)
    body = client.get(reverse("bookings:loans")).content.decode()
    assert "Prosjektor" in body and "+4791234567" in body and "Andre lag" in body
    assert reverse("bookings:loan_check_out", args=[s.equipment_loan.pk]) in body
    assert "450" in body and "300" in body and ("over the allowance" in body or "over kvoten" in body.lower())
    assert "Vinduet sprakk." in body
    assert reverse("bookings:incident_handled", args=[s.premises.pk]) in body


def test_the_loans_page_is_for_staff_only(client, s):
    client.force_login(s.contact)
    assert client.get(reverse("bookings:loans")).status_code == 403
    client.force_login(s.other_adviser)
    body = client.get(reverse("bookings:loans")).content.decode()
    assert "Foreningen" not in body and "Prosjektor" not in body


def test_staff_hand_out_and_take_back_from_the_page(client, s):
    client.force_login(s.adviser)
    response = client.post(reverse("bookings:loan_check_out", args=[s.equipment_loan.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("bookings:loans")
    body = response.content.decode()
    assert "Prosjektor" in body and "Foreningen" in body
    assert Booking.objects.get(pk=s.equipment_loan.pk).checked_out_by == s.adviser
    response = client.post(reverse("bookings:loan_check_out", args=[s.equipment_loan.pk]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    client.post(reverse("bookings:loan_check_in", args=[s.equipment_loan.pk]))
    assert Booking.objects.get(pk=s.equipment_loan.pk).checked_in_by == s.adviser


def test_staff_of_another_centre_get_404_on_every_action(client, s):
    client.force_login(s.other_adviser)
    before = db_snapshot()
    for name in ("loan_check_out", "loan_check_in", "incident_handled"):
        assert client.post(reverse(f"bookings:{name}", args=[s.equipment_loan.pk])).status_code == 404
    for name, booking in (
        ("desk_review", s.desk_loan),
        ("desk_prints", s.desk_loan),
        ("handover_note", s.premises),
    ):
        assert client.get(reverse(f"bookings:{name}", args=[booking.pk])).status_code == 404
        assert client.post(reverse(f"bookings:{name}", args=[booking.pk]), {"note": "x"}).status_code == 404
    assert db_snapshot() == before


def test_the_desk_forms_open_only_for_their_kind(client, s):
    client.force_login(s.adviser)
    assert client.get(reverse("bookings:desk_prints", args=[s.premises.pk])).status_code == 404
    assert client.get(reverse("bookings:handover_note", args=[s.desk_loan.pk])).status_code == 404
    assert client.get(reverse("bookings:desk_review", args=[s.desk_loan.pk])).status_code == 200


def test_staff_record_this_months_pages_from_the_loans_page(client, s):
    client.force_login(s.adviser)
    response = client.post(
        reverse("bookings:desk_prints", args=[s.desk_loan.pk]),
        {"month": "2027-03", "pages": "310"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("bookings:loans")
    assert PrintCount.objects.get().pages == 310
    assert "300" in str(next(iter(response.context["messages"])))  # says it is over the allowance


def test_staff_set_the_review_date_and_the_key_note(client, s):
    client.force_login(s.adviser)
    client.post(reverse("bookings:desk_review", args=[s.desk_loan.pk]), {"review_on": "2027-04-15"})
    assert Booking.objects.get(pk=s.desk_loan.pk).review_on == dt.date(2027, 4, 15)
    client.post(reverse("bookings:handover_note", args=[s.premises.pk]), {"note": "Nøkkel i resepsjonen."})
    assert Booking.objects.get(pk=s.premises.pk).handover_note == "Nøkkel i resepsjonen."


def test_staff_mark_a_checklist_as_handled_from_the_page(client, s):
    loans.premises_report_submit(
        actor=s.contact, booking=s.premises, checklist=ClosingChecklist(), incident=""
    )
    client.force_login(s.adviser)
    client.post(reverse("bookings:incident_handled", args=[s.premises.pk]))
    assert PremisesReport.objects.get().incident_handled_at == NOW
    # A booking without a report has nothing to mark.
    assert client.post(reverse("bookings:incident_handled", args=[s.desk_loan.pk])).status_code == 404


# --- Pages for the organisation ---------------------------------------------------------
def _detail(client, user, booking) -> str:
    client.force_login(user)
    response = client.get(reverse("bookings:detail", args=[booking.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_booking_page_tells_where_the_equipment_is(client, s):
    body = _detail(client, s.contact, s.equipment_loan)
    assert "Not picked up yet" in body or "Ikke hentet ennå" in body
    Booking.objects.filter(pk=s.equipment_loan.pk).update(checked_out_at=at(TODAY, 9), ends_at=at(TODAY, 11))
    body = _detail(client, s.contact, s.equipment_loan)
    assert "ds-alert" in body  # overdue, said in words inside the alert


def test_the_booking_page_shows_the_desk_printing(client, s):
    loans.print_count_record(actor=s.adviser, booking=s.desk_loan, month=MARCH, pages=120)
    body = _detail(client, s.contact, s.desk_loan)
    assert "120" in body and "300" in body


def test_the_key_note_shows_to_the_organisation_once_confirmed(client, s):
    loans.handover_note_set(actor=s.adviser, booking=s.premises, note="Kode 4321")
    assert "Kode 4321" in _detail(client, s.contact, s.premises)
    assert "Kode 4321" in _detail(client, s.adviser, s.premises)
    Booking.objects.filter(pk=s.premises.pk).update(status=BookingStatus.REQUESTED)
    assert "Kode 4321" not in _detail(client, s.contact, s.premises)
    client.force_login(s.other_contact)
    assert client.get(reverse("bookings:detail", args=[s.premises.pk])).status_code == 404


def test_a_member_fills_in_the_closing_checklist(client, s):
    client.force_login(s.contact)
    url = reverse("bookings:checklist", args=[s.premises.pk])
    body = client.get(url).content.decode()
    assert "<fieldset" in body and "<legend" in body
    assert body.count('type="checkbox"') == 5 and "checked" not in body
    response = client.post(url, {"done": ["lights_off", "doors_locked"], "incident": "En kopp knuste."})
    assert response.status_code == 302
    report = PremisesReport.objects.get()
    assert (report.lights_off, report.tidied, report.doors_locked) == (True, False, True)
    receipt = client.get(url).content.decode()
    assert "En kopp knuste." in receipt and 'type="checkbox"' not in receipt
    response = client.post(url, {"done": ["tidied"]}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert PremisesReport.objects.get().tidied is False
    assert "En kopp knuste." in _detail(client, s.adviser, s.premises)  # staff see the report


def test_the_checklist_waits_for_the_booking_to_start(client, s):
    coming = factories.loan_row(s.hall, s.org, at(days(2), 18), at(days(2), 22))
    client.force_login(s.contact)
    url = reverse("bookings:checklist", args=[coming.pk])
    assert 'type="checkbox"' not in client.get(url).content.decode()
    client.post(url, {"done": ["tidied"]})
    assert not PremisesReport.objects.exists()


def test_the_checklist_is_only_for_the_organisation(client, s):
    url = reverse("bookings:checklist", args=[s.premises.pk])
    client.force_login(s.other_contact)
    assert client.get(url).status_code == 404
    assert client.post(url, {"done": ["tidied"]}).status_code == 404
    client.force_login(s.other_adviser)
    assert client.get(url).status_code == 404
    client.force_login(s.adviser)
    assert client.get(url).status_code == 403
    client.force_login(s.contact)
    assert client.get(reverse("bookings:checklist", args=[s.desk_loan.pk])).status_code == 404
    assert not PremisesReport.objects.exists()


# --- Bad input: a message, nothing stored -----------------------------------------------
BAD_INPUT = [
    ("desk_prints", "desk_loan", {"month": "2027-03", "pages": "99999999999999999999"}, "pages"),
    ("desk_prints", "desk_loan", {"month": "2027-03", "pages": "100001"}, "pages"),
    ("desk_prints", "desk_loan", {"month": "2027-03", "pages": "-1"}, "pages"),
    ("desk_prints", "desk_loan", {"month": "2027-03", "pages": "mange"}, "pages"),
    ("desk_prints", "desk_loan", {"month": "2027-03", "pages": ""}, "pages"),
    ("desk_prints", "desk_loan", {"month": "2026-12", "pages": "10"}, "month"),
    ("desk_prints", "desk_loan", {"month": "2027-07", "pages": "10"}, "month"),
    ("desk_prints", "desk_loan", {"month": "2027-13", "pages": "10"}, "month"),
    ("desk_prints", "desk_loan", {"month": "99999-01", "pages": "10"}, "month"),
    ("desk_prints", "desk_loan", {"month": SCRIPT, "pages": "10"}, "month"),
    ("desk_prints", "desk_loan", {"month": LONG, "pages": "10"}, "month"),
    ("desk_review", "desk_loan", {"review_on": "2027-07-01"}, "review_on"),
    ("desk_review", "desk_loan", {"review_on": "2027-02-30"}, "review_on"),
    ("desk_review", "desk_loan", {"review_on": "0001-01-01"}, "review_on"),
    ("desk_review", "desk_loan", {"review_on": SCRIPT}, "review_on"),
    ("desk_review", "desk_loan", {"review_on": ""}, "review_on"),
    ("handover_note", "premises", {"note": LONG}, "note"),
    ("checklist", "premises", {"done": ["lights_off"], "incident": LONG}, "incident"),
    ("checklist", "premises", {"done": ["burn_it_down"]}, "done"),
    ("checklist", "premises", {"done": [SCRIPT]}, "done"),
]


@pytest.mark.parametrize(
    ("name", "booking", "data", "field"),
    BAD_INPUT,
    ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(BAD_INPUT)],
)
def test_bad_input_gives_a_message_and_stores_nothing(client, s, name, booking, data, field):
    client.force_login(s.contact if name == "checklist" else s.adviser)
    before = db_snapshot()
    response = client.post(reverse(f"bookings:{name}", args=[getattr(s, booking).pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body or f'id="id_{field}_0_error"' in body or "error-summary" in body
    assert 'id="error-summary"' in body
    assert SCRIPT not in body
    assert db_snapshot() == before


# --- Query budgets ----------------------------------------------------------------------
def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _more_of_everything(s, n: int) -> None:
    for i in range(n):
        org = factories.OrganisationFactory(home_centre=s.centre)
        factories.loan_row(s.projector, org, at(TODAY, 8), at(days(1), 15))
        factories.loan_row(
            s.projector, org, at(days(-3), 8), at(days(-1), 15), checked_out_at=at(days(-3), 8)
        )
        desk = factories.ResourceFactory.desk(centre=s.centre, printer_pages_per_month=100)
        desk_loan = factories.loan_row(desk, org, at(days(-3), 0), at(days(60), 0), review_on=days(i))
        PrintCount.objects.create(booking=desk_loan, month=MARCH, pages=50 + i)
        hall = factories.ResourceFactory.premises(centre=s.centre)
        factories.loan_row(hall, org, at(days(1), 18), at(days(1), 22))
        done = factories.loan_row(hall, org, at(days(-2), 18), at(days(-2), 22))
        PremisesReport.objects.create(booking=done, incident="Noe skjedde.")


def test_the_loans_page_runs_a_fixed_number_of_queries(client, s):
    client.force_login(s.adviser)
    url = reverse("bookings:loans")
    _more_of_everything(s, 2)
    few = _queries(client, url)
    _more_of_everything(s, 8)
    many = _queries(client, url)
    assert many == few
    assert few <= 20


@pytest.mark.parametrize("booking", ["equipment_loan", "desk_loan", "premises"])
def test_the_booking_page_stays_within_its_budget(client, s, booking):
    client.force_login(s.contact)
    loans.premises_report_submit(actor=s.contact, booking=s.premises, checklist=ALL_DONE)
    assert _queries(client, reverse("bookings:detail", args=[getattr(s, booking).pk])) <= 12
