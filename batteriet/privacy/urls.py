from django.urls import path

from batteriet.privacy import views

app_name = "privacy"
urlpatterns = [
    path("personvern/", views.notice, name="notice"),
]
