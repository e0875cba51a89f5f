"""Impartiality reads, shaped for constant query counts. Other capabilities import from here."""

# --- declarations, reviews and conflicts (H2) ---

# --- risk registers and committee (H3) ---
