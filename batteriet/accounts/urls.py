from django.urls import path

from batteriet.accounts import views

app_name = "accounts"
urlpatterns = [
    path("min-side/", views.my_page, name="my_page"),
    path("min-side/profil/", views.profile_edit, name="profile_edit"),
]
