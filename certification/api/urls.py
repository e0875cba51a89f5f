"""The certification capability's API v1 routes (included under /api/v1/, namespace "api-v1")."""

from django.urls import path  # noqa: F401
from rest_framework.routers import SimpleRouter

router = SimpleRouter(trailing_slash=True)
# --- reviews and decisions (H6) ---
# --- certificates, statements, programme and proposals (H7) ---
# --- public verification, CertSearch (H8) ---

urlpatterns = [
    *router.urls,
]
