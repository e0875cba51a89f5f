"""The registry's back office for engagements: every body's engagements, teams and findings (read-only), and the
registry's rotation exemptions (recorded by staff)."""

from django.contrib import admin  # noqa: F401

# --- engagements, teams and gates (H9) ---

# --- findings and corrective actions (H10) ---
