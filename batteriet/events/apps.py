from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "batteriet.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from batteriet.events import permissions  # noqa: F401  (registers rules)
