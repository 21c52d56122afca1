from django.urls import path

from batteriet.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("hvem-er-vi-for/", views.who_we_serve, name="who_we_serve"),
]
