"""URLs of the iCal feeds of the events calendar (included by urls.py in the `events` namespace)."""

urlpatterns: list = []
