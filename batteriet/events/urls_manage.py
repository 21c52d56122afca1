"""URLs of the manage pages (included by urls.py in the `events` namespace)."""

urlpatterns: list = []
