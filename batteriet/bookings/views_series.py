"""Pages for recurring bookings: choose a pattern, see every time, book the free ones;
see a series; cancel or change this time and all later ones."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from batteriet.bookings import forms_series, permissions, recurrence
from batteriet.bookings import services as booking_services
from batteriet.bookings.models import Booking, BookingStatus, Resource
from batteriet.bookings.services import series as series_services
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data


@require_http_methods(["GET", "POST"])
@login_required
def series_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The pattern form; sent, it shows every time and whether it is free (nothing is stored)."""
    resource, form = _series_form(request, pk, posted_data(request))
    if request.method == "POST" and "edit" not in request.POST and form.is_valid():
        try:
            preview = series_services.series_preview(actor=request.user, resource=resource, **form.details())
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            return _preview_page(request, resource, form, preview)
    return _form_page(request, resource, form)


@require_POST
@login_required
def series_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Book the free times, or none. The pattern is checked again, and every time on save."""
    resource, form = _series_form(request, pk, request.POST)
    if not form.is_valid():
        return _form_page(request, resource, form)
    if request.POST.get("book") != "free":
        messages.info(request, _("Nothing was booked."))
        return redirect("bookings:resource", pk=resource.pk)
    try:
        series = series_services.series_create(
            actor=request.user, resource=resource, book="free", **form.details()
        )
    except RuleViolation as violation:
        return _refused_page(request, resource, form, violation)
    booked = series.occurrences.count()
    skipped = len(recurrence.occurrences(form.pattern())) - booked
    messages.success(request, _booked_message(series, booked, skipped))
    return redirect("bookings:series_detail", pk=series.pk)


@require_safe
@login_required
def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    series = permissions.get_series_for_view(request.user, pk)
    occurrences = list(series.occurrences.order_by("starts_at", "id"))
    now = clock.now()
    return render(
        request,
        "bookings/series_detail.html",
        {
            "series": series,
            "occurrences": occurrences,
            "weekdays": _weekday_names(series.weekdays),
            "week_of_month": dict(forms_series.WEEKS_OF_MONTH).get(series.week_of_month, ""),
            "next_coming": next((b for b in occurrences if b.is_blocking and b.starts_at > now), None),
            "times_of_day": _times_of_day(occurrences),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def series_cancel_from(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel this time and all later ones: a short confirmation first."""
    booking = _series_booking(request, pk)
    form = forms_series.SeriesCancelForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = series_services.series_cancel_from(
                actor=request.user, booking=booking, reason=form.cleaned_data["reason"]
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            count = len(cancelled)
            messages.success(
                request,
                ngettext(
                    "%(count)d time is cancelled. It is free for others.",
                    "%(count)d times are cancelled. They are free for others.",
                    count,
                )
                % {"count": count},
            )
            return redirect("bookings:series_detail", pk=booking.series_id)
    later = _coming_from(booking, ends_after=True)
    return render(request, "bookings/series_cancel.html", {"booking": booking, "form": form, "later": later})


@require_http_methods(["GET", "POST"])
@login_required
def series_change_from(request: HttpRequest, pk: int) -> HttpResponse:
    """Move this time and all later ones to new times of day, each on its own day."""
    booking = _series_booking(request, pk)
    local_start, local_end = booking.starts_at.astimezone(clock.OSLO), booking.ends_at.astimezone(clock.OSLO)
    form = forms_series.SeriesChangeForm(
        posted_data(request), initial={"starts_at": local_start.time(), "ends_at": local_end.time()}
    )
    refused: list[series_services.OccurrencePreview] = []
    if request.method == "POST" and form.is_valid():
        try:
            moved = series_services.series_change_from(
                actor=request.user,
                booking=booking,
                starts_at_time=form.cleaned_data["starts_at"],
                ends_at_time=form.cleaned_data["ends_at"],
            )
        except series_services.SeriesRefused as violation:
            form.add_error(None, str(violation.message))
            refused = violation.refused
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            count = len(moved)
            messages.success(
                request,
                ngettext("%(count)d time is changed.", "%(count)d times are changed.", count)
                % {"count": count},
            )
            return redirect("bookings:series_detail", pk=booking.series_id)
    return render(
        request,
        "bookings/series_change.html",
        {
            "booking": booking,
            "form": form,
            "later": _coming_from(booking, ends_after=False),
            "refused": refused,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def series_change_one(request: HttpRequest, pk: int) -> HttpResponse:
    """Move only this time of a series to another day or time; the other times stay."""
    booking = _series_booking(request, pk)
    local_start, local_end = booking.starts_at.astimezone(clock.OSLO), booking.ends_at.astimezone(clock.OSLO)
    form = forms_series.OccurrenceChangeForm(
        posted_data(request),
        initial={"day": local_start.date(), "starts_at": local_start.time(), "ends_at": local_end.time()},
    )
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.moments()
        try:
            booking_services.booking_move(
                actor=request.user, booking=booking, starts_at=starts_at, ends_at=ends_at
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(
                request, _("The time is changed. The other times of the recurring booking stay as they are.")
            )
            return redirect("bookings:detail", pk=booking.pk)
    return render(request, "bookings/series_change_one.html", {"booking": booking, "form": form})


# --- Helpers ------------------------------------------------------------------------------
def _series_form(request: HttpRequest, pk: int, data) -> tuple[Resource, forms_series.SeriesForm]:
    resource = permissions.get_resource_for_booking(pk)
    organisations = permissions.bookable_organisations(request.user)
    if not organisations:
        raise PermissionDenied
    initial = {"first_day": _day_asked_for(request) or clock.local_today()}
    form = forms_series.SeriesForm(data, initial=initial, resource=resource, organisations=organisations)
    return resource, form


def _day_asked_for(request: HttpRequest) -> dt.date | None:
    """The first day from `?dag=YYYY-MM-DD` (the week the person looked at), if it makes sense."""
    try:
        day = dt.date.fromisoformat(request.GET.get("dag", "")[:10])
    except ValueError:
        return None
    return (
        max(day, clock.local_today()) if recurrence.FIRST_YEAR <= day.year <= recurrence.LAST_YEAR else None
    )


def _form_page(request: HttpRequest, resource: Resource, form: forms_series.SeriesForm) -> HttpResponse:
    return render(
        request,
        "bookings/series_form.html",
        {"resource": resource, "form": form, "organisation": form.only_organisation},
    )


def _preview_page(
    request: HttpRequest,
    resource: Resource,
    form: forms_series.SeriesForm,
    preview: list[series_services.OccurrencePreview],
    *,
    error: str = "",
) -> HttpResponse:
    free = sum(1 for time in preview if time.ok)
    return render(
        request,
        "bookings/series_preview.html",
        {
            "resource": resource,
            "form": form,
            "preview": preview,
            "free": free,
            "taken": len(preview) - free,
            "error": error,
        },
    )


def _refused_page(
    request: HttpRequest, resource: Resource, form: forms_series.SeriesForm, violation: RuleViolation
) -> HttpResponse:
    """Nothing could be booked: show the times as they are now, with the reason."""
    try:
        preview = series_services.series_preview(actor=request.user, resource=resource, **form.details())
    except RuleViolation as whole_series:
        form.add_rule_violation(whole_series)
        return _form_page(request, resource, form)
    return _preview_page(request, resource, form, preview, error=str(violation.message))


def _booked_message(series, booked: int, skipped: int) -> str:
    if series.occurrences.filter(status=BookingStatus.REQUESTED).exists():
        message = ngettext(
            "%(count)d time is requested. The centre will approve or decline it.",
            "%(count)d times are requested. The centre will approve or decline them.",
            booked,
        ) % {"count": booked}
    else:
        message = ngettext("%(count)d time is booked.", "%(count)d times are booked.", booked) % {
            "count": booked
        }
    if skipped:
        message += " " + ngettext(
            "%(count)d time could not be booked.", "%(count)d times could not be booked.", skipped
        ) % {"count": skipped}
    return message


def _series_booking(request: HttpRequest, pk: int) -> Booking:
    """A booking the user may cancel or change, that belongs to a series; else 404."""
    booking = permissions.get_booking_for_cancel(request.user, pk)
    if booking.series_id is None:
        raise Http404
    return booking


def _coming_from(booking: Booking, *, ends_after: bool) -> list[Booking]:
    """This and the later times of the series that still hold their time and are to come."""
    now = clock.now()
    later = Booking.objects.filter(
        series_id=booking.series_id, starts_at__gte=booking.starts_at, status__in=BookingStatus.blocking()
    )
    later = later.filter(ends_at__gt=now) if ends_after else later.filter(starts_at__gt=now)
    return list(later.order_by("starts_at", "id"))


def _times_of_day(occurrences: list[Booking]) -> str:
    """The local times of day the series holds ("10:00–11:30"); several when some were changed."""
    holding = [b for b in occurrences if b.is_blocking] or occurrences
    times = []
    for booking in holding:
        start, end = booking.starts_at.astimezone(clock.OSLO), booking.ends_at.astimezone(clock.OSLO)
        text = f"{start:%H:%M}–{end:%H:%M}"
        if text not in times:
            times.append(text)
    return ", ".join(times)


def _weekday_names(weekdays: list[int]) -> str:
    names = dict(forms_series.WEEKDAYS)
    return ", ".join(str(names[day]) for day in sorted(weekdays) if day in names)
