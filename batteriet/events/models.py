"""Courses, seminars, conferences, hearings and gatherings, and who registers for them.

A place is held by a registration that is CONFIRMED or OFFERED; the services make sure
the places held never exceed `Event.capacity` (lock the event row, recount, then write).
The waiting line is ordered by `Registration.position_at`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from batteriet.bookings.models import Booking, Resource
from batteriet.centres.models import Centre
from batteriet.core import personal_data as pd
from batteriet.evaluations.models import BatteryEffect
from batteriet.organisations.models import Organisation


class EventKind(models.TextChoices):
    COURSE = "course", _("Course")
    SEMINAR = "seminar", _("Seminar or workshop")
    CONFERENCE = "conference", _("Conference")
    HEARING = "hearing", _("Hearing")
    MEMBER_GATHERING = "member_gathering", _("Member gathering")
    STAFF_GATHERING = "staff_gathering", _("Staff gathering")


class Audience(models.TextChoices):
    OPEN = "open", _("Open to everyone")
    MEMBERS = "members", _("Member organisations")
    STAFF = "staff", _("Staff only")


class PlaceKind(models.TextChoices):
    CENTRE_ROOM = "centre_room", _("A room at a centre")
    EXTERNAL = "external", _("Another venue")
    ONLINE = "online", _("Online")


class Language(models.TextChoices):
    NORWEGIAN = "nb", _("Norwegian")
    ENGLISH = "en", _("English")
    BOTH = "nb_en", _("Norwegian and English")


class Event(models.Model):
    """Something people register for. No centres means a national event."""

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    centres = models.ManyToManyField(
        Centre,
        verbose_name=_("organised by"),
        blank=True,
        related_name="events",
        help_text=_("Leave empty for a national event."),
    )
    audience = models.CharField(_("who can come"), max_length=20, choices=Audience.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place_kind = models.CharField(_("where"), max_length=20, choices=PlaceKind.choices)
    room = models.ForeignKey(
        Resource,
        verbose_name=_("room"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    room_booking = models.OneToOneField(
        Booking,
        verbose_name=_("room booking"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event",
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_link = models.URLField(
        _("link to join"), blank=True, help_text=_("Shown only to people who are registered.")
    )
    capacity = models.PositiveIntegerField(
        _("number of places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.NORWEGIAN
    )
    is_published = models.BooleanField(_("published"), default=False)
    certificate_sessions = models.PositiveSmallIntegerField(
        _("sessions needed for a course certificate"),
        null=True,
        blank=True,
        help_text=_("Courses only. Leave empty to require every session."),
    )
    offer_hold_hours = models.PositiveSmallIntegerField(
        _("hours a place is held for the next in line"), default=24
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="events_event_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="events_event_capacity_at_least_one",
                violation_error_message=_("Room for at least one person, or leave it empty."),
            ),
            models.CheckConstraint(
                condition=Q(offer_hold_hours__gte=1),
                name="events_event_offer_hold_at_least_one_hour",
                violation_error_message=_("Hold an offered place for at least one hour."),
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="events_event_registration_closes_after_opens",
                violation_error_message=_("Registration must close after it opens."),
            ),
            models.CheckConstraint(
                condition=~Q(place_kind="external") | ~Q(venue=""),
                name="events_event_external_has_venue",
                violation_error_message=_("Write where the event is held."),
            ),
            models.CheckConstraint(
                condition=~Q(place_kind="online") | ~Q(online_link=""),
                name="events_event_online_has_link",
                violation_error_message=_("Give the link people use to join."),
            ),
        ]
        indexes = [models.Index(fields=["is_published", "starts_at"], name="events_published_start_idx")]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    """One part of an event: an evening of a course, a talk or a parallel session."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("number of places"),
        null=True,
        blank=True,
        help_text=_("Only for parallel sessions with fewer places than the event."),
    )
    track = models.CharField(_("track"), max_length=100, blank=True)
    speakers = models.CharField(_("speakers"), max_length=500, blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)

    class Meta:
        ordering = ["starts_at", "track", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="events_session_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="events_session_capacity_at_least_one",
                violation_error_message=_("Room for at least one person, or leave it empty."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.title}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("registration", "Registered")
    WAITING = "waiting", _("On the waiting list")
    OFFERED = "offered", _("Offered a place: accept it")
    CANCELLED = "cancelled", pgettext_lazy("registration", "Cancelled")
    EXPIRED = "expired", _("Offer not accepted in time")

    @classmethod
    def active(cls) -> list[str]:
        return [cls.CONFIRMED, cls.WAITING, cls.OFFERED]

    @classmethod
    def holding_a_place(cls) -> list[str]:
        """A confirmed registration and an open offer both count against the capacity."""
        return [cls.CONFIRMED, cls.OFFERED]


class Registration(models.Model):
    """One person's place (or place in line) at an event.

    `person` is empty for someone staff register by name (phone or walk-in). People
    registered together by one contact share a `group_key`, and wait together.
    """

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("For someone without an account.")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    offer_expires_at = models.DateTimeField(_("offer open until"), null=True, blank=True)
    position_at = models.DateTimeField(_("place in line"))
    group_key = models.UUIDField(_("registered together"), default=uuid.uuid4, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    needs_consent_at = models.DateTimeField(_("agreed to share special needs"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    evaluation_sent_at = models.DateTimeField(_("evaluation sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=Q(status__in=["confirmed", "waiting", "offered"]),
                name="events_registration_once_per_person",
                violation_error_message=_("This person is already registered for the event."),
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="events_registration_offer_has_deadline",
                violation_error_message=_("An offered place must say until when it is held."),
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name=""),
                name="events_registration_person_or_name",
                violation_error_message=_("Choose a person or write their name."),
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "position_at"], name="events_registration_line_idx"),
            models.Index(fields=["status", "offer_expires_at"], name="events_registration_offer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.event})"

    @property
    def display_name(self) -> str:
        if self.person_id is None:
            return self.name
        return self.person.full_name or self.person.email


class PartnerRole(models.TextChoices):
    CO_ORGANISER = "co_organiser", _("Co-organiser")
    CHAIR = "chair", _("Chair")
    SPEAKERS = "speakers", _("Speakers")
    CULTURE = "culture", _("Culture")
    RIGGING = "rigging", _("Rigging")
    MEDIA = "media", _("Media")


class Partner(models.Model):
    """An organisation that co-organises an event or takes a role at a hearing."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="partners"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="event_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=PartnerRole.choices)

    class Meta:
        ordering = ["role", "organisation__name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation", "role"],
                name="events_partner_role_once",
                violation_error_message=_("This organisation already has that role."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text")
    CHOICE = "choice", _("Choose one")
    YES_NO = "yes_no", _("Yes or no")


class Question(models.Model):
    """A question people answer when they register. Special needs are sensitive:
    answered only with consent, shown only to the organisers, deleted 30 days after."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="questions"
    )
    label = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=QuestionKind.choices)
    choices = models.TextField(_("choices"), max_length=2000, blank=True, help_text=_("One choice per line."))
    required = models.BooleanField(_("must be answered"), default=False)
    is_special_need = models.BooleanField(
        _("special need (sensitive)"),
        default=False,
        help_text=_("Answered only with consent, shown only to the organisers, deleted 30 days after."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="choice") | ~Q(choices=""),
                name="events_question_choice_has_choices",
                violation_error_message=_("Write the choices, one per line."),
            ),
            models.CheckConstraint(
                condition=~Q(is_special_need=True) | Q(required=False),
                name="events_question_special_need_optional",
                violation_error_message=_("A special need can never be required."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Answer(models.Model):
    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    value = models.TextField(_("answer"), max_length=2000)

    class Meta:
        ordering = ["question__position", "question_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"],
                name="events_answer_once",
                violation_error_message=_("This question is already answered."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"


class SessionSeat(models.Model):
    """A registered person's place in a session with its own capacity (a parallel session)."""

    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="seats"
    )
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="seats"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("place in a session")
        verbose_name_plural = _("places in sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"],
                name="events_sessionseat_once",
                violation_error_message=_("Already signed up for this session."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration} – {self.session}"


class Attendance(models.Model):
    """Whether a registered person came to a session."""

    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="attendance"
    )
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendance"
    )
    attended = models.BooleanField(_("attended"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"],
                name="events_attendance_once",
                violation_error_message=_("Attendance is already marked."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration} – {self.session}"


class EvaluationTicket(models.Model):
    """The right to answer an event's evaluation once: the hash of the token in one e-mail.

    It knows the event and the day it was made, never the person: who was invited is
    `Registration.evaluation_sent_at`, and the ticket is made later by the task that sends
    the e-mail. The hash is the key, so no counter tells in which order tickets were made.
    A used ticket is deleted in the transaction that stores the answer.
    """

    token_hash = models.CharField(max_length=64, primary_key=True)
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="evaluation_tickets"
    )
    created_on = models.DateField(_("made"))

    class Meta:
        verbose_name = _("evaluation invitation")
        verbose_name_plural = _("evaluation invitations")

    def __str__(self) -> str:
        return f"{self.event}"


class EvaluationQuestion(models.Model):
    """An optional question of an event's own, after the three battery-effect statements."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="evaluation_questions"
    )
    label = models.CharField(_("question"), max_length=300)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")

    def __str__(self) -> str:
        return self.label


class Evaluation(BatteryEffect):
    """One anonymous answer to an event's evaluation: no person, no registration, no ticket,
    and only the day it was given."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="evaluations"
    )
    answered_on = models.DateField(_("answered"))

    class Meta(BatteryEffect.Meta):
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")


class EvaluationAnswer(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        EvaluationQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    value = models.TextField(_("answer"), max_length=2000)

    class Meta:
        verbose_name = _("evaluation answer")
        verbose_name_plural = _("evaluation answers")

    def __str__(self) -> str:
        return self.value[:50]


class MessageAudience(models.TextChoices):
    REGISTERED = "registered", _("Everyone registered")
    WAITING = "waiting", _("Everyone on the waiting list")
    BOTH = "both", _("Both: everyone registered and everyone on the waiting list")

    def statuses(self) -> list[str]:
        """Registered: a confirmed place. The waiting list: waiting, or offered a place."""
        registered = [RegistrationStatus.CONFIRMED]
        waiting = [RegistrationStatus.WAITING, RegistrationStatus.OFFERED]
        return {"registered": registered, "waiting": waiting}.get(self.value, registered + waiting)


class EventMessage(models.Model):
    """A message the organisers sent by e-mail to everyone registered or waiting."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="messages"
    )
    audience = models.CharField(_("sent to"), max_length=20, choices=MessageAudience.choices)
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("message"), max_length=5000)
    recipients = models.PositiveIntegerField(_("e-mails sent"))
    name_only = models.PositiveIntegerField(_("registered by name only"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("message to participants")
        verbose_name_plural = _("messages to participants")

    def __str__(self) -> str:
        return self.subject


_registration = pd.Declaration(
    purpose="Keeps a person's place at an event, so the organisers know who comes.",
    legal_basis=pd.LegalBasis.LEGITIMATE_INTEREST,
    retention="Two years after the event; then only counts are kept.",
)
_accountability = pd.Declaration(
    purpose="Accountability: who created an event or registered someone else.",
    legal_basis=pd.LegalBasis.LEGITIMATE_INTEREST,
    retention=pd.AUDIT_RETENTION,
)
pd.declare(Event, created_by=_accountability)
pd.declare(Registration, person=_registration, name=_registration, registered_by=_accountability)
_special_needs = pd.Declaration(
    purpose="Special needs a person chose to share so the organisers can prepare (diet, access, interpreter).",
    legal_basis=pd.LegalBasis.CONSENT,
    retention="Deleted automatically 30 days after the event (manage.py event_jobs).",
)
_answers = pd.Declaration(
    purpose="Answers to the event's questions, so the organisers can prepare. Answers to special-need "
    "questions are given only with consent and seen only by the organisers.",
    legal_basis=pd.LegalBasis.CONSENT,
    retention="Special needs: deleted 30 days after the event (manage.py event_jobs). Other answers: "
    "kept with the registration.",
)
pd.declare(Registration, needs_consent_at=_special_needs)
pd.declare(Answer, value=_answers)
pd.declare(Attendance, marked_by=_accountability)
pd.declare(EventMessage, sent_by=_accountability)
pd.not_personal(EventMessage, "name_only", reason="A count of people registered by name only, no names.")
