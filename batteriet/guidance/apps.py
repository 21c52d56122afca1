from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    name = "batteriet.guidance"
    label = "guidance"
    verbose_name = _("Guidance")

    def ready(self) -> None:
        from batteriet.guidance import permissions, permissions_notes  # noqa: F401  (registers rules)
