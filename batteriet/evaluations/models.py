"""The "battery effect": three statements every evaluation holds, answered 1–5.

Events and guidance each keep their own anonymous answers in a model that inherits
`BatteryEffect`; the statements, the form fields and the summary are shared from here.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SCALE = range(1, 6)

# (field name, statement) in the order they are asked.
STATEMENTS = (
    ("hope", _("I have more hope that my own effort works.")),
    ("difference", _("I believe more that I can make a difference for myself and others.")),
    ("capable", _('I feel more that "I am something, I can do something".')),
)


def _score(label):
    return models.PositiveSmallIntegerField(label, validators=[MinValueValidator(1), MaxValueValidator(5)])


class BatteryEffect(models.Model):
    hope = _score(STATEMENTS[0][1])
    difference = _score(STATEMENTS[1][1])
    capable = _score(STATEMENTS[2][1])
    free_text = models.TextField(_("anything else you want to tell us"), max_length=3000, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{name}__gte": 1}) & Q(**{f"{name}__lte": 5}),
                name=f"%(app_label)s_%(class)s_{name}_1_to_5",
                violation_error_message=_("Choose a number from 1 to 5."),
            )
            for name, _statement in STATEMENTS
        ]
