from django.apps import AppConfig


class NeutralityConfig(AppConfig):
    name = "neutrality"
