"""Engagement services: every write and every rule (the life cycle and its gates, teams, findings and responses).
Other capabilities import from here (`audits.services`)."""

# --- engagements, teams and gates (H9) ---

# --- findings and corrective actions (H10) ---
