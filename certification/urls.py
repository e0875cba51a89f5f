"""The certification capability's portal pages (namespace "certification")."""

from django.urls import path  # noqa: F401

app_name = "certification"

urlpatterns: list = [
    # --- reviews and decisions (H6) ---
    # --- certificates, statements, programme and proposals (H7) ---
    # --- numbering, CertSearch (H8) ---
]
