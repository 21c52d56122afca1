"""Forms for registering, answering an event's questions and consent: field shape only.

The rules for answers live in `rules.check_answer` (through `services.answers.answers_check`),
so the register form checks answers the same way before anything is stored.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from batteriet.accounts.models import User
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import AccessibleFormMixin
from batteriet.events.models import Audience, Event, Question, QuestionKind, Registration
from batteriet.events.services import answers as answer_services
from batteriet.organisations.models import Membership, MembershipRole, Organisation, OrganisationStatus

WHO_ME = "me"
WHO_OTHERS = "others"
TOGETHER = "together"
PARTIAL = "partial"


def question_field(question: Question, *, required: bool) -> forms.Field:
    """The form field for one of the event's questions."""
    common = {"label": question.label, "required": required}
    if question.kind == QuestionKind.CHOICE:
        return forms.ChoiceField(
            choices=[(choice, choice) for choice in question.choice_list], widget=forms.RadioSelect, **common
        )
    if question.kind == QuestionKind.YES_NO:
        return forms.ChoiceField(
            choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common
        )
    return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), **common)


def consent_field() -> forms.BooleanField:
    return forms.BooleanField(
        required=False,
        label=_("I agree that the organisers may see my answers about special needs."),
        help_text=_("Only tick the box if you have written something above. You can take it back later."),
    )


class QuestionsMixin:
    """The event's questions as fields `question_<id>`, special needs apart, and the consent box."""

    def add_questions(self, questions: list[Question], *, ask: bool) -> None:
        self.questions = questions if ask else []
        for question in self.questions:
            self.fields[answer_services.field_name(question)] = question_field(
                question, required=question.required
            )
        if any(question.is_special_need for question in self.questions):
            self.fields["consent"] = consent_field()

    @property
    def ordinary_questions(self) -> list:
        return [self[answer_services.field_name(q)] for q in self.questions if not q.is_special_need]

    @property
    def special_need_questions(self) -> list:
        return [self[answer_services.field_name(q)] for q in self.questions if q.is_special_need]

    def answer_values(self) -> dict[int, str]:
        return {
            question.pk: self.cleaned_data.get(answer_services.field_name(question)) or ""
            for question in self.questions
        }

    def consent_given(self) -> bool:
        return bool(self.cleaned_data.get("consent"))

    def check_answers(self) -> None:
        """Call from clean(): the same checks the service makes, by the field they concern."""
        if any(answer_services.field_name(q) in self.errors for q in self.questions):
            return
        try:
            answer_services.answers_check(
                questions=self.questions, answers=self.answer_values(), consent=self.consent_given()
            )
        except RuleViolation as violation:
            self.add_rule_violation(violation)


class RegisterForm(QuestionsMixin, AccessibleFormMixin, forms.Form):
    """Register oneself, or (a contact person) several members of the organisation."""

    def __init__(self, *args, event: Event, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        memberships = list(
            Membership.objects.filter(user=user, organisation__status=OrganisationStatus.APPROVED)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        self.organisations = {m.organisation.pk: m.organisation for m in memberships}
        self.contact_organisations = [m.organisation for m in memberships if m.role == MembershipRole.CONTACT]
        members = (
            Membership.objects.filter(organisation__in=self.contact_organisations)
            .select_related("user")
            .order_by("user__full_name", "user__email")
        )
        self.people_by_pk: dict[int, User] = {}
        for membership in members:
            self.people_by_pk.setdefault(membership.user.pk, membership.user)
        self.member_ids = {(membership.organisation_id, membership.user_id) for membership in members}
        self.fixed_organisation: Organisation | None = None

        if self.contact_organisations:
            self.fields["who"] = forms.ChoiceField(
                label=_("Who is coming?"),
                choices=[(WHO_ME, _("Just me")), (WHO_OTHERS, _("Several people from my organisation"))],
                initial=WHO_ME,
                widget=forms.RadioSelect,
            )
            self.fields["people"] = forms.MultipleChoiceField(
                label=_("Who from the organisation is coming?"),
                help_text=_(
                    "Only if you chose several people. Tick everyone who is coming, yourself too if you come. "
                    "Each person answers the event's questions on their own page."
                ),
                choices=[
                    (str(pk), person.full_name or person.email) for pk, person in self.people_by_pk.items()
                ],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        members_only = event.audience == Audience.MEMBERS
        if len(self.organisations) == 1 and members_only:
            self.fixed_organisation = next(iter(self.organisations.values()))
        elif self.organisations:
            choices = [(str(pk), organisation.name) for pk, organisation in self.organisations.items()]
            if not members_only:
                choices.insert(0, ("", _("Not for an organisation")))
            self.fields["organisation"] = forms.ChoiceField(
                label=_("Which organisation do you come for?"),
                choices=choices,
                required=members_only,
            )
        if self.contact_organisations and event.capacity is not None:
            self.fields["when_full"] = forms.ChoiceField(
                label=_("If there are not places for everyone"),
                choices=[
                    (TOGETHER, _("Wait together on the waiting list")),
                    (PARTIAL, _("Take the places there are; the rest wait")),
                ],
                initial=TOGETHER,
                required=False,
                widget=forms.RadioSelect,
            )
        self.registers_others = "who" in self.fields and self.is_bound and self.data.get("who") == WHO_OTHERS
        self.add_questions(list(event.questions.all()), ask=not self.registers_others)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("who", WHO_ME) == WHO_OTHERS:
            self._check_people(cleaned)
        else:
            self.check_answers()
        return cleaned

    def _check_people(self, cleaned: dict) -> None:
        if "people" in self.errors:
            return
        if not cleaned.get("people"):
            self.add_error("people", _("Tick at least one person who is coming."))
            return
        organisation = self.chosen_organisation()
        if organisation is None:
            if len(self.contact_organisations) != 1:
                if "organisation" not in self.errors:
                    self.add_error("organisation", _("Choose the organisation they come for."))
                return
            organisation = self.contact_organisations[0]
        if organisation not in self.contact_organisations:
            self.add_error(
                "organisation",
                _("Only a contact person of the organisation can register others for it."),
            )
            return
        if any((organisation.pk, int(pk)) not in self.member_ids for pk in cleaned["people"]):
            self.add_error("people", _("You can only register people who are members of your organisation."))

    # What the view passes to the services (call after is_valid).
    def chosen_people(self) -> list[User] | None:
        if self.cleaned_data.get("who") != WHO_OTHERS:
            return None
        return [self.people_by_pk[int(pk)] for pk in self.cleaned_data["people"]]

    def chosen_organisation(self) -> Organisation | None:
        if self.fixed_organisation is not None:
            return self.fixed_organisation
        chosen = self.cleaned_data.get("organisation")
        if chosen:
            return self.organisations[int(chosen)]
        if self.cleaned_data.get("who") == WHO_OTHERS and len(self.contact_organisations) == 1:
            return self.contact_organisations[0]
        return None

    def accept_partial(self) -> bool:
        return self.cleaned_data.get("when_full") == PARTIAL


class AnswersForm(QuestionsMixin, AccessibleFormMixin, forms.Form):
    """Change one's answers (all questions at once) and the consent to special needs."""

    def __init__(self, *args, registration: Registration, **kwargs) -> None:
        questions = list(registration.event.questions.all())
        kwargs.setdefault("initial", {})
        for answer in registration.answers.all():
            kwargs["initial"][answer_services.field_name(answer.question_id)] = answer.value
        kwargs["initial"]["consent"] = registration.needs_consent_at is not None
        super().__init__(*args, **kwargs)
        self.add_questions(questions, ask=True)

    def clean(self) -> dict:
        cleaned = super().clean()
        self.check_answers()
        return cleaned
