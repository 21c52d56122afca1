import datetime as dt

import phonenumbers
from django import template
from django.utils import formats, timezone, translation

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


@register.simple_tag
def time_span(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """A booking's time in Oslo, short: "tir 8. des 2026, 10:00–12:00"; over several days
    "ons 9. des 2026, 10:00 – tor 10. des 2026, 14:00", so a loan never looks like one day."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    day = "D j M Y" if (translation.get_language() or "nb").startswith("en") else "D j. b Y"
    first = f"{formats.date_format(start, day)}, {formats.time_format(start, 'H:i')}"
    if start.date() == end.date() or (end - start <= dt.timedelta(days=1) and end.time() == dt.time(0)):
        return f"{first}–{formats.time_format(end, 'H:i')}"
    return f"{first} – {formats.date_format(end, day)}, {formats.time_format(end, 'H:i')}"
