from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def ds_widget(field: BoundField) -> SafeString:
    """Render a field's widget with Designsystemet's input class unless it has a class."""
    attrs = {} if "class" in field.field.widget.attrs else {"class": "ds-input"}
    return field.as_widget(attrs=attrs)
