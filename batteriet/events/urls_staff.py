"""URLs of the staff pages (included by urls.py in the `events` namespace)."""

from django.urls import path

from batteriet.events import views_staff

urlpatterns: list = [
    path(
        "ansatt/arrangementer/<int:pk>/pameldte/",
        views_staff.staff_registrations,
        name="staff_registrations",
    ),
    path("ansatt/arrangementer/pameldinger/<int:pk>/avlys/", views_staff.staff_cancel, name="staff_cancel"),
    path("ansatt/arrangementer/<int:pk>/steng-pamelding/", views_staff.staff_close, name="staff_close"),
    path("ansatt/arrangementer/<int:pk>/apne-pamelding/", views_staff.staff_reopen, name="staff_reopen"),
    path("ansatt/arrangementer/<int:pk>/plasser/", views_staff.staff_capacity, name="staff_capacity"),
    path("ansatt/arrangementer/<int:pk>/meld-pa/", views_staff.staff_register, name="staff_register"),
    path(
        "ansatt/arrangementer/<int:pk>/oppmote/<int:session_pk>/",
        views_staff.attendance,
        name="attendance",
    ),
    path(
        "ansatt/arrangementer/<int:pk>/oppmote/<int:session_pk>/skriv-ut/",
        views_staff.attendance_print,
        name="attendance_print",
    ),
    path(
        "ansatt/arrangementer/<int:pk>/kursbevis/", views_staff.staff_certificates, name="staff_certificates"
    ),
    path(
        "mine-arrangementer/<int:registration_pk>/kursbevis.pdf",
        views_staff.certificate_pdf,
        name="certificate",
    ),
]
