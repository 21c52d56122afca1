from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from batteriet.api.api import api, not_found_outside_routes

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("konto/", include("allauth.urls")),
    path("", include("batteriet.core.urls")),
    path("", include("batteriet.accounts.urls")),
    path("", include("batteriet.privacy.urls")),
    path("", include("batteriet.centres.urls")),
    path("", include("batteriet.organisations.urls")),
    path("", include("batteriet.bookings.urls")),
    path("", include("batteriet.events.urls")),
    path("", include("batteriet.guidance.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/", not_found_outside_routes),
    path("", include("batteriet.api.urls")),
]

handler403 = "batteriet.core.views.forbidden"
handler404 = "batteriet.core.views.not_found"
handler500 = "batteriet.core.views.server_error"
