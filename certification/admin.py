"""The registry's back office for certification: read-only across bodies."""

from __future__ import annotations

from django.contrib import admin  # noqa: F401

# --- reviews and decisions (H6) ---
# --- certificates, statements, programme and proposals (H7) ---
# --- numbering, public verification, CertSearch (H8) ---
