from django.urls import path

from batteriet.centres import views

app_name = "centres"
urlpatterns = [
    path("sentre/", views.centre_list, name="list"),
    path("sentre/<slug:slug>/", views.centre_detail, name="detail"),
    path("ansatt/", views.staff_home, name="staff_home"),
    path("ansatt/sentre/<slug:slug>/brukeravtale/", views.agreement_text_edit, name="agreement_text_edit"),
]
