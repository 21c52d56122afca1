"""URLs of the guidance triage pages (included by urls.py in the `guidance` namespace)."""

from django.urls import path

from batteriet.guidance import views_triage

urlpatterns = [
    path("ansatt/veiledning/", views_triage.staff_home, name="staff_home"),
    path("ansatt/veiledning/senter/<slug:centre>/", views_triage.queue, name="queue"),
    path("ansatt/veiledning/foresporsler/<int:pk>/", views_triage.triage, name="triage"),
    path("ansatt/veiledning/foresporsler/<int:pk>/foresla-tid/", views_triage.propose, name="propose"),
    path("ansatt/veiledning/foresporsler/<int:pk>/overlat/", views_triage.hand_over, name="hand_over"),
    path("ansatt/veiledning/foresporsler/<int:pk>/henvis/", views_triage.refer, name="refer"),
    path("ansatt/veiledning/foresporsler/<int:pk>/avlys/", views_triage.staff_cancel, name="staff_cancel"),
    path("ansatt/veiledning/foresporsler/<int:pk>/flytt/", views_triage.staff_move, name="staff_move"),
]
