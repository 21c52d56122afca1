"""Forms shape input; the rules (orgnr, phone, states) live in rules.py and services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from batteriet.centres.models import Centre
from batteriet.core.errors import RuleViolation
from batteriet.core.forms import AccessibleFormMixin
from batteriet.organisations import rules
from batteriet.organisations.models import (
    AgreementStatus,
    MembershipRole,
    OrganisationKind,
    OrganisationStatus,
    PartnerType,
    TargetGroup,
    TargetGroupCode,
)
from batteriet.organisations.rules import Applicant, WorkArea
from batteriet.organisations.services import OrganisationData


class ApplicantForm(AccessibleFormMixin, forms.Form):
    applicant = forms.ChoiceField(
        label=_("Which of these fits you best?"),
        widget=forms.RadioSelect,
        choices=[
            (Applicant.GROUP, _("We are a group or an organisation")),
            (Applicant.STARTER, _("I want to start a group or an organisation")),
            (Applicant.INDIVIDUAL, _("I need help with my own situation")),
            (Applicant.BUSINESS, _("We are a company or another actor who wants to cooperate")),
        ],
        error_messages={"required": _("Choose the answer that fits you best.")},
    )


class WorkAreaForm(AccessibleFormMixin, forms.Form):
    work_area = forms.ChoiceField(
        label=_("Where does your group work?"),
        widget=forms.RadioSelect,
        choices=[
            (WorkArea.NORWAY, _("In Norway")),
            (WorkArea.ABROAD, _("Mainly in other countries")),
        ],
        error_messages={"required": _("Choose where your group works.")},
    )


class TargetGroupField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: TargetGroup) -> str:
        return str(TargetGroupCode(obj.code).label)


class OrganisationForm(AccessibleFormMixin, forms.Form):
    """The organisation's details. Used for registration and for editing."""

    name = forms.CharField(label=_("Name of the group or organisation"), max_length=150)
    kind = forms.ChoiceField(
        label=_("What kind of group is it?"),
        widget=forms.RadioSelect,
        choices=[c for c in OrganisationKind.choices if c[0] != OrganisationKind.PARTNER],
    )
    orgnr = forms.CharField(
        label=_("Organisation number"),
        required=False,
        max_length=20,
        help_text=_(
            "Nine digits from the Brønnøysund Register Centre. Many groups have none: then leave it empty."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    target_groups = TargetGroupField(
        label=_("Who does your group work for?"),
        help_text=_("Choose all that fit."),
        queryset=TargetGroup.objects.order_by("id"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    is_user_led = forms.BooleanField(
        label=_("The group is user-led: run by people with their own experience of poverty or exclusion"),
        required=False,
    )
    description = forms.CharField(
        label=_("Describe the group in a few sentences"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you do and for whom. At most 1000 characters."),
    )
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")
    email = forms.EmailField(
        label=_("Contact e-mail for the group"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Contact phone"),
        required=False,
        max_length=30,
        help_text=_("Eight digits for a Norwegian number, or + and the country code."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    street_address = forms.CharField(
        label=_("Postal address"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postcode = forms.RegexField(
        label=_("Postcode"),
        required=False,
        regex=r"^\d{4}\Z",
        max_length=4,
        error_messages={"invalid": _("A Norwegian postcode has exactly four digits, for example 0150.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    post_town = forms.CharField(label=_("Post town"), required=False, max_length=60)
    home_centre = forms.ModelChoiceField(
        label=_("Which centre is nearest to you?"),
        queryset=Centre.objects.order_by("name"),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    is_public = forms.BooleanField(
        label=_("Show the group in Batteriet's public list of organisations"),
        help_text=_("Only the name, description, website and who you work for are shown."),
        required=False,
    )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_orgnr(self) -> str:
        try:
            return rules.normalise_orgnr(self.cleaned_data["orgnr"]) or ""
        except RuleViolation as violation:
            raise forms.ValidationError(str(violation.message), code=violation.code) from violation

    def clean_phone(self) -> str:
        try:
            return rules.normalise_phone(self.cleaned_data["phone"])
        except RuleViolation as violation:
            raise forms.ValidationError(str(violation.message), code=violation.code) from violation

    def clean_description(self) -> str:
        description = self.cleaned_data["description"].strip()
        if not description:
            raise forms.ValidationError(_("Write a few words about the group."))
        return description

    def to_data(self) -> OrganisationData:
        data = dict(self.cleaned_data)
        data["target_groups"] = list(data.get("target_groups") or [])
        data.pop("confirm_focus", None)
        return OrganisationData(**data)


class OrganisationRegisterForm(OrganisationForm):
    confirm_focus = forms.BooleanField(
        label=_("Our group works against poverty or social exclusion in Norway"),
        error_messages={
            "required": _(
                "The centres are for groups that work against poverty or social exclusion in Norway."
            )
        },
    )


class PartnerForm(OrganisationForm):
    """A partner: company, research institute, NGO… Registered, but cannot borrow."""

    kind = forms.CharField(widget=forms.HiddenInput, initial=OrganisationKind.PARTNER, required=False)
    partner_type = forms.ChoiceField(
        label=_("What kind of partner are you?"), widget=forms.RadioSelect, choices=PartnerType.choices
    )
    name = forms.CharField(label=_("Name of the company or organisation"), max_length=150)

    field_order = [
        "name",
        "partner_type",
        "orgnr",
        "description",
        "website",
        "email",
        "phone",
        "street_address",
        "postcode",
        "post_town",
        "home_centre",
        "is_public",
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("target_groups", "is_user_led"):
            del self.fields[name]
        self.fields["email"].label = _("Contact e-mail")
        self.fields["description"].label = _("Describe how you would like to cooperate")

    def clean_kind(self) -> str:
        return OrganisationKind.PARTNER


class InitiatorForm(AccessibleFormMixin, forms.Form):
    centre = forms.ModelChoiceField(
        label=_("Which centre is nearest to you?"),
        queryset=Centre.objects.order_by("name"),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    idea = forms.CharField(
        label=_("What kind of group do you want to start?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few words are enough. Please do not write about health or other private matters."),
    )

    def clean_idea(self) -> str:
        idea = self.cleaned_data["idea"].strip()
        if not idea:
            raise forms.ValidationError(_("Write a few words about the group you want to start."))
        return idea


class DeclineForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organisation will see this. Be kind and say where they can get help."),
    )


class ApproveForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Message to the organisation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InviteForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person you invite"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MembershipRole.choices,
        widget=forms.RadioSelect,
        initial=MembershipRole.MEMBER,
    )


class RoleForm(AccessibleFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class AgreementRequestForm(AccessibleFormMixin, forms.Form):
    centre = forms.ModelChoiceField(
        label=_("Which centre do you want an agreement with?"),
        queryset=Centre.objects.order_by("name"),
        widget=forms.RadioSelect,
        empty_label=None,
    )


class SignForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Type your full name to sign"),
        max_length=150,
        help_text=_("Signing means you agree to the text above on behalf of the organisation."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    confirm = forms.BooleanField(
        label=_("I have read the agreement and may sign for the organisation"),
        error_messages={"required": _("Tick the box to confirm that you have read the agreement.")},
    )


class ActivateForm(AccessibleFormMixin, forms.Form):
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Contact persons get a reminder 30 days before."),
    )


class TerminateForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for ending the agreement"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organisation will see this."),
    )


class StaffFilterForm(AccessibleFormMixin, forms.Form):
    q = forms.CharField(label=_("Name or organisation number"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *OrganisationStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *OrganisationKind.choices]
    )
    target_group = forms.ChoiceField(
        label=_("Target group"), required=False, choices=[("", _("All")), *TargetGroupCode.choices]
    )
    agreement = forms.ChoiceField(
        label=_("User agreement"),
        required=False,
        choices=[("", _("All")), ("none", _("No agreement")), *AgreementStatus.choices],
    )
    centre = forms.ChoiceField(label=_("Home centre"), required=False)

    def __init__(self, *args, centres=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = [("", _("All"))] + [(c.slug, c.name) for c in centres]
