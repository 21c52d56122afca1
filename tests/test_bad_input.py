"""Bad input on every form: a clear message next to the field, no 500, nothing stored.

And escaping holds: what people type is shown as text, never run as markup.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib import messages
from django.urls import reverse

from batteriet.bookings.models import BookingStatus
from batteriet.core import time as clock
from batteriet.organisations.models import AgreementStatus, Membership, MembershipRole
from tests import factories

pytestmark = pytest.mark.django_db

LONG = "x" * 20_000
SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
HTML = '<b onmouseover="alert(2)">fet</b><img src=x onerror=alert(3)>'


class Ctx:
    """One centre with an organisation, its people, staff and agreements in each state."""

    def __init__(self) -> None:
        factories.reference_data()
        self.centre = factories.CentreFactory(slug="oslo", name="Batteriet Oslo")
        self.person = factories.UserFactory(full_name="Nils Nykommer")
        self.org = factories.OrganisationFactory(home_centre=self.centre, name="Foreningen")
        self.contact = factories.member(self.org, MembershipRole.CONTACT, full_name="Kari Kontakt")
        self.plain = factories.member(self.org, MembershipRole.MEMBER, full_name="Ola Medlem")
        self.membership = Membership.objects.get(user=self.plain)
        self.lead = factories.lead(self.centre)
        self.pending = factories.pending_organisation(self.centre, name="Venter")
        self.requested = factories.agreement(self.org, status=AgreementStatus.REQUESTED)
        self.active = factories.agreement(self.org, status=AgreementStatus.ACTIVE)
        self.signed = factories.agreement(
            factories.OrganisationFactory(home_centre=self.centre), status=AgreementStatus.SIGNED
        )
        # Premises in the evening, and a confirmed booking staff can move or cancel.
        self.hall = factories.ResourceFactory.premises(
            centre=self.centre, name="Salen", requires_approval=False
        )
        self.small_room = factories.ResourceFactory.bookable_now(centre=self.centre, name="Lille møterom")
        self.day = factories.bookable_day(weekday=1)
        self.booking = factories.booking_row(
            self.small_room,
            self.org,
            factories.at(self.day, 10),
            factories.at(self.day, 11),
            status=BookingStatus.CONFIRMED,
        )
        self.room = factories.ResourceFactory.bookable_now(centre=self.centre, name="Møterom")


def _taken_by_others(c: Ctx) -> dict:
    """Another organisation has booked the room 12–13, so the contact can wait for it."""
    if not hasattr(c, "taken"):
        neighbours = factories.OrganisationFactory(home_centre=c.centre, name="Naboforeningen")
        c.taken = factories.booking_row(
            c.room,
            neighbours,
            factories.at(c.day, 12),
            factories.at(c.day, 13),
            status=BookingStatus.CONFIRMED,
        )
    return {"day": c.day.isoformat(), "starts_at": "12:00", "ends_at": "13:00", "purpose": "Årsmøte"}


def _held_premises(c: Ctx):
    """The hall, held for the organisation from the waiting list, to confirm."""
    if not hasattr(c, "held"):
        from batteriet.bookings.models import WaitlistEntry, WaitlistStatus

        starts_at, ends_at = factories.at(c.day, 18), factories.at(c.day, 21)
        c.held = factories.booking_row(
            c.hall,
            c.org,
            starts_at,
            ends_at,
            status=BookingStatus.HELD,
            hold_expires_at=clock.now() + dt.timedelta(hours=24),
        )
        WaitlistEntry.objects.create(
            resource=c.hall,
            organisation=c.org,
            starts_at=starts_at,
            ends_at=ends_at,
            status=WaitlistStatus.OFFERED,
            offer=c.held,
        )
    return c.held


def _responsible_for(_held) -> dict:
    return {"responsible_name": "Kari Kontakt", "responsible_phone": "912 34 567"}


def db_snapshot() -> dict:
    """Every row of every table (sessions and last-login times aside)."""
    snapshot = {}
    for model in apps.get_models():
        if model._meta.label in {"sessions.Session"}:
            continue
        rows = list(model._default_manager.order_by("pk").values())
        for row in rows:
            row.pop("last_login", None)
        snapshot[model._meta.label] = rows
    return snapshot


def _today(days: int = 0) -> str:
    return (clock.local_today() + dt.timedelta(days=days)).isoformat()


@dataclass(frozen=True)
class Form:
    url: Callable[[Ctx], str]
    user: str | None  # attribute of Ctx, or None for an anonymous visitor
    valid: Callable[[Ctx], dict]
    errors_as_message: bool = False  # the form answers with a message, not a page


FORMS: dict[str, Form] = {
    "register_organisation": Form(
        lambda c: reverse("organisations:register_organisation"),
        "person",
        lambda c: factories.organisation_post(c.centre),
    ),
    "register_partner": Form(
        lambda c: reverse("organisations:register_partner"),
        "person",
        lambda c: factories.partner_post(c.centre),
    ),
    "register_initiator": Form(
        lambda c: reverse("organisations:register_initiator"),
        "person",
        lambda c: {"centre": str(c.centre.pk), "idea": "En gruppe for unge."},
    ),
    "edit_organisation": Form(
        lambda c: reverse("organisations:edit", args=[c.org.pk]),
        "contact",
        lambda c: factories.organisation_post(c.centre, name="Foreningen"),
    ),
    "invite": Form(
        lambda c: reverse("organisations:members", args=[c.org.pk]),
        "contact",
        lambda c: {"email": "ny@example.org", "role": "member"},
    ),
    "role_change": Form(
        lambda c: reverse("organisations:member_role", args=[c.org.pk, c.membership.pk]),
        "contact",
        lambda c: {f"m{c.membership.pk}-role": "board"},
        errors_as_message=True,
    ),
    "agreement_request": Form(
        lambda c: reverse("organisations:agreement_request", args=[c.org.pk]),
        "contact",
        lambda c: {"centre": str(factories.CentreFactory(slug="bergen").pk)},
    ),
    "sign": Form(
        lambda c: reverse("organisations:agreement_sign", args=[c.requested.pk]),
        "contact",
        lambda c: {"name": "Kari Kontakt", "confirm": "on"},
    ),
    "activate": Form(
        lambda c: reverse("organisations:agreement_activate", args=[c.signed.pk]),
        "lead",
        lambda c: {"valid_from": _today(), "valid_until": _today(365)},
    ),
    "terminate": Form(
        lambda c: reverse("organisations:agreement_terminate", args=[c.active.pk]),
        "lead",
        lambda c: {"reason": "Foreningen er lagt ned."},
    ),
    "decline": Form(
        lambda c: reverse("organisations:decline", args=[c.pending.pk]),
        "lead",
        lambda c: {"reason": "Dere jobber utenfor Norge."},
    ),
    "approve": Form(
        lambda c: reverse("organisations:approve", args=[c.pending.pk]),
        "lead",
        lambda c: {"reason": "Velkommen!"},
    ),
    "agreement_text": Form(
        lambda c: reverse("centres:agreement_text_edit", args=["oslo"]),
        "lead",
        lambda c: {"body_nb": "Nye regler.", "body_en": "New rules.", "validity_months": "12"},
    ),
    "profile": Form(
        lambda c: reverse("accounts:profile_edit"),
        "person",
        lambda c: {"full_name": "Nils Ny", "language": "en"},
    ),
    "signup": Form(
        lambda c: reverse("account_signup"),
        None,
        lambda c: {
            "full_name": "Ny Person",
            "email": "ny@example.org",
            "password1": "",
            "accept_privacy": "on",
        },
    ),
    "book_premises": Form(
        lambda c: reverse("bookings:create", args=[c.hall.pk]),
        "contact",
        lambda c: {
            "day": c.day.isoformat(),
            "starts_at": "18:00",
            "ends_at": "22:00",
            "purpose": "Årsmøte",
            "expected_people": "30",
            "responsible_name": "Kari Kontakt",
            "responsible_phone": "912 34 567",
        },
    ),
    "staff_book": Form(
        lambda c: reverse("bookings:staff_book") + f"?ressurs={c.small_room.pk}",
        "lead",
        lambda c: {
            "organisation": str(c.org.pk),
            "day": c.day.isoformat(),
            "starts_at": "12:00",
            "ends_at": "13:00",
            "purpose": "Styremøte",
            "expected_people": "6",
        },
    ),
    "staff_block": Form(
        lambda c: reverse("bookings:staff_block"),
        "lead",
        lambda c: {
            "resource": str(c.small_room.pk),
            "day": c.day.isoformat(),
            "starts_at": "13:00",
            "end_day": c.day.isoformat(),
            "ends_at": "16:00",
            "reason": "Maling",
        },
    ),
    "staff_move": Form(
        lambda c: reverse("bookings:staff_move", args=[c.booking.pk]),
        "lead",
        lambda c: {
            "resource": str(c.small_room.pk),
            "day": c.day.isoformat(),
            "starts_at": "14:00",
            "ends_at": "15:00",
            "reason": "Vannlekkasje",
        },
    ),
    "staff_cancel": Form(
        lambda c: reverse("bookings:staff_cancel", args=[c.booking.pk]),
        "lead",
        lambda c: {"reason": "Vannskade i rommet."},
    ),
    "login": Form(
        lambda c: reverse("account_login"),
        None,
        lambda c: {"login": c.person.email, "password": "Passord-for-test-1"},
    ),
    # A recurring booking: the pattern comes back from the preview and is checked again.
    "series": Form(
        lambda c: reverse("bookings:series_confirm", args=[c.room.pk]),
        "contact",
        lambda c: {
            "frequency": "weekly",
            "interval": "1",
            "weekdays": ["1"],
            "first_day": factories.bookable_day(weekday=1).isoformat(),
            "count": "2",
            "starts_at": "10:00",
            "ends_at": "11:00",
            "purpose": "Norskkurs",
            "expected_people": "6",
            "book": "free",
        },
    ),
    # The waiting list: wait for a taken time; confirm held premises with a responsible person.
    "waitlist_join": Form(
        lambda c: reverse("bookings:waitlist_join", args=[c.room.pk]),
        "contact",
        _taken_by_others,
    ),
    "offer_accept": Form(
        lambda c: reverse("bookings:offer_accept", args=[_held_premises(c).pk]),
        "contact",
        lambda c: _responsible_for(_held_premises(c)),
    ),
}

MISSING = None  # leave the field out, as a browser does for an unticked box


@dataclass(frozen=True)
class Bad:
    label: str
    changes: dict
    error_fields: list[str] = field(default_factory=list)
    redirects: bool = False  # answered like a success on purpose (no account enumeration)


ORGANISATION_BAD = [
    Bad("name too long", {"name": LONG}, ["name"]),
    Bad("name missing", {"name": ""}, ["name"]),
    Bad("name only spaces", {"name": "   "}, ["name"]),
    Bad("description too long", {"description": LONG}, ["description"]),
    Bad("description missing", {"description": " "}, ["description"]),
    Bad("orgnr wrong check digit", {"orgnr": "923609017"}, ["orgnr"]),
    Bad("orgnr with letters", {"orgnr": "92360901A"}, ["orgnr"]),
    Bad("orgnr eight digits", {"orgnr": "12345678"}, ["orgnr"]),
    Bad("orgnr long", {"orgnr": LONG}, ["orgnr"]),
    Bad("orgnr script", {"orgnr": SCRIPT}, ["orgnr"]),
    Bad("phone letters", {"phone": "ring meg"}, ["phone"]),
    Bad("phone too short", {"phone": "123"}, ["phone"]),
    Bad("phone script", {"phone": SCRIPT}, ["phone"]),
    Bad("phone long", {"phone": LONG}, ["phone"]),
    Bad("postcode with letter", {"postcode": "12a4"}, ["postcode"]),
    Bad("postcode five digits", {"postcode": "12345"}, ["postcode"]),
    Bad("email invalid", {"email": "ikke-en-adresse"}, ["email"]),
    Bad("email script", {"email": SCRIPT}, ["email"]),
    Bad("email long", {"email": LONG + "@example.org"}, ["email"]),
    Bad("email missing", {"email": ""}, ["email"]),
    Bad("website javascript", {"website": "javascript:alert(1)"}, ["website"]),
    Bad("website long", {"website": "https://example.org/" + LONG}, ["website"]),
    Bad("home centre missing", {"home_centre": MISSING}, ["home_centre"]),
    Bad("home centre unknown", {"home_centre": "999999"}, ["home_centre"]),
    Bad("home centre script", {"home_centre": SCRIPT}, ["home_centre"]),
    Bad("street address too long", {"street_address": LONG}, ["street_address"]),
    Bad("post town too long", {"post_town": LONG}, ["post_town"]),
    Bad(
        "several at once",
        {"name": "", "orgnr": "1", "phone": "x", "postcode": "12a4"},
        ["name", "orgnr", "phone", "postcode"],
    ),
]
GROUP_BAD = [
    Bad("kind missing", {"kind": MISSING}, ["kind"]),
    Bad("kind partner", {"kind": "partner"}, ["kind"]),
    Bad("kind script", {"kind": SCRIPT}, ["kind"]),
    Bad("target group unknown", {"target_groups": ["999999"]}, ["target_groups"]),
    Bad("target group script", {"target_groups": [SCRIPT]}, ["target_groups"]),
]

BAD: dict[str, list[Bad]] = {
    "register_organisation": [
        *ORGANISATION_BAD,
        *GROUP_BAD,
        Bad("focus not confirmed", {"confirm_focus": MISSING}, ["confirm_focus"]),
    ],
    "register_partner": [
        *ORGANISATION_BAD,
        Bad("partner type missing", {"partner_type": MISSING}, ["partner_type"]),
        Bad("partner type unknown", {"partner_type": "mafia"}, ["partner_type"]),
    ],
    "edit_organisation": [*ORGANISATION_BAD, *GROUP_BAD],
    "register_initiator": [
        Bad("idea too long", {"idea": LONG}, ["idea"]),
        Bad("idea missing", {"idea": "  "}, ["idea"]),
        Bad("centre missing", {"centre": MISSING}, ["centre"]),
        Bad("centre unknown", {"centre": "999999"}, ["centre"]),
        Bad("centre script", {"centre": SCRIPT}, ["centre"]),
    ],
    "invite": [
        Bad("email invalid", {"email": "ikke-en-adresse"}, ["email"]),
        Bad("email script", {"email": SCRIPT}, ["email"]),
        Bad("email long", {"email": LONG + "@example.org"}, ["email"]),
        Bad("email missing", {"email": ""}, ["email"]),
        Bad("role unknown", {"role": "king"}, ["role"]),
        Bad("role script", {"role": SCRIPT}, ["role"]),
        Bad("role missing", {"role": MISSING}, ["role"]),
        Bad("already a member", {"email": "__plain__"}, ["email"]),
    ],
    "role_change": [
        Bad("role unknown", {"__role__": "king"}),
        Bad("role script", {"__role__": SCRIPT}),
        Bad("role long", {"__role__": LONG}),
        Bad("role missing", {"__role__": MISSING}),
    ],
    "agreement_request": [
        Bad("centre missing", {"centre": MISSING}, ["centre"]),
        Bad("centre unknown", {"centre": "999999"}, ["centre"]),
        Bad("centre letters", {"centre": "abc"}, ["centre"]),
        Bad("centre long", {"centre": LONG}, ["centre"]),
        Bad("centre script", {"centre": SCRIPT}, ["centre"]),
    ],
    "sign": [
        Bad("name too long", {"name": LONG}, ["name"]),
        Bad("name missing", {"name": ""}, ["name"]),
        Bad("name of someone else", {"name": "Ola Medlem"}, ["name"]),
        Bad("name script", {"name": SCRIPT}, ["name"]),
        Bad("not confirmed", {"confirm": MISSING}, ["confirm"]),
    ],
    "activate": [
        Bad("end before start", {"valid_from": _today(10), "valid_until": _today(9)}, ["valid_until"]),
        Bad("year 99999", {"valid_until": "99999-01-01"}, ["valid_until"]),
        Bad("30 February", {"valid_from": "2026-02-30"}, ["valid_from"]),
        Bad("not a date", {"valid_from": SCRIPT}, ["valid_from"]),
        Bad("long", {"valid_until": LONG}, ["valid_until"]),
        Bad("more than three years", {"valid_until": _today(4 * 366)}, ["valid_until"]),
        Bad("ended long ago", {"valid_from": "1900-01-01", "valid_until": "1900-12-31"}, ["valid_until"]),
        Bad("start missing", {"valid_from": ""}, ["valid_from"]),
        Bad("both missing", {"valid_from": MISSING, "valid_until": MISSING}, ["valid_from", "valid_until"]),
    ],
    "terminate": [
        Bad("reason too long", {"reason": LONG}, ["reason"]),
        Bad("reason missing", {"reason": ""}, ["reason"]),
        Bad("reason only spaces", {"reason": "   "}, ["reason"]),
    ],
    "decline": [
        Bad("reason too long", {"reason": LONG}, ["reason"]),
        Bad("reason missing", {"reason": MISSING}, ["reason"]),
        Bad("reason only spaces", {"reason": " \n "}, ["reason"]),
    ],
    "approve": [Bad("message too long", {"reason": LONG}, ["reason"])],
    "agreement_text": [
        Bad("text too long", {"body_nb": LONG + "x"}, ["body_nb"]),
        Bad("text missing", {"body_en": ""}, ["body_en"]),
        Bad("months zero", {"validity_months": "0"}, ["validity_months"]),
        Bad("months 37", {"validity_months": "37"}, ["validity_months"]),
        Bad("months huge", {"validity_months": "99999999999999999999"}, ["validity_months"]),
        Bad("months letters", {"validity_months": "tolv"}, ["validity_months"]),
        Bad("months script", {"validity_months": SCRIPT}, ["validity_months"]),
        Bad("months missing", {"validity_months": MISSING}, ["validity_months"]),
    ],
    "profile": [
        Bad("name too long", {"full_name": LONG}, ["full_name"]),
        Bad("name missing", {"full_name": "  "}, ["full_name"]),
        Bad("language unknown", {"language": "sv"}, ["language"]),
        Bad("language script", {"language": SCRIPT}, ["language"]),
        Bad("language missing", {"language": MISSING}, ["language"]),
    ],
    "signup": [
        Bad("email long", {"email": LONG + "@example.org"}, ["email"]),
        Bad("email invalid", {"email": "ikke-en-adresse"}, ["email"]),
        Bad("email script", {"email": SCRIPT}, ["email"]),
        Bad("email missing", {"email": ""}, ["email"]),
        Bad("email taken", {"email": "__person__"}, redirects=True),
        Bad("name too long", {"full_name": LONG}, ["full_name"]),
        Bad("name missing", {"full_name": ""}, ["full_name"]),
        Bad("password too short", {"password1": "abc"}, ["password1"]),
        Bad("privacy not accepted", {"accept_privacy": MISSING}, ["accept_privacy"]),
    ],
    "login": [
        Bad("login long", {"login": LONG}, ["login"]),
        Bad("login script", {"login": SCRIPT}, ["login"]),
        Bad("login missing", {"login": ""}, ["login"]),
        Bad("password missing", {"password": ""}, ["password"]),
        Bad("password long", {"password": LONG}, []),
    ],
    "book_premises": [
        Bad("no responsible person", {"responsible_name": "  "}, ["responsible_name"]),
        Bad("responsible name too long", {"responsible_name": LONG}, ["responsible_name"]),
        Bad("phone missing", {"responsible_phone": ""}, ["responsible_phone"]),
        Bad("phone too short", {"responsible_phone": "123"}, ["responsible_phone"]),
        Bad("phone letters", {"responsible_phone": "ring Kari"}, ["responsible_phone"]),
        Bad("phone script", {"responsible_phone": SCRIPT}, ["responsible_phone"]),
        Bad("phone long", {"responsible_phone": LONG}, ["responsible_phone"]),
        Bad("zero length", {"ends_at": "18:00"}, ["ends_at"]),
        Bad("in opening hours", {"starts_at": "10:00", "ends_at": "12:00"}, ["starts_at"]),
        Bad("date 30 February", {"day": "2027-02-30"}, ["day"]),
        Bad("too many people", {"expected_people": "500"}, ["expected_people"]),
    ],
    "staff_book": [
        Bad("organisation missing", {"organisation": ""}, ["organisation"]),
        Bad("organisation unknown", {"organisation": "999999"}, ["organisation"]),
        Bad("organisation script", {"organisation": SCRIPT}, ["organisation"]),
        Bad("date missing", {"day": ""}, ["day"]),
        Bad("date year 1", {"day": "0001-01-01"}, ["day"]),
        Bad("time script", {"starts_at": SCRIPT}, ["starts_at"]),
        Bad("ends before start", {"ends_at": "11:00"}, ["ends_at"]),
        Bad("taken", {"starts_at": "10:00", "ends_at": "11:00"}, []),
        Bad("purpose missing", {"purpose": " "}, ["purpose"]),
        Bad("purpose too long", {"purpose": LONG}, ["purpose"]),
        Bad("people huge", {"expected_people": "99999999999999999999"}, ["expected_people"]),
    ],
    "staff_block": [
        Bad("resource missing", {"resource": ""}, ["resource"]),
        Bad("resource unknown", {"resource": "999999"}, ["resource"]),
        Bad("resource script", {"resource": SCRIPT}, ["resource"]),
        Bad("end date missing", {"end_day": MISSING}, ["end_day"]),
        Bad("end date 30 February", {"end_day": "2027-02-30"}, ["end_day"]),
        Bad("ends before start", {"ends_at": "12:00"}, ["ends_at"]),
        Bad("over a booking", {"starts_at": "09:00"}, []),
        Bad("reason missing", {"reason": ""}, ["reason"]),
        Bad("reason too long", {"reason": LONG}, ["reason"]),
    ],
    "staff_move": [
        Bad("resource unknown", {"resource": "999999"}, ["resource"]),
        Bad("date missing", {"day": ""}, ["day"]),
        Bad("time script", {"ends_at": SCRIPT}, ["ends_at"]),
        Bad("ends before start", {"ends_at": "13:00"}, ["ends_at"]),
        Bad("outside opening hours", {"starts_at": "07:00", "ends_at": "08:00"}, ["starts_at"]),
        Bad("in the past", {"day": "2001-01-02"}, ["starts_at"]),
        Bad("message too long", {"reason": LONG}, ["reason"]),
        Bad("message missing", {"reason": ""}, ["reason"]),
    ],
    "staff_cancel": [
        Bad("reason missing", {"reason": ""}, ["reason"]),
        Bad("reason only spaces", {"reason": "   "}, ["reason"]),
        Bad("reason too long", {"reason": LONG}, ["reason"]),
    ],
    "series": [
        Bad("no weekday", {"weekdays": MISSING}, ["weekdays"]),
        Bad("weekday unknown", {"weekdays": ["7"]}, ["weekdays"]),
        Bad("weekday script", {"weekdays": [SCRIPT]}, ["weekdays"]),
        Bad("frequency unknown", {"frequency": "daily"}, ["frequency"]),
        Bad("frequency missing", {"frequency": MISSING}, ["frequency"]),
        Bad("interval zero", {"interval": "0"}, ["interval"]),
        Bad("interval huge", {"interval": "99999999999999999999"}, ["interval"]),
        Bad(
            "monthly with two weekdays",
            {"frequency": "monthly", "weekdays": ["0", "1"], "week_of_month": "1"},
            ["weekdays"],
        ),
        Bad("monthly without week", {"frequency": "monthly"}, ["week_of_month"]),
        Bad("week of month script", {"frequency": "monthly", "week_of_month": SCRIPT}, ["week_of_month"]),
        Bad("first day 30 February", {"first_day": "2027-02-30"}, ["first_day"]),
        Bad("first day year 9999", {"first_day": "9999-12-31"}, ["first_day"]),
        Bad("first day missing", {"first_day": ""}, ["first_day"]),
        Bad("no end", {"count": ""}, ["until"]),
        Bad("both ends", {"until": _today(60)}, ["count"]),
        Bad("count too many", {"count": "101"}, ["count"]),
        Bad("count long", {"count": LONG}, ["count"]),
        Bad("until before first day", {"count": "", "until": "2001-01-01"}, ["until"]),
        Bad("until more than two years", {"count": "", "until": _today(3 * 366)}, ["until"]),
        Bad("ends before start", {"ends_at": "09:00"}, ["ends_at"]),
        Bad("time script", {"starts_at": SCRIPT}, ["starts_at"]),
        Bad("purpose missing", {"purpose": "  "}, ["purpose"]),
        Bad("purpose too long", {"purpose": LONG}, ["purpose"]),
        Bad("too many people", {"expected_people": "500"}, ["expected_people"]),
        Bad(
            "several at once",
            {"weekdays": MISSING, "count": "0", "purpose": ""},
            ["weekdays", "count", "purpose"],
        ),
    ],
    "waitlist_join": [
        Bad("free time", {"starts_at": "14:00", "ends_at": "15:00"}, []),
        Bad("date missing", {"day": ""}, ["day"]),
        Bad("date 30 February", {"day": "2027-02-30"}, ["day"]),
        Bad("date year 1", {"day": "0001-01-01"}, ["day"]),
        Bad("time script", {"starts_at": SCRIPT}, ["starts_at"]),
        Bad("ends before start", {"ends_at": "11:00"}, ["ends_at"]),
        Bad("outside opening hours", {"starts_at": "06:00", "ends_at": "07:00"}, ["starts_at"]),
        Bad("purpose missing", {"purpose": " "}, ["purpose"]),
        Bad("purpose too long", {"purpose": LONG}, ["purpose"]),
        Bad("too many people", {"expected_people": "500"}, ["expected_people"]),
        Bad("people huge", {"expected_people": "99999999999999999999"}, ["expected_people"]),
    ],
    "offer_accept": [
        Bad("no responsible person", {"responsible_name": "  "}, ["responsible_name"]),
        Bad("responsible name too long", {"responsible_name": LONG}, ["responsible_name"]),
        Bad("phone missing", {"responsible_phone": ""}, ["responsible_phone"]),
        Bad("phone letters", {"responsible_phone": "ring Kari"}, ["responsible_phone"]),
        Bad("phone script", {"responsible_phone": SCRIPT}, ["responsible_phone"]),
        Bad("phone long", {"responsible_phone": LONG}, ["responsible_phone"]),
    ],
}

# A free-text field on each form that takes any text: it carries a script tag along
# with the bad input, to show that the re-displayed form escapes what was typed.
ECHO = {
    "register_organisation": "post_town",
    "register_partner": "post_town",
    "edit_organisation": "post_town",
    "register_initiator": "idea",
    "signup": "full_name",
    "agreement_text": "body_en",
    "terminate": "reason",
    "decline": "reason",
    "book_premises": "purpose",
    "staff_book": "purpose",
    "staff_block": "reason",
    "staff_move": "reason",
    "series": "purpose",
    "waitlist_join": "purpose",
    "offer_accept": "responsible_name",
}

CASES = [(form, bad) for form, bads in BAD.items() for bad in bads]


def _data(ctx: Ctx, form_name: str, bad: Bad) -> dict:
    data = dict(FORMS[form_name].valid(ctx))
    changes = dict(bad.changes)
    echo = ECHO.get(form_name)
    if echo and echo not in changes:
        data[echo] = SCRIPT if form_name != "signup" else SCRIPT[:40]
    if "__role__" in changes:
        changes[f"m{ctx.membership.pk}-role"] = changes.pop("__role__")
    for key, value in changes.items():
        if value == "__plain__":
            value = ctx.plain.email.upper()
        if value == "__person__":
            value = ctx.person.email
        data[key] = value
    # A browser always sends the CSRF token, so a form is never posted empty.
    data["csrfmiddlewaretoken"] = "x"
    return {key: value for key, value in data.items() if value is not None}


def test_every_form_has_bad_input_cases():
    assert set(BAD) == set(FORMS)
    assert all(BAD[name] for name in FORMS)


@pytest.mark.parametrize("form_name", list(FORMS))
def test_the_valid_submission_works(client, form_name):
    """The baseline is valid, so each bad case fails because of its bad part only."""
    ctx = Ctx()
    form = FORMS[form_name]
    if form.user:
        client.force_login(getattr(ctx, form.user))
    before = db_snapshot()
    response = client.post(form.url(ctx), form.valid(ctx))
    assert response.status_code == 302
    assert "_error" not in response.get("Location", "")
    if form_name != "login":
        assert db_snapshot() != before


@pytest.mark.parametrize(("form_name", "bad"), CASES, ids=[f"{f}-{b.label}" for f, b in CASES])
def test_bad_input(client, form_name, bad):
    ctx = Ctx()
    form = FORMS[form_name]
    if form.user:
        client.force_login(getattr(ctx, form.user))
    data = _data(ctx, form_name, bad)
    before = db_snapshot()

    response = client.post(form.url(ctx), data, follow=form.errors_as_message)

    assert response.status_code < 500
    assert db_snapshot() == before, "bad input changed stored data"
    if bad.redirects:
        assert response.status_code == 302
        return
    body = response.content.decode()
    assert SCRIPT not in body
    assert HTML not in body
    if form.errors_as_message:
        assert [m.level for m in response.context["messages"]] == [messages.ERROR]
        return
    assert response.status_code == 200
    for name in bad.error_fields:
        assert f'id="id_{name}_error"' in body, f"no error shown next to {name}"
    assert 'id="error-summary"' in body or "ds-alert" in body
    if form_name in ECHO and ECHO[form_name] not in bad.changes and form_name != "signup":
        assert ESCAPED_SCRIPT in body  # what was typed comes back, escaped


# --- Escaping of what was stored ------------------------------------------------------
def test_stored_markup_is_shown_as_text_on_every_page(client):
    """A name with a script tag, saved through the valid forms, is escaped wherever it shows."""
    ctx = Ctx()
    client.force_login(ctx.person)
    response = client.post(
        reverse("organisations:register_organisation"),
        factories.organisation_post(ctx.centre, name=SCRIPT, description=HTML, post_town=SCRIPT),
    )
    assert response.status_code == 302
    organisation = ctx.centre.organisations.get(name=SCRIPT)
    factories.member(organisation, MembershipRole.BOARD, full_name=f"{SCRIPT} Styremedlem")

    def check(user, url_name, *args):
        client.force_login(user)
        body = client.get(reverse(url_name, args=args)).content.decode()
        assert SCRIPT not in body, url_name
        assert HTML not in body, url_name
        assert "<b onmouseover" not in body and "<img src=x" not in body, url_name
        assert ESCAPED_SCRIPT in body, url_name

    # While it waits for approval: the person who registered it and the centre's staff.
    for url_name in ("organisations:detail", "organisations:edit", "organisations:members"):
        check(ctx.person, url_name, organisation.pk)
    check(ctx.person, "accounts:my_page")
    check(ctx.lead, "centres:staff_home")
    check(ctx.lead, "organisations:staff_list")
    check(ctx.lead, "organisations:staff_detail", organisation.pk)
    check(ctx.lead, "organisations:decline", organisation.pk)

    # After approval and a request for an agreement: the agreement pages too.
    client.force_login(ctx.lead)
    assert client.post(reverse("organisations:approve", args=[organisation.pk])).status_code == 302
    client.force_login(ctx.person)
    response = client.post(
        reverse("organisations:agreement_request", args=[organisation.pk]), {"centre": ctx.centre.pk}
    )
    assert response.status_code == 302
    agreement = organisation.agreements.get()
    for url_name in ("organisations:agreement_detail", "organisations:agreement_print"):
        check(ctx.person, url_name, agreement.pk)
        check(ctx.lead, url_name, agreement.pk)
    check(ctx.lead, "organisations:staff_detail", organisation.pk)  # with its history of changes
    check(ctx.person, "organisations:agreement_request", organisation.pk)


def test_a_person_named_with_markup_is_escaped(client):
    ctx = Ctx()
    ctx.plain.full_name = SCRIPT
    ctx.plain.save()
    for user, url_name, args in (
        (ctx.plain, "accounts:my_page", []),
        (ctx.plain, "accounts:profile_edit", []),
        (ctx.contact, "organisations:detail", [ctx.org.pk]),
        (ctx.contact, "organisations:members", [ctx.org.pk]),
        (ctx.lead, "organisations:staff_detail", [ctx.org.pk]),
    ):
        client.force_login(user)
        body = client.get(reverse(url_name, args=args)).content.decode()
        assert SCRIPT not in body, url_name
        assert ESCAPED_SCRIPT in body, url_name
