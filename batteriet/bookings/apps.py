from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "batteriet.bookings"
    label = "bookings"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        from batteriet.bookings import permissions  # noqa: F401  (registers rules)
