"""URLs of the guidance evaluation pages (included by urls.py in the `guidance` namespace)."""

from django.urls import path

from batteriet.guidance import views_evaluation

urlpatterns = [
    # The thanks page comes first: a token is never "takk".
    path("veiledning/evaluering/takk/", views_evaluation.evaluation_done, name="evaluation_done"),
    path("veiledning/evaluering/<str:token>/", views_evaluation.evaluation, name="evaluation"),
    path("ansatt/veiledning/evalueringer/", views_evaluation.evaluation_results, name="evaluation_results"),
]
