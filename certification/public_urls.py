"""The public verification pages, no login (namespace "verify") (H8)."""

from django.urls import path  # noqa: F401

app_name = "verify"

urlpatterns: list = []
