"""Engagements API v1 routes (included under /api/v1/, namespace "api-v1")."""

from django.urls import path  # noqa: F401
from rest_framework.routers import SimpleRouter

router = SimpleRouter(trailing_slash=True)
# --- engagements, teams and gates (H9) ---

# --- findings and corrective actions (H10) ---

urlpatterns = [
    # --- engagements, teams and gates (H9) ---
    # --- findings and corrective actions (H10) ---
    *router.urls,
]
