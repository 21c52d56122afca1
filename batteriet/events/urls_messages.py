"""URLs of the messages pages (included by urls.py in the `events` namespace)."""

urlpatterns: list = []
