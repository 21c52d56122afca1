"""Form helpers shared by every app."""

from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest, QueryDict


class AccessibleFormMixin:
    """Mix into a Form to get Designsystemet classes on every widget.

    Django itself adds `aria-invalid` and `aria-describedby` (help text and error ids);
    the field template adds them to fieldsets for radio and checkbox groups.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")

    def add_rule_violation(self, violation) -> None:
        """Put a RuleViolation on its field if the form has it, else on the whole form."""
        field = violation.field if violation.field in self.fields else None
        self.add_error(field, str(violation.message))


class SiteFormRenderer(TemplatesSetting):
    """Render forms with our templates (Designsystemet markup, error summary, fieldsets)."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def posted_data(request: HttpRequest) -> QueryDict | None:
    """The form data to bind: the POST body on a POST (even an empty one), else None."""
    return request.POST if request.method == "POST" else None
