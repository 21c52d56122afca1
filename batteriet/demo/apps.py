from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for local runs (`manage.py seed_demo`). Kept out of core, which imports no domain app."""

    name = "batteriet.demo"
    label = "demo"
