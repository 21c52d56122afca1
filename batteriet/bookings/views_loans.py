"""After a booking: staff hand out and take back equipment, keep desks and key notes up to
date and follow up closing checklists; organisations send the checklist after using premises.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from batteriet.bookings import forms_loans, permissions, rules_loans, selectors_loans
from batteriet.bookings.models import Booking, PremisesReport, ResourceKind
from batteriet.bookings.services import loans
from batteriet.centres import permissions as centre_permissions
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data
from batteriet.organisations import permissions as organisation_permissions


# --- Staff --------------------------------------------------------------------------------
@require_safe
@login_required
def loans_overview(request: HttpRequest) -> HttpResponse:
    """Equipment to hand out, due back and overdue; desks; premises and their checklists."""
    if not request.user.has_perm("centres.view_staff_pages"):
        raise PermissionDenied
    centre_ids = centre_permissions.centre_ids_for_staff(request.user)
    now = clock.now()
    return render(
        request,
        "bookings/loans_overview.html",
        {
            "to_hand_out": selectors_loans.loans_to_hand_out(centre_ids, now=now)[:200],
            "due_back": selectors_loans.loans_due_back(centre_ids, now=now)[:200],
            "overdue": selectors_loans.overdue_loans(centre_ids, now=now)[:200],
            "desks": selectors_loans.desk_loans(centre_ids, now=now)[:200],
            "premises": selectors_loans.premises_coming(centre_ids, now=now)[:200],
            "reports": selectors_loans.reports_to_follow_up(centre_ids)[:200],
            "this_month": rules_loans.month_start(clock.local_today()),
        },
    )


@require_POST
@login_required
def loan_check_out(request: HttpRequest, pk: int) -> HttpResponse:
    booking = permissions.get_booking_for_decision(request.user, pk)
    try:
        loans.equipment_check_out(actor=request.user, booking=booking)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(
            request,
            _("%(what)s is marked as picked up by %(organisation)s. It is due back %(when)s.")
            % {
                "what": booking.resource.name,
                "organisation": booking.organisation.name,
                "when": _moment(booking.ends_at),
            },
        )
    return redirect("bookings:loans")


@require_POST
@login_required
def loan_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    booking = permissions.get_booking_for_decision(request.user, pk)
    try:
        loans.equipment_check_in(actor=request.user, booking=booking)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(
            request,
            _("%(what)s from %(organisation)s is marked as returned. It can be lent again.")
            % {"what": booking.resource.name, "organisation": booking.organisation.name},
        )
    return redirect("bookings:loans")


@require_http_methods(["GET", "POST"])
@login_required
def desk_review(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _staff_booking(request, pk, ResourceKind.DESK)
    form = forms_loans.ReviewDateForm(posted_data(request), initial={"review_on": booking.review_on})
    if request.method == "POST" and form.is_valid():
        try:
            loans.desk_review_set(
                actor=request.user, booking=booking, review_on=form.cleaned_data["review_on"]
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("The review date is saved."))
            return redirect("bookings:loans")
    return _form_page(
        request, booking, form, heading=_("Review date for %(what)s") % {"what": booking.resource.name}
    )


@require_http_methods(["GET", "POST"])
@login_required
def desk_prints(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _staff_booking(request, pk, ResourceKind.DESK)
    this_month = rules_loans.month_start(clock.local_today())
    form = forms_loans.PrintCountForm(
        posted_data(request),
        initial={"month": this_month, "pages": selectors_loans.pages_printed(booking, this_month)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = loans.print_count_record(
                actor=request.user,
                booking=booking,
                month=form.cleaned_data["month"],
                pages=form.cleaned_data["pages"],
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _pages_saved_message(booking, count.pages))
            return redirect("bookings:loans")
    return _form_page(
        request, booking, form, heading=_("Printed pages for %(what)s") % {"what": booking.resource.name}
    )


@require_http_methods(["GET", "POST"])
@login_required
def handover_note(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _staff_booking(request, pk, ResourceKind.PREMISES)
    form = forms_loans.HandoverNoteForm(posted_data(request), initial={"note": booking.handover_note})
    if request.method == "POST" and form.is_valid():
        try:
            loans.handover_note_set(actor=request.user, booking=booking, note=form.cleaned_data["note"])
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(
                request, _("The key and access note is saved. The organisation sees it on its booking.")
            )
            return redirect("bookings:loans")
    return _form_page(
        request, booking, form, heading=_("Key and access for %(what)s") % {"what": booking.resource.name}
    )


@require_POST
@login_required
def incident_handled(request: HttpRequest, pk: int) -> HttpResponse:
    booking = permissions.get_booking_for_decision(request.user, pk)
    report = PremisesReport.objects.filter(booking=booking).first()
    if report is None:
        raise Http404
    try:
        loans.premises_incident_handle(actor=request.user, report=report)
    except RuleViolation as violation:
        messages.error(request, violation.message)
    else:
        messages.success(
            request,
            _("The checklist from %(organisation)s is marked as handled.")
            % {"organisation": booking.organisation.name},
        )
    return redirect("bookings:loans")


# --- The organisation ---------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@login_required
def closing_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """Members send the checklist; staff of the centre read the report on the booking page."""
    booking = permissions.get_booking_for_view(request.user, pk)
    if booking.resource.kind != ResourceKind.PREMISES or booking.organisation is None:
        raise Http404
    if not organisation_permissions.is_member(request.user, booking.organisation):
        raise PermissionDenied
    after = selectors_loans.after_use(booking, is_staff=False, is_member=True, now=clock.now())
    form = forms_loans.ClosingChecklistForm(posted_data(request) if after.can_send_report else None)
    if request.method == "POST" and after.can_send_report and form.is_valid():
        try:
            loans.premises_report_submit(
                actor=request.user,
                booking=booking,
                checklist=form.checklist(),
                incident=form.cleaned_data["incident"],
            )
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            messages.success(request, _("Thank you. The checklist has been sent to the centre."))
            return redirect("bookings:checklist", pk=booking.pk)
    elif request.method == "POST":
        messages.error(request, _("The checklist cannot be sent now. See why below."))
    return render(
        request, "bookings/loans_checklist.html", {"booking": booking, "after": after, "form": form}
    )


# --- Helpers --------------------------------------------------------------------------------
def after_use_for(request: HttpRequest, booking: Booking) -> selectors_loans.AfterUse:
    """What the booking page shows after booking (pick-up, desk, key note, checklist)."""
    return selectors_loans.after_use(
        booking,
        is_staff=permissions.is_booking_centre_staff(request.user, booking),
        is_member=permissions.is_booking_member(request.user, booking),
        now=clock.now(),
    )


def _staff_booking(request: HttpRequest, pk: int, kind: str) -> Booking:
    """A booking at the user's centre of the given kind, or 404."""
    booking = permissions.get_booking_for_decision(request.user, pk)
    if booking.resource.kind != kind or booking.organisation is None:
        raise Http404
    return booking


def _form_page(request: HttpRequest, booking: Booking, form, *, heading: str) -> HttpResponse:
    return render(request, "bookings/loans_form.html", {"booking": booking, "form": form, "heading": heading})


def _pages_saved_message(booking: Booking, pages: int) -> str:
    allowance = booking.resource.printer_pages_per_month
    if rules_loans.is_over_allowance(pages, allowance):
        return _(
            "Saved. Pages printed: %(pages)s. That is more than the %(allowance)s pages a month this desk has."
        ) % {
            "pages": pages,
            "allowance": allowance,
        }
    return _("Saved. Pages printed: %(pages)s.") % {"pages": pages}


def _moment(moment) -> str:
    local = moment.astimezone(clock.OSLO)
    return f"{formats.date_format(local, 'DATE_FORMAT')} {formats.time_format(local, 'H:i')}"
