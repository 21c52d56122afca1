"""URLs of the registration pages (included by urls.py in the `events` namespace)."""

from django.urls import path

from batteriet.events import views_registration as views

urlpatterns = [
    path("arrangementer/<int:pk>/meld-pa/", views.register, name="register"),
    path("mine-arrangementer/", views.mine, name="mine"),
    path("mine-arrangementer/<int:pk>/", views.registration_detail, name="registration"),
    path("mine-arrangementer/<int:pk>/svar/", views.answers, name="answers"),
    path("mine-arrangementer/<int:pk>/meld-av/", views.registration_cancel, name="registration_cancel"),
    path("mine-arrangementer/<int:pk>/ta-imot/", views.offer_accept, name="offer_accept"),
    path("mine-arrangementer/<int:pk>/nei-takk/", views.offer_decline, name="offer_decline"),
    path("mine-arrangementer/<int:pk>/okter/<int:session_pk>/velg/", views.seat_choose, name="seat_choose"),
    path("mine-arrangementer/<int:pk>/okter/<int:session_pk>/forlat/", views.seat_leave, name="seat_leave"),
]
