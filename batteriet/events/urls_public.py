"""URLs of the public pages (included by urls.py in the `events` namespace)."""

from django.urls import path

from batteriet.events import views_public

urlpatterns: list = [
    path("arrangementer/", views_public.calendar, name="calendar"),
    path("arrangementer/maned/<int:year>/<int:month>/", views_public.month, name="month"),
    path("arrangementer/<int:pk>/", views_public.detail, name="detail"),
]
