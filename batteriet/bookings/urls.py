from django.urls import path

from batteriet.bookings import (
    views,
    views_closures,
    views_feeds,
    views_loans,
    views_series,
    views_staff,
    views_waitlist,
)

app_name = "bookings"
urlpatterns = [
    # For members of an organisation.
    path("bestill/<slug:slug>/", views.resource_list, name="resources"),
    path("bestill/<slug:slug>/ledig/", views.free_rooms, name="free_rooms"),
    path("bestill/ressurs/<int:pk>/", views.resource_detail, name="resource"),
    path("bestill/ressurs/<int:pk>/ny/", views.booking_create, name="create"),
    path("mine-bestillinger/", views.my_bookings, name="mine"),
    path("mine-bestillinger/<int:pk>/", views.booking_detail, name="detail"),
    path("mine-bestillinger/<int:pk>/avbestill/", views.booking_cancel, name="cancel"),
    # The waiting list: wait for a taken time, and answer a time held for you.
    path("bestill/ressurs/<int:pk>/venteliste/", views_waitlist.waitlist_join, name="waitlist_join"),
    path(
        "mine-bestillinger/venteliste/<int:pk>/forlat/", views_waitlist.waitlist_leave, name="waitlist_leave"
    ),
    path("mine-bestillinger/<int:pk>/bekreft/", views_waitlist.offer_accept, name="offer_accept"),
    path("mine-bestillinger/<int:pk>/nei-takk/", views_waitlist.offer_decline, name="offer_decline"),
    # Recurring bookings (see views_series).
    path("bestill/ressurs/<int:pk>/gjentakende/", views_series.series_create, name="series_create"),
    path("bestill/ressurs/<int:pk>/gjentakende/bekreft/", views_series.series_confirm, name="series_confirm"),
    path("mine-bestillinger/serie/<int:pk>/", views_series.series_detail, name="series_detail"),
    path("mine-bestillinger/<int:pk>/endre/", views_series.series_change_one, name="series_change_one"),
    path(
        "mine-bestillinger/<int:pk>/avbestill-resten/",
        views_series.series_cancel_from,
        name="series_cancel_from",
    ),
    path(
        "mine-bestillinger/<int:pk>/endre-resten/",
        views_series.series_change_from,
        name="series_change_from",
    ),
    # Calendar feeds: no login (calendar apps cannot log in); the private one needs its token.
    path("mine-bestillinger/kalender/", views_feeds.calendar_feeds, name="calendar_feeds"),
    path(
        "mine-bestillinger/kalender/<int:pk>/ny-adresse/",
        views_feeds.calendar_feed_reset,
        name="calendar_feed_reset",
    ),
    path("kalender/<str:token>.ics", views_feeds.organisation_feed, name="organisation_feed"),
    path("bestill/ressurs/<int:pk>/kalender.ics", views_feeds.resource_feed, name="resource_feed"),
    path("bestill/<slug:slug>/kalender.ics", views_feeds.centre_feed, name="centre_feed"),
    # For centre staff.
    path("ansatt/bestillinger/", views_staff.staff_queue, name="staff_queue"),
    path("ansatt/bestillinger/ny/", views_staff.staff_book, name="staff_book"),
    path("ansatt/bestillinger/sperr/", views_staff.staff_block, name="staff_block"),
    path("ansatt/stengt/", views_closures.closures, name="closures"),
    path("ansatt/stengt/<int:pk>/fjern/", views_closures.closure_remove, name="closure_remove"),
    path("ansatt/bestillinger/<int:pk>/flytt/", views_staff.staff_move, name="staff_move"),
    path("ansatt/bestillinger/<int:pk>/avbestill/", views_staff.staff_cancel, name="staff_cancel"),
    path("ansatt/bestillinger/<int:pk>/godkjenn/", views_staff.booking_approve, name="approve"),
    path("ansatt/bestillinger/<int:pk>/avsla/", views_staff.booking_decline, name="decline"),
    # After booking: equipment hand-over, desks, premises (see views_loans).
    path("ansatt/utlan/", views_loans.loans_overview, name="loans"),
    path("ansatt/utlan/<int:pk>/utlevert/", views_loans.loan_check_out, name="loan_check_out"),
    path("ansatt/utlan/<int:pk>/levert-tilbake/", views_loans.loan_check_in, name="loan_check_in"),
    path("ansatt/utlan/<int:pk>/gjennomgang/", views_loans.desk_review, name="desk_review"),
    path("ansatt/utlan/<int:pk>/utskrifter/", views_loans.desk_prints, name="desk_prints"),
    path("ansatt/utlan/<int:pk>/nokkel/", views_loans.handover_note, name="handover_note"),
    path("ansatt/utlan/<int:pk>/fulgt-opp/", views_loans.incident_handled, name="incident_handled"),
    path("mine-bestillinger/<int:pk>/sjekkliste/", views_loans.closing_checklist, name="checklist"),
]
