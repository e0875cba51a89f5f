"""The public verification pages, no login (namespace "verify")."""

from django.urls import path

from .views import public

app_name = "verify"

urlpatterns: list = [
    path("", public.verify_home_view, name="home"),
    path("t/<str:token>/", public.verify_token_view, name="token"),
]
