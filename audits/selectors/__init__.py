"""Engagement reads, shaped for constant query counts. Other capabilities import from here."""

# --- engagements, teams and gates (H9) ---

# --- findings and corrective actions (H10) ---
