"""Every URL of the events app, one list per area (each in urls_<area>.py)."""

from batteriet.events import (
    urls_evaluation,
    urls_feeds,
    urls_manage,
    urls_messages,
    urls_public,
    urls_registration,
    urls_staff,
)

app_name = "events"
urlpatterns = [
    *urls_public.urlpatterns,  # calendar and event pages
    *urls_feeds.urlpatterns,  # iCal feeds per centre and for all
    *urls_registration.urlpatterns,  # registering, my registrations, offers
    *urls_manage.urlpatterns,  # staff: create and edit events, programme, questions, partners
    *urls_staff.urlpatterns,  # staff: registrations, walk-ins, capacity, attendance, certificates
    *urls_messages.urlpatterns,  # staff: message everyone registered or waiting
    *urls_evaluation.urlpatterns,  # the anonymous evaluation and its results
]
