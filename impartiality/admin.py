"""The registry's back office for impartiality: every body's declarations (read-only), every body's register
and committee (read-only), and the registry's own register (kept by staff)."""

from django.contrib import admin  # noqa: F401

# --- declarations, reviews and conflicts (H2) ---

# --- risk registers and committee (H3) ---
