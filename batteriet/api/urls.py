from django.urls import path

from batteriet.api import views

app_name = "api_tokens"
urlpatterns = [
    path("min-side/api-nokler/", views.token_list, name="list"),
    path("min-side/api-nokler/<int:pk>/trekk-tilbake/", views.token_revoke, name="revoke"),
]
