"""The audits capability's audit_actions declarations (see docs/DEVELOPING.md)."""

from __future__ import annotations

# --- engagements, teams and gates (H9) ---

# --- findings and corrective actions (H10) ---
