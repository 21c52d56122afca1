"""URLs of the guidance ask pages (included by urls.py in the `guidance` namespace)."""

urlpatterns = []
