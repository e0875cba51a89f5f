"""The audits capability's deadlines declarations (see docs/DEVELOPING.md)."""

from __future__ import annotations

# --- engagements, teams and gates (H9) ---

# --- findings and corrective actions (H10) ---
