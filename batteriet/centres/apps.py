from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentresConfig(AppConfig):
    name = "batteriet.centres"
    label = "centres"
    verbose_name = _("Centres")

    def ready(self) -> None:
        from batteriet.centres import permissions  # noqa: F401  (registers rules)
