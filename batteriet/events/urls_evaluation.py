"""URLs of the evaluation pages (included by urls.py in the `events` namespace)."""

urlpatterns: list = []
