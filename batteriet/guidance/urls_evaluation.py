"""URLs of the guidance evaluation pages (included by urls.py in the `guidance` namespace)."""

urlpatterns = []
