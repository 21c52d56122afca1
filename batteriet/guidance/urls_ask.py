"""URLs of the guidance ask pages (included by urls.py in the `guidance` namespace)."""

from django.urls import path

from batteriet.guidance import views_ask as views

urlpatterns = [
    path("veiledning/", views.start, name="start"),
    path("veiledning/<slug:centre>/be-om/", views.ask, name="ask"),
    path("min-veiledning/", views.mine, name="mine"),
    path("min-veiledning/<int:pk>/", views.request_detail, name="request"),
    path("min-veiledning/<int:pk>/ta-imot/", views.accept, name="accept"),
    path("min-veiledning/<int:pk>/nei-takk/", views.decline, name="decline"),
    path("min-veiledning/<int:pk>/avlys/", views.cancel, name="cancel"),
    path("min-veiledning/<int:pk>/flytt/", views.move, name="move"),
]
