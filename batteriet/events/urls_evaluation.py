"""URLs of the evaluation pages (included by urls.py in the `events` namespace)."""

from django.urls import path

from batteriet.events import views_evaluation

urlpatterns = [
    # The thanks page comes first: a token is never "takk".
    path("evaluering/takk/", views_evaluation.evaluate_done, name="evaluate_done"),
    path("evaluering/<str:token>/", views_evaluation.evaluate, name="evaluate"),
    path(
        "ansatt/arrangementer/<int:pk>/evaluering/",
        views_evaluation.staff_evaluation,
        name="staff_evaluation",
    ),
    path("ansatt/evaluering/", views_evaluation.staff_evaluation_summary, name="staff_evaluation_summary"),
]
