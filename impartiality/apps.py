from django.apps import AppConfig


class ImpartialityConfig(AppConfig):
    name = "impartiality"
