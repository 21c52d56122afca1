"""URLs of the staff pages (included by urls.py in the `events` namespace)."""

urlpatterns: list = []
