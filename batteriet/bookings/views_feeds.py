"""Calendar feeds (RFC 5545) and the page where an organisation finds its private address.

Calendar apps cannot log in, so the feeds need no login: the public feeds of a resource
and a centre show only when something is taken, never by whom or why; an organisation's
own feed shows every detail and is reached only through its secret token.
"""

import contextlib
from collections.abc import Iterator

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from batteriet.bookings import feed_selectors, ics
from batteriet.bookings.models import CalendarFeed
from batteriet.bookings.services import calendar_feeds as feed_services
from batteriet.centres.models import Centre
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.organisations import permissions as organisation_permissions
from batteriet.organisations.models import Organisation

FEED_LANGUAGES = {"nb", "en"}


@require_safe
def resource_feed(request: HttpRequest, pk: int) -> HttpResponse:
    resource = feed_selectors.active_resource_or_404(pk)
    bookings = feed_selectors.busy_bookings_of_resource(resource, now=clock.now())
    with _feed_language(request):
        body = ics.busy_feed(
            bookings, name=f"{resource.name}, {resource.centre.name}", with_resource_names=False
        )
    return _calendar(body, filename=f"ressurs-{resource.pk}.ics", private=False)


@require_safe
def centre_feed(request: HttpRequest, slug: str) -> HttpResponse:
    centre = get_object_or_404(Centre, slug=slug)
    bookings = feed_selectors.busy_bookings_of_centre(centre, now=clock.now())
    with _feed_language(request):
        body = ics.busy_feed(bookings, name=centre.name, with_resource_names=True)
    return _calendar(body, filename=f"{centre.slug}.ics", private=False)


@require_safe
def organisation_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = feed_selectors.feed_by_token_or_404(token)
    bookings = feed_selectors.organisation_feed_bookings(feed.organisation, now=clock.now())
    with _feed_language(request):
        body = ics.organisation_feed(bookings, name=f"{feed.organisation.name}: Batteriet")
    return _calendar(body, filename="batteriet.ics", private=True)


@require_safe
@login_required
def calendar_feeds(request: HttpRequest) -> HttpResponse:
    """The private calendar address of each organisation the person is a member of."""
    organisations = Organisation.objects.filter(memberships__user=request.user).order_by("name")
    rows = [
        {
            "organisation": organisation,
            "url": _feed_url(feed_services.calendar_feed_get_or_create(organisation=organisation)),
            "can_reset": organisation_permissions.is_contact(request.user, organisation),
        }
        for organisation in organisations
    ]
    return render(request, "bookings/calendar_feeds.html", {"rows": rows})


@require_POST
@login_required
def calendar_feed_reset(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None or not organisation_permissions.is_member(request.user, organisation):
        raise Http404
    try:
        feed_services.calendar_feed_reset(actor=request.user, organisation=organisation)
    except RuleViolation as violation:
        raise PermissionDenied(violation.message) from violation
    messages.success(
        request,
        _("%(name)s has a new calendar address. The old address no longer works.")
        % {"name": organisation.name},
    )
    return redirect("bookings:calendar_feeds")


def _feed_url(feed: CalendarFeed) -> str:
    url = settings.SITE_URL + reverse("bookings:organisation_feed", args=[feed.token])
    return f"{url}?lang=en" if translation.get_language() == "en" else url


@contextlib.contextmanager
def _feed_language(request: HttpRequest) -> Iterator[None]:
    """Bokmål, or English with `?lang=en` (a calendar app sends no language cookie)."""
    language = request.GET.get("lang", "nb")
    with translation.override(language if language in FEED_LANGUAGES else "nb"):
        yield


def _calendar(body: bytes, *, filename: str, private: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=ics.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
    else:
        response["Cache-Control"] = "public, max-age=900"
    return response
