from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "batteriet.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from batteriet.organisations import permissions  # noqa: F401  (registers rules)
