"""Forms for the waiting list: field shape only. The rules live in `services.waitlist`."""

from django import forms

from batteriet.bookings.forms import BookingForm
from batteriet.bookings.models import Resource, ResourceKind
from batteriet.core.forms import AccessibleFormMixin


class WaitlistForm(BookingForm):
    """The same questions as a booking; who will be responsible is asked when the time is confirmed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("responsible_name", None)
        self.fields.pop("responsible_phone", None)


class HoldConfirmForm(AccessibleFormMixin, forms.Form):
    """Confirming a held time. Premises: who is present and responsible, as when booking."""

    responsible_name = BookingForm.base_fields["responsible_name"]
    responsible_phone = BookingForm.base_fields["responsible_phone"]
    clean_responsible_phone = BookingForm.clean_responsible_phone

    def __init__(self, *args, resource: Resource, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if resource.kind != ResourceKind.PREMISES:
            self.fields.clear()

    def responsible(self) -> dict[str, str]:
        """The responsible person's name and phone (call after `is_valid`)."""
        return {
            "responsible_name": self.cleaned_data.get("responsible_name", ""),
            "responsible_phone": self.cleaned_data.get("responsible_phone", ""),
        }
