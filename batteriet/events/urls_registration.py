"""URLs of the registration pages (included by urls.py in the `events` namespace)."""

urlpatterns: list = []
