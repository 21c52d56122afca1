"""URLs of the guidance availability pages (included by urls.py in the `guidance` namespace)."""

from django.urls import path

from batteriet.guidance import views_availability

urlpatterns = [
    path(
        "ansatt/veiledning/senter/<slug:centre>/tilgjengelighet/",
        views_availability.availability,
        name="availability",
    ),
    path(
        "ansatt/veiledning/tilgjengelighet/<int:pk>/slett/",
        views_availability.slot_delete,
        name="slot_delete",
    ),
    path("ansatt/veiledning/senter/<slug:centre>/fravaer/", views_availability.absences, name="absences"),
    path(
        "ansatt/veiledning/fravaer/<int:pk>/slett/", views_availability.absence_delete, name="absence_delete"
    ),
    path("ansatt/veiledning/senter/<slug:centre>/drop-in/", views_availability.dropin, name="dropin"),
    path("ansatt/veiledning/tall/", views_availability.figures, name="figures"),
]
