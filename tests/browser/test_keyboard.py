"""The registration wizard and both ways of logging in work with the keyboard alone.

Only key presses and typing: no mouse, no element.click(). Radio buttons are chosen with
the arrow keys (as in any radio group), check boxes with Space, forms sent with Enter.
"""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from batteriet.bookings import week
from batteriet.bookings.models import Booking, BookingStatus
from batteriet.core import time as clock
from batteriet.organisations.models import Membership, MembershipRole, Organisation, OrganisationStatus
from tests.browser import checks
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 80


def focused_matches(page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str) -> None:
    """Press Tab until the element matching `selector` has focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused_matches(page, selector):
            return
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {selector}")


def choose_radio(page, name: str, value: str) -> None:
    """Tab into the radio group, then arrow down to the option (arrows also check it)."""
    tab_to(page, f"input[type=radio][name={name}]")
    for _ in range(20):
        if focused_matches(page, f"input[type=radio][name={name}][value='{value}']"):
            page.keyboard.press("Space")
            assert page.is_checked(f"input[type=radio][name={name}][value='{value}']")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never reached {name}={value}")


def tick(page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Space")
    assert page.is_checked(selector), selector


def fill(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def send(page, selector: str = "#main button[type=submit]") -> None:
    """Tab to the form's button and press Enter; wait for the next page."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def follow(page, selector: str) -> None:
    """Tab to a link and press Enter; wait for the next page."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def path_of(page) -> str:
    return urlsplit(page.url).path


def assert_accessible(page, language: str) -> None:
    problems = checks.axe_violations(page) + checks.structure_problems(page, language)[0]
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


def test_a_visitor_who_needs_help_for_themselves_is_shown_where_to_get_it(site, new_context):
    page = new_context(language="en").new_page()
    page.goto(reverse("core:home"))
    follow(page, f"#main a[href='{reverse('organisations:register_start')}']")
    assert path_of(page) == reverse("organisations:register_start")

    choose_radio(page, "applicant", "individual")
    send(page)
    assert path_of(page) == reverse("organisations:register_individual")
    assert page.locator("h1").inner_text() == "Where you can get help with your own situation"
    assert "We have not stored anything you answered." in page.locator("#main").inner_text()


def test_a_visitor_with_a_group_in_norway_is_asked_to_log_in(site, new_context):
    page = new_context(language="en").new_page()
    page.goto(reverse("organisations:register_start"))
    choose_radio(page, "applicant", "group")
    send(page)
    assert path_of(page) == reverse("organisations:register_work_area")

    choose_radio(page, "work_area", "norway")
    send(page)
    url = urlsplit(page.url)
    assert url.path == reverse("account_login")
    assert parse_qs(url.query)["next"] == [reverse("organisations:register_organisation")]
    assert page.locator("h1").inner_text() == "Log in"


def test_a_person_registers_an_organisation_with_the_keyboard(site, new_context):
    page = new_context(user=site.newcomer, language="en").new_page()
    page.goto(reverse("organisations:register_start"))
    choose_radio(page, "applicant", "group")
    send(page)
    choose_radio(page, "work_area", "norway")
    send(page)
    assert path_of(page) == reverse("organisations:register_organisation")

    fill(page, "#id_name", "Tastaturforeningen")
    choose_radio(page, "kind", "self_help_group")
    fill(page, "#id_orgnr", "987 654 309")
    tick(page, f"input[name=target_groups][value='{_target_group_pk('housing')}']")
    tick(page, f"input[name=target_groups][value='{_target_group_pk('single_parents')}']")
    tick(page, "#id_is_user_led")
    fill(page, "#id_description", "Vi møtes hver uke og hjelper hverandre med økonomi.")
    fill(page, "#id_email", "post@tastatur.example")
    fill(page, "#id_phone", "912 34 567")
    fill(page, "#id_street_address", "Storgata 3")
    fill(page, "#id_postcode", "0155")
    fill(page, "#id_post_town", "Oslo")
    choose_radio(page, "home_centre", str(site.other_centre.pk))
    tick(page, "#id_is_public")
    tick(page, "#id_confirm_focus")
    send(page)

    organisation = Organisation.objects.get(name="Tastaturforeningen")
    assert path_of(page) == reverse("organisations:detail", args=[organisation.pk])
    assert "Waiting for approval by Batteriet Vest" in page.locator("#main").inner_text()
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.kind == "self_help_group"
    assert organisation.orgnr == "987654309"
    assert organisation.home_centre == site.other_centre
    assert organisation.is_user_led and organisation.is_public
    assert set(organisation.target_groups.values_list("code", flat=True)) == {"housing", "single_parents"}
    assert Membership.objects.get(organisation=organisation).user == site.newcomer
    assert Membership.objects.get(organisation=organisation).role == MembershipRole.CONTACT
    assert_accessible(page, "en")


def _target_group_pk(code: str) -> int:
    from batteriet.organisations.models import TargetGroup

    return TargetGroup.objects.get(code=code).pk


def test_log_in_with_a_password_using_the_keyboard(site, new_context):
    user = UserFactory(email="tastatur@example.org")
    page = new_context(language="nb").new_page()
    page.goto(reverse("account_login"))
    fill(page, "#id_login", "tastatur@example.org")
    fill(page, "#id_password", "Passord-for-test-1")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert path_of(page) == reverse("accounts:my_page")
    assert page.locator("h1").inner_text() == f"Hei, {user.get_short_name()}"


def test_log_in_with_a_code_by_email_using_the_keyboard(site, new_context):
    UserFactory(email="kode@example.org")
    page = new_context(language="en").new_page()
    page.goto(reverse("account_request_login_code"))
    fill(page, "#id_email", "kode@example.org")
    send(page)
    assert path_of(page) == reverse("account_confirm_login_code")
    assert "kode@example.org" in page.locator("#main").inner_text()
    assert_accessible(page, "en")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kode@example.org"]
    code = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", mail.outbox[0].body, re.MULTILINE).group(1)
    fill(page, "#id_code", code)
    send(page)
    assert path_of(page) == reverse("accounts:my_page")
    assert page.locator("h1").inner_text().startswith("Hello, ")


@pytest.mark.parametrize("language", ["nb", "en"])
def test_focus_is_always_visible(site, new_context, language):
    """Tab through the front page and a form: every focused link, button and field shows it."""
    page = new_context(user=site.contact, language=language).new_page()
    missing = []
    for path in (reverse("core:home"), reverse("organisations:members", args=[site.organisation.pk])):
        page.goto(path)
        seen = 0
        for _ in range(MAX_TABS):
            page.keyboard.press("Tab")
            indicator = checks.focus_indicator(page)
            if indicator["tag"] == "body":
                break
            seen += 1
            if not checks.has_visible_focus(indicator):
                missing.append(f"{path}: {indicator}")
        assert seen > 10, f"{path}: only {seen} elements took focus"
    assert not missing, "focus is not visible on:\n" + "\n".join(missing)


def test_a_member_books_a_room_with_the_keyboard(site, new_context):
    """From my page to a booked room: find the room, move to the right week, fill in, send."""
    page = new_context(user=site.contact, language="en").new_page()
    page.goto(reverse("accounts:my_page"))
    follow(page, f"#main a[href='{reverse('bookings:resources', args=[site.centre.slug])}']")
    follow(page, f"#main a[href='{reverse('bookings:resource', args=[site.room.pk])}']")
    assert_accessible(page, "en")

    # Week by week to the week of the existing booking; its Monday is free.
    target = week.monday_of(site.booking.starts_at.astimezone(clock.OSLO).date())
    for _ in range((target - week.monday_of(clock.local_today())).days // 7):
        follow(page, "#main .week-nav a:nth-of-type(2)")
    assert "Busy" in page.locator("#main table").inner_text()
    follow(page, f"#main a[href^='{reverse('bookings:create', args=[site.room.pk])}']")
    assert page.input_value("#id_day") == target.isoformat()

    # Digits fill the hour and minute; "A" picks AM where the browser shows a 12-hour clock.
    fill(page, "#id_starts_at", "1000A")
    fill(page, "#id_ends_at", "1130A")
    fill(page, "#id_purpose", "Styremøte")
    fill(page, "#id_expected_people", "6")
    existing = set(Booking.objects.values_list("pk", flat=True))
    send(page)

    booking = Booking.objects.exclude(pk__in=existing).get()
    assert path_of(page) == reverse("bookings:detail", args=[booking.pk])
    assert booking.organisation == site.organisation
    assert booking.status == BookingStatus.REQUESTED
    assert booking.starts_at == dt.datetime.combine(target, dt.time(10), tzinfo=clock.OSLO)
    assert booking.ends_at == dt.datetime.combine(target, dt.time(11, 30), tzinfo=clock.OSLO)
    assert "Your request is sent." in page.locator("#main").inner_text()
    assert_accessible(page, "en")
