"""URLs of the guidance records pages (included by urls.py in the `guidance` namespace)."""

from django.urls import path

from batteriet.guidance import views_records as views

urlpatterns = [
    path("ansatt/veiledning/avtaler/<int:pk>/samtale/", views.record, name="record"),
    path("ansatt/veiledning/senter/<slug:centre>/ny-samtale/", views.record_new, name="record_new"),
    path("ansatt/veiledning/oppfolging/", views.follow_ups, name="follow_ups"),
    path("ansatt/veiledning/oppfolging/<int:pk>/ferdig/", views.follow_up_done, name="follow_up_done"),
    path("veiledning/organisasjoner/<int:pk>/", views.journey, name="journey"),
    path("veiledning/organisasjoner/<int:pk>/steg/", views.journey_step, name="journey_step"),
    path("ansatt/veiledning/organisasjoner/<int:pk>/notater/", views.notes, name="notes"),
    path("ansatt/veiledning/senter/<slug:centre>/notatlesinger/", views.note_reads, name="note_reads"),
]
