"""URLs of the iCal feeds of the events calendar (included by urls.py in the `events` namespace)."""

from django.urls import path

from batteriet.events import views_feeds

urlpatterns: list = [
    # No login: calendar apps cannot log in. Only what anyone may see.
    path("arrangementer/kalender.ics", views_feeds.feed_all, name="feed_all"),
    path("arrangementer/<slug:slug>/kalender.ics", views_feeds.feed_centre, name="feed_centre"),
]
