"""Impartiality services: every write and every rule (declarations, reviews, the conflict service, overrides,
the risk registers, the committee). Other capabilities import from here (`impartiality.services`)."""

# --- declarations, reviews and conflicts (H2) ---

# --- risk registers and committee (H3) ---
