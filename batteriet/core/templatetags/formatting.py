import phonenumbers
from django import template

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """A stored E.164 number the way people write it: "22 00 00 00", or "+46 70 123 45 67" abroad."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "NO")
    except phonenumbers.NumberParseException:
        return value
    if phonenumbers.region_code_for_number(number) == "NO":
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
