"""Every page of the site, per role: what the accessibility and small-screen tests visit.

A page is a GET of a path, optionally followed by submitting the main form empty to see
the page in its error state. Error states are variants of the page they belong to: they
keep its address as their `key`, so they may (and should) share its title.
"""

from dataclasses import dataclass

from django.urls import reverse

from batteriet.bookings.models import Resource
from batteriet.core import time as clock
from tests.browser.scenario import Site


@dataclass(frozen=True)
class Page:
    path: str
    status: int = 200
    submit_empty: bool = False

    @property
    def key(self) -> str:
        return self.path

    @property
    def label(self) -> str:
        return f"{self.path} (empty form sent)" if self.submit_empty else self.path


def _pages(*names_and_args, status: int = 200) -> list[Page]:
    pages = []
    for item in names_and_args:
        name, args = (item, []) if isinstance(item, str) else item
        pages.append(Page(reverse(name, args=args), status=status))
    return pages


def public(site: Site) -> list[Page]:
    return _pages(
        "core:home",
        "core:who_we_serve",
        "privacy:notice",
        "centres:list",
        ("centres:detail", [site.centre.slug]),
        "organisations:register_start",
        "organisations:register_work_area",
        "organisations:register_abroad",
        "organisations:register_individual",
    )


def _logged_in(site: Site) -> list[Page]:
    return _pages(
        "accounts:my_page",
        "accounts:profile_edit",
        "account_email",
        "account_change_password",
        "account_logout",
        "api_tokens:list",
    )


def _api_keys(site: Site) -> list[Page]:
    """The contact's API keys: the list in its error state, and withdrawing a key."""
    from batteriet.api import services
    from batteriet.api.models import ApiToken

    token = ApiToken.objects.filter(user=site.contact, revoked_at__isnull=True).first()
    token = token or services.api_token_create(actor=site.contact, name="Regnearket")[0]
    return [
        *_pages(("api_tokens:revoke", [token.pk])),
        Page(reverse("api_tokens:list"), submit_empty=True),
    ]


def _series_booking(site: Site):
    """The second time of a weekly recurring booking of the organisation, made through the service."""
    import datetime as dt

    from batteriet.bookings import recurrence
    from batteriet.bookings.models import Booking, RecurrenceFrequency
    from batteriet.bookings.services import series as series_services
    from tests import factories

    existing = Booking.objects.filter(series__organisation=site.organisation).order_by("starts_at")
    if not existing.exists():
        first_day = factories.bookable_day(weekday=2)
        series_services.series_create(
            actor=site.contact,
            resource=site.room,
            organisation=site.organisation,
            pattern=recurrence.Pattern(
                frequency=RecurrenceFrequency.WEEKLY,
                interval=1,
                weekdays=(2,),
                first_day=first_day,
                starts_at_time=dt.time(13),
                ends_at_time=dt.time(14),
                until=first_day + dt.timedelta(weeks=1),
            ),
            purpose="Norskkurs",
        )
    return existing[1]


def _series(site: Site) -> list[Page]:
    """A recurring booking: the form (and its error state), the series, this and later times."""
    booking = _series_booking(site)
    return [
        *_pages(
            ("bookings:series_create", [site.room.pk]),
            ("bookings:series_detail", [booking.series_id]),
            ("bookings:series_cancel_from", [booking.pk]),
            ("bookings:series_change_from", [booking.pk]),
            ("bookings:series_change_one", [booking.pk]),
        ),
        Page(reverse("bookings:series_create", args=[site.room.pk]), submit_empty=True),
    ]


def _booking(site: Site) -> list[Page]:
    """What a member of an organisation that may book sees."""
    return [
        *_pages(
            ("bookings:resources", [site.centre.slug]),
            ("bookings:resource", [site.room.pk]),
            ("bookings:create", [site.room.pk]),
            "bookings:mine",
            ("bookings:detail", [site.booking.pk]),
            "bookings:calendar_feeds",
        ),
        Page(reverse("bookings:create", args=[site.room.pk]), submit_empty=True),
        *_free_rooms_and_periods(site),
        *_series(site),
        *_after_booking(site),
        *_waiting(site),
    ]


def _waiting(site: Site) -> list[Page]:
    """A member's waiting list: join, a held room and held premises to confirm."""
    waiting = site.waiting
    join = reverse("bookings:waitlist_join", args=[waiting.entry.resource_id])
    confirm = reverse("bookings:offer_accept", args=[waiting.held_premises.pk])
    return [
        *_pages(("bookings:detail", [waiting.held.pk]), ("bookings:detail", [waiting.held_premises.pk])),
        Page(join),
        Page(join, submit_empty=True),
        Page(confirm),
        Page(confirm, submit_empty=True),
    ]


def _after_booking(site: Site) -> list[Page]:
    """A member's loans: equipment, a desk, premises with the checklist to send and one sent."""
    loans = site.loans
    return _pages(
        ("bookings:detail", [loans.equipment.pk]),
        ("bookings:detail", [loans.desk.pk]),
        ("bookings:detail", [loans.premises.pk]),
        ("bookings:checklist", [loans.premises.pk]),
        ("bookings:checklist", [loans.reported.pk]),
    )


def _loans_staff(site: Site) -> list[Page]:
    loans = site.loans
    return [
        *_pages(
            "bookings:loans",
            ("bookings:desk_review", [loans.desk.pk]),
            ("bookings:desk_prints", [loans.desk_not_counted.pk]),
            ("bookings:handover_note", [loans.premises.pk]),
            ("bookings:detail", [loans.equipment.pk]),
            ("bookings:detail", [loans.desk.pk]),
            ("bookings:detail", [loans.reported.pk]),
        ),
        Page(reverse("bookings:desk_prints", args=[loans.desk_not_counted.pk]), submit_empty=True),
    ]


def _free_rooms_search(site: Site) -> list[Page]:
    """Find a free room: the empty search, its error state and a list of results."""
    url = reverse("bookings:free_rooms", args=[site.centre.slug])
    day = site.booking.starts_at.astimezone(clock.OSLO).date()
    return [Page(url), Page(url, submit_empty=True), Page(f"{url}?dag={day.isoformat()}&fra=13:00&til=14:00")]


def _free_rooms_and_periods(site: Site) -> list[Page]:
    """What a member sees beyond the room: free rooms, and the forms for a period and for premises."""
    projector = Resource.objects.get(centre=site.centre, name="Prosjektor")
    return [
        *_free_rooms_search(site),
        *_pages(("bookings:create", [projector.pk]), ("bookings:create", [site.hall.pk])),
        Page(reverse("bookings:create", args=[projector.pk]), submit_empty=True),
        Page(reverse("bookings:create", args=[site.hall.pk]), submit_empty=True),
    ]


def _staff_tools(site: Site) -> list[Page]:
    """Book on an organisation's behalf, block a time, move and cancel, find a free room."""
    book = reverse("bookings:staff_book")
    book_room = f"{book}?ressurs={site.room.pk}"
    pages = [Page(book), Page(book, submit_empty=True), Page(book_room), Page(book_room, submit_empty=True)]
    for name, args in (
        ("bookings:staff_block", []),
        ("bookings:staff_move", [site.booking.pk]),
        ("bookings:staff_cancel", [site.booking.pk]),
    ):
        pages += [Page(reverse(name, args=args)), Page(reverse(name, args=args), submit_empty=True)]
    return [*pages, *_free_rooms_search(site)]


def _closures(site: Site) -> list[Page]:
    """Closed days: a coming closure with a booking on it to move or cancel, and the empty form."""
    from batteriet.bookings.models import BookingStatus, Closure
    from tests import factories

    day = factories.bookable_day(weekday=3, weeks_ahead=20)
    if not Closure.objects.filter(centre=site.centre, starts_on=day).exists():
        factories.booking_row(
            site.room,
            site.organisation,
            factories.at(day, 10),
            factories.at(day, 11),
            status=BookingStatus.CONFIRMED,
        )
        Closure.objects.create(centre=site.centre, starts_on=day, ends_on=day, reason="Fagdag")
    url = reverse("bookings:closures")
    return [Page(url), Page(url, submit_empty=True)]


def _staff(site: Site) -> list[Page]:
    org, pending, partner = site.organisation, site.pending, site.partner
    return [
        *_pages(
            "bookings:staff_queue",
            ("bookings:detail", [site.booking.pk]),
            ("bookings:decline", [site.booking.pk]),
            ("bookings:resource", [site.room.pk]),
            "centres:staff_home",
            "organisations:staff_list",
            ("organisations:staff_detail", [org.pk]),
            ("organisations:staff_detail", [pending.pk]),
            ("organisations:staff_detail", [partner.pk]),
            ("organisations:detail", [org.pk]),
            ("organisations:edit", [org.pk]),
            ("organisations:agreement_detail", [site.agreement_signed.pk]),
            ("organisations:agreement_detail", [site.agreement_active.pk]),
            ("organisations:agreement_print", [site.agreement_active.pk]),
            ("organisations:agreement_activate", [site.agreement_signed.pk]),
            ("organisations:agreement_terminate", [site.agreement_active.pk]),
            ("organisations:decline", [pending.pk]),
            "mfa_index",
        ),
        Page(reverse("bookings:decline", args=[site.booking.pk]), submit_empty=True),
        *_staff_tools(site),
        *_closures(site),
        *_pages(
            ("bookings:series_detail", [_series_booking(site).series_id]),
            ("bookings:series_change_from", [_series_booking(site).pk]),
        ),
        *_loans_staff(site),
        *_pages(("bookings:detail", [site.waiting.held.pk])),
        Page(reverse("organisations:decline", args=[pending.pk]), submit_empty=True),
        Page(
            reverse("organisations:agreement_terminate", args=[site.agreement_active.pk]), submit_empty=True
        ),
    ]


def for_role(role: str, site: Site) -> list[Page]:
    org = site.organisation
    if role == "visitor":
        return [
            *public(site),
            *_pages(
                "account_login",
                "account_signup",
                "account_request_login_code",
                "account_reset_password",
                "account_reset_password_done",
            ),
            Page("/finnes-ikke/", status=404),
            Page(reverse("organisations:register_start"), submit_empty=True),
            Page(reverse("organisations:register_work_area"), submit_empty=True),
            Page(reverse("account_signup"), submit_empty=True),
            Page(reverse("account_login"), submit_empty=True),
            Page(reverse("account_request_login_code"), submit_empty=True),
        ]
    if role == "person":
        return [
            *public(site),
            *_logged_in(site),
            *_pages(
                "organisations:register_organisation",
                "organisations:register_partner",
                "organisations:register_initiator",
                ("organisations:invitation_accept", [site.invitation_token]),
                ("organisations:invitation_accept", ["ukjent"]),
            ),
            *_pages("centres:staff_home", status=403),
            *_pages(("bookings:resources", [site.centre.slug]), "bookings:mine"),
            *_pages(("bookings:create", [site.room.pk]), status=403),
            # Setting up two-factor asks for the password again first.
            *_pages("mfa_activate_totp"),
            Page(reverse("organisations:register_organisation"), submit_empty=True),
            Page(reverse("organisations:register_partner"), submit_empty=True),
            Page(reverse("organisations:register_initiator"), submit_empty=True),
        ]
    if role == "contact":
        return [
            *public(site),
            *_logged_in(site),
            *_pages(
                ("organisations:detail", [org.pk]),
                ("organisations:detail", [site.pending.pk]),
                ("organisations:edit", [org.pk]),
                ("organisations:members", [org.pk]),
                ("organisations:agreement_request", [org.pk]),
                ("organisations:agreement_detail", [site.agreement_requested.pk]),
                ("organisations:agreement_detail", [site.agreement_signed.pk]),
                ("organisations:agreement_detail", [site.agreement_active.pk]),
                ("organisations:agreement_print", [site.agreement_requested.pk]),
                ("organisations:agreement_print", [site.agreement_active.pk]),
                "mfa_index",
            ),
            Page(reverse("organisations:members", args=[org.pk]), submit_empty=True),
            *_booking(site),
            *_api_keys(site),
        ]
    if role == "board":
        return [
            *public(site),
            *_logged_in(site),
            *_pages(
                ("organisations:detail", [org.pk]),
                ("organisations:edit", [org.pk]),
                ("organisations:agreement_request", [org.pk]),
                ("organisations:agreement_detail", [site.agreement_requested.pk]),
                ("organisations:agreement_print", [site.agreement_signed.pk]),
            ),
            *_pages(("organisations:members", [org.pk]), status=403),
            *_booking(site),
            Page(
                reverse("organisations:agreement_detail", args=[site.agreement_requested.pk]),
                submit_empty=True,
            ),
        ]
    if role == "member":
        return [
            *public(site),
            *_logged_in(site),
            *_pages(
                ("organisations:detail", [org.pk]),
                ("organisations:agreement_detail", [site.agreement_active.pk]),
                ("organisations:agreement_print", [site.agreement_active.pk]),
            ),
            *_pages(("organisations:edit", [org.pk]), status=403),
            *_booking(site),
        ]
    if role == "initiator":
        return [
            *public(site),
            *_logged_in(site),
            *_pages("organisations:register_initiator", "organisations:register_organisation"),
        ]
    if role == "partner":
        return [
            *public(site),
            *_logged_in(site),
            *_pages(
                ("organisations:detail", [site.partner.pk]),
                ("organisations:edit", [site.partner.pk]),
                ("organisations:members", [site.partner.pk]),
                "bookings:mine",
            ),
            *_pages(("bookings:create", [site.room.pk]), status=403),
        ]
    if role == "adviser":
        return [
            *public(site),
            *_logged_in(site),
            *_staff(site),
            *_pages(("centres:agreement_text_edit", [site.centre.slug]), status=403),
        ]
    if role == "lead":
        return [
            *public(site),
            *_logged_in(site),
            *_staff(site),
            *_pages(("centres:agreement_text_edit", [site.centre.slug])),
        ]
    if role == "coordinator":
        return [
            *public(site),
            *_logged_in(site),
            *_pages(
                "centres:staff_home",
                "organisations:staff_list",
                ("organisations:staff_detail", [org.pk]),
                ("centres:agreement_text_edit", [site.other_centre.slug]),
                "bookings:staff_queue",
                ("bookings:decline", [site.booking.pk]),
                "bookings:loans",
                "mfa_index",
            ),
            *_closures(site),
        ]
    if role == "admin":
        return [
            *public(site),
            *_logged_in(site),
            *_pages("mfa_index"),
            *_pages("centres:staff_home", status=403),
        ]
    raise ValueError(role)


LANGUAGES = ("nb", "en")
ROLES = [
    "visitor",
    "person",
    "contact",
    "board",
    "member",
    "initiator",
    "partner",
    "adviser",
    "lead",
    "coordinator",
    "admin",
]


def user_for(role: str, site: Site):
    return {
        "visitor": None,
        "person": site.newcomer,
        "contact": site.contact,
        "board": site.board,
        "member": site.member,
        "initiator": site.initiator,
        "partner": site.partner_contact,
        "adviser": site.adviser,
        "lead": site.lead,
        "coordinator": site.coordinator,
        "admin": site.admin,
    }[role]
