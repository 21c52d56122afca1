"""URLs of the manage pages (included by urls.py in the `events` namespace)."""

from django.urls import path

from batteriet.events import views_manage as views

urlpatterns = [
    path("ansatt/arrangementer/", views.staff_list, name="staff_list"),
    path("ansatt/arrangementer/ny/", views.staff_create, name="staff_create"),
    path("ansatt/arrangementer/<int:pk>/endre/", views.staff_edit, name="staff_edit"),
    path("ansatt/arrangementer/<int:pk>/program/", views.staff_sessions, name="staff_sessions"),
    path(
        "ansatt/arrangementer/<int:pk>/program/<int:session_pk>/",
        views.staff_session_edit,
        name="staff_session_edit",
    ),
    path(
        "ansatt/arrangementer/<int:pk>/program/<int:session_pk>/slett/",
        views.staff_session_delete,
        name="staff_session_delete",
    ),
    path("ansatt/arrangementer/<int:pk>/sporsmal/", views.staff_questions, name="staff_questions"),
    path(
        "ansatt/arrangementer/<int:pk>/sporsmal/<int:question_pk>/slett/",
        views.staff_question_delete,
        name="staff_question_delete",
    ),
    path("ansatt/arrangementer/<int:pk>/samarbeid/", views.staff_partners, name="staff_partners"),
    path(
        "ansatt/arrangementer/<int:pk>/samarbeid/<int:partner_pk>/slett/",
        views.staff_partner_delete,
        name="staff_partner_delete",
    ),
]
