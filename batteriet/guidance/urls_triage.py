"""URLs of the guidance triage pages (included by urls.py in the `guidance` namespace)."""

urlpatterns = []
