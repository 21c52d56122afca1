"""The public iCal feeds of the events calendar: all events, or one centre's.

Calendar apps cannot log in, so the feeds need no login and show only what anyone may
see (see `ics_feeds`). Bokmål by default, English with `?lang=en`.
"""

import contextlib
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from batteriet.bookings import ics as booking_ics
from batteriet.centres.models import Centre
from batteriet.events import ics_feeds

FEED_LANGUAGES = {"nb", "en"}


@require_safe
def feed_all(request: HttpRequest) -> HttpResponse:
    with _feed_language(request):
        body = ics_feeds.feed(ics_feeds.feed_events(), name=_("Batteriet: courses and events"))
    return _calendar(body, filename="arrangementer.ics")


@require_safe
def feed_centre(request: HttpRequest, slug: str) -> HttpResponse:
    centre = get_object_or_404(Centre, slug=slug)
    with _feed_language(request):
        body = ics_feeds.feed(
            ics_feeds.feed_events(centre=centre),
            name=_("%(centre)s: courses and events") % {"centre": centre.name},
        )
    return _calendar(body, filename=f"arrangementer-{centre.slug}.ics")


@contextlib.contextmanager
def _feed_language(request: HttpRequest) -> Iterator[None]:
    """Bokmål, or English with `?lang=en` (a calendar app sends no language cookie)."""
    language = request.GET.get("lang", "nb")
    with translation.override(language if language in FEED_LANGUAGES else "nb"):
        yield


def _calendar(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=booking_ics.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=900"
    return response
