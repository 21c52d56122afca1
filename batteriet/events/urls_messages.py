"""URLs of the messages pages (included by urls.py in the `events` namespace)."""

from django.urls import path

from batteriet.events import views_messages

urlpatterns = [
    path("ansatt/arrangementer/<int:pk>/melding/", views_messages.staff_message, name="staff_message"),
    path("ansatt/arrangementer/<int:pk>/meldinger/", views_messages.staff_messages, name="staff_messages"),
]
