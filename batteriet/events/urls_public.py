"""URLs of the public pages (included by urls.py in the `events` namespace)."""

urlpatterns: list = []
