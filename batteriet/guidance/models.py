"""Guidance (veiledning): advisers' weekly availability, requests for guidance, the
appointments that take an adviser's time, the record of each session, confidential
notes with their access log, an organisation's journey to grant-ready, and drop-ins.

The client is usually an organisation (or an initiator who wants to start one), so the
record follows the organisation across all five centres. An adviser is never booked
twice at once: an active appointment owns its time, and PostgreSQL enforces it with an
exclusion constraint (migration 0002); on SQLite the service checks inside an
IMMEDIATE transaction.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from batteriet.centres.models import Centre, Weekday
from batteriet.core import personal_data as pd
from batteriet.evaluations.models import BatteryEffect
from batteriet.organisations.models import Organisation


class Topic(models.TextChoices):
    STARTING = "starting", _("Starting an organisation")
    REGISTERS = "registers", _("Registering in Enhetsregisteret and Frivillighetsregisteret")
    STATUTES = "statutes", _("Statutes")
    BOARD = "board", _("Board work and the annual meeting")
    ECONOMY = "economy", _("Accounts and economy")
    FUNDING = "funding", _("Applying for money")
    ADVOCACY = "advocacy", _("Advocacy, politics and media")
    CONFLICT = "conflict", _("Conflicts")
    EVENT = "event", _("Planning an event or a hearing")
    OTHER = "other", _("Something else")


class Mode(models.TextChoices):
    CENTRE = "centre", _("At the centre")
    PHONE = "phone", _("By phone")
    VIDEO = "video", _("By video")


class RequesterRole(models.TextChoices):
    INITIATOR = "initiator", _("I want to start an organisation")
    REPRESENTATIVE = "representative", _("I represent an organisation")
    BOARD = "board", _("We are the board of an organisation")


class AvailabilitySlot(models.Model):
    """A weekly time an adviser can be booked for guidance, cut into appointments of
    `appointment_minutes`. Holidays and the adviser's absences are left out."""

    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adviser"),
        on_delete=models.CASCADE,
        related_name="availability",
    )
    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at_time = models.TimeField(_("from"))
    ends_at_time = models.TimeField(_("to"))
    appointment_minutes = models.PositiveSmallIntegerField(
        _("length of an appointment (minutes)"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(240)],
    )
    valid_from = models.DateField(_("from date"))
    valid_until = models.DateField(_("until date"), null=True, blank=True)

    class Meta:
        ordering = ["weekday", "starts_at_time"]
        verbose_name = _("available time")
        verbose_name_plural = _("available times")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at_time__gt=F("starts_at_time")),
                name="guidance_availabilityslot_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6),
                name="guidance_availabilityslot_weekday",
                violation_error_message=_("Choose a weekday."),
            ),
            models.CheckConstraint(
                condition=Q(appointment_minutes__gte=15) & Q(appointment_minutes__lte=240),
                name="guidance_availabilityslot_minutes",
                violation_error_message=_("An appointment lasts from 15 minutes to 4 hours."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="guidance_availabilityslot_until_after_from",
                violation_error_message=_("The last day cannot be before the first."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.adviser} {self.get_weekday_display()} {self.starts_at_time:%H:%M}–{self.ends_at_time:%H:%M}"


class Absence(models.Model):
    """Leave or another reason an adviser cannot be booked, from one moment to another."""

    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("adviser"), on_delete=models.CASCADE, related_name="absences"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="guidance_absence_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.adviser}: {self.starts_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"


class RequestStatus(models.TextChoices):
    NEW = "new", _("Waiting for an adviser")
    PROPOSED = "proposed", _("A time is proposed")
    SCHEDULED = "scheduled", _("Time booked")
    HANDED_OVER = "handed_over", _("Handed over")
    REFERRED = "referred", _("Referred elsewhere")
    CANCELLED = "cancelled", pgettext_lazy("guidance request", "Cancelled")
    DONE = "done", _("Done")


class GuidanceRequest(models.Model):
    """Someone asks for guidance: an initiator, an organisation's representative or its board."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.CASCADE,
        related_name="guidance_requests",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guidance_requests",
    )
    role = models.CharField(_("who asks"), max_length=20, choices=RequesterRole.choices)
    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="guidance_requests"
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    situation = models.TextField(_("a few words about the situation"), max_length=3000)
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)
    language_need = models.CharField(_("language or interpreter"), max_length=200, blank=True)
    accessibility_need = models.CharField(_("accessibility"), max_length=500, blank=True)
    preferred_times = models.TextField(_("times that suit you"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adviser"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guidance_assigned",
    )
    referred_to = models.CharField(_("referred to"), max_length=300, blank=True)
    staff_message = models.TextField(_("message from the centre"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("request for guidance")
        verbose_name_plural = _("requests for guidance")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="referred") | ~Q(referred_to=""),
                name="guidance_request_referral_says_where",
                violation_error_message=_("Say where the person is referred to."),
            )
        ]
        indexes = [
            models.Index(fields=["centre", "status"], name="guidance_request_queue_idx"),
            # The queue's "closed in the last 30 days" reads by centre and time of change.
            models.Index(fields=["centre", "updated_at"], name="guidance_request_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} ({self.centre})"


class AppointmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, waiting for an answer")
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", pgettext_lazy("appointment", "Cancelled")
    DONE = "done", _("Held")

    @classmethod
    def taking_time(cls) -> list[str]:
        """A proposed time is held for the person until they answer, like a booked one."""
        return [cls.PROPOSED, cls.BOOKED]


class Appointment(models.Model):
    """A time with an adviser. Proposed and booked appointments take the adviser's time;
    two of them never overlap for one adviser."""

    request = models.ForeignKey(
        GuidanceRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="appointments"
    )
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adviser"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)
    status = models.CharField(_("status"), max_length=20, choices=AppointmentStatus.choices)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # The calendar invitation's SEQUENCE: one more for each move or cancellation, so a
    # calendar app replaces the entry it has (see `ics.py`).
    ics_sequence = models.PositiveIntegerField(_("calendar version"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="guidance_appointment_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            )
        ]
        indexes = [
            models.Index(fields=["adviser", "ends_at", "starts_at"], name="guidance_appointment_time_idx"),
            # The queue's coming appointments at a centre.
            models.Index(fields=["centre", "starts_at"], name="guidance_appt_centre_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.adviser}: {self.starts_at:%Y-%m-%d %H:%M}"


class Outcome(models.TextChoices):
    REGISTERED = "registered", _("The organisation was registered")
    STATUTES_ADOPTED = "statutes_adopted", _("Statutes adopted")
    BOARD_ELECTED = "board_elected", _("A board was elected")
    APPLICATION_SENT = "application_sent", _("An application was sent")
    PLAN_MADE = "plan_made", _("A plan was made")
    REFERRED = "referred", _("Referred elsewhere")
    OTHER = "other", _("Something else")


class SessionRecord(models.Model):
    """What happened in a guidance session: the facts kept for statistics. The confidential
    notes are apart (`ConfidentialNote`) and deleted on their own schedule."""

    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adviser"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="guidance_records",
    )
    appointment = models.OneToOneField(
        Appointment,
        verbose_name=_("appointment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="record",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guidance_records",
    )
    held_at = models.DateTimeField(_("when"))
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)
    people = models.PositiveSmallIntegerField(
        _("number of people"), default=1, validators=[MinValueValidator(1)]
    )
    topics = models.JSONField(_("topics"), default=list)
    outcomes = models.JSONField(_("outcome"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_at", "id"]
        verbose_name = _("guidance session")
        verbose_name_plural = _("guidance sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=600),
                name="guidance_sessionrecord_minutes",
                violation_error_message=_("From 1 minute to 10 hours."),
            ),
            models.CheckConstraint(
                condition=Q(people__gte=1),
                name="guidance_sessionrecord_people",
                violation_error_message=_("At least one person took part."),
            ),
        ]
        indexes = [models.Index(fields=["centre", "held_at"], name="guidance_record_centre_idx")]

    def __str__(self) -> str:
        return f"{self.centre}: {self.held_at:%Y-%m-%d}"


class FollowUp(models.Model):
    """Something to do after a session, by someone, by a day."""

    record = models.ForeignKey(
        SessionRecord, verbose_name=_("session"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    text = models.CharField(_("what"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        related_name="guidance_follow_ups",
    )
    due_on = models.DateField(_("by"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return self.text


class JourneyStep(models.TextChoices):
    FOUNDED = "founded", _("Founded")
    STATUTES = "statutes", _("Statutes adopted")
    BOARD = "board", _("Board elected")
    ENHETSREGISTERET = "enhetsregisteret", _("Registered in Enhetsregisteret")
    FRIVILLIGHETSREGISTERET = "frivillighetsregisteret", _("Registered in Frivillighetsregisteret")
    ACCOUNTS = "accounts", _("Accounts in order")
    FIRST_APPLICATION = "first_application", _("First application sent")


class JourneyProgress(models.Model):
    """A step an organisation has taken on the way from founding to grant-ready."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="journey"
    )
    step = models.CharField(_("step"), max_length=30, choices=JourneyStep.choices)
    reached_on = models.DateField(_("reached"))
    record = models.ForeignKey(
        SessionRecord,
        verbose_name=_("session that moved it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="journey_steps",
    )

    class Meta:
        ordering = ["reached_on", "id"]
        verbose_name = _("step on the way")
        verbose_name_plural = _("steps on the way")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "step"],
                name="guidance_journeyprogress_step_once",
                violation_error_message=_("This step is already reached."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_step_display()}"


class ConfidentialNote(models.Model):
    """An adviser's confidential note. Seen only by the centre's advisers and lead; every
    read is logged (`NoteRead`); never in exports, the API, search or e-mails; deleted
    after a period without contact with the organisation (3 years by default)."""

    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey(
        SessionRecord,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="guidance_notes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("note"), max_length=10000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("confidential note")
        verbose_name_plural = _("confidential notes")

    def __str__(self) -> str:
        return f"{self.centre}: {self.created_at:%Y-%m-%d}"


class NoteRead(models.Model):
    """Who read which confidential note, when. Kept when the note itself is deleted."""

    note_id_read = models.PositiveBigIntegerField(_("note"))
    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    read_at = models.DateTimeField(_("read"), auto_now_add=True)

    class Meta:
        ordering = ["-read_at", "id"]
        verbose_name = _("note read")
        verbose_name_plural = _("notes read")
        indexes = [models.Index(fields=["centre", "read_at"], name="guidance_noteread_centre_idx")]

    def __str__(self) -> str:
        return f"{self.note_id_read} ({self.read_at:%Y-%m-%d %H:%M})"


class DropIn(models.Model):
    """A walk-in or phone guidance logged with one click, without personal data."""

    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("day"))
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = _("drop-in")
        verbose_name_plural = _("drop-ins")
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=600),
                name="guidance_dropin_minutes",
                violation_error_message=_("From 1 minute to 10 hours."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.centre}: {self.held_on} {self.get_topic_display()}"


class GuidanceEvaluation(BatteryEffect):
    """An anonymous answer after a guidance session: the centre and the day only."""

    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    answered_on = models.DateField(_("answered"))

    class Meta(BatteryEffect.Meta):
        verbose_name = _("guidance evaluation")
        verbose_name_plural = _("guidance evaluations")


class GuidanceEvaluationTicket(models.Model):
    """The right to answer one evaluation after a guidance session: the hash of the token
    in one e-mail.

    It knows the centre and the day it was made, never the person or the session: the
    task that sends the e-mail makes it, and the token is only in the e-mail. The hash is
    the key, so no counter tells in which order tickets were made. A used ticket is
    deleted in the transaction that stores the answer; an unused one when answering closes.
    """

    token_hash = models.CharField(max_length=64, primary_key=True)
    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+")
    created_on = models.DateField(_("made"))

    class Meta:
        verbose_name = _("guidance evaluation invitation")
        verbose_name_plural = _("guidance evaluation invitations")

    def __str__(self) -> str:
        return f"{self.centre}: {self.created_on}"


_asking = pd.Declaration(
    purpose="To give the guidance asked for: who asks, about what, and what they need to take part.",
    legal_basis=pd.LegalBasis.LEGITIMATE_INTEREST,
    retention="Three years after the last contact; then only counts are kept.",
)
_staff_work = pd.Declaration(
    purpose="Who gives guidance and who follows up: planning and accountability.",
    legal_basis=pd.LegalBasis.LEGITIMATE_INTEREST,
    retention=pd.AUDIT_RETENTION,
)
_notes = pd.Declaration(
    purpose="An adviser's confidential notes, to follow an organisation up well.",
    legal_basis=pd.LegalBasis.LEGITIMATE_INTEREST,
    retention="Deleted after three years without contact (configurable); every read is logged.",
)
pd.declare(
    GuidanceRequest,
    requested_by=_asking,
    situation=_asking,
    language_need=_asking,
    accessibility_need=_asking,
    preferred_times=_asking,
    adviser=_staff_work,
    staff_message=_asking,
)
pd.declare(AvailabilitySlot, adviser=_staff_work)
pd.declare(Absence, adviser=_staff_work, reason=_staff_work)
pd.declare(Appointment, adviser=_staff_work)
pd.declare(SessionRecord, adviser=_staff_work)
pd.declare(FollowUp, owner=_staff_work)
pd.declare(ConfidentialNote, author=_staff_work, text=_notes)
pd.declare(NoteRead, reader=_staff_work)
