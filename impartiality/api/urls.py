"""Impartiality API v1 routes (included under /api/v1/, namespace "api-v1")."""

from django.urls import path  # noqa: F401
from rest_framework.routers import SimpleRouter

router = SimpleRouter(trailing_slash=True)
# --- declarations, reviews and conflicts (H2) ---

# --- risk registers and committee (H3) ---

urlpatterns = [
    # --- declarations, reviews and conflicts (H2) ---
    # --- risk registers and committee (H3) ---
    *router.urls,
]
