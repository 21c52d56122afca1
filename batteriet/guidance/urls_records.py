"""URLs of the guidance records pages (included by urls.py in the `guidance` namespace)."""

urlpatterns = []
