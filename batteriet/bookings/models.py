"""Rooms, premises, desks and equipment, their bookings and what each booking occupies.

The rule that two blocking bookings never overlap lives in the `Occupancy` table: each
blocking booking of a room, hall or desk owns one row on its resource (and, for a part
of a hall, one more row on the hall). PostgreSQL enforces the rule with two exclusion
constraints on that table (migration 0002); on SQLite the services check inside an
IMMEDIATE transaction. Equipment is counted by quantity instead (see `services`).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from batteriet.centres.models import Centre
from batteriet.core import personal_data as pd
from batteriet.core import time as clock
from batteriet.organisations.models import Organisation


class ResourceKind(models.TextChoices):
    MEETING_ROOM = "meeting_room", _("Meeting room")
    PREMISES = "premises", _("Premises")
    DESK = "desk", _("Office desk")
    EQUIPMENT = "equipment", _("Equipment")


class Resource(models.Model):
    """Something a centre lends: a room, a hall (which may have parts), a desk or equipment."""

    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="resources"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("number of people"),
        null=True,
        blank=True,
        help_text=_("How many people fit. Leave empty for equipment."),
    )
    stock = models.PositiveSmallIntegerField(
        _("how many the centre has"),
        default=1,
        help_text=_("For equipment: how many can be lent at the same time."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        help_text=_("Booking the hall blocks its parts, and booking a part blocks the hall."),
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    house_rules = models.TextField(_("house rules"), max_length=5000, blank=True)
    requires_approval = models.BooleanField(
        _("needs approval by staff"),
        default=False,
        help_text=_("If not ticked, bookings are confirmed at once."),
    )
    min_notice_minutes = models.PositiveIntegerField(_("minimum notice (minutes)"), default=60)
    max_horizon_days = models.PositiveIntegerField(
        _("how far ahead (days)"), default=180, validators=[MaxValueValidator(3650)]
    )
    min_duration_minutes = models.PositiveIntegerField(_("shortest booking (minutes)"), default=30)
    max_duration_minutes = models.PositiveIntegerField(_("longest booking (minutes)"), default=8 * 60)
    buffer_minutes = models.PositiveIntegerField(
        _("time between bookings (minutes)"),
        default=0,
        help_text=_("For cleaning or setting up: kept free after every booking."),
    )
    printer_pages_per_month = models.PositiveIntegerField(
        _("printer pages per month"),
        null=True,
        blank=True,
        help_text=_("For office desks: how many pages the organisation may print each month."),
    )
    is_active = models.BooleanField(_("can be booked"), default=True)

    class Meta:
        ordering = ["centre", "kind", "name"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "name"],
                name="bookings_resource_unique_name_per_centre",
                violation_error_message=_("This centre already has something with that name."),
            ),
            models.CheckConstraint(
                condition=Q(stock__gte=1),
                name="bookings_resource_stock_at_least_one",
                violation_error_message=_("There must be at least one."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="bookings_resource_capacity_at_least_one",
                violation_error_message=_("Room for at least one person, or leave it empty."),
            ),
            models.CheckConstraint(
                condition=Q(max_horizon_days__lte=3650),
                name="bookings_resource_horizon_at_most_ten_years",
                violation_error_message=_("Bookings can be made at most ten years ahead."),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")),
                name="bookings_resource_not_own_parent",
                violation_error_message=_("A resource cannot be a part of itself."),
            ),
            models.CheckConstraint(
                condition=Q(min_duration_minutes__gte=1)
                & Q(max_duration_minutes__gte=F("min_duration_minutes")),
                name="bookings_resource_duration_limits_in_order",
                violation_error_message=_(
                    "The longest booking must be at least as long as the shortest booking."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A hall is divided once, within one centre, and equipment has no parts."""
        if self.parent_id is None:
            return
        parent = self.parent
        if self.pk is not None and parent.pk == self.pk:
            raise ValidationError({"parent": _("A resource cannot be a part of itself.")})
        if parent.centre_id != self.centre_id:
            raise ValidationError({"parent": _("A part must belong to the same centre as the hall.")})
        if ResourceKind.EQUIPMENT in (self.kind, parent.kind):
            raise ValidationError({"parent": _("Equipment cannot be a part of something, or have parts.")})
        if parent.parent_id is not None:
            raise ValidationError(
                {"parent": _("Choose the whole hall, not a part of it: a hall is divided only once.")}
            )
        if self.pk is not None and self.parts.exists():
            raise ValidationError(
                {"parent": _("This resource has parts of its own, so it cannot be a part.")}
            )

    @property
    def is_equipment(self) -> bool:
        return self.kind == ResourceKind.EQUIPMENT

    @property
    def buffer(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.buffer_minutes)


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    CONFIRMED = "confirmed", _("Confirmed")
    HELD = "held", _("Held for you: confirm it")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Not confirmed in time")

    @classmethod
    def blocking(cls) -> list[str]:
        """States that hold the time: nobody else can book it."""
        return [cls.REQUESTED, cls.CONFIRMED, cls.HELD]


class RecurrenceFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week or every few weeks")
    MONTHLY = "monthly", _("Once a month")


class Series(models.Model):
    """A recurring booking: the pattern its occurrences (bookings) were made from.

    Weekly: every `interval` weeks on `weekdays` (0 = Monday). Monthly: every `interval`
    months on the `week_of_month`-th (1–4, or -1 for the last) weekday `weekdays[0]`.
    The series ends on `until` or after `count` occurrences. Times are local (Oslo).
    """

    resource = models.ForeignKey(
        Resource, verbose_name=_("what"), on_delete=models.PROTECT, related_name="series"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="booking_series",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    frequency = models.CharField(
        _("how often"), max_length=10, choices=RecurrenceFrequency.choices, default=RecurrenceFrequency.WEEKLY
    )
    interval = models.PositiveSmallIntegerField(_("every"), default=1)
    weekdays = models.JSONField(_("weekdays"), default=list)
    week_of_month = models.SmallIntegerField(_("which week of the month"), null=True, blank=True)
    first_day = models.DateField(_("first day"))
    until = models.DateField(_("last day"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("number of times"), null=True, blank=True)
    starts_at_time = models.TimeField(_("from"))
    ends_at_time = models.TimeField(_("to"))
    purpose = models.CharField(_("what the booking is for"), max_length=500, blank=True)
    expected_people = models.PositiveSmallIntegerField(_("expected number of people"), null=True, blank=True)
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)

    class Meta:
        ordering = ["first_day", "id"]
        verbose_name = _("recurring booking")
        verbose_name_plural = _("recurring bookings")
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=False) | Q(count__isnull=False),
                name="bookings_series_has_an_end",
                violation_error_message=_("Choose a last day or a number of times."),
            ),
            models.CheckConstraint(
                condition=Q(interval__gte=1),
                name="bookings_series_interval_at_least_one",
                violation_error_message=_("Repeat at least every week or month."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at_time__gt=F("starts_at_time")),
                name="bookings_series_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.first_day:%Y-%m-%d} {self.starts_at_time:%H:%M}"


class Booking(models.Model):
    """An organisation books a resource, or staff block it (no organisation)."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("what"), on_delete=models.PROTECT, related_name="bookings"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
        help_text=_("Empty when staff block the time, for example for maintenance."),
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    status = models.CharField(
        _("status"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    purpose = models.CharField(_("what the booking is for"), max_length=500, blank=True)
    expected_people = models.PositiveSmallIntegerField(_("expected number of people"), null=True, blank=True)
    quantity = models.PositiveSmallIntegerField(_("how many"), default=1)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.TextField(_("reason for cancelling"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)
    series = models.ForeignKey(
        Series,
        verbose_name=_("recurring booking"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="occurrences",
    )
    # A time offered from the waiting list is held until then; unconfirmed, it passes on.
    hold_expires_at = models.DateTimeField(_("held until"), null=True, blank=True)
    # Premises: who is present and responsible, and how to get in.
    responsible_name = models.CharField(_("responsible person present"), max_length=200, blank=True)
    responsible_phone = models.CharField(_("phone of the responsible person"), max_length=32, blank=True)
    handover_note = models.TextField(
        _("key and access"),
        max_length=2000,
        blank=True,
        help_text=_("How the organisation gets in: where the key is, door codes, alarm."),
    )
    # Office desks: when the centre and the organisation look at the loan again.
    review_on = models.DateField(_("review date"), null=True, blank=True)
    # Equipment: handed over and brought back, as staff record it.
    checked_out_at = models.DateTimeField(_("picked up"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_in_at = models.DateTimeField(_("returned"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Notices already sent, so the nightly and hourly jobs never send one twice.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    overdue_notice_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="bookings_booking_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1),
                name="bookings_booking_quantity_at_least_one",
                violation_error_message=_("Book at least one."),
            ),
            models.CheckConstraint(
                condition=Q(expected_people__isnull=True) | Q(expected_people__gte=1),
                name="bookings_booking_expected_people_at_least_one",
                violation_error_message=_("At least one person, or leave it empty."),
            ),
            models.CheckConstraint(
                condition=~Q(status=BookingStatus.DECLINED) | Q(decision_reason__gt=""),
                name="bookings_booking_declined_has_reason",
                violation_error_message=_("Give a reason when you decline."),
            ),
            models.CheckConstraint(
                condition=~Q(status=BookingStatus.HELD) | Q(hold_expires_at__isnull=False),
                name="bookings_booking_held_has_expiry",
                violation_error_message=_("A held time must say until when it is held."),
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(checked_out_at__isnull=False),
                name="bookings_booking_returned_after_picked_up",
                violation_error_message=_("Equipment can be returned only after it was picked up."),
            ),
        ]
        # Overlap queries ask "ends after the window starts and starts before it ends":
        # leading with the end keeps years of past bookings out of the scan.
        indexes = [
            models.Index(fields=["resource", "ends_at", "starts_at"], name="bookings_resource_end_idx"),
            models.Index(fields=["organisation", "starts_at"], name="bookings_org_start_idx"),
        ]

    def __str__(self) -> str:
        starts, ends = self.starts_at.astimezone(clock.OSLO), self.ends_at.astimezone(clock.OSLO)
        return f"{self.resource} {starts:%Y-%m-%d %H:%M}–{ends:%Y-%m-%d %H:%M}"

    @property
    def is_blocking(self) -> bool:
        return self.status in BookingStatus.blocking()

    @property
    def is_staff_block(self) -> bool:
        return self.organisation_id is None


class Occupancy(models.Model):
    """The time a blocking booking holds on one resource, the buffer after it included.

    `is_own` is true on the booked resource itself; a booking of a part of a hall
    also holds a row with `is_own` false on the hall. Own rows never overlap on one
    resource; an own row and a part's row on one hall never overlap either, but the
    rows of two different parts may (two small rooms of a hall at once).
    """

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="occupancies")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="occupancies")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_own = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("occupied time")
        verbose_name_plural = _("occupied times")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="bookings_occupancy_ends_after_start"
            ),
        ]
        # See Booking: the end first, so the past is never scanned.
        indexes = [
            models.Index(fields=["resource", "ends_at", "starts_at"], name="bookings_occupancy_end_idx")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id}: {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M}"


class Closure(models.Model):
    """Days a centre is closed for bookings (summer, Christmas Eve), besides public holidays."""

    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="closures"
    )
    starts_on = models.DateField(_("first closed day"))
    ends_on = models.DateField(_("last closed day"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["centre", "starts_on"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="bookings_closure_ends_on_or_after_start",
                violation_error_message=_("The last closed day must be on or after the first."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre}: {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered: confirm it")
    BOOKED = "booked", _("Booked")
    EXPIRED = "expired", _("Not confirmed in time")
    WITHDRAWN = "withdrawn", _("No longer waiting")


class WaitlistEntry(models.Model):
    """An organisation waits for a taken time to become free.

    When the time frees, the first in line (by `created_at`) gets a held booking
    (`offer`, status HELD) until its `hold_expires_at`; unconfirmed, it passes on.
    """

    resource = models.ForeignKey(
        Resource, verbose_name=_("what"), on_delete=models.CASCADE, related_name="waitlist"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="waitlist"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    purpose = models.CharField(_("what the booking is for"), max_length=500, blank=True)
    expected_people = models.PositiveSmallIntegerField(_("expected number of people"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    offer = models.OneToOneField(
        Booking,
        verbose_name=_("offered booking"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="waitlist_entry",
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("waiting list place")
        verbose_name_plural = _("waiting list places")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="bookings_waitlist_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["resource", "organisation", "starts_at", "ends_at"],
                condition=Q(status__in=["waiting", "offered"]),
                name="bookings_waitlist_once_per_time",
                violation_error_message=_("Your organisation is already waiting for this time."),
            ),
        ]
        indexes = [
            models.Index(fields=["resource", "status", "created_at"], name="bookings_waitlist_line_idx")
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.starts_at:%Y-%m-%d %H:%M} ({self.organisation})"


class PremisesReport(models.Model):
    """After using premises the organisation ticks off the closing checklist and reports damage."""

    booking = models.OneToOneField(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="premises_report"
    )
    lights_off = models.BooleanField(_("the lights are switched off"), default=False)
    windows_closed = models.BooleanField(_("the windows are closed"), default=False)
    tidied = models.BooleanField(_("the rooms are tidied and furniture put back"), default=False)
    rubbish_out = models.BooleanField(_("the rubbish is taken out"), default=False)
    doors_locked = models.BooleanField(_("the doors are locked and the alarm is on"), default=False)
    incident = models.TextField(
        _("damage or incidents"),
        max_length=5000,
        blank=True,
        help_text=_("Leave empty if nothing happened."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("sent"), auto_now_add=True)
    incident_handled_at = models.DateTimeField(_("handled by staff"), null=True, blank=True)

    class Meta:
        verbose_name = _("checklist after use")
        verbose_name_plural = _("checklists after use")

    def __str__(self) -> str:
        return f"{self.booking}"


class PrintCount(models.Model):
    """Pages an organisation printed at its office desk in one month, as staff counted them."""

    booking = models.ForeignKey(
        Booking, verbose_name=_("desk booking"), on_delete=models.CASCADE, related_name="print_counts"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    pages = models.PositiveIntegerField(_("pages printed"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("counted"), auto_now=True)

    class Meta:
        ordering = ["booking", "month"]
        verbose_name = _("printer count")
        verbose_name_plural = _("printer counts")
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "month"],
                name="bookings_printcount_once_per_month",
                violation_error_message=_("This month is already counted. Change the count instead."),
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="bookings_printcount_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.booking}: {self.month:%Y-%m} {self.pages}"


class CalendarFeed(models.Model):
    """A private calendar address for one organisation's bookings.

    The token is the only key, so it is long and random; resetting it makes the old
    address stop working at once.
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("private calendar address")
        verbose_name_plural = _("private calendar addresses")

    def __str__(self) -> str:
        return str(self.organisation)


_who_booked = pd.Declaration(
    purpose="Records which person booked on the organisation's behalf, so the centre knows whom to ask.",
    legal_basis=pd.LegalBasis.LEGITIMATE_INTEREST,
    retention="Two years after the booking ended; the booking itself stays with the organisation.",
)
_accountability = pd.Declaration(
    purpose="Accountability: who approved, declined or cancelled a booking.",
    legal_basis=pd.LegalBasis.LEGITIMATE_INTEREST,
    retention=pd.AUDIT_RETENTION,
)
_responsible = pd.Declaration(
    purpose="The person who is present and responsible while the organisation uses the premises "
    "outside staffed hours, so the centre can reach them.",
    legal_basis=pd.LegalBasis.LEGITIMATE_INTEREST,
    retention="Two years after the booking ended; the booking itself stays with the organisation.",
)
pd.declare(
    Booking,
    booked_by=_who_booked,
    decided_by=_accountability,
    cancelled_by=_accountability,
    checked_out_by=_accountability,
    checked_in_by=_accountability,
    responsible_name=_responsible,
    responsible_phone=_responsible,
)
pd.declare(Series, booked_by=_who_booked)
pd.declare(WaitlistEntry, requested_by=_who_booked)
pd.declare(PremisesReport, submitted_by=_accountability)
pd.declare(PrintCount, recorded_by=_accountability)
pd.not_personal(Resource, "name", reason="The name of a room or a piece of equipment.")
