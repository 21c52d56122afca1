"""Least privilege, as a table: every URL name × every role → the expected status.

A new URL in one of the apps fails `test_the_table_covers_every_url_name` until it
gets a row here. Objects of organisation B1 / centre B must be invisible (404) to
people of A1 / centre A, and the other way round.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import get_resolver, reverse

from batteriet.api import services as api_services
from batteriet.api.models import ApiToken
from batteriet.bookings import models as booking_models
from batteriet.bookings.models import (
    Booking,
    BookingStatus,
    CalendarFeed,
    Occupancy,
    PremisesReport,
    PrintCount,
)
from batteriet.bookings.services import calendar_feeds
from batteriet.core import time as clock
from batteriet.core.models import AuditEntry
from batteriet.organisations.models import (
    Agreement,
    AgreementStatus,
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
)
from tests import factories

pytestmark = pytest.mark.django_db

NAMESPACES = ["core", "accounts", "privacy", "centres", "organisations", "bookings", "api_tokens"]
ROLES = [
    "anonymous",
    "person",
    "initiator",
    "contact_a1",
    "board_a1",
    "member_a1",
    "contact_b1",
    "contact_pending",
    "partner",
    "adviser_a",
    "lead_a",
    "adviser_b",
    "lead_b",
    "coordinator",
    "site_admin",
]
LOGGED_IN = set(ROLES) - {"anonymous"}
MEMBERS_A1 = {"contact_a1", "board_a1", "member_a1"}
STAFF_A = {"adviser_a", "lead_a", "coordinator"}
STAFF_B = {"adviser_b", "lead_b", "coordinator"}
STAFF = STAFF_A | STAFF_B
# People of approved organisations that may book (not the pending one, not the partner).
BOOKERS = MEMBERS_A1 | {"contact_b1"}
NO_ACCESS = "no access"


def expect(ok=frozenset(), forbidden=frozenset(), rest=404, anonymous=302, **exact) -> dict[str, int]:
    """200 for `ok`, 403 for `forbidden`, `rest` for everyone else; anonymous → login."""
    table = {}
    for role in ROLES:
        if role == "anonymous":
            table[role] = anonymous
        elif role in ok:
            table[role] = 200
        elif role in forbidden:
            table[role] = 403
        else:
            table[role] = rest
    table.update(exact)
    return table


EVERYONE = expect(ok=LOGGED_IN, anonymous=200)
ANY_LOGGED_IN = expect(ok=LOGGED_IN)
POST_ONLY = dict.fromkeys(ROLES, 405)


@dataclass(frozen=True)
class Row:
    name: str
    target: str
    args: Callable[[factories.Scenario], list]
    expected: dict[str, int]

    @property
    def id(self) -> str:
        return f"{self.name}[{self.target}]"


def none(s):
    return []


def _api_token(user) -> ApiToken:
    return api_services.api_token_create(actor=user, name="Matrise")[0]


def _feed_token(organisation) -> str:
    return calendar_feeds.calendar_feed_get_or_create(organisation=organisation).token


def _series_booking(organisation, room) -> Booking:
    """A time of a weekly recurring booking of `organisation`, written straight to the database.

    Made once per organisation and room: a second booking of the same time would clash.
    """
    from batteriet.bookings.models import Series

    existing = Booking.objects.filter(organisation=organisation, resource=room, series__isnull=False).first()
    if existing is not None:
        return existing
    day = factories.bookable_day(weeks_ahead=2)
    series = Series.objects.create(
        resource=room,
        organisation=organisation,
        weekdays=[day.weekday()],
        first_day=day,
        count=1,
        starts_at_time=dt.time(12),
        ends_at_time=dt.time(13),
    )
    return factories.booking_row(
        room, organisation, factories.at(day, 12), factories.at(day, 13), series=series
    )


ROWS = [
    # API keys: each person sees and withdraws only their own.
    Row("api_tokens:list", "", none, ANY_LOGGED_IN),
    Row(
        "api_tokens:revoke",
        "A1 contact's",
        lambda s: [_api_token(s.contact_a1).pk],
        expect(ok={"contact_a1"}),
    ),
    Row("api_tokens:revoke", "missing", lambda s: [999_999], expect()),
    # Public pages.
    Row("core:home", "", none, EVERYONE),
    Row("core:who_we_serve", "", none, EVERYONE),
    Row("privacy:notice", "", none, EVERYONE),
    Row("centres:list", "", none, EVERYONE),
    Row("centres:detail", "A", lambda s: [s.centre_a.slug], EVERYONE),
    Row("centres:detail", "missing", lambda s: ["finnes-ikke"], expect(rest=404, anonymous=404)),
    Row("organisations:register_start", "", none, EVERYONE),
    Row("organisations:register_work_area", "", none, EVERYONE),
    Row("organisations:register_abroad", "", none, EVERYONE),
    Row("organisations:register_individual", "", none, EVERYONE),
    # Anyone logged in.
    Row("accounts:my_page", "", none, ANY_LOGGED_IN),
    Row("accounts:profile_edit", "", none, ANY_LOGGED_IN),
    Row("organisations:register_organisation", "", none, ANY_LOGGED_IN),
    Row("organisations:register_partner", "", none, ANY_LOGGED_IN),
    Row("organisations:register_initiator", "", none, ANY_LOGGED_IN),
    Row("organisations:invitation_accept", "A1", lambda s: [s.invitation_token], ANY_LOGGED_IN),
    Row("organisations:invitation_accept", "unknown", lambda s: ["ukjent"], ANY_LOGGED_IN),
    # Staff pages.
    Row("centres:staff_home", "", none, expect(ok=STAFF, rest=403)),
    Row("organisations:staff_list", "", none, expect(ok=STAFF, rest=403)),
    Row(
        "organisations:staff_detail",
        "A1",
        lambda s: [s.a1.pk],
        expect(ok=STAFF_A, rest=403, adviser_b=404, lead_b=404),
    ),
    Row(
        "organisations:staff_detail",
        "B1",
        lambda s: [s.b1.pk],
        expect(ok=STAFF_B, rest=403, adviser_a=404, lead_a=404),
    ),
    Row(
        "centres:agreement_text_edit",
        "A",
        lambda s: [s.centre_a.slug],
        expect(ok={"lead_a", "coordinator"}, forbidden={"adviser_a"}),
    ),
    Row(
        "centres:agreement_text_edit",
        "B",
        lambda s: [s.centre_b.slug],
        expect(ok={"lead_b", "coordinator"}, forbidden={"adviser_b"}),
    ),
    Row("organisations:approve", "pending", lambda s: [s.pending.pk], POST_ONLY),
    Row(
        "organisations:decline",
        "pending",
        lambda s: [s.pending.pk],
        expect(ok=STAFF_A, forbidden={"contact_pending"}),
    ),
    Row("organisations:decline", "B1", lambda s: [s.b1.pk], expect(ok=STAFF_B, forbidden={"contact_b1"})),
    # An organisation's own pages.
    Row("organisations:detail", "A1", lambda s: [s.a1.pk], expect(ok=MEMBERS_A1 | STAFF_A)),
    Row("organisations:detail", "B1", lambda s: [s.b1.pk], expect(ok={"contact_b1"} | STAFF_B)),
    Row(
        "organisations:detail", "pending", lambda s: [s.pending.pk], expect(ok={"contact_pending"} | STAFF_A)
    ),
    Row("organisations:detail", "partner", lambda s: [s.partner_org.pk], expect(ok={"partner"} | STAFF_A)),
    Row(
        "organisations:edit",
        "A1",
        lambda s: [s.a1.pk],
        expect(ok={"contact_a1", "board_a1"} | STAFF_A, forbidden={"member_a1"}),
    ),
    Row("organisations:edit", "B1", lambda s: [s.b1.pk], expect(ok={"contact_b1"} | STAFF_B)),
    Row(
        "organisations:members",
        "A1",
        lambda s: [s.a1.pk],
        expect(ok={"contact_a1"}, forbidden={"board_a1", "member_a1"} | STAFF_A),
    ),
    Row("organisations:members", "B1", lambda s: [s.b1.pk], expect(ok={"contact_b1"}, forbidden=STAFF_B)),
    Row("organisations:member_role", "A1", lambda s: [s.a1.pk, s.membership_member_a1.pk], POST_ONLY),
    Row("organisations:member_remove", "A1", lambda s: [s.a1.pk, s.membership_member_a1.pk], POST_ONLY),
    Row(
        "organisations:agreement_request",
        "A1",
        lambda s: [s.a1.pk],
        expect(ok={"contact_a1", "board_a1"}, forbidden={"member_a1"} | STAFF_A),
    ),
    Row(
        "organisations:agreement_request",
        "B1",
        lambda s: [s.b1.pk],
        expect(ok={"contact_b1"}, forbidden=STAFF_B),
    ),
    # User agreements.
    Row(
        "organisations:agreement_detail",
        "A1 active",
        lambda s: [s.agreement_a1_active.pk],
        expect(ok=MEMBERS_A1 | STAFF_A),
    ),
    Row(
        "organisations:agreement_detail",
        "B1 signed",
        lambda s: [s.agreement_b1_signed.pk],
        expect(ok={"contact_b1"} | STAFF_B),
    ),
    Row(
        "organisations:agreement_print",
        "A1 active",
        lambda s: [s.agreement_a1_active.pk],
        expect(ok=MEMBERS_A1 | STAFF_A),
    ),
    Row(
        "organisations:agreement_print",
        "B1 signed",
        lambda s: [s.agreement_b1_signed.pk],
        expect(ok={"contact_b1"} | STAFF_B),
    ),
    Row("organisations:agreement_sign", "A1", lambda s: [s.agreement_a1_signed.pk], POST_ONLY),
    Row(
        "organisations:agreement_activate",
        "A1 signed",
        lambda s: [s.agreement_a1_signed.pk],
        expect(ok=STAFF_A, forbidden=MEMBERS_A1),
    ),
    Row(
        "organisations:agreement_activate",
        "B1 signed",
        lambda s: [s.agreement_b1_signed.pk],
        expect(ok=STAFF_B, forbidden={"contact_b1"}),
    ),
    Row(
        "organisations:agreement_terminate",
        "A1 active",
        lambda s: [s.agreement_a1_active.pk],
        expect(ok=STAFF_A, forbidden=MEMBERS_A1),
    ),
    Row(
        "organisations:agreement_terminate",
        "B1 signed",
        lambda s: [s.agreement_b1_signed.pk],
        expect(ok=STAFF_B, forbidden={"contact_b1"}),
    ),
    # Bookings: what can be booked and when it is free carries no personal data.
    Row("bookings:resources", "A", lambda s: [s.centre_a.slug], ANY_LOGGED_IN),
    Row("bookings:resources", "missing", lambda s: ["finnes-ikke"], expect()),
    Row("bookings:resource", "room A", lambda s: [s.room_a.pk], ANY_LOGGED_IN),
    Row("bookings:resource", "missing", lambda s: [999_999], expect()),
    Row("bookings:create", "room A", lambda s: [s.room_a.pk], expect(ok=BOOKERS, rest=403)),
    Row("bookings:create", "room B", lambda s: [s.room_b.pk], expect(ok=BOOKERS, rest=403)),
    Row("bookings:mine", "", none, ANY_LOGGED_IN),
    Row("bookings:detail", "A1", lambda s: [s.booking_a1.pk], expect(ok=MEMBERS_A1 | STAFF_A)),
    Row("bookings:detail", "B1", lambda s: [s.booking_b1.pk], expect(ok={"contact_b1"} | STAFF_B)),
    Row("bookings:cancel", "A1", lambda s: [s.booking_a1.pk], POST_ONLY),
    # Recurring bookings: the form for those who may book; a series and its later times
    # for its organisation and the centre's staff.
    Row("bookings:series_create", "room A", lambda s: [s.room_a.pk], expect(ok=BOOKERS, rest=403)),
    Row("bookings:series_create", "missing", lambda s: [999_999], expect()),
    Row("bookings:series_confirm", "room A", lambda s: [s.room_a.pk], POST_ONLY),
    Row(
        "bookings:series_detail",
        "A1",
        lambda s: [_series_booking(s.a1, s.room_a).series_id],
        expect(ok=MEMBERS_A1 | STAFF_A),
    ),
    Row(
        "bookings:series_detail",
        "B1",
        lambda s: [_series_booking(s.b1, s.room_b).series_id],
        expect(ok={"contact_b1"} | STAFF_B),
    ),
    Row("bookings:series_detail", "missing", lambda s: [999_999], expect()),
    Row(
        "bookings:series_cancel_from",
        "A1",
        lambda s: [_series_booking(s.a1, s.room_a).pk],
        expect(ok=MEMBERS_A1 | STAFF_A),
    ),
    Row(
        "bookings:series_cancel_from",
        "B1",
        lambda s: [_series_booking(s.b1, s.room_b).pk],
        expect(ok={"contact_b1"} | STAFF_B),
    ),
    Row("bookings:series_cancel_from", "single A1", lambda s: [s.booking_a1.pk], expect()),
    Row(
        "bookings:series_change_from",
        "A1",
        lambda s: [_series_booking(s.a1, s.room_a).pk],
        expect(ok=MEMBERS_A1 | STAFF_A),
    ),
    Row(
        "bookings:series_change_from",
        "B1",
        lambda s: [_series_booking(s.b1, s.room_b).pk],
        expect(ok={"contact_b1"} | STAFF_B),
    ),
    Row(
        "bookings:series_change_one",
        "A1",
        lambda s: [_series_booking(s.a1, s.room_a).pk],
        expect(ok=MEMBERS_A1 | STAFF_A),
    ),
    Row(
        "bookings:series_change_one",
        "B1",
        lambda s: [_series_booking(s.b1, s.room_b).pk],
        expect(ok={"contact_b1"} | STAFF_B),
    ),
    Row("bookings:series_change_one", "single A1", lambda s: [s.booking_a1.pk], expect()),
    Row("bookings:waitlist_join", "room A", lambda s: [s.room_a.pk], expect(ok=BOOKERS, rest=403)),
    Row("bookings:waitlist_join", "missing", lambda s: [999_999], expect()),
    Row("bookings:waitlist_leave", "A1", lambda s: [_waiting(s).entry_a1.pk], POST_ONLY),
    Row("bookings:offer_accept", "A1", lambda s: [_waiting(s).held_a1.pk], expect(ok=MEMBERS_A1)),
    Row("bookings:offer_accept", "B1", lambda s: [_waiting(s).held_b1.pk], expect(ok={"contact_b1"})),
    Row("bookings:offer_decline", "A1", lambda s: [_waiting(s).held_a1.pk], POST_ONLY),
    Row("bookings:staff_queue", "", none, expect(ok=STAFF, rest=403)),
    Row("bookings:approve", "A1", lambda s: [s.booking_a1.pk], POST_ONLY),
    Row("bookings:decline", "A1", lambda s: [s.booking_a1.pk], expect(ok=STAFF_A)),
    Row("bookings:decline", "B1", lambda s: [s.booking_b1.pk], expect(ok=STAFF_B)),
    Row("bookings:free_rooms", "A", lambda s: [s.centre_a.slug], expect(ok=BOOKERS | STAFF_A, rest=403)),
    Row("bookings:free_rooms", "missing", lambda s: ["finnes-ikke"], expect()),
    Row("bookings:staff_book", "", none, expect(ok=STAFF, rest=403)),
    Row("bookings:staff_block", "", none, expect(ok=STAFF, rest=403)),
    Row("bookings:closures", "", none, expect(ok=STAFF, rest=403)),
    Row("bookings:closure_remove", "A", lambda s: [_closure_a(s).pk], POST_ONLY),
    Row("bookings:staff_move", "A1", lambda s: [s.booking_a1.pk], expect(ok=STAFF_A)),
    Row("bookings:staff_move", "B1", lambda s: [s.booking_b1.pk], expect(ok=STAFF_B)),
    Row("bookings:staff_cancel", "A1", lambda s: [s.booking_a1.pk], expect(ok=STAFF_A)),
    Row("bookings:staff_cancel", "B1", lambda s: [s.booking_b1.pk], expect(ok=STAFF_B)),
    # Calendar feeds: calendar apps cannot log in; the private feed needs its secret token.
    Row("bookings:calendar_feeds", "", none, ANY_LOGGED_IN),
    Row("bookings:calendar_feed_reset", "A1", lambda s: [s.a1.pk], POST_ONLY),
    Row("bookings:organisation_feed", "A1", lambda s: [_feed_token(s.a1)], EVERYONE),
    Row("bookings:organisation_feed", "unknown", lambda s: ["ukjent"], expect(anonymous=404)),
    Row("bookings:resource_feed", "room A", lambda s: [s.room_a.pk], EVERYONE),
    Row("bookings:resource_feed", "missing", lambda s: [999_999], expect(anonymous=404)),
    Row("bookings:centre_feed", "A", lambda s: [s.centre_a.slug], EVERYONE),
    Row("bookings:centre_feed", "missing", lambda s: ["finnes-ikke"], expect(anonymous=404)),
    # After booking: loans, desks and premises. Members send the checklist; staff read it elsewhere.
    Row("bookings:loans", "", none, expect(ok=STAFF, rest=403)),
    Row("bookings:loan_check_out", "A1", lambda s: [_loans(s).equipment_a1.pk], POST_ONLY),
    Row("bookings:loan_check_in", "A1", lambda s: [_loans(s).equipment_a1.pk], POST_ONLY),
    Row("bookings:incident_handled", "A1", lambda s: [_loans(s).premises_a1.pk], POST_ONLY),
    Row("bookings:desk_review", "A1", lambda s: [_loans(s).desk_a1.pk], expect(ok=STAFF_A)),
    Row("bookings:desk_review", "B1", lambda s: [_loans(s).desk_b1.pk], expect(ok=STAFF_B)),
    Row("bookings:desk_prints", "A1", lambda s: [_loans(s).desk_a1.pk], expect(ok=STAFF_A)),
    Row("bookings:desk_prints", "B1", lambda s: [_loans(s).desk_b1.pk], expect(ok=STAFF_B)),
    Row("bookings:handover_note", "A1", lambda s: [_loans(s).premises_a1.pk], expect(ok=STAFF_A)),
    Row("bookings:handover_note", "B1", lambda s: [_loans(s).premises_b1.pk], expect(ok=STAFF_B)),
    Row(
        "bookings:checklist",
        "A1",
        lambda s: [_loans(s).premises_a1.pk],
        expect(ok=MEMBERS_A1, forbidden=STAFF_A),
    ),
    Row(
        "bookings:checklist",
        "B1",
        lambda s: [_loans(s).premises_b1.pk],
        expect(ok={"contact_b1"}, forbidden=STAFF_B),
    ),
]


def url_names() -> set[str]:
    resolver = get_resolver()
    names = set()
    for namespace in NAMESPACES:
        _prefix, sub_resolver = resolver.namespace_dict[namespace]
        for pattern in sub_resolver.url_patterns:
            assert pattern.name, f"{namespace}: every URL needs a name ({pattern.pattern})"
            names.add(f"{namespace}:{pattern.name}")
    return names


def test_the_table_covers_every_url_name():
    names = url_names()
    assert len(names) > 30
    assert names == {row.name for row in ROWS}


def test_every_role_is_in_every_row():
    for row in ROWS:
        assert list(row.expected) == ROLES, row.id


@pytest.fixture
def scenario():
    return factories.Scenario()


def _client_for(client, scenario, role):
    client.logout()
    user = scenario.users()[role]
    if user is not None:
        client.force_login(user)
    return client


def _get_statuses(client, scenario, url) -> dict[str, int]:
    statuses = {}
    for role in ROLES:
        response = _client_for(client, scenario, role).get(url)
        statuses[role] = response.status_code
        if role == "anonymous" and response.status_code == 302:
            assert response["Location"].startswith(reverse("account_login")), url
    return statuses


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_get(client, scenario, row):
    url = reverse(row.name, args=row.args(scenario))
    assert _get_statuses(client, scenario, url) == row.expected


# --- Objects of others are invisible, not merely forbidden ----------------------------
MISSING = 999_999

OBJECT_URLS = [
    ("organisations:detail", lambda s: s.b1.pk),
    ("organisations:edit", lambda s: s.b1.pk),
    ("organisations:members", lambda s: s.b1.pk),
    ("organisations:agreement_request", lambda s: s.b1.pk),
    ("organisations:decline", lambda s: s.b1.pk),
    ("organisations:staff_detail", lambda s: s.b1.pk),
    ("organisations:agreement_detail", lambda s: s.agreement_b1_signed.pk),
    ("organisations:agreement_print", lambda s: s.agreement_b1_signed.pk),
    ("organisations:agreement_activate", lambda s: s.agreement_b1_signed.pk),
    ("organisations:agreement_terminate", lambda s: s.agreement_b1_signed.pk),
    ("bookings:detail", lambda s: s.booking_b1.pk),
    ("bookings:decline", lambda s: s.booking_b1.pk),
    ("bookings:offer_accept", lambda s: _waiting(s).held_b1.pk),
    ("bookings:series_detail", lambda s: _series_booking(s.b1, s.room_b).series_id),
    ("bookings:series_cancel_from", lambda s: _series_booking(s.b1, s.room_b).pk),
    ("bookings:series_change_from", lambda s: _series_booking(s.b1, s.room_b).pk),
    ("bookings:series_change_one", lambda s: _series_booking(s.b1, s.room_b).pk),
    ("bookings:checklist", lambda s: _loans(s).premises_b1.pk),
    ("bookings:handover_note", lambda s: _loans(s).premises_b1.pk),
    ("bookings:desk_review", lambda s: _loans(s).desk_b1.pk),
    ("bookings:desk_prints", lambda s: _loans(s).desk_b1.pk),
    ("bookings:staff_move", lambda s: s.booking_b1.pk),
    ("bookings:staff_cancel", lambda s: s.booking_b1.pk),
]


@pytest.mark.parametrize("role", ["contact_a1", "board_a1", "member_a1", "adviser_a", "lead_a", "person"])
def test_people_of_a_cannot_tell_whether_b1_exists(client, scenario, role):
    """For someone of A, B1's pages answer exactly as pages of an organisation that does not exist."""
    _client_for(client, scenario, role)
    for name, pk in OBJECT_URLS:
        real = client.get(reverse(name, args=[pk(scenario)])).status_code
        missing = client.get(reverse(name, args=[MISSING])).status_code
        assert real == missing, name
        assert real in {403, 404}, name
    for name in (
        "organisations:detail",
        "organisations:edit",
        "organisations:members",
        "organisations:agreement_detail",
    ):
        pk = scenario.agreement_b1_signed.pk if "agreement" in name else scenario.b1.pk
        assert client.get(reverse(name, args=[pk])).status_code == 404, name


# --- POST actions: forbidden roles change nothing ------------------------------------
def db_state() -> dict:
    return {
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "agreements": list(Agreement.objects.order_by("pk").values()),
        "invitations": list(Invitation.objects.order_by("pk").values()),
        "bookings": list(Booking.objects.order_by("pk").values()),
        "occupancies": list(Occupancy.objects.order_by("pk").values()),
        "waitlist": list(booking_models.WaitlistEntry.objects.order_by("pk").values()),
        "premises_reports": list(PremisesReport.objects.order_by("pk").values()),
        "print_counts": list(PrintCount.objects.order_by("pk").values()),
        "closures": list(booking_models.Closure.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
        "api_tokens": list(ApiToken.objects.order_by("pk").values()),
    }


def _requested(scenario) -> Agreement:
    """A1's open agreement, put back to 'requested' so it can be signed."""
    Agreement.objects.filter(pk=scenario.agreement_a1_signed.pk).update(
        status=AgreementStatus.REQUESTED, signed_at=None, signed_by=None, signed_name="", signed_role=""
    )
    return scenario.agreement_a1_signed


@dataclass(frozen=True)
class Action:
    name: str
    url: Callable[[factories.Scenario], str]
    data: Callable[[factories.Scenario, str], dict]
    allowed: frozenset[str]
    done: Callable[[factories.Scenario], bool]
    prepare: Callable[[factories.Scenario], object] = lambda s: None


def _today_plus(days: int) -> str:
    return (clock.local_today() + dt.timedelta(days=days)).isoformat()


def _full_name(s, role) -> str:
    user = s.users()[role]
    return user.full_name if user else "Kari Kontakt"


ACTIONS = [
    Action(
        "api_token_revoke",
        lambda s: reverse("api_tokens:revoke", args=[_api_token(s.contact_a1).pk]),
        lambda s, role: {},
        frozenset({"contact_a1"}),
        lambda s: ApiToken.objects.filter(user=s.contact_a1, revoked_at__isnull=False).exists(),
    ),
    Action(
        "approve",
        lambda s: reverse("organisations:approve", args=[s.pending.pk]),
        lambda s, role: {"reason": ""},
        frozenset(STAFF_A),
        lambda s: Organisation.objects.get(pk=s.pending.pk).status == "approved",
    ),
    Action(
        "decline",
        lambda s: reverse("organisations:decline", args=[s.pending.pk]),
        lambda s, role: {"reason": "Dere jobber ikke mot fattigdom."},
        frozenset(STAFF_A),
        lambda s: Organisation.objects.get(pk=s.pending.pk).status == "declined",
    ),
    Action(
        "activate",
        lambda s: reverse("organisations:agreement_activate", args=[s.agreement_a1_signed.pk]),
        lambda s, role: {"valid_from": _today_plus(0), "valid_until": _today_plus(300)},
        frozenset(STAFF_A),
        lambda s: Agreement.objects.get(pk=s.agreement_a1_signed.pk).status == "active",
    ),
    Action(
        "terminate",
        lambda s: reverse("organisations:agreement_terminate", args=[s.agreement_a1_active.pk]),
        lambda s, role: {"reason": "Foreningen har lagt ned."},
        frozenset(STAFF_A),
        lambda s: Agreement.objects.get(pk=s.agreement_a1_active.pk).status == "terminated",
    ),
    Action(
        "member_role",
        lambda s: reverse("organisations:member_role", args=[s.a1.pk, s.membership_member_a1.pk]),
        lambda s, role: {f"m{s.membership_member_a1.pk}-role": MembershipRole.BOARD},
        frozenset({"contact_a1"}),
        lambda s: Membership.objects.get(pk=s.membership_member_a1.pk).role == MembershipRole.BOARD,
    ),
    Action(
        "member_remove",
        lambda s: reverse("organisations:member_remove", args=[s.a1.pk, s.membership_member_a1.pk]),
        lambda s, role: {},
        frozenset({"contact_a1"}),
        lambda s: not Membership.objects.filter(pk=s.membership_member_a1.pk).exists(),
    ),
    Action(
        "agreement_sign",
        lambda s: reverse("organisations:agreement_sign", args=[s.agreement_a1_signed.pk]),
        lambda s, role: {"name": _full_name(s, role), "confirm": "on"},
        frozenset({"contact_a1", "board_a1"}),
        lambda s: Agreement.objects.get(pk=s.agreement_a1_signed.pk).status == "signed",
        prepare=_requested,
    ),
    Action(
        "booking_cancel",
        lambda s: reverse("bookings:cancel", args=[s.booking_a1.pk]),
        lambda s, role: {},
        frozenset(MEMBERS_A1 | STAFF_A),
        lambda s: Booking.objects.get(pk=s.booking_a1.pk).status == BookingStatus.CANCELLED,
    ),
    Action(
        "booking_approve",
        lambda s: reverse("bookings:approve", args=[s.booking_a1.pk]),
        lambda s, role: {},
        frozenset(STAFF_A),
        lambda s: Booking.objects.get(pk=s.booking_a1.pk).status == BookingStatus.CONFIRMED,
    ),
    Action(
        "series_cancel_from",
        lambda s: reverse("bookings:series_cancel_from", args=[s.series_a1.pk]),
        lambda s, role: {"reason": ""},
        frozenset(MEMBERS_A1 | STAFF_A),
        lambda s: Booking.objects.get(pk=s.series_a1.pk).status == BookingStatus.CANCELLED,
        prepare=lambda s: setattr(s, "series_a1", _series_booking(s.a1, s.room_a)),
    ),
    Action(
        "series_change_from",
        lambda s: reverse("bookings:series_change_from", args=[s.series_a1.pk]),
        lambda s, role: {"starts_at": "13:00", "ends_at": "14:00"},
        frozenset(MEMBERS_A1 | STAFF_A),
        lambda s: Booking.objects.get(pk=s.series_a1.pk).starts_at.astimezone(clock.OSLO).hour == 13,
        prepare=lambda s: setattr(s, "series_a1", _series_booking(s.a1, s.room_a)),
    ),
    Action(
        "series_change_one",
        lambda s: reverse("bookings:series_change_one", args=[s.series_a1.pk]),
        lambda s, role: {
            "day": s.series_a1.starts_at.astimezone(clock.OSLO).date().isoformat(),
            "starts_at": "13:00",
            "ends_at": "14:00",
        },
        frozenset(MEMBERS_A1 | STAFF_A),
        lambda s: Booking.objects.get(pk=s.series_a1.pk).starts_at.astimezone(clock.OSLO).hour == 13,
        prepare=lambda s: setattr(s, "series_a1", _series_booking(s.a1, s.room_a)),
    ),
    Action(
        "booking_decline",
        lambda s: reverse("bookings:decline", args=[s.booking_a1.pk]),
        lambda s, role: {"reason": "Rommet skal males den dagen."},
        frozenset(STAFF_A),
        lambda s: Booking.objects.get(pk=s.booking_a1.pk).status == BookingStatus.DECLINED,
    ),
    Action(
        "waitlist_leave",
        lambda s: reverse("bookings:waitlist_leave", args=[_waiting(s).entry_a1.pk]),
        lambda s, role: {},
        frozenset(MEMBERS_A1),
        lambda s: _status(_waiting(s).entry_a1) == booking_models.WaitlistStatus.WITHDRAWN,
    ),
    Action(
        "offer_accept",
        lambda s: reverse("bookings:offer_accept", args=[_waiting(s).held_a1.pk]),
        lambda s, role: {},
        frozenset(MEMBERS_A1),
        lambda s: _status(_waiting(s).held_a1) == BookingStatus.REQUESTED,
    ),
    Action(
        "offer_decline",
        lambda s: reverse("bookings:offer_decline", args=[_waiting(s).held_a1.pk]),
        lambda s, role: {},
        frozenset(MEMBERS_A1),
        lambda s: _status(_waiting(s).held_a1) == BookingStatus.CANCELLED,
    ),
    Action(
        "booking_staff_move",
        lambda s: reverse("bookings:staff_move", args=[s.booking_a1.pk]),
        lambda s, role: {
            "resource": str(s.room_a.pk),
            "day": s.booking_a1.starts_at.astimezone(clock.OSLO).date().isoformat(),
            "starts_at": "13:00",
            "ends_at": "14:00",
            "reason": "Rommet skal males.",
        },
        frozenset(STAFF_A),
        lambda s: Booking.objects.get(pk=s.booking_a1.pk).starts_at.astimezone(clock.OSLO).hour == 13,
    ),
    Action(
        "booking_staff_cancel",
        lambda s: reverse("bookings:staff_cancel", args=[s.booking_a1.pk]),
        lambda s, role: {"reason": "Vannskade i rommet."},
        frozenset(STAFF_A),
        lambda s: Booking.objects.get(pk=s.booking_a1.pk).status == BookingStatus.CANCELLED,
    ),
    Action(
        "calendar_feed_reset",
        lambda s: reverse("bookings:calendar_feed_reset", args=[s.a1.pk]),
        lambda s, role: {},
        frozenset({"contact_a1"}),
        lambda s: CalendarFeed.objects.get(organisation=s.a1).token != s.feed_token_a1,
        prepare=lambda s: setattr(s, "feed_token_a1", _feed_token(s.a1)),
    ),
    Action(
        "closure_remove",
        lambda s: reverse("bookings:closure_remove", args=[_closure_a(s).pk]),
        lambda s, role: {},
        frozenset(STAFF_A),
        lambda s: not booking_models.Closure.objects.filter(pk=_closure_a(s).pk).exists(),
    ),
    Action(
        "loan_check_out",
        lambda s: reverse("bookings:loan_check_out", args=[_loans(s).equipment_a1.pk]),
        lambda s, role: {},
        frozenset(STAFF_A),
        lambda s: Booking.objects.get(pk=_loans(s).equipment_a1.pk).checked_out_at is not None,
    ),
    Action(
        "loan_check_in",
        lambda s: reverse("bookings:loan_check_in", args=[_loans(s).equipment_a1.pk]),
        lambda s, role: {},
        frozenset(STAFF_A),
        lambda s: Booking.objects.get(pk=_loans(s).equipment_a1.pk).checked_in_at is not None,
        prepare=lambda s: Booking.objects.filter(pk=_loans(s).equipment_a1.pk).update(
            checked_out_at=clock.now()
        ),
    ),
    Action(
        "desk_review",
        lambda s: reverse("bookings:desk_review", args=[_loans(s).desk_a1.pk]),
        lambda s, role: {"review_on": _today_plus(7)},
        frozenset(STAFF_A),
        lambda s: Booking.objects.get(pk=_loans(s).desk_a1.pk).review_on is not None,
    ),
    Action(
        "desk_prints",
        lambda s: reverse("bookings:desk_prints", args=[_loans(s).desk_a1.pk]),
        lambda s, role: {"month": clock.local_today().strftime("%Y-%m"), "pages": "40"},
        frozenset(STAFF_A),
        lambda s: PrintCount.objects.filter(booking=_loans(s).desk_a1).exists(),
    ),
    Action(
        "handover_note",
        lambda s: reverse("bookings:handover_note", args=[_loans(s).premises_a1.pk]),
        lambda s, role: {"note": "Nøkkelen ligger i resepsjonen."},
        frozenset(STAFF_A),
        lambda s: Booking.objects.get(pk=_loans(s).premises_a1.pk).handover_note != "",
    ),
    Action(
        "checklist",
        lambda s: reverse("bookings:checklist", args=[_loans(s).premises_a1.pk]),
        lambda s, role: {"done": ["lights_off", "doors_locked"], "incident": ""},
        frozenset(MEMBERS_A1),
        lambda s: PremisesReport.objects.filter(booking=_loans(s).premises_a1).exists(),
    ),
    Action(
        "incident_handled",
        lambda s: reverse("bookings:incident_handled", args=[_loans(s).premises_a1.pk]),
        lambda s, role: {},
        frozenset(STAFF_A),
        lambda s: PremisesReport.objects.get(booking=_loans(s).premises_a1).incident_handled_at is not None,
        prepare=lambda s: PremisesReport.objects.create(
            booking=_loans(s).premises_a1, incident="Ei rute knuste."
        ),
    ),
]


class _LoanBookings:
    """A1's and B1's loans of equipment, desks and premises, made once per scenario."""

    def __init__(self, s: factories.Scenario) -> None:
        now = clock.now()
        self.equipment_a1 = self._loan(factories.ResourceFactory.equipment(centre=s.centre_a), s.a1, now, 2)
        self.desk_a1 = self._loan(factories.ResourceFactory.desk(centre=s.centre_a), s.a1, now, 30)
        self.desk_b1 = self._loan(factories.ResourceFactory.desk(centre=s.centre_b), s.b1, now, 30)
        started = now - dt.timedelta(days=1)
        self.premises_a1 = self._loan(factories.ResourceFactory.premises(centre=s.centre_a), s.a1, started, 0)
        self.premises_b1 = self._loan(factories.ResourceFactory.premises(centre=s.centre_b), s.b1, started, 0)

    @staticmethod
    def _loan(resource, organisation, starts_at: dt.datetime, days: int) -> Booking:
        starts_at -= dt.timedelta(hours=1)
        ends_at = starts_at + dt.timedelta(days=days, hours=4)
        return factories.loan_row(resource, organisation, starts_at, ends_at)


def _closure_a(s: factories.Scenario) -> booking_models.Closure:
    """A coming closure of centre A, made once per scenario."""
    if not hasattr(s, "closure_a"):
        first_day = clock.local_today() + dt.timedelta(days=60)
        s.closure_a = booking_models.Closure.objects.create(
            centre=s.centre_a, starts_on=first_day, ends_on=first_day + dt.timedelta(days=2), reason="Sommer"
        )
    return s.closure_a


def _loans(s: factories.Scenario) -> _LoanBookings:
    if not hasattr(s, "loan_bookings"):
        s.loan_bookings = _LoanBookings(s)
    return s.loan_bookings


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_post_by_forbidden_roles_changes_nothing(client, scenario, action):
    action.prepare(scenario)
    url = action.url(scenario)
    before = db_state()
    statuses = {}
    for role in ROLES:
        if role in action.allowed:
            continue
        response = _client_for(client, scenario, role).post(url, action.data(scenario, role))
        statuses[role] = response.status_code
        assert db_state() == before, f"{action.name} by {role} changed the database"
    expected = {role: (302 if role == "anonymous" else statuses[role]) for role in statuses}
    assert statuses == expected
    assert all(status in {403, 404} for role, status in statuses.items() if role != "anonymous"), statuses
    assert not action.done(scenario)


@pytest.mark.parametrize(
    ("action", "role"),
    [(action, role) for action in ACTIONS for role in sorted(action.allowed)],
    ids=lambda value: value.name if isinstance(value, Action) else value,
)
def test_post_by_allowed_roles_works(client, scenario, action, role):
    action.prepare(scenario)
    response = _client_for(client, scenario, role).post(action.url(scenario), action.data(scenario, role))
    assert response.status_code == 302
    assert action.done(scenario)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("contact_a1", 404), ("member_a1", 404), ("adviser_a", 404), ("lead_a", 404), ("contact_b1", 403)],
)
def test_post_on_b1_members_from_a(client, scenario, role, expected):
    """Nobody of A can touch B1's members; B1's own contact cannot remove the last contact."""
    url = reverse("organisations:member_remove", args=[scenario.b1.pk, scenario.membership_contact_b1.pk])
    before = db_state()
    response = _client_for(client, scenario, role).post(url)
    if role == "contact_b1":
        assert response.status_code == 302  # refused with a message: the last contact
    else:
        assert response.status_code == expected
    assert db_state() == before


def test_membership_of_another_organisation_is_not_reachable_through_a1(client, scenario):
    """A1's contact cannot reach B1's membership by putting its id under A1's address."""
    url = reverse("organisations:member_remove", args=[scenario.a1.pk, scenario.membership_contact_b1.pk])
    before = db_state()
    response = _client_for(client, scenario, "contact_a1").post(url)
    assert response.status_code == 404
    assert db_state() == before


# --- The waiting list: places in line and held times are the organisation's own ----------
class _Waiting:
    """A1 and B1 each wait for a taken time in their centre's room, and each has a time held."""

    def __init__(self, s: factories.Scenario) -> None:
        day = factories.bookable_day()
        self.entry_a1 = self._entry(s.room_a, s.a1, s.contact_a1, factories.at(day, 14))
        self.entry_b1 = self._entry(s.room_b, s.b1, s.contact_b1, factories.at(day, 14))
        self.held_a1 = self._held(s.room_a, s.a1, s.contact_a1, factories.at(day, 12))
        self.held_b1 = self._held(s.room_b, s.b1, s.contact_b1, factories.at(day, 12))

    @staticmethod
    def _entry(room, organisation, person, starts_at: dt.datetime, **fields):
        return booking_models.WaitlistEntry.objects.create(
            resource=room,
            organisation=organisation,
            requested_by=person,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=1),
            purpose="Årsmøte",
            **fields,
        )

    def _held(self, room, organisation, person, starts_at: dt.datetime) -> Booking:
        booking = factories.booking_row(
            room,
            organisation,
            starts_at,
            starts_at + dt.timedelta(hours=1),
            booked_by=person,
            status=BookingStatus.HELD,
            hold_expires_at=clock.now() + dt.timedelta(hours=24),
        )
        self._entry(
            room, organisation, person, starts_at, status=booking_models.WaitlistStatus.OFFERED, offer=booking
        )
        return booking


def _waiting(s: factories.Scenario) -> _Waiting:
    if not hasattr(s, "waiting"):
        s.waiting = _Waiting(s)
    return s.waiting


def _status(obj) -> str:
    obj.refresh_from_db()
    return obj.status


@pytest.mark.parametrize("role", ["contact_a1", "member_a1", "adviser_a", "lead_a", "person"])
def test_nobody_of_a_can_touch_b1s_waiting_list(client, scenario, role):
    """B1's place in line and held time answer as ones that do not exist: 404, and nothing changes."""
    waiting = _waiting(scenario)
    _client_for(client, scenario, role)
    before = db_state()
    for name, pk in (
        ("bookings:waitlist_leave", waiting.entry_b1.pk),
        ("bookings:offer_accept", waiting.held_b1.pk),
        ("bookings:offer_decline", waiting.held_b1.pk),
    ):
        assert client.post(reverse(name, args=[pk])).status_code == 404, name
        assert client.post(reverse(name, args=[MISSING])).status_code == 404, name
    assert db_state() == before
    body = client.get(reverse("bookings:mine")).content.decode()
    assert reverse("bookings:waitlist_leave", args=[waiting.entry_b1.pk]) not in body
    assert reverse("bookings:offer_accept", args=[waiting.held_b1.pk]) not in body
