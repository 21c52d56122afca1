"""URLs of the guidance availability pages (included by urls.py in the `guidance` namespace)."""

urlpatterns = []
